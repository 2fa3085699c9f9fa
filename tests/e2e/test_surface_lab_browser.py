"""The error-surface lab in real headless Chromium: it renders, sliders move the paths, the
3-D camera the lecturer set stays put, and a shared link reproduces the view."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import numpy as np
import pytest

from .conftest import wait_until_idle
from .waiting import poll

pytestmark = pytest.mark.e2e

APP = "app.py"
FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'


def frames(page):
    """The one plotly_view frame of the lab, once its three panels (3-D, maps, curves) have
    drawn; returned twice, as (3-D, maps), for the tests' readability."""
    page.locator(FRAME).first.wait_for()
    assert page.locator(FRAME).count() == 1  # one frame, one copy of plotly.js
    frame = page.locator(FRAME).first.element_handle().content_frame()
    for panel in ("plot", "plot-1", "plot-2"):
        poll(lambda p=panel: int(frame.locator(f"#{p}").get_attribute("data-render-count") or 0),
             lambda n: n >= 1, what=f"the first render of #{panel}")
    return frame, frame


def drawn(frame, panel: str = "plot") -> dict:
    return frame.evaluate(
        """(panel) => {
            const gd = document.getElementById(panel);
            const path = gd._fullData.find(t => t.name === "Cross-entropy path");
            return {types: gd._fullData.map(t => t.type), scenes: gd._fullLayout._subplots.gl3d,
                    canvases: gd.querySelectorAll("canvas").length,
                    path_x: Array.from(path.x), path_y: Array.from(path.y),
                    renders: Number(gd.getAttribute("data-render-count"))};
        }""",
        panel,
    )


def camera(frame) -> dict:
    return json.loads(frame.locator("#plot").get_attribute("data-camera") or "{}")


def query(page) -> dict:
    """The address bar's query, read in the page (page.url only updates during Playwright
    calls, so it goes stale in a polling loop)."""
    return {k: v[-1] for k, v in parse_qs(page.evaluate("location.search")[1:]).items()}


def drag_scene(page, frame, dx: float = 90, dy: float = 30, steps: int = 10) -> None:
    """Drag the left surface with the mouse from its centre by (dx, dy) pixels."""
    box = frame.locator("#scene").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + dx, cy + dy, steps=steps)
    page.mouse.up()


def rotate(page, frame) -> dict:
    """Drag the left surface; once Python has the camera (cam= in the link) and the page is
    idle, the live cameras."""
    before = camera(frame)
    drag_scene(page, frame)
    poll(lambda: camera(frame), lambda c: "scene" in c and c != before, what="a rotation")
    poll(lambda: query(page).get("cam"), lambda c: c is not None, what="cam= in the URL")
    wait_until_idle(page, 30)
    return camera(frame)


def test_lab_renders_and_slider_moves_paths_while_camera_stays(
    page, streamlit_server, wait_for_streamlit, tmp_path
):
    page.goto(streamlit_server(APP))
    wait_for_streamlit(page, timeout_s=60)
    f3d, fmap = frames(page)
    d = drawn(f3d)
    assert d["types"].count("surface") == 2 and d["scenes"] == ["scene", "scene2"]
    assert d["canvases"] >= 1
    assert drawn(fmap, "plot-1")["types"].count("contour") == 2
    assert np.allclose([d["path_x"][0], d["path_y"][0]], [-8, 8])
    assert page.locator('[data-testid="stException"]').count() == 0

    # The lecturer rotates the left surface with the mouse; the camera reaches Python, and
    # Python puts it in the link.
    rotated = rotate(page, f3d)
    assert rotated["scene"] == rotated["scene2"]  # both surfaces seen from the same side
    renders = drawn(f3d)["renders"]

    # Then drags the start: the paths change, the surfaces are not remounted.
    # One key press, as a lecturer nudging the slider; the rerun it starts is awaited.
    page.get_by_role("slider", name="Start y2").press("ArrowLeft")
    poll(lambda: query(page).get("y2"), lambda v: v == "7.5", what="y2=7.5 in the URL")
    wait_for_streamlit(page)
    after = poll(lambda: drawn(f3d), lambda a: a["path_y"][0] == 7.5, what="the redrawn path")
    assert after["renders"] > renders
    assert camera(f3d) == rotated, "the slider move reset the camera"
    page.screenshot(path=str(tmp_path / "lab_after_slider.png"), full_page=True)


def test_shared_link_reproduces_view_and_camera(page, streamlit_server, wait_for_streamlit):
    link = "opt=adam&lr=0.3&steps=120&y1=-6&y2=7&target=1&cam=-2,0.5,1.5&eps=1e-06"
    page.goto(streamlit_server(APP, query=link))
    wait_for_streamlit(page, timeout_s=60)
    f3d, _ = frames(page)
    d = drawn(f3d)
    assert len(d["path_x"]) == 121 and np.allclose([d["path_x"][0], d["path_y"][0]], [-6, 7])
    eye = poll(lambda: camera(f3d).get("scene", {}).get("eye"), lambda e: e is not None,
               what="the link's camera applied")
    assert np.allclose([eye["x"], eye["y"], eye["z"]], [-2, 0.5, 1.5], atol=1e-3)
    q = query(page)
    assert q["opt"] == "adam" and q["eps"] == "1e-06" and q["steps"] == "120"
    assert float(page.get_by_role("slider", name="Start y1").input_value()) == -6


def test_hostile_link_gives_one_line_not_a_traceback(page, streamlit_server, wait_for_streamlit):
    page.goto(streamlit_server(APP, query="lr=abc&y3=nan&steps=1e12&target=9&opt=evil"))
    wait_for_streamlit(page, timeout_s=60)
    alerts = page.locator('[data-testid="stAlert"]')
    poll(lambda: alerts.count(), lambda n: n >= 1, what="the warning")
    text = alerts.first.inner_text()
    assert "lr=" in text and "steps=" in text and "opt=" in text
    assert page.locator('[data-testid="stException"]').count() == 0
    q = query(page)
    assert q["lr"] == "1" and q["steps"] == "2000" and q["target"] == "3" and q["opt"] == "sgd"


@pytest.mark.parametrize("path", ["surface_lab", "mnist_training"])
def test_deep_link_goes_through_the_router(page, streamlit_server, wait_for_streamlit, path):
    """A page's own address, opened first, still gets the app's navigation and layout."""
    page.goto(f"{streamlit_server(APP)}/{path}")
    wait_for_streamlit(page, timeout_s=60)
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for()
    text = nav.inner_text()
    assert "Error-surface lab" in text and "Live MNIST training" in text
    assert "app" not in text.split()


TIMES = "() => window.plotlyView.panels.map(p => [p.renders, p.startedAt, p.drawnAt])"


def test_after_a_move_the_curves_wait_until_the_3d_view_and_maps_are_on_screen(
    page, streamlit_server, wait_for_streamlit
):
    """Plotly draws synchronously: drawn in the same task, the curves held back the paint of
    the figures the class watches. They now start after both are stamped on screen."""
    page.goto(streamlit_server(APP))
    wait_for_streamlit(page, timeout_s=60)
    frame, _ = frames(page)
    for key in ("ArrowRight", "ArrowLeft"):
        before = frame.evaluate(TIMES)
        page.get_by_role("slider", name="Start y1").press(key)
        times = poll(lambda: frame.evaluate(TIMES),
                     lambda t, b=before: all(t[i][0] > b[i][0] and t[i][2] > b[i][2]
                                             for i in range(3)),
                     what="all three panels redrawn")
        (_, _, shown_3d), (_, _, shown_maps), (_, curves_started, _) = times
        assert curves_started >= max(shown_3d, shown_maps)
        wait_for_streamlit(page)


def test_a_new_visitor_sees_the_3d_view_before_the_maps_are_drawn(
    page, streamlit_server, wait_for_streamlit
):
    """The first drawing of the maps (about 0.4 s of Plotly in software WebGL) used to run in
    the task that drew the 3-D view, so it held back the first 3-D figure's paint. A panel's
    first drawing now starts after the panels before it are stamped on screen."""
    page.goto(streamlit_server(APP))
    wait_for_streamlit(page, timeout_s=60)
    frame, _ = frames(page)
    times = poll(lambda: frame.evaluate(TIMES),
                 lambda t: len(t) == 3 and all(x[2] for x in t), what="all three panels drawn")
    (_, _, shown_3d), (_, maps_started, shown_maps), (_, curves_started, _) = times
    assert maps_started >= shown_3d
    assert curves_started >= shown_maps
