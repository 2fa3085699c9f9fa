"""Benchmarks of the error-surface lab (run by hand; results go to docs/benchmarks.md).

1. Both surfaces and their gradients at 401x401 (target: under 5 ms).
2. A page rerun after a slider move that changes the paths, against a reference app that
   only draws the two default surfaces (cached) under one slider; both timed with AppTest
   in the same run (target: within 3x).
3. Bytes of the figures of the default page as sent to the browser (target: under 1.5 MB).

    python bench/bench_surfaces.py [--repeats N] [--write]   # --write: into docs/benchmarks.md
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
from common import cpu_model, publish  # bench/ is on sys.path when run as a script

from surfaces.grid import error_surfaces

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_surfaces:start -->", "<!-- bench_surfaces:end -->"
INTRO = """## Error-surface lab

`bench/bench_surfaces.py` measures the three targets of the lab; `python
bench/bench_surfaces.py --write` regenerates the block below (and only it). The rerun times
are AppTest's: the whole script run after a slider move, for the lab (two new 200-step
trajectories, both figures with their paths, curves, table) and for a reference app that
only draws the two default surfaces (cached) under one slider, interleaved in one run.
"""


def machine() -> str:
    cpu = cpu_model()
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def bench_grid(repeats: int) -> dict:
    """Median ms for both surfaces + gradients at 401x401: the lecture's pinned y3 = -1000
    (laid out from the 801 values of y1 - y2) and y3 = 0 (every point computed)."""
    times = {}
    for label, y3 in (("pinned", -1000.0), ("y3=0", 0.0)):
        for dtype in (np.float32, np.float64):
            error_surfaces(n=401, grads=True, dtype=dtype, y3=y3)  # warm up
            samples = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                error_surfaces(n=401, grads=True, dtype=dtype, y3=y3)
                samples.append(time.perf_counter() - t0)
            times[label, np.dtype(dtype).name] = statistics.median(samples) * 1e3
    return times


def _rerun_times(script: Path, key: str, values: list[float]) -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    samples = []
    for v in values:
        t0 = time.perf_counter()
        at.slider(key=key).set_value(v).run()
        samples.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return samples


def bench_rerun(repeats: int) -> dict:
    # Every value is new to the lab, so each move really recomputes both 200-step paths.
    values = [8.0 - 0.5 * (i + 1) for i in range(repeats)]
    lab = ROOT / "pages" / "surface_lab.py"
    ref = ROOT / "bench" / "reference_app.py"
    # Interleave the two apps so that machine noise hits both alike.
    lab_t, ref_t = [], []
    for chunk in range(0, repeats, 5):
        part = values[chunk : chunk + 5]
        ref_t += _rerun_times(ref, "lab_w_y2", part)
        lab_t += _rerun_times(lab, "lab_w_y2", part)
    lab_ms, ref_ms = statistics.median(lab_t) * 1e3, statistics.median(ref_t) * 1e3
    return {"lab_ms": lab_ms, "reference_ms": ref_ms, "ratio": lab_ms / ref_ms}


def bench_bytes() -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "surface_lab.py"), default_timeout=120)
    at.run()
    names = iter(["3-D surfaces", "maps", "curves"])
    return {
        next(names, node.type): node.proto.ByteSize()
        for node in at
        if node.type in ("plotly_chart", "component_instance")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    load = os.getloadavg()
    lines = [f"Run {datetime.date.today()} on {machine()}; load average before the run "
             f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}.", ""]
    grid = bench_grid(args.repeats * 5)
    lines.append(f"- Both surfaces and their gradients at 401x401 (target < 5 ms), median: "
                 f"y3 pinned at -1000, float32 **{grid['pinned', 'float32']:.2f} ms**, "
                 f"float64 {grid['pinned', 'float64']:.2f} ms; y3 = 0 (every point computed), "
                 f"float32 {grid['y3=0', 'float32']:.2f} ms, float64 "
                 f"{grid['y3=0', 'float64']:.2f} ms.")
    rerun = bench_rerun(args.repeats)
    lines.append(f"- Rerun after a slider move that changes the paths (target < 3x): lab "
                 f"{rerun['lab_ms']:.1f} ms, reference {rerun['reference_ms']:.1f} ms, "
                 f"**{rerun['ratio']:.2f}x** (medians of {args.repeats}).")
    sizes = bench_bytes()
    total = sum(sizes.values())
    lines.append("- Figures of the default page on the wire (target < 1.5 MB): "
                 + ", ".join(f"{k} {v / 1e3:.0f} kB" for k, v in sizes.items())
                 + f"; **{total / 1e6:.2f} MB** in all.")
    body = "\n".join(lines)
    publish(body, write=args.write, doc=DOC, start=START, end=END, intro=INTRO)


if __name__ == "__main__":
    main()
