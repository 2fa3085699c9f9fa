"""Bounded waiting for the browser tests."""

from __future__ import annotations

import time


def poll(read, until, timeout_s: float = 15.0, what: str = "condition", interval_s: float = 0.1):
    """read() every `interval_s` until until(value) holds; return that value. Fails after
    `timeout_s` with the last value read. `read` should make a Playwright call (page.url alone
    goes stale between Playwright calls)."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while not until(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}: {value!r}")
        time.sleep(interval_s)
        value = read()
    return value


LAB_FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'


def lab_frame(page, timeout_s: float = 60.0):
    """The page's first plotly_view frame, once it exists."""
    page.locator(LAB_FRAME).first.wait_for(timeout=timeout_s * 1000)
    return page.locator(LAB_FRAME).first.element_handle().content_frame()


def first_drawn(page, timeout_s: float = 60.0):
    """The page's first plotly_view frame, once Plotly has drawn its first panel."""
    frame = lab_frame(page, timeout_s)
    poll(lambda: frame.evaluate("() => !!(window.plotlyView && window.plotlyView.panels[0]"
                                " && window.plotlyView.panels[0].drawnAt)"),
         bool, timeout_s=timeout_s, what="the first figure")
    return frame
