"""The lab draws what the backend computes for the settings on screen (issue 6 §4).

Each test moves one widget and compares what the page drew with the backend's own reference
for the new setting (`descend_many`, `error_surfaces`, `Trajectory.steps_to`, the figure
functions), and checks that the new setting gives a different answer from the old one, so
that a page ignoring the widget fails.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lab_components.lab_surfaces import HEIGHT_3D
from lab_components.plotly_view.testing import component_args, decode, figures_in
from surfaces import figures as F
from surfaces import settings as S
from surfaces.descent import descend_many
from surfaces.grid import error_surfaces

from .test_surface_lab import key, run, table

LOSSES = ("mse", "cross_entropy")
PATH_NAMES = {"mse": "Mean square error path", "cross_entropy": "Cross-entropy path"}


def drawn_paths(at) -> dict[str, dict[str, np.ndarray]]:
    """{"3d"|"map": {loss: (n, 2) points}} of the path lines the page drew."""
    fig_3d, fig_map = figures_in(at)[:2]
    out = {}
    for view, fig in (("3d", fig_3d), ("map", fig_map)):
        lines = {t["name"]: t for t in fig["data"] if t.get("name") in PATH_NAMES.values()}
        out[view] = {loss: np.column_stack([decode(lines[name]["x"]), decode(lines[name]["y"])])
                     for loss, name in PATH_NAMES.items()}
    return out


def reference_paths(s: S.LabSettings) -> dict[str, np.ndarray]:
    """The clipped (steps+1, 2) points descend_many gives for settings `s`."""
    trajs = descend_many(list(LOSSES), (s.y1, s.y2), optimizer=s.opt, lr=s.lr, steps=s.steps,
                         y3=s.y3, target=s.target_index, **s.hyper())
    return {loss: np.clip(t.points, -s.span, s.span) for loss, t in trajs.items()}


def settings_of(at) -> S.LabSettings:
    values = {f.name: at.session_state[key(f.name)] for f in S.FIELDS if f.name != "cam"}
    return S.LabSettings(**values)


# Start where both losses move and the path bends (y3 unpinned), so that every
# hyper-parameter changes the drawn path.
START = {"y3": "0", "y1": "-4", "y2": "3", "steps": "60"}


@pytest.mark.parametrize(
    ("opt", "lr", "name", "value"),
    [("momentum", "0.3", "momentum", 0.5), ("nesterov", "0.3", "momentum", 0.3),
     ("adam", "0.3", "beta1", 0.5), ("adam", "0.3", "beta2", 0.9), ("adam", "0.3", "eps", 1e-2),
     ("rmsprop", "0.03", "alpha", 0.5), ("rmsprop", "0.03", "eps", 1e-2),
     ("adagrad", "0.3", "eps", 1e-2)],
)
def test_drawn_paths_follow_each_hyper_parameter(opt, lr, name, value):
    at = run({**START, "opt": opt, "lr": lr})
    before = reference_paths(settings_of(at))
    widget = at.sidebar.select_slider(key=key(name)) if name == "eps" else at.slider(key=key(name))
    widget.set_value(value).run()
    assert not at.exception
    s = settings_of(at)
    assert getattr(s, name) == pytest.approx(value)
    expected = reference_paths(s)
    drawn = drawn_paths(at)
    for loss in LOSSES:
        for view in ("3d", "map"):
            np.testing.assert_allclose(drawn[view][loss], expected[loss], rtol=1e-6, atol=1e-5,
                                       err_msg=f"{view} {loss}")
    # The setting matters: the old value gives another path.
    assert any(not np.allclose(before[loss], expected[loss], atol=1e-4) for loss in LOSSES)


def test_surfaces_follow_the_range():
    at = run({"res": "51"})
    at.slider(key=key("span")).set_value(20.0).run()
    assert not at.exception
    s = settings_of(at)
    ref = error_surfaces(lo=-20.0, hi=20.0, n=51, y3=s.y3, target=s.target_index)
    fig_3d, fig_map = figures_in(at)[:2]
    for fig, kind in ((fig_3d, "surface"), (fig_map, "contour")):
        traces = [t for t in fig["data"] if t["type"] == kind]
        for trace, loss in zip(traces, LOSSES, strict=True):
            np.testing.assert_allclose(decode(trace["x"]), ref.y1s, rtol=1e-6)
            np.testing.assert_allclose(decode(trace["z"]), ref.z[loss], rtol=1e-6, atol=1e-6)
    # And the paths are clipped to the new square, not the old one.
    np.testing.assert_allclose(drawn_paths(at)["3d"]["cross_entropy"],
                               reference_paths(s)["cross_entropy"], rtol=1e-6, atol=1e-5)


def test_surfaces_and_paths_follow_y3_and_the_target():
    # y3 = 0 and class 2: class 3 competes, so both the surfaces and the paths differ from
    # the defaults' (y3 pinned at -1000, class 1)
    at = run({**START, "res": "51", "target": "2"})
    s = settings_of(at)
    assert (s.y3, s.target) == (0.0, 2)
    ref = error_surfaces(lo=-s.span, hi=s.span, n=51, y3=0.0, target=1)
    pinned = error_surfaces(lo=-s.span, hi=s.span, n=51, y3=-1000.0, target=1)
    fig_3d = figures_in(at)[0]
    surfaces = [t for t in fig_3d["data"] if t["type"] == "surface"]
    for trace, loss in zip(surfaces, LOSSES, strict=True):
        np.testing.assert_allclose(decode(trace["z"]), ref.z[loss], rtol=1e-6, atol=1e-6)
        assert not np.allclose(ref.z[loss], pinned.z[loss], atol=1e-3)
    expected = reference_paths(s)
    for loss in LOSSES:
        np.testing.assert_allclose(drawn_paths(at)["3d"][loss], expected[loss], rtol=1e-6,
                                   atol=1e-5, err_msg=loss)
    class_1 = reference_paths(s.with_(target=1))
    assert any(not np.allclose(class_1[loss], expected[loss], atol=1e-4) for loss in LOSSES)


def test_a_start_outside_a_small_range_is_clipped_to_it_and_the_table_says_so():
    at = run({"span": "5", "res": "51"})  # the default start (-8, 8) lies outside ±5
    s = settings_of(at)
    expected = reference_paths(s)
    for view in ("3d", "map"):
        for loss in LOSSES:
            drawn = drawn_paths(at)[view][loss]
            np.testing.assert_allclose(drawn, expected[loss], rtol=1e-6, atol=1e-5)
            assert np.abs(drawn).max() <= 5.0 + 1e-6
    left = next(h for h in next(iter(table(at).values())) if h.startswith("left"))
    assert {row[left] for row in table(at).values()} == {"at step 0"}


def steps_column(at) -> tuple[str, dict[str, str]]:
    """(header, {loss row: cell}) of the table's steps-to-threshold column."""
    rows = table(at)
    header = next(h for h in next(iter(rows.values())) if re.search(r"≤", h))
    return header, {loss: row[header] for loss, row in rows.items()}


def test_table_follows_the_threshold():
    at = run({"opt": "adam", "lr": "0.3"})
    at.sidebar.selectbox(key=key("thr")).set_value(0.5).run()
    assert not at.exception
    s = settings_of(at)
    trajs = descend_many(list(LOSSES), (s.y1, s.y2), optimizer=s.opt, lr=s.lr, steps=s.steps,
                         y3=s.y3, target=s.target_index, **s.hyper())
    header, cells = steps_column(at)
    assert "0.5" in header
    expected = {"Mean square error": trajs["mse"].steps_to(0.5),
                "Cross-entropy": trajs["cross_entropy"].steps_to(0.5)}
    for row, steps in expected.items():
        assert steps is not None
        assert cells[row] == str(steps), (row, cells[row], steps)
    # The threshold matters here: at the default 0.01 the steps differ.
    assert trajs["mse"].steps_to(0.01) != trajs["mse"].steps_to(0.5)
    # and the curves draw their threshold line there
    curves = figures_in(at)[2]
    levels = [shape["y0"] for shape in curves["layout"]["shapes"] if shape.get("yref") == "y"]
    assert levels == [0.5]


def test_projector_mode_enlarges_the_figures():
    at = run({"res": "51"})
    normal = figures_in(at)
    normal_heights = [[p["height"] for p in args["panels"]] for args in component_args(at)]
    at.toggle(key=key("projector")).set_value(True).run()
    assert not at.exception
    big = figures_in(at)
    heights = [[p["height"] for p in args["panels"]] for args in component_args(at)]
    # the 3-D view takes the projector's height (lower, to fit a 1280x720 screen with the
    # presets: tests/e2e/test_lab_layout.py), the maps and the curves grow
    assert heights[0][0] == HEIGHT_3D[True] != normal_heights[0][0]
    assert heights[0][1] > normal_heights[0][1] and heights[0][2] > normal_heights[0][2]
    s = settings_of(at)
    surf = error_surfaces(lo=-s.span, hi=s.span, n=s.res, y3=s.y3, target=s.target_index)
    ref_3d = F.surfaces_3d(surf, projector=True)
    ref_paths = F.path_traces_3d(
        {loss: F.ClippedPath(t, s.span, s.y3, s.target_index) for loss, t in descend_many(
            list(LOSSES), (s.y1, s.y2), optimizer=s.opt, lr=s.lr, steps=s.steps, y3=s.y3,
            target=s.target_index).items()}, projector=True)
    assert big[0]["layout"]["font"]["size"] == ref_3d.layout.font.size
    assert big[0]["layout"]["font"]["size"] > normal[0]["layout"]["font"]["size"]
    for fig_big, fig_normal in zip(big, normal, strict=True):  # 3-D, maps, curves
        assert fig_big["layout"]["font"]["size"] > fig_normal["layout"]["font"]["size"]

    def line_width(fig):
        return next(t["line"]["width"] for t in fig["data"]
                    if t.get("name") == PATH_NAMES["cross_entropy"])

    assert line_width(big[0]) == ref_paths[0].line.width
    assert line_width(big[0]) > line_width(normal[0])
    assert line_width(big[1]) > line_width(normal[1])
    curve_widths = [{t["line"]["width"] for t in f["data"]} for f in (big[2], normal[2])]
    assert min(curve_widths[0]) > max(curve_widths[1])


def test_a_links_camera_reaches_the_3d_view_and_a_turned_camera_reaches_the_link():
    at = run({"cam": "0.5,-1.5,1"})
    assert component_args(at)[0]["camera"] == {"scene": {"eye": {"x": 0.5, "y": -1.5, "z": 1.0}}}
    # the lecturer turns the view: the frame reports its cameras, the link follows
    at.session_state["lab_figures"] = {"cameras": {"scene": {"eye": {"x": 2, "y": 0.25, "z": 1}}},
                                       "missing": [], "seq": 1, "click": None}
    at.run()
    assert not at.exception
    assert at.query_params["cam"] in ("2,0.25,1", ["2,0.25,1"])


def test_projector_mode_enlarges_the_pages_text():
    def styles(at):
        return " ".join(node.proto.body for node in at.get("html"))

    assert "1.35rem" not in styles(run())
    assert ".stMarkdown p" in styles(run({"projector": "1"}))
