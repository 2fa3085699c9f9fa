"""plotly_view in real Chromium: the 3D camera survives a slider move that changes the data."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from .waiting import poll

pytestmark = pytest.mark.e2e

APP = "tests/e2e/apps/camera_app.py"
FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'
DEFAULT_EYE = {"x": 1.25, "y": 1.25, "z": 1.25}  # plotly's default 3D camera
# Marks on the frame's window and the left scene's canvas survive only an in-place update.
MARK = "() => { window.__mark = 1; document.querySelector('#scene canvas').__mark = 1; }"
MARKED = "() => window.__mark === 1 && document.querySelector('#scene canvas').__mark === 1"
Z_ROW = "() => Array.from(document.getElementById('plot')._fullData[0].z[20])"


def _close(a: dict, b: dict, tol: float = 1e-4) -> bool:
    """Two camera dicts {scene: {eye, center, up: {x, y, z}}} equal within `tol`."""
    if a.keys() != b.keys():
        return False
    vectors = ("eye", "center", "up")
    return all(abs(a[s][v][k] - b[s][v][k]) <= tol for s in a for v in vectors for k in "xyz")


class View:
    """The plotly_view frame of the camera app, read through its #plot data attributes."""

    def __init__(self, page):
        self.page = page
        self.frame = page.locator(FRAME).element_handle().content_frame()
        self.plot = self.frame.locator("#plot")
        poll(self.renders, lambda n: n >= 1, what="the first render")

    def renders(self) -> int:
        return int(self.plot.get_attribute("data-render-count") or 0)

    def camera(self) -> dict:
        return json.loads(self.plot.get_attribute("data-camera") or "{}")

    def python_camera(self) -> dict | None:
        """The camera the app's Python received, as it prints it with st.code."""
        return json.loads(self.page.locator('[data-testid="stCode"] code').inner_text())

    def drag(self, scene: str, dx: float, dy: float) -> None:
        """A real mouse drag on a scene's WebGL canvas (software WebGL: ~0.5 s a frame)."""
        box = self.frame.locator(f"#{scene}").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(cx, cy)
        self.page.mouse.down()
        self.page.mouse.move(cx + dx, cy + dy, steps=3)
        self.page.mouse.up()

    def step_slider(self, wait_for_streamlit) -> None:
        """One ArrowRight on the shift slider; returns once the new data is drawn."""
        before = self.renders()
        z_before = self.frame.evaluate(Z_ROW)
        self.page.get_by_role("slider", name="shift").focus()  # an <input type=range>
        self.page.keyboard.press("ArrowRight")
        poll(self.renders, lambda n: n > before, what="a redraw after the slider move")
        wait_for_streamlit(self.page)
        assert not np.allclose(z_before, self.frame.evaluate(Z_ROW)), "the data did not change"


def test_camera_survives_slider_and_scenes_stay_in_sync(
    page, streamlit_server, wait_for_streamlit, tmp_path
):
    page.goto(streamlit_server(APP))
    wait_for_streamlit(page)
    view = View(page)

    # The figure is drawn: two WebGL scenes with their traces, and real pixels.
    drawn = view.frame.evaluate(
        """() => {
            const gd = document.getElementById("plot");
            return {traces: gd._fullData.length, scenes: gd._fullLayout._subplots.gl3d,
                    canvases: gd.querySelectorAll("canvas").length};
        }"""
    )
    assert drawn["traces"] == 3 and drawn["scenes"] == ["scene", "scene2"], drawn
    assert drawn["canvases"] >= 1
    from PIL import Image

    png = page.locator(FRAME).screenshot()
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    assert pixels.std() > 10, "the plot looks blank"
    assert view.python_camera() is None  # nothing reported before the user touches it

    # The user rotates the left surface; the right one turns with it.
    view.drag("scene", 80, 20)
    camera = poll(
        view.camera,
        lambda c: c["scene"]["eye"] != DEFAULT_EYE and c["scene"] == c["scene2"],
        what="a rotated, synchronised camera",
    )
    # Python receives it (debounced); the rerun that follows redraws nothing.
    poll(view.python_camera, lambda c: c is not None, what="the camera in Python")
    wait_for_streamlit(page)
    assert _close(view.python_camera(), camera)
    assert view.renders() == 1

    # A slider step changes the data of both surfaces, in place, and the view stays.
    view.frame.evaluate(MARK)
    view.step_slider(wait_for_streamlit)
    after = view.camera()
    assert _close(after, camera), (camera, after)
    assert after["scene"] == after["scene2"]
    assert _close(view.python_camera(), camera)
    assert view.frame.evaluate(MARKED), "the iframe or the WebGL scene was rebuilt"

    page.screenshot(path=str(tmp_path / "plotly_view_after_slider.png"))


def test_camera_from_link_is_applied_once_user_then_owns_it_python_can_set_it(
    page, streamlit_server, wait_for_streamlit
):
    page.goto(streamlit_server(APP, query="eye=2,0.5,0.8"))
    wait_for_streamlit(page)
    view = View(page)

    # The link gives the left scene's eye only; both scenes take it, Python hears nothing.
    linked = poll(
        view.camera,
        lambda c: abs(c["scene"]["eye"]["x"] - 2) < 1e-4 and c["scene"] == c["scene2"],
        what="the link's camera on both scenes",
    )
    assert linked["scene"]["eye"] == {"x": 2, "y": 0.5, "z": 0.8}
    assert linked["scene"]["up"] == {"x": 0, "y": 0, "z": 1}  # the rest is the figure's
    wait_for_streamlit(page)
    assert view.python_camera() is None

    # The user rotates away; the link's camera, still passed on every rerun, is not re-applied.
    view.drag("scene2", -60, 30)
    rotated = poll(view.camera, lambda c: not _close(c, linked), what="a rotated camera")
    poll(view.python_camera, lambda c: c is not None, what="the camera in Python")
    wait_for_streamlit(page)
    rotated = view.camera()
    view.step_slider(wait_for_streamlit)
    assert _close(view.camera(), rotated)

    # Python sets a new camera: both scenes take it, and Python hears it back.
    page.get_by_role("button", name="Front view").click()
    front = poll(
        view.camera,
        lambda c: abs(c["scene"]["eye"]["y"] + 2.2) < 1e-4 and c["scene"] == c["scene2"],
        what="the front view on both scenes",
    )
    poll(
        view.python_camera,
        lambda c: c is not None and _close(c, front),
        what="the front view in Python",
    )
