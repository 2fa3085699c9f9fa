"""Shared e2e harness: `streamlit run` servers and a headless Debian Chromium via Playwright.

Fixtures
--------
chromium_path      session: path to /usr/bin/chromium; skips without it (fails when $CI is set)
browser            session: a Playwright Chromium browser
page               function: a fresh 1600x1000 page (its own context)
streamlit_server   factory: streamlit_server(script_path, env=None, query="") -> base URL
wait_for_streamlit function: gives wait_for_streamlit(page, timeout_s=30), which returns once
                   the app has rendered and no script run is in progress

Polling: the sync API handles browser events only inside Playwright calls, so `page.url`
(a cached property) never changes across `time.sleep`. Wait with `page.wait_for_timeout`,
or read through a call (`page.evaluate("location.search")`, `locator.get_attribute`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deploy.cluster import free_port, healthy
from lab_components.widget_guard import DROPPED  # logged for each value it turns away

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Playwright cannot download its own browser here; Debian's Chromium needs these flags.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1600, "height": 1000}
HEALTH_TIMEOUT_S = 60.0


def _missing(reason: str) -> None:
    """Skip locally; fail when $CI is set, where a missing browser is a broken setup."""
    if os.environ.get("CI"):
        pytest.fail(reason + " CI is set, so this is an error, not a skip.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium binary; a missing one skips e2e tests locally but fails them in CI."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _missing(f"e2e tests need Chromium at {CHROMIUM} (apt-get install chromium).")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    """A headless Chromium shared by the whole session."""
    try:
        from playwright import sync_api
    except ImportError:
        _missing("e2e tests need the playwright Python package (pip install playwright).")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context, so tests share no storage."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's process group (it may have spawned children), then kill it."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _output(file) -> str:
    """All a server has written so far to its output file."""
    file.flush()
    file.seek(0)
    return file.read().decode("utf-8", "replace")


@pytest.fixture
def streamlit_server() -> Iterator[Callable[..., str]]:
    """Factory: streamlit_server(script_path, env=None, query="") -> base URL (with `query`).

    Starts `streamlit run` on a free port with cwd = repo root, waits (at most 60 s) for
    /_stcore/health, and stops every server it started at teardown. `env` adds to os.environ;
    `query` is appended to the URL (e.g. "?lr=0.1"). `streamlit_server.log()` is the tail of
    the last server's output (for a test's failure message). At teardown the test fails if
    the widget guard dropped a value: a real browser only sends what its widgets produce.
    """
    started: list[tuple[subprocess.Popen, object]] = []

    def log(chars: int = 4000) -> str:
        return _output(started[-1][1])[-chars:] if started else ""

    def start(script_path: str | os.PathLike, env: dict | None = None, query: str = "") -> str:
        script = Path(script_path)
        if not script.is_absolute():
            script = REPO_ROOT / script
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        # A file, not a pipe: a chatty server must never block on a full pipe buffer.
        stderr = tempfile.TemporaryFile(mode="w+b")
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdout=stderr,  # interleaved with stderr: the log reads in order
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown reaches children
        )
        started.append((proc, stderr))
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if healthy(base_url):
                if query and not query.startswith(("?", "/")):
                    query = "?" + query
                return base_url + query
            time.sleep(0.25)
        exit_code = proc.poll()
        _stop(proc)
        if exit_code is None:
            what = f"did not answer /_stcore/health within {HEALTH_TIMEOUT_S:.0f} s"
        else:
            what = f"exited with code {exit_code} before /_stcore/health answered"
        raise RuntimeError(f"streamlit run {script} {what}. Server stderr and stdout:\n"
                           f"{_output(stderr)[-5000:]}")

    start.log = log
    yield start
    dropped = []
    for proc, stderr in started:
        _stop(proc)
        dropped += [line for line in _output(stderr).splitlines() if DROPPED in line]
        stderr.close()
    if dropped:  # a browser only sends what its widgets can produce
        pytest.fail("The widget guard dropped values a real browser sent:\n"
                    + "\n".join(dropped[:10]), pytrace=False)


def wait_until_idle(page, timeout_s: float = 30.0) -> None:
    """Wait (at most `timeout_s`) until the app is connected and no script run is going on.

    Streamlit marks the app root with data-test-script-state ("initial", "running",
    "notRunning", ...) and shows the stStatusWidget ("Running...") while a script runs. A
    rerun can start a moment after an interaction, so both must be quiet twice in a row.
    """
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    quiet = 0
    while time.monotonic() < deadline:
        idle = (
            app.get_attribute("data-test-connection-state") == "CONNECTED"
            and app.get_attribute("data-test-script-state") == "notRunning"
            and page.locator('[data-testid="stStatusWidget"]').count() == 0
        )
        quiet = quiet + 1 if idle else 0
        if quiet >= 2:
            return
        page.wait_for_timeout(200)
    raise TimeoutError(f"Streamlit was still running after {timeout_s:.0f} s.")


@pytest.fixture
def wait_for_streamlit() -> Callable[..., None]:
    """The helper wait_for_streamlit(page, timeout_s=30): returns once no script is running."""
    return wait_until_idle
