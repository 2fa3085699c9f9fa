"""Every sidebar widget of every page, moved once in real headless Chromium, as a visitor would:
the move reaches the page (the link changes), no warning and no error appear, and the widget
guard drops nothing (the streamlit_server fixture checks its log at teardown).

AppTest and the websocket client send widget values as their authors chose; only a browser
sends what Streamlit's own frontend sends (an integer number input's int_value, say, which
the guard once turned away: every change on the MNIST page then warned of bad settings).
"""

from __future__ import annotations

import pytest

from .waiting import poll

pytestmark = pytest.mark.e2e

APP = "app.py"
# url path -> the query it opens with (short runs; the lab under `streamlit run` has every
# control in its sidebar)
PAGES = {"": "", "mnist": "?model=mlp", "escape": "", "anatomy": "", "triangle": "",
         "one-weight": "", "rates": ""}
KINDS = ("stSlider", "stRadio", "stSelectbox", "stCheckbox", "stNumberInput")
LANGUAGE = "Language"  # the picker changes every label: it has browser tests of its own


def _widgets(sidebar) -> list[tuple[str, str]]:
    """(test id, label) of each enabled widget in the sidebar, top to bottom."""
    return sidebar.evaluate(
        """(sidebar, kinds) => [...sidebar.querySelectorAll(
             kinds.map(k => `[data-testid="${k}"]`).join(','))]
           .filter(w => w.querySelector('input:not(:disabled)'))
           .map(w => [w.dataset.testid,
                      (w.querySelector('[data-testid="stWidgetLabel"]') || w).innerText
                        .split('\\n')[0].trim()])""", list(KINDS))


def _move(page, widget, kind: str) -> None:
    """One change of the widget's value, the way a visitor makes it."""
    if kind == "stSlider":
        thumb = widget.get_by_role("slider").first
        at_top = float(thumb.input_value()) >= float(thumb.get_attribute("max"))
        thumb.press("ArrowLeft" if at_top else "ArrowRight")
    elif kind == "stRadio":
        widget.locator('label:has(input:not(:checked))').first.click()
    elif kind == "stSelectbox":
        widget.locator("input").click()
        page.get_by_role("option", selected=False).first.click()
    elif kind == "stCheckbox":
        widget.locator("label").first.click()
    elif kind == "stNumberInput":
        widget.get_by_test_id("stNumberInputStepUp").click()


def warnings_on(page) -> list[str]:
    """The page's warning boxes (the one-line note of a link's or a value's problems)."""
    return [a.inner_text() for a in page.get_by_test_id("stAlert").all()
            if "⚠️" in a.inner_text()]


@pytest.mark.parametrize("path", PAGES)
def test_each_sidebar_widget_moves_the_page_without_a_warning(
    page, streamlit_server, wait_for_streamlit, path
):
    base = streamlit_server(APP)
    page.goto(base + "/")  # a fresh server's first request goes to the router (tests/e2e
    wait_for_streamlit(page, timeout_s=90)  # test_mnist_browser._open says why)
    page.goto(f"{base}/{path}{PAGES[path]}")
    wait_for_streamlit(page, timeout_s=90)
    sidebar = page.get_by_test_id("stSidebar")
    widgets = poll(lambda: [(kind, label) for kind, label in _widgets(sidebar)
                            if label != LANGUAGE],
                   lambda w: len(w) >= 3, timeout_s=60, what="the sidebar's widgets")
    wait_for_streamlit(page, timeout_s=60)
    moved = []
    for kind, label in widgets:
        widget = sidebar.get_by_test_id(kind).filter(
            has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
        if widget.count() != 1 or not widget.locator("input:not(:disabled)").count():
            continue  # a move before this one removed or disabled it
        before = page.evaluate("location.search")
        _move(page, widget, kind)
        poll(lambda b=before: page.evaluate("location.search"), lambda q, b=before: q != b,
             timeout_s=30, what=f"{label!r} in the link")
        wait_for_streamlit(page, timeout_s=60)
        assert not warnings_on(page), (kind, label, warnings_on(page))
        assert page.get_by_test_id("stException").count() == 0, (kind, label)
        moved.append(label)
    assert len(moved) >= len(widgets) // 2, (moved, widgets)
