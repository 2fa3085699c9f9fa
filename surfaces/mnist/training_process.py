"""A training in a process of its own: the child's side of `JobManager(processes=True)`.

Why a process: a training thread shares the server's GIL with every student's page run, and
its nice value cannot order the GIL, only the cores. With two trainings on a 2-core server
both cores trained and the students' slider reruns waited (docs/benchmarks.md, "A class at
once"). In a process of its own, at a lower CPU priority, a training competes only for the
cores, where the operating system schedules the students' reruns first; and its memory goes
back to the system when it ends.

The processes are forked from a `forkserver` that imported this module (torch, the engine)
once, when the server started (`warm_up`): a training starts in milliseconds, and no process
is forked from the multi-threaded server itself. The data set is written once to .npy files
that every training process maps (`DatasetFiles`): the pages are shared through the page
cache, and nothing goes through /dev/shm, which containers keep to 64 MB by default (full
MNIST as float32 is 220 MB; torch.multiprocessing would put its tensors there).

Protocol, pickled tuples over one `multiprocessing` Pipe:
- parent -> child: ("stop",) and ("pace", steps_per_s or None);
- child -> parent: ("running",) once the trainer is built; ("update", Update) about every
  report_every seconds and after each evaluation; last ("end", End) or ("failed", message).
The child leaves after ("stop",), at the end of training, or when the parent is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch

from surfaces.mnist.config import LOSSES
from surfaces.mnist.data import Dataset
from surfaces.mnist.engine import PairTrainer, Progress, StepLog
from surfaces.mnist.evaluation import Evaluation, evaluate

# While training, a new test read-out (digits, confusion) at most this often (and at the end).
READ_OUT_EVERY_S = 5.0

_context_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None
_start_lock = threading.Lock()
_NO_MAIN = types.ModuleType("__main__")  # no __file__, no __spec__: nothing to re-run


@dataclass(frozen=True)
class Settings:
    """How the child trains: reports, read-outs, CPU priority and threads, initial pace."""

    report_every: float = 0.25
    read_out_every: float = READ_OUT_EVERY_S
    nice: int = 10  # added to the child's nice value (0: leave it)
    threads: int = 1  # torch intra-op threads
    pace: float | None = None
    # While the server computes a page (the shared count is above 0), wait before the next
    # step in slices of yield_slice, at most yield_at_most per step (surfaces.mnist.jobs).
    yield_slice: float = 0.002
    yield_at_most: float = 0.02


@dataclass(frozen=True)
class Update:
    """Progress since the previous update: log rows first..step-1, new evaluation records,
    and a test read-out when one was taken."""

    step: int
    first: int
    rows: np.ndarray  # (3, step - first, runs) float64: loss, accuracy, grad_norm
    history: tuple  # EvalRecords new since the previous update
    evaluation: Evaluation | None


@dataclass(frozen=True)
class End:
    """The last message: where training stands and the trainer itself (without its data),
    pickled, for a resume in a new process."""

    step: int
    done: bool
    evaluation: Evaluation | None
    trainer: bytes


def updates(
    trainer,
    *,
    report_every: float,
    read_out_every: float,
    should_stop: Callable[[], bool],
    pace: Callable[[], float | None],
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[tuple[Progress, Evaluation | None]]:
    """trainer.run()'s events, each with a test read-out (digits, confusion) where one is
    due: after an evaluation, at most every read_out_every seconds, and at the last step
    (a read-out costs a forward pass of the test set)."""
    last_read_out = -float("inf")
    for event in trainer.run(report_every=report_every, should_stop=should_stop, pace=pace):
        read_out = None
        now = clock()
        if event.kind == "eval" and (now - last_read_out >= read_out_every
                                     or event.step >= trainer.total_steps):
            read_out, last_read_out = evaluate(trainer, event.step, LOSSES), now
        yield event, read_out


def log_rows(log: StepLog, first: int, last: int) -> np.ndarray:
    """(3, last - first, runs) copy of the log's rows first..last-1."""
    return np.stack([log.loss[first:last], log.accuracy[first:last], log.grad_norm[first:last]])


def context() -> multiprocessing.context.BaseContext:
    """The forkserver context whose server has imported this module (torch, the engine)."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload([__name__])
            _context = ctx
        return _context


def warm_up() -> None:
    """Start the fork server now (it imports torch: seconds), not at the first Train."""
    context()
    from multiprocessing import forkserver  # noqa: PLC0415 - only where forkserver exists

    without_main(forkserver.ensure_running)


def start(process: multiprocessing.process.BaseProcess) -> None:
    """process.start(), without the parent's __main__ module."""
    without_main(process.start)


def without_main(launch: Callable[[], None]) -> None:
    """Call launch() while sys.modules["__main__"] is an empty module.

    multiprocessing tells a new process (and the fork server) to run the parent's
    __main__ again, so that its functions can be unpickled there. Under Streamlit,
    __main__ is the page script that began to run last (its ScriptRunner installs each
    run's module there): a training process would run a page. Nothing it needs lives in
    __main__. If a page run installs its module meanwhile, that one is left in place.
    """
    with _start_lock:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = _NO_MAIN
        try:
            launch()
        finally:
            if sys.modules.get("__main__") is _NO_MAIN:
                sys.modules["__main__"] = main


_ARRAYS = ("x_train", "y_train", "x_test", "y_test")


@dataclass(frozen=True)
class DatasetFiles:
    """A data set's tensors as .npy files in `folder`, and its other fields; small to send."""

    folder: str
    fields: dict

    @classmethod
    def write(cls, dataset, folder: str | os.PathLike) -> DatasetFiles:
        """Write dataset's tensors into folder (created; the caller removes it)."""
        os.makedirs(folder, exist_ok=True)
        fields = {}
        for name, value in vars(dataset).items():
            if name in _ARRAYS:
                np.save(os.path.join(folder, f"{name}.npy"), np.asarray(value))
            else:
                fields[name] = value
        return cls(os.fspath(folder), fields)

    def open(self) -> Dataset:
        """The data set, its tensors mapping the files copy-on-write: the pages stay shared
        until written (training never writes them)."""
        arrays = {name: torch.from_numpy(np.load(os.path.join(self.folder, f"{name}.npy"),
                                                 mmap_mode="c"))
                  for name in _ARRAYS}  # fmt: skip
        return Dataset(**arrays, **self.fields)


def page_runs_flag():
    """A shared int for the server's count of page runs in progress (Activity.mirror_to),
    which training processes read before every step."""
    return context().RawValue("i", 0)


def lower_priority(nice: int) -> str:
    """This process's CPU priority lowered by nice (0: left alone), as far as the system
    allows; returns what it became: "idle" (Linux's SCHED_IDLE: it runs only on a core that
    no other process wants, and any other process takes the core at once when it wakes),
    "nice" or "unchanged".

    Measured (docs/benchmarks.md): with two trainings merely niced by 10, the students'
    reruns took longer than with the trainings in the server's own threads. A rerun wakes
    several threads in turn, and each wake-up could wait for a training's time slice; under
    SCHED_IDLE it does not."""
    if nice <= 0:
        return "unchanged"
    os.nice(nice)
    idle = getattr(os, "SCHED_IDLE", None)
    if idle is not None:
        try:
            os.sched_setscheduler(0, idle, os.sched_param(0))
            return "idle"
        except OSError:
            pass
    return "nice"


def main(conn, config, files: DatasetFiles, trainer: bytes | None, settings: Settings,
         page_runs=None) -> None:
    """The training process: train config on the data set in files (or resume the pickled
    trainer) and report over conn until done, stopped or orphaned; before every step, give
    way while page_runs (a page_runs_flag) counts page runs in progress."""
    try:
        dataset = files.open()
        lower_priority(settings.nice)
        torch.set_num_threads(settings.threads)
        model = (pickle.loads(trainer).attach(dataset) if trainer is not None
                 else PairTrainer(config, dataset))  # fmt: skip
        inbox = _Inbox(conn, settings, page_runs)
        conn.send(("running",))
        sent, seen = model.step, len(model.history)

        def update(evaluation: Evaluation | None) -> None:
            nonlocal sent, seen
            step = model.step
            conn.send(("update", Update(step, sent, log_rows(model.log, sent, step),
                                        tuple(model.history[seen:]), evaluation)))  # fmt: skip
            sent, seen = step, len(model.history)

        for _event, read_out in updates(model, report_every=settings.report_every,
                                        read_out_every=settings.read_out_every,
                                        should_stop=inbox.stop_requested, pace=inbox.pace):
            update(read_out)
        if model.step > sent or len(model.history) > seen:
            update(None)
        final = evaluate(model, model.step, LOSSES) if model.step > 0 else None
        conn.send(("end", End(model.step, model.done, final, pickle.dumps(model))))
    except (BrokenPipeError, ConnectionResetError, EOFError):
        pass  # the server is gone: nobody to report to
    except Exception as exc:  # noqa: BLE001 - reported to the page as one line
        try:
            conn.send(("failed", one_line(exc)))
        except OSError:
            pass
    finally:
        conn.close()


class _Inbox:
    """The parent's messages, read without blocking before every step; and the giving way
    to page runs."""

    def __init__(self, conn, settings: Settings, page_runs) -> None:
        self._conn, self._pace, self._stop = conn, settings.pace, False
        self._settings, self._page_runs = settings, page_runs

    def _read(self) -> None:
        try:
            while not self._stop and self._conn.poll():
                message = self._conn.recv()
                if message[0] == "stop":
                    self._stop = True
                elif message[0] == "pace":
                    self._pace = message[1]
        except (EOFError, OSError):  # the parent is gone: stop here
            self._stop = True

    def stop_requested(self) -> bool:
        self._read()
        return self._stop

    def pace(self) -> float | None:
        """Read before every step: first give way to page runs, then the pace."""
        self._read()
        if self._page_runs is not None:
            give_way(lambda: self._page_runs.value > 0, self.stop_requested,
                     self._settings.yield_at_most, self._settings.yield_slice)
        return self._pace


def give_way(busy: Callable[[], bool], stopping: Callable[[], bool], at_most: float,
             slice_s: float) -> None:
    """Before a training step: while busy() (pages being computed), sleep in slices (no GIL,
    no core), at most at_most seconds, and not once stopping(). The students' slider moves
    go first; the training still advances."""
    deadline = time.monotonic() + at_most
    while busy() and not stopping() and time.monotonic() < deadline:
        time.sleep(slice_s)


def one_line(exc: BaseException) -> str:
    """`Type: first line of the message`, for a status line on the page."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
