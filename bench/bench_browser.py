"""Slider to screen in headless Chromium (issue 7), all in one run; results go to
docs/benchmarks.md.

Measured on README's start (`deploy/serve.py`, which serves the path route), on a fresh
`streamlit run app.py` (first visit only) and on the reference app
(`bench/reference_browser_app.py`: two cached 101x101 surfaces and one path drawn with
`st.plotly_chart`):
- first visit on a fresh server (`deploy/serve.py` and `streamlit run`) and again on the warm
  `deploy/serve.py` (a new browser each, as a new visitor's: no HTTP cache, and no shader
  programs Chromium's GPU process linked for an earlier visitor): navigation start -> the first
  3-D figure on screen, as the frame's still sketch and as Plotly's drawing (the warm
  server's median of 9 visitors, with the fastest and slowest); bytes on the wire (HTTP
  encoded bytes, CDP Network.loadingFinished, plus websocket frames); copies of plotly.js
  loaded;
- path-only moves with the figure frame's own controls (Start y1, learning rate, steps,
  optimiser, Adam's beta1: the frame asks the path route and draws) and surface moves (y3,
  range, target, resolution: the route answers the new surfaces), on README's start, where
  they are the lab's only controls of these settings; and a few of the same on `streamlit
  run` (no route: a rerun of the page each), for the comparison: key press (or
  the control's input event) -> the 3-D panel and the maps panel drawn with the new data
  (the frontend stamps each draw one animation frame after Plotly.react resolves); the
  floor: Plotly.react of the same panels, from the figure before the move to the figure
  after it, replayed in the same page right after the move and timed the same way; bytes
  received per move on the websocket (CDP Network.webSocketFrameReceived) and over HTTP
  (the path route), the move's report to Python and its rerun included;
- the reference app's first 3-D chart for a new visitor on its warm server, and its slider
  move: key press -> its chart shows the new path.

    flock /tmp/lsl-heavy.lock python bench/bench_browser.py [--moves N] [--write]
"""

from __future__ import annotations

import argparse
import base64
import datetime
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from common import cpu_model, publish  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_browser:start -->", "<!-- bench_browser:end -->"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1000}
# New visitors on the warm server: one visitor's first figure varies by 0.1-0.2 s on this
# 2-core machine (docs/benchmarks.md), so the median is of 9.
WARM_VISITORS = 9
FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'
INTRO = """## Slider to screen, in the browser

`bench/bench_browser.py` drives headless Chromium (software WebGL) against README's start;
`flock /tmp/lsl-heavy.lock python bench/bench_browser.py --write` regenerates the block below
(and only it). "Above floor" is the move's time minus Plotly's own redraw of the same panels
(from the figure before the move to the one after it), replayed in the same page right after
each move: the median of those differences.
"""

# ---- server and browser -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(script: str, production: bool = False):
    """`streamlit run script` (or README's start, `deploy/serve.py`, which imports what the
    pages need before it listens) on 127.0.0.1; yields its URL once healthy (at most 60 s)."""
    port = free_port()
    log = tempfile.TemporaryFile()
    command = ([sys.executable, str(ROOT / "deploy" / "serve.py"), "--script", str(ROOT / script),
                "--address", "127.0.0.1", "--port", str(port)] if production else
               [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.address",
                "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
                "--browser.gatherUsageStats", "false"])
    proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"{script} did not start:\n{log.read()[-3000:]!r}") from None
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


class Wire:
    """Counts, through CDP, HTTP bytes, websocket bytes received, and plotly.js copies."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.http = 0
        self.ws = 0
        self.plotly_copies = 0
        self._urls: dict[str, str] = {}
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)

    def _request(self, event):
        self._urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event):
        self.http += int(event.get("encodedDataLength", 0))
        url = self._urls.get(event["requestId"], "")
        name = url.rsplit("/", 1)[-1].split("?")[0]
        if name == "plotly.min.js" or name.startswith("PlotlyChart"):
            self.plotly_copies += 1

    def _frame(self, event):
        response = event["response"]
        payload = response.get("payloadData", "")
        self.ws += len(base64.b64decode(payload)) if response.get("opcode") == 2 else len(
            payload.encode())


def idle(page, timeout_s: float = 30.0) -> None:
    """Wait until Streamlit is connected and no script run is going on (twice in a row)."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(timeout=timeout_s * 1000)
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline:
        still = (app.get_attribute("data-test-script-state") == "notRunning"
                 and page.locator('[data-testid="stStatusWidget"]').count() == 0)
        quiet = quiet + 1 if still else 0
        if quiet >= 2:
            return
        page.wait_for_timeout(50)
    raise TimeoutError("Streamlit kept running")


def poll(read, until, timeout_s: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    value = read()
    while not until(value):
        if time.monotonic() > deadline:
            raise TimeoutError(f"waiting for {what}: {value!r}")
        time.sleep(0.01)
        value = read()
    return value


# ---- the lab -----------------------------------------------------------------------------

KEYDOWN = """() => { if (window.__keys) return; window.__keys = 1;
  const stamp = e => { if (!window.__t0) window.__t0 = performance.timeOrigin + e.timeStamp; };
  document.addEventListener("keydown", stamp, true);
  document.addEventListener("input", stamp, true); }"""
# The frame's controls: every move reported to Python (its rerun is then awaited).
SYNCED = """() => { const c = window.plotlyView.controls;
  return !c.moved || Number(c.div.dataset.reported || 0) === c.moved; }"""
STAMPS = "() => window.plotlyView.panels.map(p => [p.renders, p.drawnAt || 0])"
FLOOR = """async (ids) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  let total = 0;
  for (const i of ids) {
    const p = window.plotlyView.panels[i];
    if (!p.previous) return null;
    await Plotly.react(p.div, p.previous.data, p.previous.layout, p.previous.config);
    await frame();
    await frame();
    await new Promise(r => setTimeout(r, 300));  // let the WebGL work of that draw finish
    const t = performance.now();
    await Plotly.react(p.div, p.last.data, p.last.layout, p.last.config);
    await frame();
    total += performance.now() - t;
  }
  return total;
}"""


def lab_frame(page):
    page.locator(FRAME).first.wait_for(timeout=60_000)
    return page.locator(FRAME).first.element_handle().content_frame()


@contextmanager
def new_visitor(pw):
    """A page in a browser of its own. A new context of a shared browser would share its GPU
    process: the shader programs Plotly linked for an earlier visitor come from Chromium's
    program cache, and Plotly's first 3-D drawing took about 0.2 s less for that."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser.new_context(viewport=VIEWPORT).new_page()
    finally:
        browser.close()


def first_visit(pw, url: str) -> dict:
    """A new visitor: ms to the first 3-D figure, bytes on the wire, plotly.js copies."""
    with new_visitor(pw) as page:
        wire = Wire(page)
        page.goto(url)
        frame = lab_frame(page)
        poll(lambda: frame.evaluate("() => !!(window.plotlyView && window.plotlyView.panels[0]"
                                    " && window.plotlyView.panels[0].drawnAt)"),
             bool, timeout_s=60, what="the first 3-D figure")
        drawn, sketched, loaded = frame.evaluate(
            "() => [window.plotlyView.panels[0].drawnAt, window.plotlyView.sketch.sketchedAt,"
            " window.plotlyView.sketch.loadedAt]")
        origin = page.evaluate("() => performance.timeOrigin")
        idle(page)
        page.wait_for_timeout(500)
        return {"first_ms": drawn - origin, "sketch_ms": sketched - origin if sketched else None,
                "plotly_ms": loaded - origin if loaded else None, "http": wire.http, "ws": wire.ws,
                "plotly": wire.plotly_copies}


def move(page, frame, wire: Wire, keys) -> dict:
    """Press keys on the figure frame's focused control (a callable instead of keys acts
    itself); ms to both paths panels redrawn, floor, bytes on the websocket and over HTTP
    (the path route)."""
    before = frame.evaluate(STAMPS)
    wire.ws = wire.http = 0
    frame.evaluate("() => { window.__t0 = 0; }")
    if callable(keys):
        keys()
    else:
        for key in keys:
            page.keyboard.press(key)  # single characters type themselves
    t0 = poll(lambda: frame.evaluate("() => window.__t0"), bool, what="the key press")

    def done(stamps):
        return all(stamps[i][0] > before[i][0] and stamps[i][1] > t0 for i in (0, 1))

    stamps = poll(lambda: frame.evaluate(STAMPS), done, what="the redrawn panels")
    poll(lambda: frame.evaluate(SYNCED), bool, what="the move reported to Python")
    idle(page)
    page.wait_for_timeout(300)  # late frames (the curves panel, the URL) still count
    idle(page)
    took = max(stamps[0][1], stamps[1][1]) - t0
    floor = frame.evaluate(FLOOR, [0, 1])
    return {"ms": took, "floor": floor, "ws": wire.ws, "http": wire.http}


def lab_moves(browser, url: str, n: int, *, via_rerun: bool = False) -> dict[str, list[dict]]:
    """Moves of the figure frame's own controls (README's start: drawn from the path route).
    `via_rerun`: a server without the route (`streamlit run`), where the same controls go
    through Streamlit's rerun; a few of them, for the comparison."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    wire = Wire(page)
    page.goto(url)
    frame = lab_frame(page)
    poll(lambda: frame.evaluate(STAMPS), lambda s: len(s) == 3 and all(x[1] for x in s),
         timeout_s=60, what="three panels")
    idle(page)
    frame.evaluate(KEYDOWN)
    results: dict[str, list[dict]] = {}

    def run(label, name, keys_for):
        samples = results.setdefault(label, [])
        for k in range(n):
            frame.locator(f"#control-{name}").focus()
            samples.append(move(page, frame, wire, keys_for(k)))
            print(label, {k: round(v) for k, v in samples[-1].items() if v is not None},
                  flush=True)

    back_forth = lambda k: ["ArrowRight" if k % 2 == 0 else "ArrowLeft"]  # noqa: E731
    # Path moves go one way, to values not seen before: Streamlit sends a message it has sent
    # before as a reference to its cache, which would flatter the bytes per move.
    right, left = (lambda k: ["ArrowRight"]), (lambda k: ["ArrowLeft"])  # noqa: E731
    # y3: -1000 <-> 20 (one step of y3 far below the square draws the same surfaces).
    ends = lambda k: ["End" if k % 2 == 0 else "Home"]  # noqa: E731
    if via_rerun:
        run("rerun: Start y1", "y1", right)
        run("rerun: learning rate", "lr", left)
        run("surface (rerun): y3", "y3", ends)
        run("surface (rerun): range", "span", back_forth)
        context.close()
        return results
    run("frame: Start y1", "y1", right)
    run("frame: learning rate", "lr", left)
    run("frame: steps", "steps", right)
    choices = ["SGD + momentum", "RMSprop", "Nesterov momentum", "Adam"]  # Adam last
    run("frame: optimiser", "opt", lambda k: lambda: frame.locator(
        "#control-opt").select_option(label=choices[(k - n) % len(choices)]))
    run("frame: Adam β1", "beta1", left)
    run("surface (frame): y3", "y3", ends)
    run("surface (frame): range", "span", back_forth)
    run("surface (frame): target", "target", lambda k: lambda: frame.locator(
        "#control-target").select_option(index=(k + 1) % 3))
    run("surface (frame): resolution", "res",
        lambda k: ["ArrowLeft" if k % 2 == 0 else "ArrowRight"])
    context.close()
    return results


# ---- the reference app -------------------------------------------------------------------

REFERENCE_DRAWN = """(y2) => new Promise(resolve => {
  const check = () => {
    const gd = document.querySelector(".js-plotly-plot");
    const path = gd && gd._fullData && gd._fullData.find(t => t.type === "scatter3d");
    if (path && Math.abs(path.y[0] - y2) < 1e-9 && gd._fullLayout.scene._scene) {
      requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
    } else {
      requestAnimationFrame(check);
    }
  };
  check();
})"""


REFERENCE_FIRST = """() => new Promise(resolve => {
  const check = () => {
    const gd = document.querySelector(".js-plotly-plot");
    if (gd && gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene &&
        gd._fullLayout.scene2 && gd._fullLayout.scene2._scene) {
      requestAnimationFrame(() => resolve(performance.now()));
    } else {
      requestAnimationFrame(check);
    }
  };
  check();
})"""


def reference_first_visit(pw, url: str) -> float:
    """A new visitor of the reference app: ms from navigation to its 3-D chart drawn."""
    with new_visitor(pw) as page:
        page.goto(url)
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        return page.evaluate(REFERENCE_FIRST)


def reference_moves(browser, url: str, n: int) -> list[float]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    idle(page)
    page.evaluate(KEYDOWN)
    out, y2 = [], 8.0
    for k in range(n):
        page.get_by_role("slider", name="Start y2").focus()
        key, y2 = ("ArrowLeft", y2 - 0.5) if k % 2 == 0 else ("ArrowRight", y2 + 0.5)
        page.evaluate("() => { window.__t0 = 0; }")
        page.keyboard.press(key)
        drawn = page.evaluate(REFERENCE_DRAWN, y2)
        out.append(drawn - page.evaluate("() => window.__t0"))
        idle(page)
    context.close()
    return out


# ---- report ------------------------------------------------------------------------------


def summarize(samples: list[dict]) -> dict:
    ms = [s["ms"] for s in samples]
    floors = [s["floor"] for s in samples if s["floor"] is not None]
    above = [s["ms"] - s["floor"] for s in samples if s["floor"] is not None]
    return {"ms": statistics.median(ms), "floor": statistics.median(floors),
            "above": statistics.median(above), "ws": statistics.median(s["ws"] for s in samples),
            "ws_max": max(s["ws"] for s in samples),
            "http": statistics.median(s["http"] for s in samples), "n": len(samples)}


def seconds(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1e3:.2f}"


def spread(span: tuple[float, float] | None) -> str:
    return "-" if span is None else f"{seconds(span[0])}-{seconds(span[1])} s"


def median_visit(visits: list[dict]) -> dict:
    """The median of each number over new visitors' first visits, their count, and the
    fastest and slowest visitor's interactive figure (`first_range`, ms)."""
    out = {k: statistics.median(v[k] for v in visits)
           if all(v[k] is not None for v in visits) else None for k in visits[0]}
    firsts = [v["first_ms"] for v in visits if v.get("first_ms") is not None]
    return {**out, "n": len(visits),
            "first_range": (min(firsts), max(firsts)) if firsts else None}


def report(fresh_production: dict, fresh: dict, warm: dict, moves: dict, reference: list[float],
           reference_first: float, load: tuple) -> str:
    now = datetime.date.today().isoformat()
    lines = [
        f"Run {now} on {os.cpu_count()} cores, {cpu_model()}, Python "
        f"{platform.python_version()}, headless Chromium (software WebGL), viewport "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}; load average before the run "
        f"{', '.join(f'{x:.1f}' for x in load)}.",
        "",
        "| move | key -> 3-D and maps drawn (ms) | Plotly's floor (ms) | above floor (ms) "
        "| websocket per move (kB, median / max) | HTTP per move (kB) |",
        "|---|---|---|---|---|---|",
    ]
    for label, samples in moves.items():
        s = summarize(samples)
        lines.append(f"| {label} | {s['ms']:.0f} | {s['floor']:.0f} | **{s['above']:.0f}** | "
                     f"{s['ws'] / 1e3:.1f} / {s['ws_max'] / 1e3:.1f} | {s['http'] / 1e3:.1f} |")

    def group(prefix: str) -> dict:
        return summarize([x for label, samples in moves.items() if label.startswith(prefix)
                          for x in samples])

    f, p, s = group("frame:"), group("rerun:"), group("surface (rerun):")
    fs = group("surface (frame):")
    ref = statistics.median(reference)
    lines += [
        "",
        f"- Path-only moves with the figure's own controls, all together (n = {f['n']}): "
        f"median {f['ms']:.0f} ms, floor {f['floor']:.0f} ms, **{f['above']:.0f} ms above the "
        f"floor** (target <= 80); per move **{(f['ws'] + f['http']) / 1e3:.1f} kB** on the "
        f"wire (the path route {f['http'] / 1e3:.1f} kB, then Streamlit's rerun "
        f"{f['ws'] / 1e3:.1f} kB on the websocket; max {f['ws_max'] / 1e3:.1f}; target <= 30).",
        f"- The same controls on `streamlit run` (no path route: a rerun of the page each), "
        f"path moves (n = {p['n']}): median {p['ms']:.0f} ms, floor {p['floor']:.0f} ms, "
        f"**{p['above']:.0f} ms above the floor**, {p['ws'] / 1e3:.1f} kB on the websocket "
        f"(max {p['ws_max'] / 1e3:.1f}).",
        f"- Surface moves with the figure's own controls, all together (n = {fs['n']}): "
        f"median {fs['ms']:.0f} ms, floor {fs['floor']:.0f} ms, **{fs['above']:.0f} ms above "
        f"the floor** (target <= 150), {(fs['ws'] + fs['http']) / 1e3:.1f} kB on the wire "
        f"(the route {fs['http'] / 1e3:.1f} kB, the rerun {fs['ws'] / 1e3:.1f} kB).",
        f"- Surface moves on `streamlit run` (a rerun each; n = {s['n']}): median "
        f"{s['ms']:.0f} ms, floor {s['floor']:.0f} ms, "
        f"**{s['above']:.0f} ms above the floor**, {s['ws'] / 1e3:.0f} kB on the websocket.",
        f"- Reference app (two cached 101x101 surfaces and one path with `st.plotly_chart`): "
        f"median **{ref:.0f} ms** per slider move (n = {len(reference)}); the lab's path-only "
        f"move is **{ref / f['ms']:.1f}x** faster with the figure's controls, "
        f"{ref / p['ms']:.1f}x through the rerun.",
        f"- First 3-D figure for a new visitor, on screen as the frame's still sketch / as "
        f"Plotly's interactive figure: **{seconds(warm['sketch_ms'])} s** / "
        f"**{seconds(warm['first_ms'])} s** on a warm server (README's start; median of "
        f"{warm['n']} new visitors, each in a browser of its own, the interactive figure "
        f"{spread(warm['first_range'])}; target <= 1.5), "
        f"**{seconds(fresh_production['sketch_ms'])} s** / "
        f"**{seconds(fresh_production['first_ms'])} s** on a freshly started server as "
        "README starts it (`deploy/serve.py`, which imports what the pages need before it "
        f"listens; target <= 5), {seconds(fresh['sketch_ms'])} s / "
        f"{seconds(fresh['first_ms'])} s on a fresh `streamlit run app.py` (the first visitor "
        "pays the imports, as on Streamlit Community Cloud); plotly.js ran at "
        f"{seconds(warm['plotly_ms'])} s on the warm server. The reference app's first 3-D "
        f"chart on its warm server: {reference_first / 1e3:.2f} s (median of 3 "
        "new visitors, each in a browser of its own).",
        f"- A first visit on the wire: **{(warm['http'] + warm['ws']) / 1e6:.2f} MB** "
        f"(HTTP {warm['http'] / 1e6:.2f} MB encoded, websocket {warm['ws'] / 1e6:.2f} MB; "
        f"target <= 4); copies of plotly.js loaded: **{warm['plotly']}**.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=6, help="moves per slider (default 6)")
    parser.add_argument("--write", action="store_true", help="write into docs/benchmarks.md")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with server("app.py", production=True) as url:  # README's start
            fresh_production = first_visit(pw, url)
            warm = median_visit([first_visit(pw, url) for _ in range(WARM_VISITORS)])
            moves = lab_moves(browser, url, args.moves)
        with server("app.py") as url:
            fresh = first_visit(pw, url)
            moves.update(lab_moves(browser, url, args.moves, via_rerun=True))
        with server("bench/reference_browser_app.py") as url:
            reference_first_visit(pw, url)  # the server's first run fills its caches
            reference_first = statistics.median(
                reference_first_visit(pw, url) for _ in range(3))
            reference = reference_moves(browser, url, args.moves)
        browser.close()
    block = report(fresh_production, fresh, warm, moves, reference, reference_first, load)
    publish(block, write=args.write, doc=DOC, start=START, end=END, intro=INTRO)


if __name__ == "__main__":
    main()
