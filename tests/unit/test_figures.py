"""The lab's figures carry the expected traces, the arrays they were given (also through the JSON
that goes to the browser, where plotly packs numpy arrays as base64 ``bdata``), one colour range
per loss, and nothing non-finite."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from surfaces import figures as F
from surfaces.descent import Trajectory, descend_many
from surfaces.grid import error_surfaces
from surfaces.settings import PRESETS, LabSettings


@pytest.fixture(autouse=True)
def validated(monkeypatch):
    """Every figure built here goes through plotly.py's validation, which the app skips on
    its hot path: a misspelt property fails these tests."""
    monkeypatch.setattr(F, "VALIDATE", True)


def test_skipping_validation_changes_nothing(default_trajs, monkeypatch):
    paths = {k: F.ClippedPath(t, 10.0, -1000.0, 0) for k, t in default_trajs.items()}

    def build():
        fig = F.curves(default_trajs, threshold=0.01)
        fig.add_traces(F.path_traces_map(paths))
        return json.loads(fig.to_json())  # the same figure, key order aside

    checked = build()
    monkeypatch.setattr(F, "VALIDATE", False)
    assert build() == checked

ORDER = ("mse", "cross_entropy")


def decode(value) -> np.ndarray:
    """A trace array as it is in the figure JSON: a plain list or a typed base64 block."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            arr = arr.reshape([int(n) for n in str(value["shape"]).split(",")])
        return arr
    return np.asarray(value)


def _no_constant(name):
    raise AssertionError(f"{name} in figure JSON")


def non_finite(fig: go.Figure) -> list[str]:
    """Where the figure JSON holds NaN, inf or a null among numbers (plotly's spelling of NaN)."""
    bad: list[str] = []

    def walk(node, where):
        if isinstance(node, dict) and "bdata" in node:
            arr = decode(node)
            if arr.dtype.kind == "f" and not np.isfinite(arr).all():
                bad.append(where)
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            if None in node and any(isinstance(v, int | float) for v in node):
                bad.append(where)
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")
        elif isinstance(node, float) and not np.isfinite(node):
            bad.append(where)

    walk(json.loads(fig.to_json(), parse_constant=_no_constant), "fig")
    return bad


def as_json(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


def runs(s: LabSettings, steps: int | None = None) -> dict[str, Trajectory]:
    return descend_many(ORDER, (s.y1, s.y2), optimizer=s.opt, lr=s.lr,
                        steps=steps or s.steps, y3=s.y3, target=s.target_index, **s.hyper())


def clipped_paths(s: LabSettings, trajs) -> dict[str, F.ClippedPath]:
    return {k: F.ClippedPath(t, s.span, s.y3, s.target_index) for k, t in trajs.items()}


@pytest.fixture(scope="module")
def surf():
    return error_surfaces(lo=-10, hi=10, n=21, y3=-1000, target=0)


@pytest.fixture(scope="module")
def default_trajs():
    return runs(LabSettings(), steps=60)


def test_the_non_finite_check_can_fail():
    nan_array = go.Figure(go.Scatter(x=np.arange(3.0), y=np.array([1.0, np.nan, 2.0])))
    nan_list = go.Figure(go.Scatter(x=[0, 1, 2], y=[1.0, float("inf"), 2.0]))
    clean = go.Figure(go.Scatter(x=np.arange(3.0), y=[1.0, 2.0, 3.0]))
    assert non_finite(nan_array) and non_finite(nan_list) and not non_finite(clean)


# ---- surfaces ------------------------------------------------------------------------------

def test_surfaces_3d_has_two_surfaces_with_the_grid_arrays(surf):
    fig = F.surfaces_3d(surf)
    assert [t.type for t in fig.data] == ["surface", "surface"]
    assert [t.scene for t in fig.data] == ["scene", "scene2"]
    assert [t.name for t in fig.data] == [F.LOSS_NAMES[k] for k in ORDER]
    data = as_json(fig)["data"]
    for trace, js, loss in zip(fig.data, data, ORDER, strict=True):
        for arrays in (trace, js):  # the go object, and what goes to the browser
            get = arrays.__getitem__
            np.testing.assert_array_equal(decode(get("x")), surf.y1s)
            np.testing.assert_array_equal(decode(get("y")), surf.y2s)
            np.testing.assert_array_equal(decode(get("z")), surf.z[loss])
    assert not non_finite(fig)


def test_surface_maps_have_two_contour_maps_with_the_grid_arrays(surf):
    fig = F.surface_maps(surf)
    assert [t.type for t in fig.data] == ["contour", "contour"]
    assert [(t.xaxis, t.yaxis) for t in fig.data] == [("x", "y"), ("x2", "y2")]
    for js, loss in zip(as_json(fig)["data"], ORDER, strict=True):
        np.testing.assert_array_equal(decode(js["x"]), surf.y1s)
        np.testing.assert_array_equal(decode(js["y"]), surf.y2s)
        np.testing.assert_array_equal(decode(js["z"]), surf.z[loss])
    assert not non_finite(fig)


def test_each_loss_has_one_colour_range_from_zero_in_3d_and_on_the_map(surf):
    surface, contour = F.surfaces_3d(surf).data, F.surface_maps(surf).data
    for s3, s2, loss in zip(surface, contour, ORDER, strict=True):
        top = float(surf.z[loss].max())
        assert (s3.cmin, s3.cmax) == (s2.zmin, s2.zmax) == (0.0, top)
    assert surface[0].cmax != surface[1].cmax  # two scales, not one
    # red is high and blue is low, in both figures
    for colorscale in (surface[0].colorscale, contour[0].colorscale):
        lo, hi = (tuple(map(int, re.findall(r"\d+", c))) for c in
                  (colorscale[0][1], colorscale[-1][1]))
        assert lo[2] > lo[0] and hi[0] > hi[2]


def test_surfaces_3d_layout_axes_camera_and_projector_mode(surf):
    fig = F.surfaces_3d(surf, eye=(1.0, 2.0, 0.5))
    for scene in (fig.layout.scene, fig.layout.scene2):
        assert scene.xaxis.title.text == "y1" and scene.yaxis.title.text == "y2"
        assert tuple(scene.xaxis.range) == (-10, 10) and tuple(scene.yaxis.range) == (-10, 10)
        assert (scene.camera.eye.x, scene.camera.eye.y, scene.camera.eye.z) == (1.0, 2.0, 0.5)
    assert fig.layout.uirevision == "lab"
    big = F.surfaces_3d(surf, projector=True)
    assert big.layout.font.size > fig.layout.font.size
    # the subplot titles grow with the type (plotly's own are 16 whatever the font)
    assert min(a.font.size for a in big.layout.annotations) > max(
        a.font.size for a in fig.layout.annotations)
    maps = (F.surface_maps(surf), F.surface_maps(surf, projector=True))
    assert maps[1].layout.annotations[0].font.size > maps[0].layout.annotations[0].font.size


def test_target_three_with_pinned_y3_draws_finite_surfaces():
    surf = error_surfaces(lo=-50, hi=50, n=15, y3=-1000, target=2)
    assert not non_finite(F.surfaces_3d(surf)) and not non_finite(F.surface_maps(surf))
    assert F.surfaces_3d(surf).data[1].cmax > 1000


# ---- paths ---------------------------------------------------------------------------------

def traces_of(traces, where: str) -> dict[str, object]:
    return {t.name: t for t in traces if (t.scene if t.type == "scatter3d" else t.xaxis) == where}


@pytest.mark.parametrize("dims", [2, 3])
def test_paths_for_both_losses_with_start_and_end_markers(default_trajs, dims):
    s = LabSettings()
    paths = clipped_paths(s, default_trajs)
    traces = (F.path_traces_3d if dims == 3 else F.path_traces_map)(paths)
    places = ("scene", "scene2") if dims == 3 else ("x", "x2")
    assert len(traces) == 6  # per loss: the path, its start, its end; nothing clipped
    for where, loss in zip(places, ORDER, strict=True):
        traj, mine = default_trajs[loss], traces_of(traces, where)
        assert set(mine) == {f"{F.LOSS_NAMES[loss]} path", "start", "end"}
        line = mine[f"{F.LOSS_NAMES[loss]} path"]
        np.testing.assert_array_equal(line.x, traj.points[:, 0])
        np.testing.assert_array_equal(line.y, traj.points[:, 1])
        assert list(mine["start"].x) == [traj.points[0, 0]]
        assert (mine["end"].x[0], mine["end"].y[0]) == tuple(traj.points[-1])
        assert mine["end"].marker.color == F.LOSS_COLORS[loss]
        assert mine["end"].marker.symbol == "diamond"
        # the line's hover: step = point index, y1, y2 = the drawn (unclipped) point
        np.testing.assert_allclose(np.asarray(line.customdata, dtype=float), traj.losses,
                                   rtol=1e-3)
        for marker, k in (("start", 0), ("end", traj.steps)):
            hover = hover_points(mine[marker])
            np.testing.assert_allclose(hover, [[k, *traj.points[k], traj.losses[k]]], rtol=1e-3)
        if dims == 3:  # drawn on the surface: the loss, lifted a hair above it
            lift = np.asarray(line.z) - traj.losses
            assert (lift > 0).all() and lift.max() <= 0.011 * traj.losses.max()
        else:
            assert mine["start"].yaxis == ("y" if where == "x" else "y2")
    combined = F.surfaces_3d(error_surfaces(n=11)) if dims == 3 else F.surface_maps(
        error_surfaces(n=11))
    combined.add_traces(traces)
    data = as_json(combined)["data"]
    js = next(t for t in data if t.get("name") == "Cross-entropy path")
    np.testing.assert_allclose(decode(js["x"]), default_trajs["cross_entropy"].points[:, 0])
    assert not non_finite(combined)


def hover_points(trace) -> np.ndarray:
    """(n, 4) step, y1, y2, loss that the hover of each drawn point tells."""
    for field in ("customdata[0]", "customdata[1]", "customdata[2]", "customdata[3]"):
        assert field in trace.hovertemplate
    return np.asarray(trace.customdata, dtype=float)


def make_traj(points, loss="cross_entropy", diverged_at=None) -> Trajectory:
    points = np.asarray(points, dtype=float)
    d = points[:, 0] - points[:, 1]
    losses = np.logaddexp(0.0, -d)  # cross-entropy with y3 pinned, target class 1
    return Trajectory(loss, "sgd", points, losses, np.ones(len(points)), diverged_at)


def test_clipped_path_holds_points_inside_the_plotted_square_and_marks_them():
    traj = make_traj([(0.0, 0.0), (12.0, -3.0), (-20.0, 30.0), (5.0, 5.0)])
    path = F.ClippedPath(traj, span=10.0, y3=-1000.0, target=0)
    np.testing.assert_array_equal(path.xy, [(0, 0), (10, -3), (-10, 10), (5, 5)])
    assert path.inside.tolist() == [True, False, False, True]
    assert path.left_at == 1
    clipped_loss = np.logaddexp(0.0, -(path.xy[:, 0] - path.xy[:, 1]))
    np.testing.assert_allclose(path.z, [traj.losses[0], clipped_loss[1], clipped_loss[2],
                                        traj.losses[3]], rtol=1e-9)
    for dims, make in ((3, F.path_traces_3d), (2, F.path_traces_map)):
        traces = make({"mse": F.ClippedPath(make_traj([(0, 0), (1, 1)], "mse"), 10.0, -1000, 0),
                       "cross_entropy": path})
        out = [t for t in traces if t.name == "outside the plotted range"]
        assert len(out) == 1  # only the cross-entropy path left the square
        np.testing.assert_array_equal(out[0].x, [10, -10])
        np.testing.assert_array_equal(out[0].y, [-3, 10])
        assert out[0].marker.symbol == ("circle-open" if dims == 3 else "circle-open-dot")
        # the hover tells the true points and losses, not the clipped ones
        np.testing.assert_allclose(hover_points(out[0]),
                                   [[1, 12, -3, traj.losses[1]], [2, -20, 30, traj.losses[2]]],
                                   rtol=1e-3)
        line = next(t for t in traces if t.name == "Cross-entropy path")
        assert np.abs(np.asarray(line.x)).max() <= 10 and np.abs(np.asarray(line.y)).max() <= 10


def test_path_line_hover_tells_step_point_and_true_loss():
    """The line sends only the loss as customdata: its hover reads the step from the point's
    index and y1, y2 from the drawn point (the clipped ones carry their true point)."""
    traj = make_traj([(0.0, 0.0), (1.0, -3.0), (2.0, -4.0)])
    path = F.ClippedPath(traj, span=10.0, y3=-1000.0, target=0)
    for make in (F.path_traces_3d, F.path_traces_map):
        traces = make({"mse": F.ClippedPath(make_traj([(0, 0), (1, 1)], "mse"), 10.0, -1000, 0),
                       "cross_entropy": path})
        line = next(t for t in traces if t.name == "Cross-entropy path")
        template = line.hovertemplate
        assert "%{pointNumber}" in template and "%{x:" in template and "%{y:" in template
        assert "%{customdata:" in template and "customdata[" not in template
        np.testing.assert_allclose(np.asarray(line.customdata, dtype=float), traj.losses)
        np.testing.assert_allclose(np.column_stack([line.x, line.y]), traj.points)


def test_path_inside_the_square_is_not_clipped():
    path = F.ClippedPath(make_traj([(1.0, 2.0), (10.0, -10.0)]), span=10.0, y3=-1000.0, target=0)
    assert path.inside.all() and path.left_at is None
    np.testing.assert_array_equal(path.xy, path.traj.points)


def test_diverged_run_ends_with_a_cross_and_draws_finite():
    s = LabSettings().with_(**PRESETS["too_large"].changes)
    trajs = runs(s)
    assert trajs["cross_entropy"].diverged_at is not None
    paths = clipped_paths(s, trajs)
    for traces in (F.path_traces_3d(paths), F.path_traces_map(paths)):
        ends = [t for t in traces if t.name == "end"]
        assert [t.marker.symbol for t in ends] == ["diamond", "x"]  # mse fine, ce diverged
    fig = F.surfaces_3d(error_surfaces(n=11))
    fig.add_traces(F.path_traces_3d(paths))
    assert not non_finite(fig)
    assert not non_finite(F.curves(trajs, threshold=s.thr))


# ---- curves ----------------------------------------------------------------------------------

def test_curves_carry_loss_and_gradient_norm_of_both_runs(default_trajs):
    fig = F.curves(default_trajs, threshold=0.01)
    assert len(fig.data) == 4
    data = as_json(fig)["data"]
    for loss in ORDER:
        traj = default_trajs[loss]
        mine = [(t, js) for t, js in zip(fig.data, data, strict=True)
                if t.name == F.LOSS_NAMES[loss]]
        assert [t.xaxis for t, _ in mine] == ["x", "x2"]
        assert [t.showlegend for t, _ in mine] == [True, False]  # one legend entry per loss
        assert {t.line.color for t, _ in mine} == {F.LOSS_COLORS[loss]}
        for (_, js), values in zip(mine, (traj.losses, traj.grad_norms), strict=True):
            # point k is step k: x0 = 0, dx = 1 (no x array on the wire)
            assert js["x0"] == 0 and js["dx"] == 1 and "x" not in js
            np.testing.assert_allclose(decode(js["y"]), values, rtol=1e-15)
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    (threshold,) = fig.layout.shapes
    assert threshold.y0 == threshold.y1 == 0.01
    assert not non_finite(fig)


def test_curves_floor_a_zero_loss_for_the_log_axis_and_mark_divergence():
    zero = Trajectory("mse", "sgd", np.zeros((3, 2)), np.array([1.0, 0.0, 0.0]),
                      np.array([1.0, 0.0, 0.0]), None)
    diverged = Trajectory("cross_entropy", "sgd", np.zeros((3, 2)), np.array([5.0, 5.0, 5.0]),
                          np.ones(3), 1)
    fig = F.curves({"mse": zero, "cross_entropy": diverged}, threshold=0.1)
    assert (np.asarray(fig.data[0].y) > 0).all() and fig.data[0].y[0] == 1.0
    vlines = [sh for sh in fig.layout.shapes if sh.x0 == sh.x1 == 1]
    assert len(vlines) == 1 and vlines[0].line.color == F.LOSS_COLORS["cross_entropy"]
    assert "Cross-entropy diverged" in [a.text for a in fig.layout.annotations]
    assert not non_finite(fig)
