"""Benchmark of the escape map (run by hand; results go to docs/benchmarks.md).

Target: 201 x 201 starts x 500 steps of gradient descent in at most 1 s. Timed, warm (the
first torch.optim step of a process pays about a second of imports, once per server):
- the lecture's square (y3 = -1000, class 1, lr 1, threshold 0.01), each loss, as the page
  computes it (2n - 1 runs laid out over y1 - y2);
- every one of the 40,401 starts run, no start leaving early (threshold below any loss):
  the cost when no shortcut applies;
- y3 = 0 (class 3 in play, every start run), each loss, threshold 0.01.

    python bench/bench_escape.py [--repeats N] [--write]   # --write: into docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from common import cpu_model, publish  # bench/ is on sys.path when run as a script

from surfaces.escape import escape_map, first_below

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_escape:start -->", "<!-- bench_escape:end -->"
INTRO = """## Escape map

`bench/bench_escape.py` times `surfaces.escape.escape_map` at 201 x 201 starts x 500 steps of
gradient descent (target: at most 1 s); `python bench/bench_escape.py --write` regenerates the
block below (and only it). Medians of warm runs, one torch thread.
"""
N, STEPS = 201, 500


def timed(function, repeats: int) -> float:
    """Median seconds of `function()` after one warm-up call."""
    function()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        function()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def report(repeats: int) -> list[str]:
    run = dict(optimizer="sgd", lr=1.0, steps=STEPS, lo=-10.0, hi=10.0, n=N)
    axis = np.linspace(-10.0, 10.0, N)
    y1, y2 = np.meshgrid(axis, axis)
    starts = np.column_stack([y1.ravel(), y2.ravel()])
    lines = []
    for loss in ("mse", "cross_entropy"):
        grid = escape_map(loss, threshold=0.01, **run)
        share = float((grid >= 0).mean())
        lecture = timed(lambda loss=loss: escape_map(loss, threshold=0.01, **run), repeats)
        every = timed(lambda loss=loss: first_below(
            starts, loss=loss, optimizer="sgd", lr=1.0, steps=STEPS, threshold=-1.0), repeats)
        unpinned = timed(lambda loss=loss: escape_map(loss, threshold=0.01, y3=0.0, **run),
                         max(1, repeats // 2))
        lines.append(f"| {loss} | {lecture * 1e3:.0f} ms ({share:.0%} escape) | "
                     f"**{every * 1e3:.0f} ms** | {unpinned * 1e3:.0f} ms |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    torch.set_num_threads(1)
    load = os.getloadavg()
    head = [
        f"Run {datetime.date.today()} on {os.cpu_count()} cores, {cpu_model()}, Python "
        f"{platform.python_version()}, torch {torch.__version__}; load average before the run "
        f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}.",
        "",
        f"{N} x {N} starts over [-10, 10]^2, {STEPS} steps of gradient descent, lr 1, median "
        f"of {args.repeats}:",
        "",
        "| loss | the lecture's square (y3 = -1000), threshold 0.01 | every start run all "
        f"{STEPS} steps (none leaves early) | y3 = 0, threshold 0.01 |",
        "|---|---|---|---|",
    ]
    body = "\n".join(head + report(args.repeats))
    publish(body, write=args.write, doc=DOC, start=START, end=END, intro=INTRO)


if __name__ == "__main__":
    main()
