"""Import, once per server process, every module a page may need.

Why: Streamlit runs each session's script in its own thread, and a rerun that a new widget
value triggers can start while the previous run of the same session is still finishing
(fast reruns). A module imported for the first time inside one run is in `sys.modules`
half-initialised until that import returns; code in an overlapping run that looks it up
without importing it (plotly's `get_module("pandas", should_load=False)`, which is
`sys.modules.get`) then finds the half-built module: `AttributeError: partially initialized
module 'pandas' has no attribute 'NaT'`, the first visitor's traceback.

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
    "streamlit.components.v1",
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
    "lab_components.plotly_view",
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


def _touch_lazy_attributes() -> None:
    """Plotly resolves `go.Figure`, `go.Surface`, ... lazily (module __getattr__): do it now."""
    import plotly.graph_objects as go

    for name in ("Figure", "Surface", "Scatter3d", "Scatter", "Contour", "Heatmap",
                 "Scatterternary", "Bar", "Image"):
        getattr(go, name, None)
    go.Figure().to_plotly_json()


FAILED = preload()
_touch_lazy_attributes()
