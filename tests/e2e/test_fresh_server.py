"""A freshly started server, as a lecturer meets it before class: the first request may be a
deep link to any page (or a guessed file name), and the first thing done on the lab is to
turn the 3-D surface and then press a slider. Each test starts its own server."""

from __future__ import annotations

import pytest

from .test_surface_lab_browser import drag_scene
from .waiting import poll

pytestmark = pytest.mark.e2e

APP = "app.py"
FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'
EXCEPTION = '[data-testid="stException"]'
TITLES = {"lab": "Error-surface lab: MSE vs cross-entropy",
          "mnist": "Live MNIST training: cross-entropy vs MSE"}
NAV = ("Error-surface lab", "Live MNIST training")


def _render_count(frame) -> int:
    return int(frame.locator("#plot").get_attribute("data-render-count") or 0)


def _first_3d_frame(page):
    page.locator(FRAME).first.wait_for(timeout=60_000)
    frame = page.locator(FRAME).first.element_handle().content_frame()
    poll(lambda: _render_count(frame), lambda n: n >= 1, timeout_s=60, what="the first render")
    return frame


@pytest.mark.parametrize("delay_s", [0.3, 0.5, 0.7, 1.0])
def test_turn_the_surface_then_press_a_slider_on_a_fresh_server(
    page, streamlit_server, wait_for_streamlit, delay_s
):
    """Issue 6 §2: a drag, then a slider press `delay_s` later, on a new server each time.
    Before the fix, pandas was first imported inside the rerun the camera report started,
    and the overlapping slider rerun found it half-initialised (a traceback on the page)."""
    page.goto(streamlit_server(APP))
    frame = _first_3d_frame(page)
    drag_scene(page, frame, dx=120, dy=40, steps=8)
    page.wait_for_timeout(int(delay_s * 1000))
    page.get_by_role("slider", name="Learning rate").press("ArrowRight")
    wait_for_streamlit(page, timeout_s=60)
    page.wait_for_timeout(500)  # a rerun queued behind the last one
    wait_for_streamlit(page, timeout_s=60)
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    alerts = page.locator('[data-testid="stAlert"]')
    texts = [alerts.nth(i).inner_text() for i in range(alerts.count())]
    assert not any("went wrong" in t for t in texts), texts


# (first request path, the page it must show); url paths, file names and the root.
DEEP_LINKS = [
    ("/lab", "lab"), ("/mnist", "mnist"), ("/", "lab"),
    ("/lab?lr=0.3&y1=-6", "lab"), ("/mnist?x=1", "mnist"),
    # guessed file names: Streamlit's automatic page discovery would run the file directly
    ("/surface_lab", "lab"), ("/mnist_training", "mnist"), ("/surface_lab?lr=0.3&y1=-6", "lab"),
]


@pytest.mark.parametrize(("path", "expected"), DEEP_LINKS, ids=[p for p, _ in DEEP_LINKS])
def test_first_request_deep_link_goes_through_the_router(
    page, streamlit_server, wait_for_streamlit, path, expected
):
    """Issue 6 §3: the first request after a server start names a page (or a file); the
    page shows the app's navigation, in the app's words, and its own title."""
    base = streamlit_server(APP)
    page.goto(base + path)
    wait_for_streamlit(page, timeout_s=90)
    title = page.locator("h1").first
    poll(lambda: title.inner_text(), lambda t: t.strip() == TITLES[expected], timeout_s=60,
         what=f"the {expected} page's title")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for()
    text = nav.inner_text()
    assert all(name in text for name in NAV), text
    # Streamlit's automatic navigation would list the files ("app", "surface lab", ...).
    lines = {line.strip().lower() for line in text.splitlines()}
    assert not lines & {"app", "surface lab", "mnist training"}, text
    assert page.locator(EXCEPTION).count() == 0
    if "lr=0.3" in path:  # the link's settings survive the detour through the router
        search = page.evaluate("location.search")
        assert "lr=0.3" in search and "y1=-6" in search, search
