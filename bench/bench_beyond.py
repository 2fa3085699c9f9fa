"""Benchmark of the pages beyond the slide: each page's rerun after a slider move that changes
what it computes, against the reference app (bench/reference_app.py: two cached surfaces
under one slider), timed with AppTest and interleaved as in bench_surfaces.py (target: within
3x the reference). Results go to docs/benchmarks.md.

    python bench/bench_beyond.py [--repeats N] [--write]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
from pathlib import Path

from bench_surfaces import _rerun_times  # noqa: I001 - bench/ is on sys.path as a script
from common import cpu_model, publish

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_beyond:start -->", "<!-- bench_beyond:end -->"
INTRO = """## Pages beyond the slide

`bench/bench_beyond.py` times each new page's rerun after a slider move that changes what
it computes (AppTest, the whole script), interleaved with the reference app of the lab's
benchmark (two cached surfaces under one slider); target: within 3x. `python
bench/bench_beyond.py --write` regenerates the block below (and only it).
"""
# page -> (slider key, value of the i-th move, what the move recomputes); every value is new,
# so each move misses the caches.
MOVES = {
    "escape_map": ("escape_w_steps", lambda i: 199 - i,
                   "both 101x101 maps' figure for the new step count (maps read off the "
                   "200-step budget)"),
    "gradient_anatomy": ("anatomy_w_y1", lambda i: -7.5 + 0.5 * i,
                         "the point's factors and bars, its markers"),
    "simplex": ("simplex_w_y2", lambda i: 7.5 - 0.5 * i, "both 200-step paths on the simplex"),
    "logistic_1d": ("logistic_w_w0", lambda i: -5.5 + 0.5 * i, "both 50-step descents"),
    "learning_rates": ("rates_w_w0", lambda i: -5.5 + 0.5 * i,
                       "8 runs of 50 steps, labels, the curves"),
}


def bench(repeats: int) -> list[str]:
    ref = ROOT / "bench" / "reference_app.py"
    rows = []
    for name, (key, value, what) in MOVES.items():
        page, ref_t = [], []
        values = [value(i) for i in range(repeats)]
        for chunk in range(0, repeats, 5):
            part = [8.0 - 0.5 * (chunk + k + 1) for k in range(len(values[chunk:chunk + 5]))]
            ref_t += _rerun_times(ref, "lab_w_y2", part)
            page += _rerun_times(ROOT / "pages" / f"{name}.py", key, values[chunk:chunk + 5])
        p, r = statistics.median(page) * 1e3, statistics.median(ref_t) * 1e3
        rows.append(f"| {name} | {what} | {p:.0f} ms | {r:.0f} ms | **{p / r:.2f}x** |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    load = os.getloadavg()
    head = [f"Run {datetime.date.today()} on {os.cpu_count()} cores, {cpu_model()}, Python "
            f"{platform.python_version()}; load average before the run {load[0]:.1f}, "
            f"{load[1]:.1f}, {load[2]:.1f}. Medians of {args.repeats} moves per page.", "",
            "| page | a move recomputes | page rerun | reference rerun | ratio (target < 3x) |",
            "|---|---|---|---|---|"]
    body = "\n".join(head + bench(args.repeats))
    publish(body, write=args.write, doc=DOC, start=START, end=END, intro=INTRO)


if __name__ == "__main__":
    main()
