"""The figure frame's own controls in real headless Chromium: on README's start the frame
draws a move (of a path's setting or of the surfaces') from the path route, before and
without Streamlit's rerun, and Streamlit then follows (the link) without drawing the figures
again; under `streamlit run` (no route) the same move goes through the rerun. The camera
stays in both."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_until_idle
from tests.e2e.test_surface_lab_browser import APP, FRAME, camera, drawn, frames, query, rotate
from tests.e2e.waiting import poll
from tests.hosting.conftest import serve  # noqa: F401 - the production start, as a fixture

pytestmark = pytest.mark.e2e

CONTROLS = """() => { const c = window.plotlyView.controls;
  return {requests: c.requests, fast: c.fastDraws, moved: c.moved,
          reported: Number(c.div.dataset.reported || 0), hidden: c.div.hidden,
          labels: Array.from(c.div.querySelectorAll('.control:not([hidden]) label'))
                  .map(l => l.textContent)}; }"""


def lab_on_readmes_start(serve, page):  # noqa: F811
    """The lab's figure frame on a fresh `deploy/serve.py` (which serves the path route)."""
    page.goto(serve().url + "/")
    wait_until_idle(page, 60)
    return frames(page)[0]


def test_on_readmes_start_a_move_is_drawn_from_the_route_then_streamlit_follows(
        serve, page):  # noqa: F811
    frame = lab_on_readmes_start(serve, page)
    state = frame.evaluate(CONTROLS)
    assert not state["hidden"]
    assert state["labels"] == ["Start y1", "Start y2", "Optimiser", "Learning rate", "Steps",
                               "Pinned logit y3", "Logit range ±", "Target class",
                               "Grid points per axis"]
    cam = rotate(page, frame)
    renders = drawn(frame)["renders"]

    frame.locator("#control-y1").focus()
    page.keyboard.press("ArrowRight")  # -8 -> -7.5
    moved = poll(lambda: drawn(frame), lambda d: d["path_x"][0] == -7.5,
                 what="the path from the route")
    state = frame.evaluate(CONTROLS)
    assert state["requests"] == 1 and state["fast"] == 1
    assert moved["renders"] == renders + 1
    # Then Python is told: the link follows, and its rerun draws nothing again.
    poll(lambda: query(page).get("y1"), lambda v: v == "-7.5", what="y1=-7.5 in the URL")
    wait_until_idle(page, 30)
    page.wait_for_timeout(500)
    assert frame.evaluate(CONTROLS)["reported"] == 1
    assert drawn(frame)["renders"] == renders + 1, "the rerun drew the same figures again"
    assert camera(frame) == cam

    # Adam shows its own hyper-parameters; the paths follow the optimiser.
    frame.locator("#control-opt").select_option(label="Adam")
    poll(lambda: frame.evaluate(CONTROLS)["labels"], lambda ls: any("β1" in x for x in ls),
         what="Adam's β1 among the controls")
    poll(lambda: query(page).get("opt"), lambda v: v == "adam", what="opt=adam in the URL")
    assert frame.evaluate(CONTROLS)["fast"] == 2
    assert page.locator('[data-testid="stException"]').count() == 0


def test_on_readmes_start_a_surface_move_is_drawn_from_the_route_with_its_new_surfaces(
        serve, page):  # noqa: F811
    frame = lab_on_readmes_start(serve, page)
    cam = rotate(page, frame)
    renders = drawn(frame)["renders"]
    bases = frame.evaluate("() => window.plotlyView.panels.map(p => p.base)")

    frame.locator("#control-span").focus()
    page.keyboard.press("ArrowRight")  # range ±10 -> ±11
    poll(lambda: frame.evaluate("() => document.getElementById('plot')._fullLayout.scene"
                                ".xaxis.range"), lambda r: r[1] >= 11 - 1e-9,
         what="the 3-D view over ±11")
    state = frame.evaluate(CONTROLS)
    assert state["requests"] == 1 and state["fast"] == 1
    new = frame.evaluate("() => window.plotlyView.panels.map(p => p.base)")
    assert new[0] != bases[0] and new[1] != bases[1] and new[2] == bases[2]
    assert drawn(frame)["renders"] == renders + 1
    # Streamlit follows: the link; its rerun draws nothing again, and the control keeps its
    # value. The frame's controls are the only ones: the sidebar has no second slider.
    poll(lambda: query(page).get("span"), lambda v: v == "11", what="span=11 in the URL")
    wait_until_idle(page, 30)
    page.wait_for_timeout(500)
    assert frame.locator("#control-span").input_value() == "11"
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_role("slider").count() == 0  # the loss threshold is a select box
    assert drawn(frame)["renders"] == renders + 1, "the rerun drew the same figures again"
    assert camera(frame) == cam
    assert page.locator('[data-testid="stException"]').count() == 0


def test_an_answer_lacking_a_surface_sends_that_move_through_python_and_keeps_the_route(
        serve, page):  # noqa: F811
    """A base can leave the frame's memory between its request and the answer; that move is
    then Python's to draw, and the next move uses the route again (it used to switch the
    route off for the rest of the visit)."""
    frame = lab_on_readmes_start(serve, page)
    stripped = []

    def strip_blobs(route):  # the first answer arrives without the new surfaces
        response = route.fetch()
        body = response.json()
        if not stripped:
            stripped.append(sorted(body["blobs"]))
            body["blobs"] = {}
        route.fulfill(response=response, json=body)

    page.route("**/api/lab/paths*", strip_blobs)
    x_range = ("() => document.getElementById('plot')._fullLayout.scene.xaxis.range")
    frame.locator("#control-span").focus()
    page.keyboard.press("ArrowRight")  # range ±10 -> ±11, drawn by Python's rerun
    poll(lambda: frame.evaluate(x_range), lambda r: r[1] >= 11 - 1e-9,
         what="the 3-D view over ±11")
    assert stripped and stripped[0]  # the answer had surfaces to strip
    assert frame.evaluate(CONTROLS)["fast"] == 0
    wait_until_idle(page, 30)
    page.keyboard.press("ArrowRight")  # ±11 -> ±12: from the route again
    poll(lambda: frame.evaluate(x_range), lambda r: r[1] >= 12 - 1e-9,
         what="the 3-D view over ±12")
    state = frame.evaluate(CONTROLS)
    assert state["requests"] == 2 and state["fast"] == 1
    poll(lambda: query(page).get("span"), lambda v: v == "12", what="span=12 in the URL")
    assert page.locator('[data-testid="stException"]').count() == 0


# Inside every frame: the last render message Streamlit sent it (to send it again, late).
RECORD_RENDERS_JS = """window.addEventListener("message", (e) => {
  if (e.data && e.data.type === "streamlit:render") window.lslLastRender = e.data;
});"""
REPLAY_RENDER_JS = """(selector) => {
  const w = document.querySelector(selector).contentWindow;
  w.postMessage(w.lslLastRender, "*");
}"""


def test_a_render_started_before_the_first_move_does_not_undo_it(serve, page):  # noqa: F811
    """A rerun Python started before a visitor's first move of the frame's controls (the
    first view's rerun after the first drawing, say) can reach the frame after the move. It
    used to put the controls back: the route drew the move, then the frame reported the old
    values, and Python's render drew the old figure again (a flaky CI failure showed it)."""
    page.add_init_script(RECORD_RENDERS_JS)
    frame = lab_on_readmes_start(serve, page)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.wait_for(
        state="attached")  # the first view is done: the sidebar has its widgets
    wait_until_idle(page, 30)
    held = []
    page.route("**/api/lab/paths*", lambda route: held.append(route))  # its answer waits
    x_range = "() => document.getElementById('plot')._fullLayout.scene.xaxis.range"
    frame.locator("#control-span").focus()
    page.keyboard.press("ArrowRight")  # range ±10 -> ±11: the frame asks the route
    poll(lambda: page.wait_for_timeout(50) or len(held), bool,  # (a Playwright call lets
         what="the frame's request to the route")  # the route's handler run)
    page.evaluate(REPLAY_RENDER_JS, FRAME)  # a render from before the move arrives now
    held[0].continue_()
    poll(lambda: query(page).get("span"), lambda v: v == "11", what="span=11 in the URL")
    wait_until_idle(page, 30)
    page.wait_for_timeout(500)  # a rerun queued behind the last one
    wait_until_idle(page, 30)
    assert frame.evaluate(x_range)[1] >= 11 - 1e-9
    assert query(page)["span"] == "11"
    assert frame.locator("#control-span").input_value() == "11"


def test_under_streamlit_run_a_move_goes_through_the_rerun(
        page, streamlit_server, wait_for_streamlit):
    page.goto(streamlit_server(APP))
    wait_for_streamlit(page, timeout_s=60)
    frame, _ = frames(page)
    cam = rotate(page, frame)
    frame.locator("#control-y2").focus()
    page.keyboard.press("ArrowLeft")  # 8 -> 7.5
    poll(lambda: drawn(frame), lambda d: d["path_y"][0] == 7.5, what="the redrawn path")
    assert query(page).get("y2") == "7.5"
    state = frame.evaluate(CONTROLS)
    assert state["requests"] == 0 and state["fast"] == 0 and state["reported"] == 1
    assert camera(frame) == cam


def test_a_surface_move_redraws_the_surfaces_when_the_paths_stay_the_same(
        page, streamlit_server, wait_for_streamlit):
    """Figures the frame shows already go as digests; a surface move that leaves the paths
    as they were (a start inside both ranges) must still draw the new surfaces."""
    page.goto(streamlit_server(APP, query="y1=-2&y2=2&steps=5&lr=0.01"))
    wait_for_streamlit(page, timeout_s=60)
    frame, _ = frames(page)
    before = frame.evaluate("() => window.plotlyView.panels.map(p => p.base)")
    renders = drawn(frame)["renders"]
    page.get_by_role("slider", name="Logit range ±").press("ArrowRight")  # 10 -> 11
    poll(lambda: query(page).get("span"), lambda v: v == "11", what="span=11 in the URL")
    wait_for_streamlit(page)
    after = poll(lambda: frame.evaluate("() => window.plotlyView.panels.map(p => p.base)"),
                 lambda b: b[0] != before[0], what="the new surfaces' base")
    assert after[1] != before[1]
    poll(lambda: drawn(frame)["renders"], lambda n: n > renders, what="the 3-D view redrawn")
    x_range = frame.evaluate("() => document.getElementById('plot')._fullLayout.scene"
                             ".xaxis.range")
    assert x_range[1] >= 11 - 1e-9


def test_back_on_the_lab_after_another_page_the_new_frame_gets_every_figure(
        page, streamlit_server, wait_for_streamlit):
    """Python remembers what the lab's frame showed and sends such figures as digests; a
    page switch makes a new frame that holds none: it asks, and draws without an error."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "plotly_view" in m.text else None)
    page.goto(streamlit_server(APP))
    wait_for_streamlit(page, timeout_s=60)
    frames(page)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Escape map").click()
    page.locator("h1", has_text="Escape").first.wait_for(timeout=30_000)
    wait_for_streamlit(page)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Error-surface lab").click()
    wait_for_streamlit(page)
    frame, _ = frames(page)  # all three panels drawn in the new frame
    assert drawn(frame)["path_x"][0] == -8
    assert errors == []
