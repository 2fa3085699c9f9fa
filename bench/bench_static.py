"""What a room of first visitors' static files cost the server: bytes on the wire, the
server's CPU, and how long a health check waits meanwhile.

    python bench/bench_static.py [--visitors 40] [--root DIR] [--write]

Starts `deploy/serve.py` (of this checkout, or of `--root`, e.g. a worktree of an older
commit, for an A/B run), opens the lab once (which registers its component), then lets
`--visitors` threads each fetch what a first visit fetches from the server's files
(index.html, the scripts and styles it names, the lab's plotly.js) with
`Accept-Encoding: gzip`, four visitors at a time, while a probe asks `/_stcore/health`
every 20 ms. Reported: bytes per visitor, server CPU per visitor, and the probe's
median and worst wait. `--write` puts the block into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import datetime
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import cpu_model, publish  # noqa: E402
from deploy.cluster import _stop, free_port, healthy  # noqa: E402
from deploy.student import Tab  # noqa: E402
from lab_components.plotly_view import COMPONENT_NAME  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_static:start -->", "<!-- bench_static:end -->"
INTRO = """## Static files for a room of first visitors

`bench/bench_static.py` (run by hand): what the files of a first visit cost the server
when a class arrives at once, on README's start (`deploy/serve.py`).
"""


def get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_visit_files(url: str) -> list[str]:
    index = get(url + "/")
    if index[:2] == b"\x1f\x8b":
        index = gzip.decompress(index)
    found = re.findall(rb'(?:src|href)="\./(static/[^"]+\.(?:js|css))"', index)
    return ["/", *("/" + f.decode() for f in found), f"/component/{COMPONENT_NAME}/plotly.min.js"]


def run(root: Path, visitors: int) -> dict:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="lsl-bench-static-") as tmp:
        log = open(Path(tmp) / "serve.log", "wb")
        proc = subprocess.Popen([sys.executable, str(root / "deploy" / "serve.py"), "--port",
                                 str(port)], cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while not healthy(url):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the server did not start")
                time.sleep(0.25)
            async def visit():
                tab = Tab(url)
                await tab.open()
                await tab.close()

            asyncio.run(visit())
            files = first_visit_files(url)
            waits: list[float] = []
            done = threading.Event()

            def probe():
                end = time.monotonic() + 300
                while not done.is_set() and time.monotonic() < end:
                    t = time.perf_counter()
                    get(url + "/_stcore/health")
                    waits.append(time.perf_counter() - t)
                    time.sleep(0.02)

            def first_visit(_):
                return sum(len(get(url + f)) for f in files)

            prober = threading.Thread(target=probe, daemon=True)
            cpu0, t0 = cpu_seconds(proc.pid), time.perf_counter()
            prober.start()
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                sizes = list(pool.map(first_visit, range(visitors)))
            wall = time.perf_counter() - t0
            cpu = cpu_seconds(proc.pid) - cpu0
            done.set()
            prober.join(5)
        finally:
            _stop(proc)
            log.close()
    return {"files": len(files), "bytes": statistics.median(sizes), "cpu": cpu / visitors,
            "wall": wall, "probe_median": statistics.median(waits), "probe_max": max(waits),
            "probes": len(waits)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=40)
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose serve.py runs")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    r = run(args.root.resolve(), args.visitors)
    lines = [
        f"Run {datetime.date.today()} on {os.cpu_count()} cores, {cpu_model()}, Python "
        f"{sys.version.split()[0]}; `deploy/serve.py` of {args.root.resolve().name}; "
        f"load average before {load}.",
        "",
        f"- {args.visitors} first visitors, 4 at a time, each fetching {r['files']} files "
        "(index.html, the scripts and styles it names, the lab's plotly.js), gzip accepted:",
        f"  {r['bytes'] / 1e6:.2f} MB per visitor on the wire; server CPU "
        f"{1000 * r['cpu']:.0f} ms per visitor; all in {r['wall']:.1f} s.",
        f"- A health check meanwhile (every 20 ms, n = {r['probes']}): median "
        f"{1000 * r['probe_median']:.1f} ms, worst {1000 * r['probe_max']:.0f} ms.",
    ]
    body = "\n".join(lines)
    publish(body, write=args.write, doc=DOC, start=START, end=END, intro=INTRO)


if __name__ == "__main__":
    main()
