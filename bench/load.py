"""Simulated students over Streamlit's real websocket protocol (run by hand, not by the tests).

Each student is a `deploy.student.Tab`: it opens the error-surface lab (the page's first run
with its query), then every few seconds (with jitter) moves the figure frame's "Start y1"
slider as the browser does on README's start (the path route's answer, then the rerun that
brings the page up to date) and now and then presses a preset; trainers open the MNIST
page, pick the deeper MLP for 50 epochs and press Train, and keep polling as the browser's
fragment timers do. Everything runs against 127.0.0.1 only, bounded in students and
seconds.

    python bench/load.py --students 40 --trainers 2                # one server it starts
    python bench/load.py --replicas 2 --students 100               # 2 replicas behind nginx
    python bench/load.py --url http://127.0.0.1:8501 --pid 1234    # a server already running
    python bench/load.py --idle 60                                 # memory per idle session
    python bench/load.py --suite [--write]                         # every target of issue 8

Reports page-open and rerun latency (p50, p95, max), errors (exception elements and error
alerts on a page), dropped sessions (a closed connection or a run that never finished),
websocket bytes per slider move, and the servers' RSS and CPU (psutil, every process of the
replicas and nginx). `--suite --write` puts the whole set into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import random
import signal
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # deploy/ is not an installed package
from common import cpu_model, write_block  # noqa: E402 - bench/ is on sys.path when run as a script

from deploy.cluster import Cluster  # noqa: E402
from deploy.student import (  # noqa: E402
    PRESETS,
    TRAIN,
    Dropped,
    Tab,
    choose_long_training,
    training,
)

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_load:start -->", "<!-- bench_load:end -->"
MAX_STUDENTS = 400
MAX_SECONDS = 900
RUN_TIMEOUT_S = 60.0


@dataclass
class Stats:
    """Everything the students measured, merged."""

    opens: list = field(default_factory=list)  # seconds per page open
    moves: list = field(default_factory=list)  # seconds per slider rerun
    routes: list = field(default_factory=list)  # seconds per path-route answer (the drawing)
    presets: list = field(default_factory=list)  # seconds per preset rerun
    move_bytes: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # "where: text"
    dropped: list = field(default_factory=list)
    trainers_started: int = 0
    trainers_training: int = 0  # trainers whose page showed a training in progress

    def count_errors(self, where: str, run) -> None:
        self.errors += [f"{where}: {text[:120]}" for text in run.exceptions + run.errors]


async def lab_student(url: str, deadline: float, stats: Stats, rng: random.Random,
                      move_every: float) -> None:
    """Open the lab, then move the slider every `move_every` s (±25 %), a preset now and then."""
    tab = Tab(url, query="y1=-8&y2=8")
    try:
        run = await tab.open(timeout=RUN_TIMEOUT_S)
        stats.opens.append(run.seconds)
        stats.count_errors("open", run)
        await asyncio.sleep(rng.uniform(0, move_every))  # students do not move in lock-step
        while time.monotonic() < deadline:
            if rng.random() < 0.1:
                run = await tab.rerun(triggers=[tab.press(rng.choice(PRESETS))],
                                      timeout=RUN_TIMEOUT_S)
                stats.presets.append(run.seconds)
                stats.count_errors("preset", run)
            else:
                answer, run = await tab.move_frame(
                    {"y1": rng.choice([x / 2 for x in range(-19, -9)])}, timeout=RUN_TIMEOUT_S)
                stats.routes.append(answer.seconds)
                stats.moves.append(run.seconds)
                stats.move_bytes.append(answer.bytes + run.bytes)
                stats.count_errors("move", run)
            await asyncio.sleep(max(0.0, min(deadline - time.monotonic(),
                                             move_every * rng.uniform(0.75, 1.25))))
    except (Dropped, OSError) as error:
        stats.dropped.append(f"lab: {error}")
    finally:
        await tab.close()


async def trainer(url: str, deadline: float, stats: Stats) -> None:
    """Open the MNIST page, train the deeper MLP for a long run, keep the tab open."""
    tab = Tab(url, path="mnist")
    try:
        run = await tab.open(timeout=RUN_TIMEOUT_S)
        stats.opens.append(run.seconds)
        choose_long_training(tab)
        await tab.rerun(timeout=RUN_TIMEOUT_S)
        run = await tab.rerun(triggers=[tab.press(TRAIN)], timeout=RUN_TIMEOUT_S)
        stats.count_errors("train", run)
        stats.trainers_started += 1
        seen = False
        while time.monotonic() < deadline:  # the fragments' timers poll the job meanwhile
            await asyncio.sleep(1.0)
            seen = seen or training(tab)
            if tab.closed_code is not None:
                raise Dropped(f"closed ({tab.closed_code})")
        stats.trainers_training += seen
    except (Dropped, OSError) as error:
        stats.dropped.append(f"trainer: {error}")
    finally:
        await tab.close()


class Sampler(threading.Thread):
    """RSS (sum over the processes) and CPU of the server processes and everything they
    started (nginx's workers, the trainings' fork server and training processes, which come
    and go: the process list is taken again at every sample), every 0.5 s."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots = [psutil.Process(pid) for pid in pids]
        self.procs: list = []
        self._cpu_seen: dict[int, float] = {}  # pid -> its CPU seconds at the last sample
        self._refresh()
        self.rss: list[float] = []
        self._stop_event = threading.Event()
        self._cpu0 = self._cpu()
        self._me = psutil.Process()  # the simulated students share the machine's cores
        self._me0 = sum(self._me.cpu_times()[:2])
        self._t0 = time.monotonic()

    def _refresh(self) -> None:
        procs = []
        for root in self.roots:
            with contextlib_suppress():
                procs += [root, *root.children(recursive=True)]
        self.procs = procs

    def _cpu(self) -> float:
        """CPU seconds of every process seen so far (an ended one: its last sample)."""
        for proc in self.procs:
            with contextlib_suppress():
                times = proc.cpu_times()
                self._cpu_seen[proc.pid] = times.user + times.system
        return sum(self._cpu_seen.values())

    def rss_mb(self) -> float:
        total = 0
        for proc in self.procs:
            with contextlib_suppress():
                total += proc.memory_info().rss
        return total / 2**20

    def run(self) -> None:
        while not self._stop_event.wait(0.5):
            self._refresh()
            self._cpu()
            self.rss.append(self.rss_mb())

    def finish(self) -> dict:
        self._stop_event.set()
        self.join(2)
        wall = time.monotonic() - self._t0
        return {"cpu_percent": round(100 * (self._cpu() - self._cpu0) / wall, 1),
                "client_cpu_percent": round(
                    100 * (sum(self._me.cpu_times()[:2]) - self._me0) / wall, 1),
                "rss_mb_max": round(max(self.rss, default=self.rss_mb()), 1),
                "rss_mb_end": round(self.rss_mb(), 1)}


class contextlib_suppress:  # noqa: N801 - a process may end while sampled
    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        return kind is not None and issubclass(kind, psutil.Error)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict:
    ms = [1000 * v for v in values]
    return {"n": len(ms), "p50_ms": _r(pct(ms, 50)), "p95_ms": _r(pct(ms, 95)),
            "max_ms": _r(max(ms, default=None))}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value)


async def _load(url: str, students: int, trainers: int, duration: float,
                move_every: float, seed: int, ramp: float) -> Stats:
    stats = Stats()
    rng = random.Random(seed)
    deadline = time.monotonic() + duration
    tasks = [asyncio.create_task(trainer(url, deadline, stats)) for _ in range(trainers)]
    for _ in range(students):  # arrive over `ramp` seconds, as a class does
        tasks.append(asyncio.create_task(
            lab_student(url, deadline, stats, random.Random(rng.random()), move_every)))
        await asyncio.sleep(ramp / max(1, students))
    await asyncio.wait_for(asyncio.gather(*tasks), duration + 2 * RUN_TIMEOUT_S)
    return stats


def run_load(url: str, pids: list[int], *, students: int, trainers: int = 0,
             duration: float = 60.0, move_every: float = 2.0, seed: int = 0,
             ramp: float = 10.0) -> dict:
    """One load run against `url`; the result as a dict (see report())."""
    if not 0 < students + trainers <= MAX_STUDENTS:
        raise ValueError(f"students + trainers must be in 1..{MAX_STUDENTS}.")
    if not 0 < duration <= MAX_SECONDS:
        raise ValueError(f"duration must be in (0, {MAX_SECONDS}] s. Got {duration} instead.")
    sampler = Sampler(pids)
    sampler.start()
    stats = asyncio.run(_load(url, students, trainers, duration, move_every, seed, ramp))
    server = sampler.finish()
    return {
        "students": students, "trainers": trainers, "duration_s": duration,
        "move_every_s": move_every,
        "open": summary(stats.opens), "move": summary(stats.moves),
        "route": summary(stats.routes),
        "preset": summary(stats.presets),
        "bytes_per_move": round(statistics.mean(stats.move_bytes)) if stats.move_bytes else None,
        "errors": len(stats.errors), "error_samples": stats.errors[:3],
        "dropped": len(stats.dropped), "dropped_samples": stats.dropped[:3],
        "trainers_started": stats.trainers_started,
        "trainers_seen_training": stats.trainers_training,
        "load_avg_1min_end": round(os.getloadavg()[0], 1),  # other jobs on the machine
        **server,
        "move_s": stats.moves,  # every slider rerun, for pooling (not written to the doc)
    }


async def _open_tabs(url: str, sessions: int) -> list[Tab]:
    tabs = []
    for start in range(0, sessions, 10):  # open in batches: a class arriving
        batch = [Tab(url) for _ in range(start, min(sessions, start + 10))]
        await asyncio.gather(*(t.open(timeout=RUN_TIMEOUT_S) for t in batch))
        tabs += batch
    await asyncio.sleep(3)
    return tabs


async def _idle(url: str, sessions: int, sampler: Sampler, ttl: float) -> dict:
    """Two classes in a row: open `sessions` tabs, close them, wait past the session TTL; then
    the second class. If the first class's sessions were released, the second one reuses
    their memory and the RSS with it open is no higher than with the first."""
    base = sampler.rss_mb()
    opened, after = [], []
    for _ in range(2):
        tabs = await _open_tabs(url, sessions)
        opened.append(sampler.rss_mb())
        await asyncio.gather(*(t.close() for t in tabs))
        closed_at = time.monotonic()
        after = [(0.0, sampler.rss_mb())]
        # A closed tab's session is kept server.disconnectedSessionTTL s for a reconnect,
        # then released by deploy/serve.py's housekeeping (every 30 s) on a quiet server:
        # nothing else connects meanwhile.
        while time.monotonic() - closed_at < ttl + HOUSEKEEPING_S + 15:
            await asyncio.sleep(5)
            after.append((round(time.monotonic() - closed_at), sampler.rss_mb()))
    return {"sessions": sessions, "rss_base_mb": round(base, 1),
            "rss_open_mb": round(opened[0], 1), "rss_open_again_mb": round(opened[1], 1),
            "mb_per_session": round((opened[0] - base) / sessions, 2),
            "rss_after_close_mb": [(t, round(m, 1)) for t, m in after[::3]],
            "rss_end_mb": round(after[-1][1], 1)}


def run_idle(url: str, pids: list[int], sessions: int, ttl: float) -> dict:
    """Open `sessions` idle tabs, measure RSS, close them, and follow RSS back down."""
    if not 0 < sessions <= MAX_STUDENTS:
        raise ValueError(f"sessions must be in 1..{MAX_STUDENTS}. Got {sessions} instead.")
    sampler = Sampler(pids)
    warm = Tab(url)  # the first page run fills the caches: not a session's cost
    asyncio.run(_open_close(warm))
    time.sleep(2)
    return asyncio.run(_idle(url, sessions, sampler, ttl))


async def _open_close(tab: Tab) -> None:
    await tab.open(timeout=RUN_TIMEOUT_S)
    await tab.close()


# -- the suite: every target of issue 8 ----------------------------------------------------

SESSION_TTL_S = 60  # deploy/serve.py's server.disconnectedSessionTTL
EFFECT_ROUNDS = 3  # interleaved runs without, with one and with two trainings
HOUSEKEEPING_S = 30  # deploy/serve.py's housekeeping interval


def suite(duration: float, quick: bool) -> dict:
    """Each scenario on freshly started servers, so none inherits another's state."""
    env = {"LSL_MNIST_SOURCE": "subset", "LSL_MAX_TRAININGS": "2"}
    out: dict = {"runs": [], "capacity": {}}

    def one(replicas: int, students: int, trainers: int, label: str, **extra: str) -> dict:
        with Cluster(replicas, nginx=replicas > 1, env={**env, **extra}) as cluster:
            warm = Tab(cluster.url)
            asyncio.run(_open_close(warm))
            result = run_load(cluster.url, cluster.pids(), students=students,
                              trainers=trainers, duration=duration)
        result.update(label=label, replicas=replicas)
        moves = result.pop("move_s")
        print(json.dumps(result), flush=True)
        out["runs"].append(result)
        return {**result, "move_s": moves}

    # A training's effect on the others: runs without training, with one (the default
    # bound, LSL_MAX_TRAININGS=1) and with two, interleaved (one scenario's single runs vary
    # 2-3x in p95 on this machine), every slider move of each kind pooled.
    pooled: dict[str, list[float]] = {"none": [], "one": [], "two": []}
    for pair in range(1, EFFECT_ROUNDS + 1):
        pooled["none"] += one(1, 40, 0, f"40 students, no training ({pair})")["move_s"]
        pooled["one"] += one(1, 40, 1, f"40 students, 1 training (default bound, {pair})",
                             LSL_MAX_TRAININGS="1")["move_s"]
        pooled["two"] += one(1, 40, 2, f"40 students, 2 training (target, {pair})")["move_s"]
    out["effect"] = {"rounds": EFFECT_ROUNDS, **{k: summary(v) for k, v in pooled.items()}}
    one(1, 40, 2, "40 students, 2 pressed Train, 1 trains (LSL_MAX_TRAININGS=1)",
        LSL_MAX_TRAININGS="1")
    one(2, 100, 0, "100 students on 2 replicas (target)")
    steps = (10, 20, 30) if quick else (10, 20, 30, 40, 60)
    for replicas in (1, 2):
        best = 0
        for students in [s * replicas for s in steps]:
            result = one(replicas, students, 0, f"capacity, {replicas} replica(s)")
            if result["move"]["p95_ms"] is None or result["move"]["p95_ms"] > 500:
                break
            best = students
        out["capacity"][replicas] = best
    with Cluster(1, nginx=False, env=env) as cluster:
        out["idle"] = run_idle(cluster.url, cluster.pids(), 20 if quick else 60, SESSION_TTL_S)
    print(json.dumps(out["idle"]), flush=True)
    return out


def report(result: dict, load_before: tuple) -> str:
    """The markdown block for docs/benchmarks.md."""
    when = datetime.date.today().isoformat()
    lines = [
        f"Run {when} on {os.cpu_count()} cores (nproc), {cpu_model()}; Python "
        f"{platform.python_version()}; load average before the run "
        f"{', '.join(f'{x:.1f}' for x in load_before)}. Each row is one run of "
        f"{result['runs'][0]['duration_s']:.0f} s on freshly started servers "
        "(`deploy/serve.py`; two or more replicas behind nginx from `deploy/cluster.py`); "
        "students move the figure frame's Start y1 every 2 s (±25 %) as the browser does: "
        "the path route's answer (what the student sees drawn), then the rerun that brings "
        "the page up to date; one move in ten is a preset; trainers "
        "train the deeper MLP on the subset (LSL_MAX_TRAININGS=2 unless the row says 1, "
        "the default). Latency: a move's and a preset's from sending the rerun to the "
        "server's script_finished, the route's from the request to its whole answer; "
        "bytes: the route's answer (gzipped) and what the websocket delivered per move, with "
        "the browser's message cache emulated. Server CPU and RSS sum the replicas', "
        "nginx's and the processes they start (the trainings' fork server and training "
        "processes; 100 % = one core); "
        "students' CPU is the load generator's own, on the same cores, so every row "
        "shares 2 cores between the servers and 10-120 simulated students.",
        "",
        "| run | replicas | students | training | open p50 / p95 (ms) | move p50 / p95 / max "
        "(ms) | route p50 / p95 (ms) | errors | dropped | kB per move | server CPU | "
        "students' CPU | server RSS max (MB) | load avg after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["runs"]:
        kb = "" if r["bytes_per_move"] is None else f"{r['bytes_per_move'] / 1000:.0f}"
        lines.append(
            f"| {r['label']} | {r['replicas']} | {r['students']} | {r['trainers']} | "
            f"{r['open']['p50_ms']} / {r['open']['p95_ms']} | {r['move']['p50_ms']} / "
            f"{r['move']['p95_ms']} / {r['move']['max_ms']} | "
            f"{r['route']['p50_ms']} / {r['route']['p95_ms']} | {r['errors']} | {r['dropped']} | "
            f"{kb} | {r['cpu_percent']:.0f} % | {r.get('client_cpu_percent', 0):.0f} % | "
            f"{r['rss_mb_max']:.0f} | {r.get('load_avg_1min_end', '')} |")
    effect = result["effect"]
    none = effect["none"]["p95_ms"]
    if none:
        lines += ["", "Training's effect on the others, every slider move of the "
                      f"{effect['rounds']} interleaved rounds above pooled: p95 "
                      f"{none} ms without training (n = {effect['none']['n']}); "
                      + "; ".join(
                          f"{effect[k]['p95_ms']} ms with {word} (n = {effect[k]['n']}), "
                          f"{100 * (effect[k]['p95_ms'] / none - 1):+.0f} %"
                          for k, word in (("one", "one training (the default bound)"),
                                          ("two", "two trainings")) if effect[k]["p95_ms"])
                      + "."]
    cap = result["capacity"]
    lines += ["", "Capacity (most students with slider p95 <= 500 ms, in the steps tried): "
              + "; ".join(f"{k} replica(s): {v}" for k, v in cap.items()) + "."]
    idle = result["idle"]
    again = idle.get("rss_open_again_mb")
    lines += ["", f"Memory: {idle['sessions']} idle sessions (each one page open) took the "
              f"server from {idle['rss_base_mb']} MB to {idle['rss_open_mb']} MB RSS, "
              f"{idle['mb_per_session']} MB per session."
              + ("" if again is None else
                 f" Closed, and {SESSION_TTL_S} s later a second class of {idle['sessions']}: "
                 f"{again} MB with it open ({again - idle['rss_open_mb']:+.1f} MB over the "
                 "first class; 0 would mean all of the first class's memory was reused).")
              + " After the last tabs closed (seconds -> MB): "
              + ", ".join(f"{t} s: {m}" for t, m in idle["rss_after_close_mb"])
              + f"; {idle['rss_end_mb']} MB at the end, "
              f"{idle['rss_end_mb'] - idle['rss_open_again_mb']:+.1f} MB from the class open "
              "(nothing connects meanwhile: deploy/serve.py's housekeeping releases the "
              "sessions once their reconnect time is over, collects and hands free heap "
              "pages back, every 30 s). Server RSS is summed over the server and the "
              "processes it started (the trainings' fork server)."]
    lines += ["", "<details><summary>raw results</summary>", "", "```json",
              json.dumps(result, indent=1), "```", "</details>"]
    return "\n".join(lines)


INTRO = """## A class at once (load)

`bench/load.py` simulates students over Streamlit's own websocket protocol (BackMsg /
ForwardMsg, `deploy/student.py`): what a browser tab sends and receives, without drawing.
`python bench/load.py --suite --write` re-runs every row below and rewrites this block.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server or load balancer (default: start one)")
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="server process id to sample (with --url; repeatable)")
    parser.add_argument("--replicas", type=int, default=1, help="servers to start (>1: nginx)")
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--trainers", type=int, default=0)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--move-every", type=float, default=2.0)
    parser.add_argument("--idle", type=int, default=0, help="idle-session memory mode: N tabs")
    parser.add_argument("--suite", action="store_true", help="every target of issue 8")
    parser.add_argument("--quick", action="store_true", help="suite: fewer capacity steps")
    parser.add_argument("--write", action="store_true", help="suite: into docs/benchmarks.md")
    args = parser.parse_args(argv)
    # SIGTERM (kill, a CI timeout) unwinds like Ctrl-C, so the servers started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_before = os.getloadavg()
    if args.suite:
        result = suite(args.duration, args.quick)
        body = report(result, load_before)
        if args.write:
            write_block(DOC, START, END, INTRO, body)
        print(body)
        return
    env = {"LSL_MNIST_SOURCE": "subset"}
    if args.url:
        pids = args.pid
        result = (run_idle(args.url, pids, args.idle, SESSION_TTL_S) if args.idle else
                  run_load(args.url, pids, students=args.students, trainers=args.trainers,
                           duration=args.duration, move_every=args.move_every))
    else:
        with Cluster(args.replicas, nginx=args.replicas > 1, env=env) as cluster:
            asyncio.run(_open_close(Tab(cluster.url)))
            result = (run_idle(cluster.url, cluster.pids(), args.idle, SESSION_TTL_S)
                      if args.idle else
                      run_load(cluster.url, cluster.pids(), students=args.students,
                               trainers=args.trainers, duration=args.duration,
                               move_every=args.move_every))
    result.pop("move_s", None)
    print(json.dumps({**result, "load_before": load_before}, indent=1))


if __name__ == "__main__":
    main()
