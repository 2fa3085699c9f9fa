"""plotly_view in real Chromium: the 3D camera survives a slider move that changes the data."""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

APP = "tests/e2e/apps/camera_app.py"
FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'
DEFAULT_EYE = {"x": 1.25, "y": 1.25, "z": 1.25}  # plotly's default 3D camera


def _poll(read, until, timeout_s: float = 10.0, what: str = "condition"):
    """read() every 100 ms until until(value) holds; return that value (bounded)."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while not until(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}: {value!r}")
        time.sleep(0.1)
        value = read()
    return value


def _close(a: dict, b: dict, tol: float = 1e-4) -> bool:
    """Two camera dicts {scene: {eye, center, up: {x, y, z}}} equal within `tol`."""
    if a.keys() != b.keys():
        return False
    vectors = ("eye", "center", "up")
    return all(abs(a[s][v][k] - b[s][v][k]) <= tol for s in a for v in vectors for k in "xyz")


def _python_camera(page) -> dict | None:
    """The camera the test app's Python received, as it prints it with st.code."""
    return json.loads(page.locator('[data-testid="stCode"] code').inner_text())


def test_camera_survives_slider_and_scenes_stay_in_sync(
    page, streamlit_server, wait_for_streamlit, tmp_path
):
    page.goto(streamlit_server(APP))
    wait_for_streamlit(page)
    frame = page.locator(FRAME).element_handle().content_frame()
    plot = frame.locator("#plot")

    def attr(name):
        return plot.get_attribute(name)

    def renders():
        return int(attr("data-render-count") or 0)

    # The figure is drawn: two WebGL scenes with their traces, and real pixels.
    _poll(renders, lambda n: n >= 1, what="the first render")
    drawn = frame.evaluate(
        """() => {
            const gd = document.getElementById("plot");
            return {traces: gd._fullData.length, scenes: gd._fullLayout._subplots.gl3d,
                    canvases: gd.querySelectorAll("canvas").length};
        }"""
    )
    assert drawn["traces"] == 3 and drawn["scenes"] == ["scene", "scene2"], drawn
    assert drawn["canvases"] >= 1
    assert _python_camera(page) is None  # nothing reported before the user touches it

    png = page.locator(FRAME).screenshot()
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    assert pixels.std() > 10, "the plot looks blank"

    # The user rotates the left surface with a real mouse drag on its WebGL canvas.
    box = frame.locator("#scene").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 80, cy + 20, steps=3)  # software WebGL: ~0.5 s a frame
    page.mouse.up()

    camera = _poll(
        lambda: json.loads(attr("data-camera") or "{}"),
        lambda c: (
            c.get("scene", {}).get("eye", DEFAULT_EYE) != DEFAULT_EYE
            and c.get("scene") == c.get("scene2")
        ),
        what="a rotated, synchronised camera",
    )
    # Python receives it (debounced), and the rerun that follows changes nothing on screen.
    _poll(lambda: _python_camera(page), lambda c: c is not None, what="the camera in Python")
    wait_for_streamlit(page)
    assert _close(_python_camera(page), camera)
    before = renders()

    # A slider step changes the data of both surfaces.
    z_row = "() => Array.from(document.getElementById('plot')._fullData[0].z[20])"
    z_before = frame.evaluate(z_row)
    slider = page.get_by_role("slider", name="shift")  # an <input type=range> in 1.67
    slider.focus()
    page.keyboard.press("ArrowRight")
    _poll(renders, lambda n: n > before, what="a redraw after the slider move")
    wait_for_streamlit(page)
    z_after = frame.evaluate(z_row)
    assert not np.allclose(z_before, z_after), "the slider did not change the surface"

    after = json.loads(attr("data-camera"))
    assert _close(after, camera), (camera, after)
    assert after["scene"] == after["scene2"]
    assert _close(_python_camera(page), camera)
    assert frame.evaluate("() => document.querySelectorAll('#plot').length") == 1

    page.screenshot(path=str(tmp_path / "plotly_view_after_slider.png"))
