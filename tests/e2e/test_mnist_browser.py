"""The live MNIST page in real headless Chromium: the deep preset's plateau seen live, Stop and
Resume, a second tab in the queue, and a click on a digit that opens the lab at its logits.

Training uses the offline MNIST subset (LSL_MNIST_SOURCE=subset). The server runs the router
(app.py) and the page is opened at its address, /mnist. Screenshots go to $LSL_SCREENSHOT_DIR
when set (to look at the page as on a projector), else to tmp_path.

test_measure_live_updates is a benchmark, skipped unless LSL_BENCH=1: it prints the chart
update rate, the slowdown of training caused by a watching browser, the stop latency and how
long another session's page takes to load while this one trains.
"""

from __future__ import annotations

import functools
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from deploy.cluster import healthy
from tests.e2e.conftest import CHROMIUM_ARGS

from .test_every_widget_browser import warnings_on
from .waiting import poll

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
APP = "app.py"
ENV = {"LSL_MNIST_SOURCE": "subset"}
FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'
# The live curves' traces as plotly.js holds them: name, axis, and the points drawn.
TRACES_JS = """() => {
  const gd = document.getElementById('plot');
  if (!gd || !gd._fullData) return [];
  return gd._fullData.map(t => ({name: t.name, yaxis: t.yaxis, n: t._length || 0,
                                 x: Array.from(t.x || []), y: Array.from(t.y || [])}));
}"""


_poll = functools.partial(poll, interval_s=0.1)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("LSL_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _main(page):
    return page.get_by_test_id("stMainBlockContainer")


def _open(page, url: str, wait) -> None:
    # On a fresh `streamlit run` server, a first request for /mnist passes through Streamlit's
    # automatic-pages mode, whose "page not found" dialog makes the page inert until the router
    # takes over (deploy/serve.py turns that mode off; tests/e2e/test_production_browser.py).
    root = url.split("/mnist")[0]
    if root != url:
        page.goto(root + "/")
        wait(page)
    page.goto(url)
    wait(page)
    _main(page).get_by_role("button", name="Train").wait_for()


def _set_number(page, wait, label: str, value: int) -> None:
    box = page.get_by_test_id("stSidebar").get_by_role("spinbutton", name=label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    wait(page)


def _traces(page) -> list[dict]:
    """The live curves (the first plotly_view frame on the page); [] before they exist."""
    frames = page.locator(FRAME)
    if frames.count() == 0:
        return []
    frame = frames.first.element_handle().content_frame()
    return frame.evaluate(TRACES_JS) if frame is not None else []


def _points(page) -> int:
    return sum(t["n"] for t in _traces(page))


def _test_accuracy(page) -> dict[str, float]:
    """Last test accuracy of each run as drawn: {"Cross-entropy": ..., "MSE": ...}."""
    out = {}
    for t in _traces(page):
        if t["yaxis"] == "y" and t["name"].endswith("· test") and t["y"]:
            out[t["name"].split(" ·")[0]] = t["y"][-1]
    return out


def _status_text(page) -> str:
    return _main(page).inner_text()


def _click_when_enabled(page, name: str, server_log, timeout_s: float = 15.0) -> None:
    """Click the main area's button `name`; if it stays disabled, fail with what the page
    shows (its text and each button's state, the app's connection and script state, what the
    browser's console said) and the server's log: a stale button, a stale status and a lost
    connection (Streamlit then disables every widget) each read differently."""
    button = _main(page).get_by_role("button", name=name)
    try:
        button.click(timeout=timeout_s * 1000)
    except PlaywrightTimeoutError:
        buttons = _main(page).get_by_role("button").evaluate_all(
            "bs => bs.map(b => [b.innerText.trim(), b.disabled])")
        app = page.get_by_test_id("stApp")
        states = {k: app.get_attribute(f"data-test-{k}-state") for k in ("connection", "script")}
        console = "\n".join(getattr(page, "lsl_console", [])[-30:])
        history = page.evaluate("() => window.lslConnection || []")
        raise AssertionError(
            f"{name} stayed disabled for {timeout_s:.0f} s; buttons: {buttons}; app: {states}; "
            f"connection states (ms since load, state): {history}; "
            f"the page says: {_status_text(page)!r}\nthe console said:\n{console}\n"
            f"the server's log ends:\n{server_log()}") from None


# Each change of the app's connection state, with the time since the page loaded.
CONNECTION_JS = """(() => {
  window.lslConnection = [];
  setInterval(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-connection-state');
    const log = window.lslConnection;
    if (state && (!log.length || log[log.length - 1][1] !== state))
      log.push([Math.round(performance.now()), state]);
  }, 50);
})();"""


def test_the_deep_preset_shows_the_plateau_while_it_trains(
    page, streamlit_server, wait_for_streamlit, tmp_path
):
    """Press the flagship preset and Train: the curves move, and mid-run cross-entropy is past
    0.5 test accuracy while MSE is still at chance (about 0.1): the lab's plateau, live."""
    _open(page, streamlit_server(APP, env=ENV, query="/mnist"), wait_for_streamlit)
    _main(page).get_by_role("button", name="Deeper MLP: the plateau").click()
    wait_for_streamlit(page)
    _main(page).get_by_role("button", name="Train").click()
    page.mouse.move(800, 990)  # no tooltip over the page in the screenshots

    first = _poll(lambda: _points(page), lambda n: n > 0, 60, "the first curves")
    _poll(lambda: _points(page), lambda n: n > first, 20, "the curves to move")
    acc = _poll(lambda: _test_accuracy(page), lambda a: a.get("Cross-entropy", 0) > 0.5, 240,
                "cross-entropy to leave the plateau")
    assert acc["MSE"] < 0.2, acc  # still on its plateau, at chance
    page.wait_for_timeout(300)  # plotly has the data; let it paint before the screenshot
    page.screenshot(path=str(_shots(tmp_path) / "mnist_plateau.png"))
    assert "Training: step" in _status_text(page)
    assert "Cross-entropy left the plateau" in _status_text(page)
    _main(page).get_by_role("button", name="Stop").click()
    _main(page).get_by_text("Stopped at step").wait_for(timeout=10_000)


def test_stop_ends_training_promptly_and_resume_continues(
    page, streamlit_server, wait_for_streamlit
):
    page.lsl_console = []
    page.on("console", lambda m: page.lsl_console.append(
        f"{time.strftime('%H:%M:%S')} {m.type}: {m.text[:300]}"))
    page.add_init_script(CONNECTION_JS)
    _open(page, streamlit_server(APP, env=ENV, query="/mnist?model=mlp&batch_size=10"),
          wait_for_streamlit)
    main = _main(page)
    main.get_by_role("button", name="Train").click()
    _poll(lambda: _points(page), lambda n: n > 0, 30, "the first curves")

    main.get_by_role("button", name="Stop").click()
    main.get_by_text("Stopped at step").wait_for(timeout=10_000)
    stopped = _poll(lambda: _points(page), lambda n: n > 0, 5, "curves kept after the stop")
    time.sleep(1.0)
    assert _points(page) == stopped  # nothing trains any more

    _click_when_enabled(page, "Resume", streamlit_server.log)
    _poll(lambda: _points(page), lambda n: n != stopped, 30, "the curves to continue")
    assert "Training: step" in _status_text(page)
    main.get_by_role("button", name="Stop").click()
    main.get_by_text("Stopped at step").wait_for(timeout=10_000)


def test_a_number_typed_in_the_sidebar_is_taken_and_train_warns_of_nothing(
    page, streamlit_server, wait_for_streamlit
):
    """The browser sends an integer box's value as an int_value: it must become the setting
    (it was dropped, and every Train press said the link had bad steps, eval_every, seed)."""
    _open(page, streamlit_server(APP, env=ENV, query="/mnist?model=mlp&batch_size=10"),
          wait_for_streamlit)
    _set_number(page, wait_for_streamlit, "Steps", 3000)
    _set_number(page, wait_for_streamlit, "Seed", 7)
    assert "steps=3000" in page.url and "seed=7" in page.url
    assert "3,000 steps of 10 images" in _status_text(page)
    _main(page).get_by_role("button", name="Train").click()
    _poll(lambda: _points(page), lambda n: n > 0, 30, "the first curves")
    assert "of 3,000" in _status_text(page)
    assert not warnings_on(page), warnings_on(page)
    _main(page).get_by_role("button", name="Stop").click()
    _main(page).get_by_text("Stopped at step").wait_for(timeout=10_000)
    assert not warnings_on(page), warnings_on(page)


def test_the_pace_can_be_changed_while_it_trains_but_not_cleared(
    page, streamlit_server, wait_for_streamlit
):
    """Full speed is the pace None: Streamlit offered a clear button on the box (a blank box,
    a value the page cannot take). The box now only changes from one pace to another."""
    _open(page, streamlit_server(APP, env=ENV, query="/mnist?model=mlp&batch_size=10"
                                 "&steps=60000"), wait_for_streamlit)
    main = _main(page)
    box = main.get_by_test_id("stSelectbox")
    main.get_by_role("button", name="Train").click()
    _poll(lambda: _points(page), lambda n: n > 0, 30, "the first curves")
    assert box.get_by_role("button", name="Clear value").count() == 0
    for name in ("50 steps per second", "Full speed"):
        box.locator("input").click()
        page.get_by_role("option", name=name).click()
        wait_for_streamlit(page)
        assert box.locator("input").input_value() == name
        assert box.get_by_role("button", name="Clear value").count() == 0
    main.get_by_role("button", name="Stop").click()
    main.get_by_text("Stopped at step").wait_for(timeout=10_000)


def test_a_second_tab_waits_its_turn_and_cannot_touch_the_first_tabs_run(
    page, browser, streamlit_server, wait_for_streamlit, tmp_path
):
    url = streamlit_server(APP, env={**ENV, "LSL_MAX_TRAININGS": "1"},
                           query="/mnist?model=mlp&batch_size=10")
    _open(page, url, wait_for_streamlit)
    _main(page).get_by_role("button", name="Train").click()
    _poll(lambda: _points(page), lambda n: n > 0, 30, "the first tab's curves")

    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    try:
        _open(other, url, wait_for_streamlit)
        assert _points(other) == 0  # the first tab's run is not shown here
        assert _main(other).get_by_role("button", name="Stop").is_disabled()
        _main(other).get_by_role("button", name="Train").click()
        _main(other).get_by_text("you are number 1 in the queue").wait_for()
        other.screenshot(path=str(_shots(tmp_path) / "mnist_queued.png"))
        # Its Stop takes it out of the queue and leaves the first tab's run alone.
        _main(other).get_by_role("button", name="Stop").click()
        _main(other).get_by_text("Stopped at step").wait_for()
        assert "Training: step" in _status_text(page)
    finally:
        other.context.close()
    _main(page).get_by_role("button", name="Stop").click()
    _main(page).get_by_text("Stopped at step").wait_for()


DIGIT_FRAME_JS = """() => {
  const gd = document.getElementById("plot");
  const p = window.plotlyView && window.plotlyView.panels[0];
  return !!(gd && gd._fullData && gd._fullData.some(t => t.type === "image") && p
            && p.clickListening);
}"""


def _digit_frame(page):
    """The plotly_view frame of the digit grid once it is drawn and listening, else None."""
    frames = page.locator('iframe[title="lab_components.plotly_view.plotly_view"]')
    for i in range(frames.count()):
        frame = frames.nth(i).element_handle().content_frame()
        if frame is not None and frame.evaluate(DIGIT_FRAME_JS):
            return frame
    return None


def test_a_click_on_a_digit_opens_the_lab_at_its_two_logits(
    page, streamlit_server, wait_for_streamlit
):
    _open(page, streamlit_server(APP, env=ENV,
                                 query="/mnist?model=softmax&lr=1&steps=100&eval_every=50"),
          wait_for_streamlit)
    _main(page).get_by_role("button", name="Train").click()
    _main(page).get_by_text("Finished: step 100 of 100").wait_for(timeout=60_000)
    wait_for_streamlit(page)
    # The digit grid is the plot frame that draws an image; the read-out fragment may draw it
    # a poll (2 s) after the run ends, and it answers clicks once drawn.
    grid = _poll(lambda: _digit_frame(page), bool, 60, "the digit grid, drawn")
    grid.locator("#plot").scroll_into_view_if_needed()
    box = grid.locator(".nsewdrag").first.bounding_box()  # in the page's coordinates
    # the first digit's cell: top-left tenth of the grid's width, first row
    page.mouse.click(box["x"] + box["width"] / 20, box["y"] + box["width"] / 20 * 58 / 64)
    # the lab is the default page: its address is / (or /lab)
    page.wait_for_url(re.compile(r"/(lab)?\?.*y1="), timeout=40_000)
    wait_for_streamlit(page)
    assert "y3=-1000" in page.url and "target=1" in page.url
    assert "Error-surface lab" in _status_text(page)


# -- benchmark (LSL_BENCH=1) ----------------------------------------------------------------

BENCH_STEPS = 4800  # MLP, batch 10 on the subset: a few seconds of training on a free core
BENCH_CONFIG = {"model": "mlp", "batch_size": 10, "lr": 0.1, "steps": BENCH_STEPS}
# What the chart shows: changes whenever any trace gets a point or its last point moves.
SIGNATURE_JS = """() => {
  const frame = document.querySelector('iframe[title="lab_components.plotly_view.plotly_view"]');
  const gd = frame && frame.contentDocument.getElementById('plot');
  if (!gd || !gd._fullData) return "";
  return JSON.stringify(gd._fullData.map(t => [t._length, t.x && t.x[t._length - 1],
                                              t.y && t.y[t._length - 1]]));
}"""
HEADLESS = """
import json, time
from surfaces.mnist import data, engine, jobs
manager = jobs.JobManager(loader=lambda progress: data.load_subset())
config = engine.TrainConfig(**json.loads(CONFIG))
manager.start("bench", config)
while manager.view("bench").active:
    time.sleep(0.05)
seconds = manager.view("bench").seconds
CPU = time.process_time()
manager.start("bench", config)
while manager.view("bench").fraction < 0.1:
    time.sleep(0.01)
t0 = time.monotonic()
manager.stop("bench")
while manager.view("bench").state != "stopped":
    time.sleep(0.001)
print(json.dumps([seconds, time.monotonic() - t0, CPU]))
manager.shutdown()
"""


def _pinned(cpus: str | None) -> list[str]:
    return ["taskset", "-c", cpus] if cpus else []


def _headless_run(cpus: str | None) -> tuple[float, float, float]:
    """The same training with nobody watching, in a fresh process: (seconds, stop latency,
    CPU seconds of the whole process up to the end of that training, loading included)."""
    code = HEADLESS.replace("CONFIG", repr(json.dumps(BENCH_CONFIG)))
    out = subprocess.run(
        [*_pinned(cpus), sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
        timeout=300, check=True,
    )  # fmt: skip
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


def _server(cpus: str | None) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` (the router, as deployed), optionally pinned to some cores."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [*_pinned(cpus), sys.executable, "-m", "streamlit", "run", "app.py",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=REPO, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _poll(lambda: healthy(base), bool, 60, "the benchmark server")
    return proc, base


def _load_seconds(browser, url: str, wait) -> float:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        other = context.new_page()
        t0 = time.monotonic()
        other.goto(url)
        wait(other, timeout_s=120)
        return time.monotonic() - t0
    finally:
        context.close()


def _thread_cpu(pid: int) -> dict[str, float]:
    """Thread id -> user + system CPU seconds, for every thread of a process (from /proc)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        out[task.name] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, ended threads included (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _watched_run(page, wait, pid: int) -> dict:
    """Train with the page open: redraw rate of the curves, training seconds, and the CPU
    seconds of the server's training thread and of all its other threads (the live updates).

    A sampler reads /proc every 0.1 s, so the training thread, which starts and ends within
    the run, is seen while it lives (its last 0.1 s may be missed). The rest is the process's
    total, which counts threads that have ended (each script run has its own thread), minus
    the training thread."""
    before = _thread_cpu(pid)
    total_before = _process_cpu(pid)
    seen: dict[str, float] = {}
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            seen.update(_thread_cpu(pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _main(page).get_by_role("button", name="Train").click()
    _poll(lambda: _points(page), lambda n: n > 0, 30, "the first curves")
    changes, last, t_end = [], page.evaluate(SIGNATURE_JS), time.monotonic() + 3
    while time.monotonic() < t_end:  # how often the drawn curves change, sampled at 50 Hz
        now = page.evaluate(SIGNATURE_JS)
        if now != last:
            changes.append(time.monotonic())
            last = now
        time.sleep(0.02)
    done = _main(page).get_by_text(re.compile(r"Finished: step [\d,]+ of"))
    done.wait_for(timeout=300_000)
    sampling.set()
    sampler.join()
    seen.update(_thread_cpu(pid))
    wait(page)
    new = {tid: cpu for tid, cpu in seen.items() if tid not in before}
    trainer = max(new, key=new.get)  # the worker thread of this run
    return {
        "rate": (len(changes) - 1) / (changes[-1] - changes[0]) if len(changes) > 1 else 0.0,
        "seconds": float(re.search(r"in ([\d.]+) s", done.inner_text()).group(1)),
        "train_cpu": new[trainer],
        "other_cpu": _process_cpu(pid) - total_before - new[trainer],
    }


@pytest.mark.skipif(os.environ.get("LSL_BENCH") != "1", reason="benchmark: set LSL_BENCH=1")
def test_measure_live_updates(browser, chromium_path, wait_for_streamlit, tmp_path):
    """LSL_BENCH_PIN=1 runs the server (and the headless baseline) on core 0 and Chromium on
    core 1, as when the lecturer's browser is on another machine; otherwise all share."""
    pin = os.environ.get("LSL_BENCH_PIN") == "1"
    server_cpus, browser_cpus = ("0", "1") if pin else (None, None)
    if pin:
        wrapper = tmp_path / "chromium"
        wrapper.write_text(f'#!/bin/sh\nexec taskset -c {browser_cpus} {chromium_path} "$@"\n')
        wrapper.chmod(0o755)
        browser = browser.browser_type.launch(executable_path=str(wrapper), args=CHROMIUM_ARGS)
    proc, base = _server(server_cpus)
    print(f"\n{'pinned: server core 0, Chromium core 1' if pin else 'all on the same cores'}")
    try:
        page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        page.set_default_timeout(15_000)
        idle_load = min(_load_seconds(browser, base, wait_for_streamlit) for _ in range(2))
        query = "&".join(f"{k}={v}" for k, v in BENCH_CONFIG.items())
        _open(page, f"{base}/mnist?{query}", wait_for_streamlit)
        rows = []
        for _ in range(int(os.environ.get("LSL_BENCH_REPEATS", "3"))):  # interleaved vs noise
            headless, worker_stop, headless_cpu = _headless_run(server_cpus)
            r = _watched_run(page, wait_for_streamlit, proc.pid) | {"headless": headless}
            rows.append(r)
            print(
                f"update rate {r['rate']:.2f}/s | training {r['seconds']:.2f} s watched vs "
                f"{headless:.2f} s headless ({100 * (r['seconds'] / headless - 1):+.0f} %)"
                f" | CPU: training thread {r['train_cpu']:.2f} s, rest of the server "
                f"{r['other_cpu']:.2f} s ({100 * r['other_cpu'] / r['seconds']:.0f} % of a core);"
                f" headless process {headless_cpu:.2f} s | worker stop {worker_stop:.3f} s"
                f" | load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )

        # While this session trains: another session's page load, and Stop as the user sees it.
        _set_number(page, wait_for_streamlit, "Steps", 20 * BENCH_STEPS)
        _main(page).get_by_role("button", name="Train").click()
        _poll(lambda: _points(page), lambda n: n > 0, 30, "curves of the last run")
        busy_load = _load_seconds(browser, base, wait_for_streamlit)
        clicked = time.monotonic()
        _main(page).get_by_role("button", name="Stop").click()
        _main(page).get_by_text("Stopped at step").wait_for(timeout=20_000)
        stop_shown = time.monotonic() - clicked
    finally:
        proc.terminate()
        proc.wait(10)
        if pin:
            browser.close()
    best = min(r["seconds"] for r in rows) / min(r["headless"] for r in rows) - 1
    print(
        f"best watched vs best headless: {100 * best:+.0f} %; Stop shown after "
        f"{stop_shown:.2f} s; another session's page load {busy_load:.2f} s while training, "
        f"{idle_load:.2f} s idle"
    )
    assert all(r["rate"] > 0 for r in rows)
