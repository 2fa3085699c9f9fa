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
