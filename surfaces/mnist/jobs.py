"""Server-wide job manager for live MNIST training (pure Python, no Streamlit).

Only the managing lives here: the metrics are the engine's (surfaces.mnist.engine), the
test-set read-out is surfaces.mnist.evaluation, the curves surfaces.mnist.curves and the
lecture's sentences surfaces.mnist.story.

One process serves every browser session, so training jobs are owned here, not by a
page: each job belongs to one owner id (a random token kept in that session's state), at
most ``max_running`` jobs train at once and the rest wait in a FIFO queue. A job has its
own worker thread; the thread only writes to its job under the manager's lock and never
touches Streamlit. On the server (``get_manager``) the worker thread trains nothing itself:
it starts a training process at a lower CPU priority (surfaces.mnist.training_process) and
relays its reports, so that a training competes with the students' page runs for the cores
only, where the operating system puts the pages first, and never for the server's GIL. With
``processes=False`` (tests, ``LSL_TRAINING_PROCESSES=0``) the thread trains in-process.

Pages poll :meth:`JobManager.view`, which also serves as the owner's heartbeat: a job whose
owner has not polled for ``idle_timeout`` seconds is stopped (running) or dropped from the
queue, so a closed tab cannot hold a slot forever.

In-process, the trainer is anything with the ``surfaces.mnist.engine.PairTrainer`` interface:
``run(report_every=, should_stop=, pace=)`` yielding ``Progress`` events and resumable,
``done``, ``step``, ``total_steps``, ``log.head(n)``, ``history``, ``logits(x)``,
``confusion()`` and ``data``.
"""

from __future__ import annotations

import collections
import gc
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch

from surfaces.activity import PAGE_RUNS, Activity
from surfaces.mnist import data, training_process
from surfaces.mnist.config import LOSSES
from surfaces.mnist.engine import PairTrainer, StepLog
from surfaces.mnist.evaluation import Evaluation, evaluate
from surfaces.mnist.training_process import READ_OUT_EVERY_S, one_line

QUEUED, LOADING, RUNNING, STOPPING = "queued", "loading", "running", "stopping"
STOPPED, DONE, FAILED = "stopped", "done", "failed"
ACTIVE_STATES = frozenset({QUEUED, LOADING, RUNNING, STOPPING})
# While a page run is in progress, a training thread waits before its next step, in slices
# of YIELD_SLICE_S, at most YIELD_AT_MOST_S per step (so a busy server slows a training
# down but never stops it).
YIELD_SLICE_S = 0.002
YIELD_AT_MOST_S = 0.02
# A training process waits longer: it holds no GIL, so a long wait costs the server nothing,
# and its own parallel compute slows the students' reruns through the shared caches and
# memory (measured: 40 students, 2 trainings, p95 514-794 ms at 0.2 s, 639 ms at 0.02 s).
PROCESS_YIELD_AT_MOST_S = 0.2
RELAY_POLL_S = 0.05  # process mode: how often the relay looks at stop, pace and the process



@dataclass(frozen=True)
class DatasetInfo:
    """What the page says about the data: caption, image counts and any fallback note."""

    name: str
    source: str
    note: str
    n_train: int
    n_test: int


@dataclass(frozen=True)
class JobView:
    """An immutable copy of one job for the page: everything it draws, nothing it mutates."""

    state: str
    config: Any
    total_steps: int
    step: int  # optimisation steps done
    queue_position: int  # 1-based place in the queue; 0 when not queued
    running_jobs: int  # trainings running on the server right now (all owners)
    max_running: int
    seconds: float  # wall time spent training so far, over all resumes
    eta_seconds: float | None  # None until a rate is known
    log: Any  # the engine's StepLog of the steps done (a copy), or None before the first
    history: tuple  # the engine's EvalRecords, oldest first
    evaluation: Evaluation | None
    dataset: DatasetInfo | None
    download: tuple[int, int] | None  # (bytes done, total bytes) while downloading
    message: str  # one line: why it failed or why it stopped; "" otherwise
    pace: float | None  # steps per second at most; None: as fast as it goes
    version: int  # grows whenever anything in the job changes

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def can_resume(self) -> bool:
        return self.state == STOPPED

    @property
    def fraction(self) -> float:
        """Share of the planned steps done, in [0, 1]."""
        return min(1.0, self.step / self.total_steps) if self.total_steps else 1.0


def eta(elapsed: float, steps_gained: int, steps_left: int) -> float | None:
    """Seconds left at the rate of this stretch of training (None before any rate is known)."""
    if steps_gained <= 0 or elapsed <= 0:
        return None
    return max(0.0, steps_left * elapsed / steps_gained)


@dataclass(eq=False)  # compared and hashed by identity: one owner may have an old one ending
class _Job:
    owner: str
    config: Any
    total_steps: int
    state: str = QUEUED
    trainer: Any = None  # in-process mode: the trainer object, kept for a resume
    trained: bytes | None = None  # process mode: the pickled trainer a stopped process left
    thread: threading.Thread | None = None
    stop_requested: bool = False
    step: int = 0
    log: Any = None
    history: tuple = ()
    evaluation: Evaluation | None = None
    download: tuple[int, int] | None = None
    message: str = ""
    last_seen: float = 0.0
    pid: int | None = None  # process mode: the training process, while it runs
    segment_start: tuple[float, int] | None = None  # (clock, step) when this stretch began
    pace: float | None = None
    eta_seconds: float | None = None
    seconds: float = 0.0
    version: int = 0


def _default_loader(progress: Callable[[int, int], None]):
    """Full MNIST (download, cached) unless LSL_MNIST_SOURCE=subset asks for the offline subset."""
    if os.environ.get("LSL_MNIST_SOURCE", "full").strip().lower() == "subset":
        return data.load_subset()
    return data.load_dataset(progress=progress)


def _default_trainer(config, dataset):
    return PairTrainer(config, dataset)


def _limit_torch_threads() -> None:
    """One intra-op thread per training, so a 2-core server keeps a core for its pages; and
    a lower CPU priority for the training thread, so the pages' threads go first."""
    lower_thread_priority(_env_int("LSL_TRAINING_NICE", 10, minimum=0))
    torch.set_num_threads(int(os.environ.get("LSL_TORCH_THREADS", "1")))


def lower_thread_priority(nice: int) -> bool:
    """Raise the calling thread's nice value by `nice` (Linux: a thread id is a process id
    to setpriority); when the cores are busy the scheduler then runs the other threads of
    the server first. False where the platform does not allow it."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return False
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except OSError:
        return False
    return True


def _check_pace(pace: float | None) -> float | None:
    if pace is None:
        return None
    if isinstance(pace, bool) or not isinstance(pace, int | float) or not pace > 0:
        raise ValueError(f"pace must be a positive number of steps per second or None. "
                         f"Got {pace!r} instead.")
    return float(pace)


class JobManager:
    """Bounded pool of training jobs, one per owner, with a FIFO queue and idle reaping."""

    def __init__(
        self,
        *,
        max_running: int = 1,
        idle_timeout: float = 120.0,
        report_every: float = 0.25,
        loader: Callable[[Callable[[int, int], None]], Any] = _default_loader,
        trainer_factory: Callable[[Any, Any], Any] = _default_trainer,
        worker_init: Callable[[], None] = _limit_torch_threads,
        clock: Callable[[], float] = time.monotonic,
        give_way_to: Callable[[], bool] = PAGE_RUNS.busy,
        processes: bool = False,
        page_runs: Activity = PAGE_RUNS,
        nice: int | None = None,
    ) -> None:
        if max_running < 1:
            raise ValueError(f"max_running must be at least 1. Got {max_running} instead.")
        if idle_timeout <= 0:
            raise ValueError(f"idle_timeout must be positive. Got {idle_timeout} instead.")
        self.max_running = max_running
        self.idle_timeout = idle_timeout
        self.report_every = report_every
        self._loader = loader
        self._trainer_factory = trainer_factory
        self._worker_init = worker_init
        self._clock = clock
        self._give_way_to = give_way_to
        # processes: each training in its own niced process (surfaces.mnist.training_process);
        # the trainer is then always the engine's PairTrainer and trainer_factory, worker_init
        # and give_way_to are not used (page_runs is).
        self.processes = processes
        # A training process gives way to page runs too, reading their count from shared
        # memory: measured, the OS's priorities alone let two niced trainings slow the
        # students' reruns more than the GIL did (docs/benchmarks.md).
        self._page_runs_flag = None
        if processes:
            self._page_runs_flag = training_process.page_runs_flag()
            page_runs.mirror_to(self._page_runs_flag)
        self._nice = _env_int("LSL_TRAINING_NICE", 10, minimum=0) if nice is None else nice
        self._lock = threading.RLock()
        self._settled = threading.Condition(self._lock)  # a worker has finished
        self._jobs: dict[str, _Job] = {}
        self._queue: collections.deque[str] = collections.deque()
        self._running: set[_Job] = set()
        self._data = None
        self._files: tuple | None = None  # process mode: (data set, its DatasetFiles)
        self._data_lock = threading.Lock()

    # -- what a page calls ------------------------------------------------------------

    def start(self, owner: str, config: Any, *, pace: float | None = None) -> JobView:
        """Start a fresh job for owner (a running one of theirs is stopped and replaced)."""
        with self._lock:
            self._reap_locked()
            old = self._jobs.get(owner)
            if old is not None:
                self._cancel_locked(old)
            job = _Job(owner, config, int(config.steps), last_seen=self._clock())
            job.pace = _check_pace(pace)
            self._jobs[owner] = job
            self._queue.append(owner)
            self._schedule_locked()
            return self._view_locked(job)

    def stop(self, owner: str, *, wait: float = 0.0) -> JobView | None:
        """Ask owner's job to stop; the worker ends within one batch and keeps its weights.

        wait: seconds to wait for the worker to have stopped, so that the view returned (and
        the page drawn right after a click) already says so; 0 returns at once.
        """
        with self._lock:
            job = self._jobs.get(owner)
            if job is None:
                return None
            job.last_seen = self._clock()
            if job.state == QUEUED:
                self._queue.remove(owner)
                job.state = STOPPED
            elif job.state in (LOADING, RUNNING):
                job.stop_requested = True
                job.state = STOPPING
            job.version += 1
            if wait > 0:
                self._settled.wait_for(lambda: job.state != STOPPING, timeout=wait)
            return self._view_locked(job)

    def resume(self, owner: str) -> JobView | None:
        """Queue owner's stopped job again; training continues from where it stopped."""
        with self._lock:
            self._reap_locked()
            job = self._jobs.get(owner)
            if job is None or job.state != STOPPED:
                return None if job is None else self._view_locked(job)
            job.state, job.stop_requested, job.message = QUEUED, False, ""
            job.last_seen = self._clock()
            job.version += 1
            self._queue.append(owner)
            self._schedule_locked()
            return self._view_locked(job)

    def set_pace(self, owner: str, pace: float | None) -> None:
        """Steps per second at most for owner's job from now on (None: full speed)."""
        pace = _check_pace(pace)
        with self._lock:
            job = self._jobs.get(owner)
            if job is not None and job.pace != pace:
                job.pace = pace
                job.segment_start = None  # a new stretch: the ETA follows the new rate
                job.version += 1

    def view(self, owner: str) -> JobView | None:
        """Owner's job as it is now (None if they have none); counts as owner's heartbeat."""
        with self._lock:
            job = self._jobs.get(owner)
            if job is not None:
                job.last_seen = self._clock()
            self._reap_locked()
            return None if job is None else self._view_locked(job)

    def forget(self, owner: str) -> None:
        """Stop owner's job if it runs and drop it."""
        with self._lock:
            job = self._jobs.pop(owner, None)
            if job is not None:
                self._cancel_locked(job)

    def dataset_info(self) -> DatasetInfo | None:
        """The data set the server trains on, once loaded."""
        data = self._data
        if data is None:
            return None
        return DatasetInfo(
            name=data.name,
            source=data.source,
            note=data.note,
            n_train=len(data.y_train),
            n_test=len(data.y_test),
        )

    def counts(self) -> tuple[int, int]:
        """(trainings running, sessions waiting) on the whole server."""
        with self._lock:
            return len(self._running), len(self._queue)

    def reap(self) -> list[str]:
        """Stop or drop the jobs of owners who stopped polling; returns those owners."""
        with self._lock:
            return self._reap_locked()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every job and wait for the workers (tests, interpreter exit)."""
        with self._lock:
            threads = [j.thread for j in self._jobs.values() if j.thread is not None]
            for job in list(self._jobs.values()):
                self._cancel_locked(job)
            self._jobs.clear()
        for t in threads:
            t.join(timeout)

    # -- scheduling ---------------------------------------------------------------------

    def _schedule_locked(self) -> None:
        while self._queue and len(self._running) < self.max_running:
            owner = self._queue.popleft()
            job = self._jobs[owner]
            job.state = LOADING if job.trainer is None and job.trained is None else RUNNING
            job.version += 1
            self._running.add(job)
            job.thread = threading.Thread(
                target=self._work, args=(job,), name=f"mnist-train-{owner[:8]}", daemon=True
            )
            job.thread.start()

    def _cancel_locked(self, job: _Job) -> None:
        if job.state == QUEUED and job.owner in self._queue:
            self._queue.remove(job.owner)
            job.state = STOPPED
        elif job.state in (LOADING, RUNNING):
            job.state = STOPPING
        job.stop_requested = True
        job.version += 1

    def _reap_locked(self) -> list[str]:
        now = self._clock()
        reaped = []
        for owner, job in list(self._jobs.items()):
            idle = now - job.last_seen
            if idle <= self.idle_timeout:
                continue
            if job.state in ACTIVE_STATES:
                self._cancel_locked(job)
                job.message = (
                    f"Stopped because this browser tab did not check in for "
                    f"{self.idle_timeout:.0f} s."
                )
                reaped.append(owner)
            elif idle > 10 * self.idle_timeout:
                del self._jobs[owner]  # finished long ago and nobody is looking
                reaped.append(owner)
        return reaped

    def _abandoned(self, job: _Job) -> bool:
        return self._clock() - job.last_seen > self.idle_timeout

    # -- the worker thread ----------------------------------------------------------------

    def _work(self, job: _Job) -> None:
        # The job's end and the slot it frees change in one lock region: a page never reads
        # "failed" or "done" while the server still counts the job as running.
        outcome: bool | BaseException
        try:
            outcome = self._train_in_process(job) if self.processes else self._train_here(job)
        except BaseException as exc:  # noqa: BLE001 - settled below, then re-raised if fatal
            outcome = exc
        with self._lock:
            if isinstance(outcome, _Cancelled):
                job.state, job.download = STOPPED, None
                job.message = job.message or "Stopped while MNIST was downloading."
            elif isinstance(outcome, Exception):  # shown to the user as one line
                job.state = FAILED
                job.message = (str(outcome) if isinstance(outcome, _Reported)
                               else one_line(outcome))
            elif isinstance(outcome, BaseException):
                job.state, job.message = FAILED, one_line(outcome)
            else:
                job.state = DONE if outcome else STOPPED
                if job.state == STOPPED and not job.message and self._abandoned(job):
                    job.message = "Stopped because this browser tab stopped checking in."
            job.eta_seconds = None
            job.version += 1
            job.pid = None
            self._running.discard(job)
            self._schedule_locked()
            self._settled.notify_all()
        if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
            raise outcome

    def _train_here(self, job: _Job) -> bool:
        """Train in this worker thread; True when the job is done."""
        self._worker_init()
        if job.trainer is None:
            dataset = self._dataset(job)
            trainer = self._trainer_factory(job.config, dataset)
            with self._lock:
                job.trainer = trainer
                if job.state == LOADING:
                    job.state = RUNNING
                job.version += 1
        if not job.stop_requested:
            self._train(job)
        trainer = job.trainer
        evaluation = self._evaluate(job, trainer.step) if trainer.step > 0 else None
        with self._lock:
            if evaluation is not None:
                job.evaluation = evaluation
            # whatever the last event said: where it really is
            job.step, job.history = trainer.step, tuple(trainer.history)
            job.log = trainer.log.head(trainer.step) if trainer.step else None
        return trainer.done

    def _dataset(self, job: _Job):
        def progress(done: int, total: int) -> None:
            with self._lock:
                job.download = (int(done), int(total))
                job.version += 1
            if job.stop_requested or self._abandoned(job):
                raise _Cancelled  # out of the download loop; nothing is cached half-done

        with self._data_lock:  # one download for the whole server
            if self._data is None:
                self._data = self._loader(progress)
        with self._lock:
            job.download = None
            job.version += 1
        return self._data

    def _train(self, job: _Job) -> None:
        with self._lock:
            started = self._clock()
            job.segment_start = (started, job.step)
            before = job.seconds
        events: Iterator = training_process.updates(
            job.trainer,
            report_every=self.report_every,
            read_out_every=READ_OUT_EVERY_S,
            should_stop=lambda: job.stop_requested or self._abandoned(job),
            pace=lambda: self._pace(job),
            clock=self._clock,
        )
        for event, read_out in events:
            log = job.trainer.log.head(event.step)
            history = tuple(job.trainer.history)
            self._record(job, event.step, log, history, read_out, started, before)

    def _record(self, job: _Job, step: int, log, history: tuple,
                read_out: Evaluation | None, started: float, before: float) -> None:
        """A training's progress into its job: step, log, history, read-out, time, ETA."""
        now = self._clock()
        with self._lock:
            job.step, job.log, job.history = step, log, history
            if read_out is not None:
                job.evaluation = read_out
            if job.segment_start is None:  # the pace changed: measure the rate anew
                job.segment_start = (now, job.step)
            t0, s0 = job.segment_start
            job.eta_seconds = eta(now - t0, job.step - s0, job.total_steps - job.step)
            job.seconds = before + now - started
            job.version += 1

    # -- process mode: the worker thread relays a training process's messages -----------------

    def _train_in_process(self, job: _Job) -> bool:
        """Load the data (here: one download for the server), start a training process,
        relay its reports into the job until it ends and keep the trainer it hands back;
        True when the job is done."""
        files = self._dataset_files(job)
        ctx = training_process.context()
        ours, theirs = ctx.Pipe()
        settings = training_process.Settings(
            report_every=self.report_every, nice=self._nice,
            threads=_env_int("LSL_TORCH_THREADS", 1, minimum=1), pace=job.pace,
            yield_slice=YIELD_SLICE_S, yield_at_most=PROCESS_YIELD_AT_MOST_S,
        )  # fmt: skip
        process = ctx.Process(
            target=training_process.main,
            args=(theirs, job.config, files, job.trained, settings, self._page_runs_flag),
            name=f"mnist-train-{job.owner[:8]}",
            daemon=True,
        )
        training_process.start(process)
        theirs.close()
        with self._lock:
            job.pid = process.pid
        try:
            end = self._relay(job, ours, process)
        finally:
            ours.close()
            process.join(timeout=5.0)
            if process.is_alive():  # it did not leave when asked: it must not linger
                process.kill()
                process.join()
        with self._lock:
            if end.evaluation is not None:
                job.evaluation = end.evaluation
            job.step, job.trained = end.step, end.trainer
        return end.done

    def _dataset_files(self, job: _Job) -> training_process.DatasetFiles:
        """The server's data set (loaded once) as files that training processes map."""
        dataset = self._dataset(job)
        with self._data_lock:
            if self._files is None or self._files[0] is not dataset:
                folder = tempfile.mkdtemp(prefix="lsl-mnist-")
                weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
                self._files = (dataset, training_process.DatasetFiles.write(dataset, folder))
            return self._files[1]

    def _relay(self, job: _Job, conn, process) -> training_process.End:
        """The training process's messages into the job; our stop and pace into it."""
        with self._lock:
            started = self._clock()
            job.segment_start = (started, job.step)
            before = job.seconds
            log = StepLog.empty(job.total_steps, len(LOSSES))  # written as updates arrive
            if job.log is not None:
                _write_rows(log, 0, training_process.log_rows(job.log, 0, len(job.log.loss)))
            history = job.history
        stop_sent, pace_sent = False, job.pace
        try:
            while True:
                if not stop_sent and (job.stop_requested or self._abandoned(job)):
                    conn.send(("stop",))
                    stop_sent = True
                if job.pace != pace_sent:
                    pace_sent = job.pace
                    conn.send(("pace", pace_sent))
                if not conn.poll(RELAY_POLL_S):
                    if not process.is_alive() and not conn.poll():
                        raise TrainingProcessLost(process.exitcode)
                    continue
                kind, *body = conn.recv()
                if kind == "running":
                    with self._lock:
                        if job.state == LOADING:
                            job.state = RUNNING
                        job.version += 1
                elif kind == "update":
                    update = body[0]
                    _write_rows(log, update.first, update.rows)
                    history = history + update.history
                    self._record(job, update.step, log.head(update.step), history,
                                 update.evaluation, started, before)  # fmt: skip
                elif kind == "end":
                    return body[0]
                elif kind == "failed":
                    raise TrainingFailed(body[0])
        except (EOFError, BrokenPipeError, ConnectionResetError):
            process.join(timeout=1.0)
            raise TrainingProcessLost(process.exitcode) from None

    def training_pids(self) -> list[int]:
        """Process ids of the trainings running in processes of their own (process mode)."""
        with self._lock:
            return [job.pid for job in self._running if job.pid is not None]

    def _pace(self, job: _Job) -> float | None:
        """The engine's pace callback, read before every step: first give way, then the
        job's pace (steps per second at most, or None)."""
        self._give_way(job)
        return job.pace

    def _give_way(self, job: _Job) -> None:
        """Before a step: give way while give_way_to() says pages are being computed."""
        training_process.give_way(self._give_way_to, lambda: job.stop_requested,
                                  YIELD_AT_MOST_S, YIELD_SLICE_S)

    def _evaluate(self, job: _Job, step: int) -> Evaluation:
        return evaluate(job.trainer, step, LOSSES)

    def _view_locked(self, job: _Job) -> JobView:
        position = 0
        if job.state == QUEUED and job.owner in self._queue:
            position = self._queue.index(job.owner) + 1
        return JobView(
            state=job.state,
            config=job.config,
            total_steps=job.total_steps,
            step=job.step,
            queue_position=position,
            running_jobs=len(self._running),
            max_running=self.max_running,
            seconds=job.seconds,
            eta_seconds=job.eta_seconds,
            log=job.log,
            history=job.history,
            evaluation=job.evaluation,
            dataset=self.dataset_info(),
            download=job.download,
            message=job.message,
            pace=job.pace,
            version=job.version,
        )


def _write_rows(log: StepLog, first: int, rows) -> None:
    """Write (3, n, runs) rows (loss, accuracy, grad_norm) into log from row `first` on."""
    last = first + rows.shape[1]
    log.loss[first:last], log.accuracy[first:last], log.grad_norm[first:last] = rows


class _Cancelled(Exception):
    """Raised from the download progress callback to abandon a download on Stop."""


class _Reported(Exception):
    """An error whose text is already the one line the page shows."""


class TrainingFailed(_Reported):
    """The training process reported an error (its message is the first argument)."""

    def __str__(self) -> str:
        return str(self.args[0])


class TrainingProcessLost(_Reported):
    """The training process ended without saying why (killed, out of memory)."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(exitcode)
        self.exitcode = exitcode

    def __str__(self) -> str:
        return (f"the training process ended unexpectedly (exit code {self.exitcode}); "
                f"press Train to start again")


_manager: JobManager | None = None
_manager_lock = threading.Lock()


def get_manager() -> JobManager:
    """The process-wide manager; LSL_MAX_TRAININGS and LSL_JOB_IDLE_SECONDS size it, and
    trainings run in processes of their own unless LSL_TRAINING_PROCESSES is 0 (then in
    threads of the server, giving way to page runs)."""
    global _manager
    with _manager_lock:
        if _manager is None:
            freeze_long_lived_objects()
            processes = _env_int("LSL_TRAINING_PROCESSES", 1, minimum=0) > 0
            if processes:
                training_process.warm_up()  # the fork server imports torch while pages draw
            _manager = JobManager(
                max_running=_env_int("LSL_MAX_TRAININGS", 1, minimum=1),
                idle_timeout=float(_env_int("LSL_JOB_IDLE_SECONDS", 120, minimum=1)),
                processes=processes,
            )
        return _manager


def freeze_long_lived_objects() -> None:
    """Take the objects alive now (modules, classes, functions: torch's alone are ~250,000)
    out of every later garbage collection.

    Streamlit calls gc.collect() after every script run, fragment reruns included
    (runner.postScriptGC). With torch loaded a full collection takes ~120 ms with the GIL
    held; a page polling twice a second would stall the training thread that long each
    time (measured: training took twice as long while watched). After gc.freeze() the same
    collection takes well under a millisecond. Called once, when the server-wide manager is
    created, i.e. after the page has imported the trainer.
    """
    gc.freeze()


def _env_int(name: str, default: int, *, minimum: int) -> int:
    """An integer from the environment; a missing or bad value falls back to the default."""
    try:
        return max(minimum, int(os.environ.get(name, default)))
    except ValueError:
        return default
