"""The partial plotly.js bundle of plotly_view: it is the plotly package's plotly.js version,
and it registers every trace type the app's figures use (a missing one would not draw).

The list lives in lab_components/plotly_view/bundle/traces.json, which build.mjs reads; these
tests check it against the figures the surfaces/ functions build and against every trace type
named in the app's code, and the committed bundle against the list. No node is needed."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import numpy as np
import plotly
import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

from surfaces import figures as F
from surfaces import figures_beyond as FB
from surfaces.anatomy import anatomy_at, gradient_maps, naive_cross_entropy
from surfaces.descent import descend_many
from surfaces.escape import escape_map
from surfaces.grid import error_surfaces
from surfaces.logistic import LOSSES as LOGISTIC_LOSSES
from surfaces.logistic import descend_1d, loss_and_grad
from surfaces.mnist import figures as MF
from surfaces.mnist import margins
from surfaces.rates import quadratic_descent, quadratic_loss, rate_sweep
from surfaces.settings import LabSettings
from surfaces.simplex import path_on_simplex, square_on_simplex

ROOT = Path(__file__).resolve().parents[2]
VIEW = ROOT / "lab_components" / "plotly_view"
BUNDLE = VIEW / "frontend" / "plotly.min.js"
LISTED = json.loads((VIEW / "bundle" / "traces.json").read_text(encoding="utf-8"))
# Code that builds figures for plotly_view (the bundle's build directory left out).
APP_CODE = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
            *sorted((ROOT / "surfaces").rglob("*.py")),
            *sorted(p for p in (ROOT / "lab_components").rglob("*.py") if "bundle" not in p.parts)]
# Every trace class of plotly.graph_objects, by name, and its type.
TRACE_CLASSES = {name: cls().type for name in go.__all__
                 if isinstance(cls := getattr(go, name), type) and issubclass(cls, BaseTraceType)}
TRACE_TYPES = set(TRACE_CLASSES.values())
FIGURE_MODULES = (F, FB, MF)


def header_version(text: str) -> str:
    """The version in a plotly.js dist file's header comment ('* plotly.js v4.1.1')."""
    found = re.search(r"\* plotly\.js v(\S+)", text[:300])
    assert found, f"no plotly.js version header in {text[:300]!r}"
    return found.group(1)


def trace_types(figure: go.Figure | dict | list) -> set[str]:
    """The trace types in a figure, a figure dict or a list of traces (go or dict)."""
    if isinstance(figure, go.Figure):
        return {t.type for t in figure.data}
    traces = figure.get("data", []) if isinstance(figure, dict) else figure
    return {t.type if isinstance(t, BaseTraceType) else t.get("type", "scatter") for t in traces}


def test_the_list_is_sorted_and_holds_only_plotly_trace_types():
    assert LISTED == sorted(set(LISTED))
    assert set(LISTED) <= TRACE_TYPES


def test_the_bundle_is_the_plotly_packages_plotly_js_version():
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    with shipped.open(encoding="utf-8") as f:
        want = header_version(f.read(300))
    assert header_version(BUNDLE.read_text(encoding="utf-8")) == want
    from lab_components.plotly_view import bundle_version  # imports Streamlit

    assert bundle_version() == want


def test_the_committed_bundle_registers_exactly_the_listed_traces():
    # Each trace module of plotly.js carries `moduleType: "trace", name: "<type>"`; the
    # minified bundle keeps these strings.
    text = BUNDLE.read_text(encoding="utf-8")
    registered = set(re.findall(r'moduleType:"trace",name:"(\w+)"', text))
    assert registered == set(LISTED), "rebuild: cd lab_components/plotly_view/bundle && " \
                                      "npm ci && npm run build"
    assert f"Partial bundle for plotly_view (lab_components/plotly_view/bundle): " \
           f"{', '.join(LISTED)}" in text[:600]


def named_trace_types(path: Path) -> set[str]:
    """Trace types a file names: go.<Trace>(...) calls and {"type": "<trace>"} literals."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in TRACE_CLASSES):
            found.add(TRACE_CLASSES[node.func.attr])
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if (isinstance(k, ast.Constant) and k.value == "type"
                        and isinstance(v, ast.Constant) and v.value in TRACE_TYPES):
                    found.add(v.value)
    return found



def test_every_trace_type_the_apps_code_names_is_bundled():
    named = {}
    for path in APP_CODE:
        for kind in named_trace_types(path):
            named.setdefault(kind, path.relative_to(ROOT).as_posix())
    missing = {k: where for k, where in named.items() if k not in LISTED}
    assert not missing, f"add to bundle/traces.json and rebuild: {missing}"
    # The scan sees at least the types the figure functions below draw.
    assert {"surface", "scatter3d", "contour", "heatmap", "image", "bar",
            "scatterternary", "scatter"} <= set(named)


def figure_builders() -> dict:
    """Each public figure function of surfaces/ called once with small inputs."""
    surf = error_surfaces(lo=-10, hi=10, n=11, y3=-1000, target=0)
    s = LabSettings()
    trajs = descend_many(["mse", "cross_entropy"], (s.y1, s.y2), optimizer=s.opt,
                         lr=s.lr, steps=20, y3=s.y3, target=s.target_index)
    paths = {k: F.ClippedPath(t, s.span, s.y3, s.target_index) for k, t in trajs.items()}
    maps = {loss: escape_map(loss, optimizer="sgd", lr=0.3, steps=10, threshold=0.01, lo=-5,
                             hi=5, n=11, y3=-1000, target=0) for loss in ("mse", "cross_entropy")}
    grads = gradient_maps(lo=-5, hi=5, n=11, y3=-1000, target=0, fraction=0.5)
    naive = naive_cross_entropy(lo=-5, hi=5, n=11, y3=-1000, target=0)
    cloud = square_on_simplex(lo=-5, hi=5, n=11, y3=-1000, target=0)
    simplex = {k: path_on_simplex(t.points, -1000) for k, t in trajs.items()}
    ws = np.linspace(-5, 5, 21)
    curves = {n: loss_and_grad(n, ws) for n in LOGISTIC_LOSSES}
    logistic = {}
    for n in LOGISTIC_LOSSES:
        r = descend_1d(n, 1.0, lr=0.3, steps=10)
        logistic[n] = (r.weights, r.losses, r.grads)
    sweep = {n: [(0.3, r.losses, label) for r, label in runs]
             for n, runs in rate_sweep([0.3], w0=1.0, steps=10).items()}
    ada = quadratic_descent((1.0, 4.0), (-2.0, 3.0), optimizer="adagrad", lr=0.3, steps=10)
    grid = np.linspace(-3, 4, 11)
    loss = quadratic_loss(np.stack(np.meshgrid(grid, grid), axis=-1), (1.0, 4.0))
    both = ("cross_entropy", "mse")
    steps = np.linspace(1, 100, 5)
    mnist_curves = {k: {"step": steps, "accuracy": steps / 100, "loss": 1 / steps,
                        "grad_norm": 1 / steps, "test_step": steps, "test_acc": steps / 100,
                        "test_loss": 1 / steps, "flat_share": 0 * steps} for k in both}
    labels = np.arange(20) % 10
    return {
        F.surfaces_3d: lambda: F.surfaces_3d(surf),
        F.surface_maps: lambda: F.surface_maps(surf),
        F.path_traces_3d: lambda: F.path_traces_3d(paths),
        F.path_traces_map: lambda: F.path_traces_map(paths),
        F.curves: lambda: F.curves(trajs, threshold=0.01),
        FB.escape_maps: lambda: FB.escape_maps(maps, np.linspace(-5, 5, 11), steps=10,
                                               start=(0.0, 0.0)),
        FB.gradient_maps_figure: lambda: FB.gradient_maps_figure(grads, point=(1.0, 2.0)),
        FB.point_markers: lambda: FB.point_markers((1.0, 2.0)),
        FB.anatomy_factors: lambda: FB.anatomy_factors(anatomy_at(1.0, 2.0, -1000, 0)),
        FB.naive_map: lambda: FB.naive_map(naive, surf.z["cross_entropy"], naive_on=True),
        FB.simplex_figure: lambda: FB.simplex_figure(cloud.probs, cloud.loss, simplex),
        FB.simplex_path_traces: lambda: FB.simplex_path_traces(simplex),
        FB.simplex_base: lambda: FB.simplex_base(cloud.probs, cloud.loss),
        FB.logistic_view: lambda: FB.logistic_view(ws, curves, logistic),
        FB.logistic_descents: lambda: FB.logistic_descents(logistic, (-5.0, 5.0)),
        FB.logistic_base: lambda: FB.logistic_base(ws, curves),
        FB.rate_curves: lambda: FB.rate_curves(sweep),
        FB.rate_traces: lambda: FB.rate_traces(sweep),
        FB.rate_axes: lambda: FB.rate_axes(list(sweep)),
        FB.adagrad_rates: lambda: FB.adagrad_rates(ada.rates, lr=0.3),
        FB.scaling_paths: lambda: FB.scaling_paths(grid, [("a", loss, ada.points)]),
        MF.training_curves: lambda: MF.training_curves(curves=mnist_curves, total_steps=100),
        MF.margin_histograms: lambda: MF.margin_histograms(
            counts={k: np.ones(len(margins.MARGIN_BINS) - 1) for k in both},
            edges=margins.MARGIN_BINS),
        MF.digit_grid: lambda: MF.digit_grid(
            images=np.random.default_rng(0).random((20, 784)).astype(np.float32),
            labels=labels, predictions={k: labels for k in both}),
        MF.confusion_matrices: lambda: MF.confusion_matrices(
            confusion={k: np.eye(10, dtype=np.int64) for k in both}),
        MF.per_class_accuracy: lambda: MF.per_class_accuracy(
            accuracy={k: np.linspace(0.5, 1, 10) for k in both}),
    }


def test_every_figure_function_draws_only_bundled_trace_types():
    builders = figure_builders()
    # A new figure function must be added above: its trace types are what matters here.
    public = {fn for m in FIGURE_MODULES for name, fn in vars(m).items()
              if inspect.isfunction(fn) and fn.__module__ == m.__name__
              and not name.startswith("_") and inspect.signature(fn).return_annotation
              in ("go.Figure", "list", go.Figure, list)}
    assert public - set(builders) == set()
    drawn = set()
    for build in builders.values():
        drawn |= trace_types(build())
    assert drawn - set(LISTED) == set()
    assert drawn == set(LISTED), f"listed but never drawn: {set(LISTED) - drawn}"


def test_the_scan_sees_trace_types_that_are_not_bundled(tmp_path):
    code = tmp_path / "page.py"
    code.write_text('import plotly.graph_objects as go\nfig = go.Figure(go.Violin())\n'
                    'extra = [{"type": "pie"}, {"type": "scene"}]\n', encoding="utf-8")
    assert named_trace_types(code) == {"violin", "pie"}


def test_the_shader_warm_up_table_was_recorded_from_this_bundle():
    """frontend/warm_shaders.js (bundle/warm_shaders.py) names the bundle's plotly.js
    version, and each program's shaders are a vertex and a fragment shader of the table;
    which programs Plotly links is checked in the browser (test_warm_shaders_browser.py)."""
    text = (VIEW / "frontend" / "warm_shaders.js").read_text(encoding="utf-8")
    found = re.search(r"^window\.PlotlyViewWarmShaders = (\{.*\});$", text, re.M)
    assert found, text[:300]
    table = json.loads(found.group(1))
    assert table["plotly"] == header_version(BUNDLE.read_text(encoding="utf-8")[:300])
    kinds = [kind for kind, _ in table["shaders"]]
    assert table["programs"] and all(
        kinds[v] == 0 and kinds[f] == 1 for v, f, _ in table["programs"])
    assert "WEBGL_draw_buffers" in table["extensions"]


def test_the_text_mesh_table_was_recorded_from_this_bundle():
    """frontend/text_meshes.js (bundle/text_meshes.py) names the bundle's plotly.js version;
    each text is of the probe's characters, each mesh's triangles index its own 2-D points. That
    they are Plotly's meshes is checked in the browser (test_text_meshes_browser.py)."""
    text = (VIEW / "frontend" / "text_meshes.js").read_text(encoding="utf-8")
    found = re.search(r"^window\.PlotlyViewTextMeshes = (\{.*\});$", text, re.M)
    assert found, text[:300]
    table = json.loads(found.group(1))
    assert table["plotly"] == header_version(BUNDLE.read_text(encoding="utf-8")[:300])
    assert table["key"] == "normal_normal_normal_" + table["family"]
    assert table["meshes"] and "window.PlotlyViewTextMeshes.fingerprint = function" in text
    for t, mesh in table["meshes"].items():
        assert set(t) - {" "} <= set(table["probe"]), t
        points = len(mesh["positions"])
        assert all(len(p) == 2 for p in mesh["positions"]), t
        assert mesh["cells"] and all(len(c) == 3 for c in mesh["cells"]), t
        indices = [i for c in mesh["cells"] for i in c]
        assert 0 <= min(indices) <= max(indices) < points, t
