"""plotly_view under AppTest: the camera app runs, and its figure carries the right arrays."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from lab_components.plotly_view import clean_cameras
from lab_components.plotly_view.encoding import figure_json
from lab_components.plotly_view.testing import component_args, decode, figures_in

APP = str(Path(__file__).parents[1] / "e2e" / "apps" / "camera_app.py")
GRID = np.linspace(-2.0, 2.0, 41)


def expected_surfaces(shift: float) -> tuple[np.ndarray, np.ndarray]:
    """The camera app's two surfaces, written out again: (41, 41) each."""
    x, y = np.meshgrid(GRID, GRID)
    return (x - shift) ** 2 + y**2, np.logaddexp(0.0, 3.0 * (x - shift)) + 0.5 * y**2


def run(at: AppTest) -> AppTest:
    at.run(timeout=30)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_camera_app_figure_follows_the_slider():
    at = run(AppTest.from_file(APP))
    (figure,) = figures_in(at)
    assert [t["type"] for t in figure["data"]] == ["surface", "surface", "scatter3d"]
    assert [t.get("scene", "scene") for t in figure["data"]] == ["scene", "scene2", "scene"]
    assert figure["data"][0]["z"]["dtype"] == "f4"  # sent as float32 binary, not a list

    at.slider(key="shift").set_value(0.5)
    (figure,) = figures_in(run(at))
    mse, ce = expected_surfaces(0.5)
    np.testing.assert_allclose(decode(figure["data"][0]["z"]), mse, rtol=1e-6)
    np.testing.assert_allclose(decode(figure["data"][1]["z"]), ce, rtol=1e-6)
    np.testing.assert_allclose(decode(figure["data"][0]["x"]), GRID, rtol=1e-6)
    assert decode(figure["data"][0]["z"]).shape == (41, 41)

    # Nothing has been reported by a browser, so Python sees no camera.
    assert json.loads(at.code[0].value) is None


def test_figures_in_reads_plotly_chart_and_plotly_view_in_page_order():
    script = """
import numpy as np, plotly.graph_objects as go, streamlit as st
from lab_components.plotly_view import plotly_view
plotly_view(go.Figure(go.Surface(z=np.eye(3))), key="first")
st.plotly_chart(go.Figure(go.Scatter(y=np.arange(4.0))))
"""
    at = run(AppTest.from_string(script))
    view, chart = figures_in(at)
    np.testing.assert_array_equal(decode(view["data"][0]["z"]), np.eye(3))
    np.testing.assert_array_equal(decode(chart["data"][0]["y"]), np.arange(4.0))


def test_decode_plain_lists_and_binary_arrays():
    np.testing.assert_array_equal(decode([1, 2, 3]), np.array([1, 2, 3]))
    z = np.arange(6, dtype=np.float64).reshape(2, 3) / 7
    spec = json.loads(go.Figure(go.Surface(z=z)).to_json())["data"][0]["z"]
    assert spec["shape"] == "2, 3"
    np.testing.assert_array_equal(decode(spec), z)
    with pytest.raises(ValueError, match="Unknown Plotly typed-array dtype 'c16'"):
        decode({"dtype": "c16", "bdata": ""})


def test_figure_json_packs_float32_and_leaves_short_or_text_lists():
    fig = go.Figure(
        go.Scatter3d(x=np.linspace(0, 1, 5), y=list(range(20)), z=[0.5] * 3, text=["a"] * 20)
    )
    trace = json.loads(figure_json(fig))["data"][0]
    assert trace["x"]["dtype"] == "f4" and trace["y"]["dtype"] == "i4"
    assert trace["z"] == [0.5, 0.5, 0.5] and trace["text"] == ["a"] * 20
    with pytest.raises(TypeError, match="figure must be a plotly go.Figure, a dict or a JSON"):
        figure_json(42)


def test_bad_arguments_are_exact_errors():
    from lab_components.plotly_view import plotly_view

    with pytest.raises(ValueError, match="height must be a positive number of pixels. Got 0"):
        plotly_view({}, key="k", height=0)
    with pytest.raises(ValueError, match="key must be a non-empty string. Got ''"):
        plotly_view({}, key="")


def test_clean_cameras_keeps_only_well_formed_scenes():
    good = {"eye": {"x": 1, "y": 2, "z": 0.5}, "up": {"x": 0, "y": 0, "z": 1}}
    camera = {
        "scene": good,
        "scene2": {"eye": {"x": "nan", "y": 0, "z": 0}},
        "xaxis": good,
        "scene3": "up",
    }
    assert clean_cameras(camera) == {
        "scene": {"eye": {"x": 1.0, "y": 2.0, "z": 0.5}, "up": {"x": 0.0, "y": 0.0, "z": 1.0}}
    }
    assert clean_cameras("scene") is None and clean_cameras({}) is None


CLICK_APP = """
import streamlit as st
from lab_components.plotly_view import clicked, plotly_view
plotly_view({"data": [{"type": "heatmap", "z": [[1, 2], [3, 4]]}]}, key="map", clicks=True)
st.code(repr(clicked("map")))
"""


def report_click(at: AppTest, frame: str, n: int, **point) -> AppTest:
    """What the frame sends after a click: its value, with the click in it."""
    click = {"frame": frame, "n": n, "panel": 0, "x": 1, "y": 0, "curve": 0, "index": [0, 1],
             "customdata": None, **point}
    at.session_state["map"] = {"cameras": None, "missing": [], "seq": n, "click": click}
    return run(at)


def test_a_click_is_read_once_and_a_new_frames_first_click_is_new():
    at = run(AppTest.from_string(CLICK_APP))
    assert at.code[0].value == "None"
    assert component_args(at)[0]["panels"][0]["clicks"] is True

    report_click(at, "frame-a", 1, customdata=7)
    assert at.code[0].value == ("Click(panel=0, x=1, y=0, curve=0, index=[0, 1], "
                                "customdata=7)")
    assert run(at).code[0].value == "None"  # a rerun for another reason: no second click
    report_click(at, "frame-a", 2, x=0)
    assert "x=0" in at.code[0].value
    # After a page switch the new frame counts from 1 again: still a new click.
    report_click(at, "frame-b", 1)
    assert at.code[0].value.startswith("Click(")


@pytest.mark.parametrize("click", [None, "a click", {"n": "1"}, {"x": 1}])
def test_a_malformed_click_is_no_click(click):
    at = run(AppTest.from_string(CLICK_APP))
    at.session_state["map"] = {"seq": 1, "click": click}
    assert run(at).code[0].value == "None"


def test_a_frame_without_clicks_does_not_ask_for_them():
    at = run(AppTest.from_string(CLICK_APP.replace(", clicks=True", "")))
    assert component_args(at)[0]["panels"][0]["clicks"] is False
