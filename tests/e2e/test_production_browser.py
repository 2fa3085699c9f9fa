"""The production start in real headless Chromium: what a student's browser shows.

In tests/e2e, whose conftest owns the one Playwright instance of a test session."""

from __future__ import annotations

import base64

import pytest

from tests.e2e.conftest import wait_until_idle
from tests.hosting.conftest import (
    ROOT,
    serve,  # noqa: F401 - the production start, as a fixture
)
from tests.hosting.test_serve import RAISES

pytestmark = [pytest.mark.hosting, pytest.mark.e2e]

FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'  # the lab's figure frame


def test_a_visitor_sees_no_deploy_button_and_no_developer_menu(serve, page):  # noqa: F811
    server = serve()
    page.goto(server.url + "/")
    wait_until_idle(page, 60)
    assert page.get_by_text("Error-surface lab").first.is_visible()
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
    menu = page.locator('[data-testid="stMainMenu"]')
    if menu.count():  # viewer mode may keep a menu of viewer options: none for developers
        menu.first.click()
        items = page.locator('[data-testid="stMainMenuList"]').inner_text()
        assert "Rerun" not in items and "Clear cache" not in items


def test_a_visitor_sees_a_sentence_not_a_traceback(serve, page):  # noqa: F811
    server = serve(RAISES)
    page.goto(server.url + "/")
    wait_until_idle(page, 60)
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "This app has encountered an error" in text
    assert "secret detail" not in text and "Traceback" not in text
    assert "secret detail 4242" in server.log()


def test_a_deep_link_as_the_first_request_opens_its_page_with_no_detour(serve, page):  # noqa: F811
    """On a fresh production server, the first request names a page: the page comes up, with
    no "page not found" dialog from Streamlit's automatic-pages mode (serve.py turns it off
    before the first request)."""
    server = serve()
    page.goto(server.url + "/mnist")
    title = page.locator("h1").first
    title.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.locator('[role="dialog"]').count() == 0
    assert "MNIST" in title.inner_text()


def test_a_visitor_s_browser_asks_no_other_host(serve, page):  # noqa: F811
    """A lecture hall's network may reach nothing but the server (or not Google: the course is
    taught in China). Every page's first visit loads from the server alone: the tab's icon
    was a Material icon fetched from fonts.gstatic.com."""
    server = serve()
    elsewhere = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if not request.url.startswith((server.url, "data:", "blob:", "about:")) else None)
    for path in ("/", "/mnist", "/escape", "/anatomy", "/triangle", "/one-weight", "/rates"):
        page.goto(server.url + path + "?lang=zh_hans")
        page.locator("h1").first.wait_for(timeout=60_000)
        wait_until_idle(page, 60)
    assert not elsewhere, elsewhere
    # The tab still has the lab's icon, in the page.
    assert _tab_icon(page) == (ROOT / "lab_components" / "icon.png").read_bytes()


def _tab_icon(page) -> bytes:
    """The tab's icon: a PNG in a data: URL."""
    href = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\").href")
    head, _, data = href.partition(",")
    assert head == "data:image/png;base64", href[:80]
    return base64.b64decode(data)


def test_the_tab_s_icon_is_not_fetched_again_as_the_lab_s_url_changes(serve, page):  # noqa: F811
    """Chromium asks for a page's icon again after each change of its URL, and the lab writes
    its settings into the URL after every move: an icon served from /media/ (no caching
    headers there) was fetched 8.6 kB at a time, move after move."""
    from surfaces.settings import PRESETS

    server = serve()
    asked = []
    page.on("request", lambda request: asked.append(request.url)
            if request.url.startswith(server.url + "/media/") else None)
    page.goto(server.url + "/")
    page.locator("h1").first.wait_for(timeout=60_000)
    wait_until_idle(page, 60)
    urls = {page.url}
    for name in list(PRESETS)[1:3]:  # other settings: a rerun and a new URL each
        page.locator(f".st-key-lab_preset_{name} button").first.click()
        page.locator('[data-testid="stAlert"]').first.wait_for()  # the preset's story
        wait_until_idle(page, 60)
        page.wait_for_timeout(300)
        urls.add(page.url)
    assert len(urls) == 3, urls
    assert asked == []
    assert _tab_icon(page) == (ROOT / "lab_components" / "icon.png").read_bytes()


def test_later_page_loads_take_plotly_js_from_the_browser(serve, page):  # noqa: F811
    """Streamlit's component route answers the frame's files with `Cache-Control: public`
    alone (no freshness, no validator), so the browser fetched the 0.6 MB plotly.js again on
    every page load (a reload, the next page). The frame names them by their content
    (`?v=<tag>`) and the production start marks them immutable."""
    server = serve()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls, loaded, from_cache = {}, {}, set()
    cdp.on("Network.requestWillBeSent",
           lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
    cdp.on("Network.loadingFinished",
           lambda e: loaded.__setitem__(e["requestId"], e["encodedDataLength"]))

    def plotly_js_bytes(path):
        urls.clear()
        loaded.clear()
        from_cache.clear()
        page.goto(server.url + path)
        page.frame_locator(FRAME).first.locator("#plot .main-svg").first.wait_for(timeout=60_000)
        wait_until_idle(page, 60)
        ids = [i for i, u in urls.items() if "/plotly.min.js?v=" in u]
        assert ids, sorted(urls.values())
        return [0 if i in from_cache else loaded.get(i, -1) for i in ids]

    first = plotly_js_bytes("/")
    assert max(first) > 500_000, first  # gzipped over the wire, once
    assert set(plotly_js_bytes("/")) == {0}  # a reload
    assert set(plotly_js_bytes("/escape")) == {0}  # another page of the lab, with its frame


def test_a_new_visitor_s_lab_loads_no_slider_code(serve, page):  # noqa: F811
    """On README's start the figure's frame has the lab's sliders, and the sidebar only
    display settings: with a select slider among them, a new visitor's page loaded
    Streamlit's slider code (its chunk, moment.js, numbro) on the page's one thread before
    the figure's frame was created (docs/benchmarks.md)."""
    server = serve()
    asked = []
    page.on("request", lambda r: asked.append(r.url.rsplit("/", 1)[-1]))
    page.goto(server.url + "/")
    page.frame_locator(FRAME).first.locator("#plot .main-svg").first.wait_for(timeout=60_000)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox").nth(1).wait_for(timeout=30_000)  # after the drawing
    wait_until_idle(page, 60)
    assert sidebar.get_by_role("combobox").count() == 2  # the language, the loss threshold
    assert sidebar.get_by_role("slider").count() == 0
    assert any(name.startswith("Selectbox.") for name in asked), asked
    assert not [n for n in asked if n.startswith(("Slider.", "moment.", "numbro."))]

# When the sidebar first holds a widget, and the page the summary table under the figures
# (ms since the epoch), watched from the page's start.
SIDEBAR_WATCH = """
window.__sidebarWidgetAt = 0;
window.__tableAt = 0;
new MutationObserver((changes, watch) => {
  const now = performance.timeOrigin + performance.now();
  if (!window.__sidebarWidgetAt && document.querySelector(
      '[data-testid="stSidebar"] [data-testid="stSelectbox"], '
      + '[data-testid="stSidebar"] [data-testid="stCheckbox"]')) {
    window.__sidebarWidgetAt = now;
  }
  if (!window.__tableAt && document.querySelector('[data-testid="stMain"] table')) {
    window.__tableAt = now;
  }
  if (window.__sidebarWidgetAt && window.__tableAt) watch.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


def test_a_new_visitor_s_sidebar_widgets_come_after_the_figures(serve, page):  # noqa: F811
    """The first 3-D figure waits for the page's one thread; rendering the sidebar's
    widgets (the language, the loss threshold, projector mode) took 0.13-0.19 s of it before
    the frame was created, the text under the figures about 0.07 s (docs/benchmarks.md). On
    README's start they come with the rerun that the frame's report of its first drawing
    brings, and that rerun draws nothing again."""
    server = serve()
    page.add_init_script(SIDEBAR_WATCH)
    page.goto(server.url + "/?thr=0.01")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox").nth(1).wait_for(timeout=60_000)
    wait_until_idle(page, 60)
    frame = page.locator(FRAME).first.element_handle().content_frame()
    drawn = frame.evaluate("() => window.plotlyView.panels.map(p => [p.renders, p.drawnAt])")
    assert len(drawn) == 3 and all(renders == 1 for renders, _ in drawn), drawn
    page.locator('[data-testid="stMain"] table').first.wait_for(timeout=30_000)
    widget_at, table_at = page.evaluate("() => [window.__sidebarWidgetAt, window.__tableAt]")
    assert widget_at > max(at for _, at in drawn), (widget_at, drawn)
    assert table_at > max(at for _, at in drawn), (table_at, drawn)
    # all of them, with the link's values
    assert sidebar.get_by_role("combobox").count() == 2
    assert sidebar.locator('[data-testid="stCheckbox"]').count() == 1  # projector mode (a toggle)
    assert sidebar.get_by_role("combobox").nth(1).input_value() == "0.01"
    assert page.get_by_text("Error-surface lab").first.is_visible()


def test_the_sidebar_widgets_come_even_when_plotly_cannot_draw(serve, page):  # noqa: F811
    """The frame reports a failed first drawing too: a browser that cannot run plotly.js
    still gets the language picker and the display settings."""
    server = serve()
    page.route("**/plotly.min.js*", lambda route: route.abort())
    page.goto(server.url + "/")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox").nth(1).wait_for(timeout=60_000)
    frame = page.frame_locator(FRAME).first
    assert "plotly.min.js did not load" in frame.locator("#plot").get_attribute("data-error")
