"""Import, once per server process, every module a page may need.

Why: with `runner.fastReruns` (Streamlit's default), a new widget value does not wait for
the running script: `AppSession.request_rerun` tells the current ScriptRunner to stop, which
happens only at its next `st.*` call, and at once starts a new ScriptRunner thread. For a
moment two runs of the same session execute page code side by side. A module imported for
the first time inside the old run (pandas, first imported by the component call when the
camera travels back as an argument) is in `sys.modules` half-initialised until its import
returns; the new run's plotly code looks it up without importing it (`get_module("pandas",
should_load=False)`, i.e. `sys.modules.get`) and gets the half-built module:
`AttributeError: partially initialized module 'pandas' has no attribute 'NaT'`, the first
visitor's traceback. The same holds for every module imported lazily on first use: torch's
optimisers import torch._dynamo (and sympy) on their first step, plotly its graph_objs
submodules, Streamlit its component and icon modules.

An `import` statement, unlike `sys.modules.get`, waits for a module that another thread is
still initialising. So the router (`app.py`, through `lab_components.navigation`) imports this
module before any page code runs: the first run of the server pays for the imports, and
every other run, overlapping or not, waits at this one import until all are complete. The
production start (`deploy/serve.py`) imports it before the server accepts a connection.

`tests/app/test_preload.py` runs every page and widget after this import and fails if any
module is imported for the first time inside a page run.
"""

from __future__ import annotations

import importlib

# Third-party modules that pages reach lazily: Streamlit imports pandas and pyarrow inside
# element calls (dataframe_util, the component call's `is_dataframe_like`), plotly imports its
# JSON and validator modules on first use, torch its optimisers.
THIRD_PARTY = (
    "numpy",
    "pandas",
    "pyarrow",
    "plotly.graph_objects",
    "plotly.io",
    "plotly.io.json",
    "plotly.io._json",
    "plotly.subplots",
    "plotly.express",
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.optim",
    "PIL.Image",
    # the MNIST trainings' processes (surfaces.mnist.training_process): the page's first
    # call of jobs.get_manager() starts the fork server; a Train starts a process
    "multiprocessing.connection",
    "multiprocessing.forkserver",
    "multiprocessing.heap",
    "multiprocessing.popen_forkserver",
    "multiprocessing.sharedctypes",
    "streamlit.components.v1",
    "streamlit.components.v1.component_arrow",
    "streamlit.material_icon_names",
    "streamlit.emojis",
    "streamlit.dataframe_util",
    "streamlit.elements.plotly_chart",
)

# The project's own modules that pages import (page files are scripts, not modules).
OWN = (
    "surfaces.losses",
    "surfaces.grid",
    "surfaces.descent",
    "surfaces.settings",
    "surfaces.story",
    "surfaces.figures",
    "surfaces.palette",
    "surfaces.mnist.data",
    "surfaces.mnist.engine",
    "surfaces.mnist.models",
    "surfaces.mnist.figures",
    "surfaces.mnist.jobs",
    "surfaces.mnist.config",
    "surfaces.mnist.curves",
    "surfaces.mnist.evaluation",
    "surfaces.mnist.margins",
    "surfaces.mnist.story",
    "surfaces.mnist.code",
    "lab_components.plotly_view",
    "lab_components.lab_surfaces",
    "lab_components.lab_paths",
    "lab_components.lab_api",
    "lab_components.lang",
    "lab_components.settings_ui",
    "lab_components.widget_guard",
    "lab_components.page_parts",
    "surfaces.escape",
    "surfaces.anatomy",
    "surfaces.simplex",
    "surfaces.logistic",
    "surfaces.rates",
    "surfaces.beyond_settings",
    "surfaces.figures_beyond",
)

MODULES = THIRD_PARTY + OWN


def preload(modules: tuple[str, ...] = MODULES) -> list[str]:
    """Import `modules`; return those that could not be imported (a page says why later)."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - an optional module missing is the page's business
            failed.append(name)
    return failed


def warm_up() -> None:
    """Run once what the first page runs do, so that every module imported lazily on first
    use (torch.optim's torch._dynamo, sympy and mpmath; plotly's graph_objs submodules;
    Streamlit's component arrow code) is imported here, and the default lab's surfaces are
    computed before the first visitor asks."""
    import plotly.graph_objects as go
    from plotly.io.json import to_json_plotly

    from surfaces import figures as F
    from surfaces.descent import HYPER_DEFAULTS, OPTIMIZERS, descend_many
    from surfaces.grid import error_surfaces
    from surfaces.i18n import LANGUAGES

    surf = error_surfaces(lo=-3.0, hi=3.0, n=11, y3=-1000.0, target=0)
    for opt in OPTIMIZERS:  # each torch.optim class's first step imports its own modules
        trajs = descend_many(["mse", "cross_entropy"], (-2.0, 2.0), optimizer=opt, lr=1.0,
                             steps=3, y3=-1000.0, target=0, **HYPER_DEFAULTS[opt])
    # a run that leaves the square and diverges draws every kind of mark
    trajs = descend_many(["mse", "cross_entropy"], (-2.0, 2.0), optimizer="sgd", lr=30000.0,
                         steps=3, y3=-1000.0, target=0)
    paths = {loss: F.ClippedPath(t, 3.0, -1000.0, 0) for loss, t in trajs.items()}
    for lang in LANGUAGES:
        for projector in (False, True):
            figs = (F.surfaces_3d(surf, projector=projector, lang=lang),
                    F.surface_maps(surf, projector=projector, lang=lang),
                    F.curves(trajs, threshold=0.01, projector=projector, lang=lang))
            for fig in figs:
                fig.to_json()
            traces = F.path_traces_3d(paths, projector=projector, lang=lang) + \
                F.path_traces_map(paths, projector=projector, lang=lang)
            to_json_plotly([t.to_plotly_json() for t in traces])
    for name in ("Figure", "Surface", "Scatter3d", "Scatter", "Contour", "Heatmap",
                 "Scatterternary", "Bar", "Image"):
        getattr(go, name, None)


def _warm_first_view() -> None:
    """The lab's default surfaces, so that the first visitor does not wait for them."""
    try:
        from lab_components.lab_surfaces import warm
    except ImportError:
        return
    warm()
def warm_up_beyond() -> None:
    """The figures of the pages beyond the slide (heat maps, ternary plots, bars), each built
    once from tiny inputs: plotly imports each trace type's submodules on first use."""
    import numpy as np

    from surfaces import figures_beyond as FB
    from surfaces.anatomy import anatomy_at, gradient_maps, naive_cross_entropy
    from surfaces.escape import escape_map
    from surfaces.logistic import LOSSES, descend_1d, loss_and_grad
    from surfaces.rates import quadratic_descent, rate_sweep
    from surfaces.simplex import path_on_simplex, square_on_simplex

    axis = np.linspace(-3.0, 3.0, 5)
    maps = {loss: escape_map(loss, optimizer="sgd", lr=1.0, steps=3, threshold=0.01, lo=-3.0,
                             hi=3.0, n=5) for loss in ("mse", "cross_entropy")}
    grads = gradient_maps(lo=-3.0, hi=3.0, n=5)
    naive = naive_cross_entropy(lo=-3.0, hi=3.0, n=5, target=2)
    cloud = square_on_simplex(lo=-3.0, hi=3.0, n=5)
    path = path_on_simplex(np.zeros((2, 2)), -1000.0)
    runs = {n: descend_1d(n, -2.0, lr=0.3, steps=2) for n in LOSSES}
    sweep = rate_sweep([0.3], w0=-2.0, steps=3)
    quad = quadratic_descent((1.0, 2.0), (-2.0, 3.0), optimizer="adagrad", lr=0.5, steps=3)
    figs = [
        FB.escape_maps(maps, axis, steps=3, start=(0.0, 0.0)),
        FB.gradient_maps_figure(grads, point=(0.0, 0.0)),
        FB.anatomy_factors(anatomy_at(0.0, 1.0)),
        FB.naive_map(naive, naive.value, naive_on=True),
        FB.simplex_figure(cloud.probs, cloud.loss, {"mse": path, "cross_entropy": path}),
        FB.logistic_view(axis, {n: loss_and_grad(n, axis) for n in LOSSES},
                         {n: (r.weights, r.losses, r.grads) for n, r in runs.items()}),
        FB.rate_curves({n: [(0.3, r.losses, lab) for r, lab in v] for n, v in sweep.items()}),
        FB.adagrad_rates(quad.rates, lr=0.5),
        FB.scaling_paths(axis, [("a", np.ones((5, 5)), quad.points)]),
    ]
    for fig in figs:
        fig.to_json()


FAILED = preload()
warm_up()
_warm_first_view()
warm_up_beyond()
