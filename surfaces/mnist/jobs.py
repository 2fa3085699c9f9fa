"""Server-wide job manager for live MNIST training (pure Python, no Streamlit).

One process serves every browser session, so training jobs are owned here, not by a
page: each job belongs to one owner id (a random token kept in that session's state), at
most ``max_running`` jobs train at once and the rest wait in a FIFO queue. A job trains
in its own worker thread; the thread only writes to its job under the manager's lock and
never touches Streamlit. Pages poll :meth:`JobManager.view`, which also serves as the
owner's heartbeat: a job whose owner has not polled for ``idle_timeout`` seconds is
stopped (running) or dropped from the queue, so a closed tab cannot hold a slot forever.

The trainer is anything with the ``surfaces.mnist.engine.PairTrainer`` interface:
``run(report_every=, should_stop=)`` yielding ``Progress`` events and resumable,
``done``, ``predict(x)`` and ``confusion()``.
"""

from __future__ import annotations

import collections
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

QUEUED, LOADING, RUNNING, STOPPING = "queued", "loading", "running", "stopping"
STOPPED, DONE, FAILED = "stopped", "done", "failed"
ACTIVE_STATES = frozenset({QUEUED, LOADING, RUNNING, STOPPING})

GRID_SIZE = 100  # test digits shown with their predicted labels (the notes' 10x10 grid)


@dataclass(frozen=True)
class DatasetInfo:
    """What the page says about the data: caption, image counts and any fallback note."""

    name: str
    source: str
    note: str
    n_train: int
    n_test: int


@dataclass(frozen=True)
class Evaluation:
    """Test-set read-out of both runs at one moment (end of an epoch, a stop or the end)."""

    epoch: float  # epochs trained when it was taken (fractional after a stop)
    images: np.ndarray  # (GRID_SIZE, 784) float32 in [0, 1], the first test digits
    labels: np.ndarray  # (GRID_SIZE,) int64 true labels
    predictions: Mapping[str, np.ndarray]  # loss -> (GRID_SIZE,) int64 predicted labels
    confusion: Mapping[str, np.ndarray]  # loss -> (10, 10) counts, rows = true class

    def per_class_accuracy(self) -> dict[str, np.ndarray]:
        """loss -> (10,) accuracy per true class (NaN for a class absent from the test set)."""
        out = {}
        for loss, cm in self.confusion.items():
            cm = np.asarray(cm, dtype=np.float64)
            totals = cm.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[loss] = np.where(totals > 0, np.diag(cm) / totals, np.nan)
        return out


@dataclass(frozen=True)
class JobView:
    """An immutable copy of one job for the page: everything it draws, nothing it mutates."""

    state: str
    config: Any
    epochs_total: int
    queue_position: int  # 1-based place in the queue; 0 when not queued
    running_jobs: int  # trainings running on the server right now (all owners)
    max_running: int
    fraction: float  # of all planned steps, in [0, 1]
    seconds: float  # wall time spent training so far, over all resumes
    eta_seconds: float | None  # None until a rate is known
    batches: tuple  # Progress events of kind "batch", oldest first
    epochs: tuple  # Progress events of kind "epoch", oldest first
    evaluation: Evaluation | None
    dataset: DatasetInfo | None
    download: tuple[int, int] | None  # (bytes done, total bytes) while downloading
    message: str  # one line: why it failed or why it stopped; "" otherwise
    version: int  # grows whenever anything in the job changes

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def can_resume(self) -> bool:
        return self.state == STOPPED

    def curves(self, max_points: int = 400) -> dict[str, dict[str, np.ndarray]]:
        """loss -> {"train_x", "train_loss", "train_acc", "test_x", "test_loss", "test_acc"}.

        x is in epochs; every array is 1-D float64. Train metrics are means over the batches
        of the epoch so far (as the notes report them), so the curve shows every report of
        epoch 1 (the steep start), then one mean per finished epoch, then the latest report of
        the epoch in progress: the early reports of a later epoch average only a few batches
        and would draw a spike at every epoch start. At most max_points are kept.
        """
        out: dict[str, dict[str, np.ndarray]] = {}
        finished = len(self.epochs)
        shown = [e for e in self.batches if e.epoch == 1]
        shown += [e for e in self.batches[-1:] if e.epoch > max(1, finished)]
        for loss in _losses(self.batches, self.epochs):
            train = [(e.fraction * self.epochs_total, e.metrics[loss]) for e in shown]
            train += [(float(e.epoch), e.metrics[loss]) for e in self.epochs]
            train.sort(key=lambda item: item[0])
            if len(train) > max_points:
                keep = np.unique(np.linspace(0, len(train) - 1, max_points).round().astype(int))
                train = [train[i] for i in keep]
            out[loss] = {
                "train_x": _column(train, None),
                "train_loss": _column(train, "train_loss"),
                "train_acc": _column(train, "train_acc"),
                "test_x": np.array([float(e.epoch) for e in self.epochs], dtype=np.float64),
                "test_loss": _column([(0, e.metrics[loss]) for e in self.epochs], "test_loss"),
                "test_acc": _column([(0, e.metrics[loss]) for e in self.epochs], "test_acc"),
            }
        return out


def _losses(*event_lists: Sequence) -> list[str]:
    for events in event_lists:
        if events:
            return list(events[-1].metrics)
    return []


def _column(pairs: list, key: str | None) -> np.ndarray:
    if key is None:
        return np.array([x for x, _ in pairs], dtype=np.float64)
    return np.array([m.get(key, np.nan) for _, m in pairs], dtype=np.float64)


LOSS_NAMES = {"cross_entropy": "cross-entropy", "mse": "MSE"}
CHANCE_LEVEL = 0.2  # below this test accuracy a 10-class run has learned next to nothing


def first_epoch_reading(epochs: Sequence) -> str | None:
    """The lecture's reading of a run in one sentence: who led on test accuracy after epoch 1."""
    if not epochs:
        return None
    metrics = epochs[0].metrics
    acc = {loss: m.get("test_acc") for loss, m in metrics.items()}
    if len(acc) != 2 or any(a is None or not np.isfinite(a) for a in acc.values()):
        return None
    (lead, a_lead), (lag, a_lag) = sorted(acc.items(), key=lambda kv: -kv[1])
    gap = 100 * (a_lead - a_lag)
    if a_lead < CHANCE_LEVEL:
        (one, a_one), (two, a_two) = acc.items()
        return (
            f"After epoch 1 neither run had learned much yet: {100 * a_one:.1f} % test "
            f"accuracy for {LOSS_NAMES.get(one, one)} and {100 * a_two:.1f} % for "
            f"{LOSS_NAMES.get(two, two)}, close to the 10 % of guessing."
        )
    if gap < 0.05:
        return (
            f"After epoch 1 both runs were level at {100 * a_lead:.1f} % test accuracy: "
            "with these settings the choice of loss made no visible difference yet."
        )
    return (
        f"After epoch 1 {LOSS_NAMES.get(lead, lead)} was ahead: {100 * a_lead:.1f} % test "
        f"accuracy against {100 * a_lag:.1f} % for {LOSS_NAMES.get(lag, lag)}, "
        f"a lead of {gap:.1f} percentage points."
    )


@dataclass(eq=False)  # compared and hashed by identity: one owner may have an old one ending
class _Job:
    owner: str
    config: Any
    epochs_total: int
    state: str = QUEUED
    trainer: Any = None
    thread: threading.Thread | None = None
    stop_requested: bool = False
    batches: list = field(default_factory=list)
    epochs: list = field(default_factory=list)
    evaluation: Evaluation | None = None
    download: tuple[int, int] | None = None
    message: str = ""
    last_seen: float = 0.0
    fraction: float = 0.0
    segment_start: tuple[float, float] | None = None  # (clock, fraction) when this run began
    grid: tuple[Any, Any] | None = None  # (images, labels) of the first GRID_SIZE test digits
    eta_seconds: float | None = None
    seconds: float = 0.0
    version: int = 0


def _default_loader(progress: Callable[[int, int], None]):
    """Full MNIST (download, cached) unless LSL_MNIST_SOURCE=subset asks for the offline subset."""
    from surfaces.mnist import data

    if os.environ.get("LSL_MNIST_SOURCE", "full").strip().lower() == "subset":
        return data.load_subset()
    return data.load_dataset(progress=progress)


def _default_trainer(config, dataset):
    from surfaces.mnist.engine import PairTrainer

    return PairTrainer(config, dataset)


def _limit_torch_threads() -> None:
    """One intra-op thread per training, so a 2-core server keeps a core for its pages; and
    a lower CPU priority for the training thread, so the pages' threads go first."""
    lower_thread_priority(_env_int("LSL_TRAINING_NICE", 10, minimum=0))
    try:
        import torch
    except ImportError:  # a fake trainer in tests needs no torch
        return
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


def _to_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


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
        self._lock = threading.RLock()
        self._settled = threading.Condition(self._lock)  # a worker has finished
        self._jobs: dict[str, _Job] = {}
        self._queue: collections.deque[str] = collections.deque()
        self._running: set[_Job] = set()
        self._data = None
        self._data_lock = threading.Lock()

    # -- what a page calls ------------------------------------------------------------

    def start(self, owner: str, config: Any) -> JobView:
        """Start a fresh job for owner (a running one of theirs is stopped and replaced)."""
        with self._lock:
            self._reap_locked()
            old = self._jobs.get(owner)
            if old is not None:
                self._cancel_locked(old)
            job = _Job(owner, config, int(getattr(config, "epochs", 1)), last_seen=self._clock())
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
            job.state = LOADING if job.trainer is None else RUNNING
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
        try:
            self._worker_init()
            if job.trainer is None:
                dataset = self._dataset(job)
                trainer = self._trainer_factory(job.config, dataset)
                with self._lock:
                    job.trainer = trainer
                    job.grid = (dataset.x_test[:GRID_SIZE], dataset.y_test[:GRID_SIZE])
                    if job.state == LOADING:
                        job.state = RUNNING
                    job.version += 1
            if not job.stop_requested:
                self._train(job)
            evaluation = self._evaluate(job) if job.trainer is not None else None
            with self._lock:
                if evaluation is not None:
                    job.evaluation = evaluation
                job.state = DONE if job.trainer is not None and job.trainer.done else STOPPED
                job.eta_seconds = None
                if job.state == STOPPED and not job.message and self._abandoned(job):
                    job.message = "Stopped because this browser tab stopped checking in."
                job.version += 1
        except _Cancelled:
            with self._lock:
                job.state, job.download = STOPPED, None
                job.message = job.message or "Stopped while MNIST was downloading."
                job.version += 1
        except Exception as exc:  # noqa: BLE001 - shown to the user as one line
            with self._lock:
                job.state = FAILED
                job.message = one_line(exc)
                job.version += 1
        finally:
            with self._lock:
                self._running.discard(job)
                self._schedule_locked()
                self._settled.notify_all()

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
            job.segment_start = (self._clock(), job.fraction)
            before = job.seconds
        events: Iterator = job.trainer.run(
            report_every=self.report_every,
            should_stop=lambda: job.stop_requested or self._abandoned(job),
        )
        for event in events:
            evaluation = self._evaluate(job) if event.kind == "epoch" else None
            with self._lock:
                (job.epochs if event.kind == "epoch" else job.batches).append(event)
                if evaluation is not None:
                    job.evaluation = evaluation
                job.fraction = float(event.fraction)
                job.eta_seconds = self._eta(job)
                job.seconds = before + self._clock() - job.segment_start[0]
                job.version += 1

    def _eta(self, job: _Job) -> float | None:
        t0, f0 = job.segment_start
        elapsed, gained = self._clock() - t0, job.fraction - f0
        if gained <= 0 or elapsed <= 0:
            return None
        return max(0.0, (1.0 - job.fraction) * elapsed / gained)

    def _evaluate(self, job: _Job) -> Evaluation:
        images, labels = job.grid
        predicted = job.trainer.predict(images)
        confusion = job.trainer.confusion()
        epoch = job.fraction * job.epochs_total
        return Evaluation(
            epoch=float(epoch),
            images=np.asarray(_to_numpy(images), dtype=np.float32),
            labels=np.asarray(_to_numpy(labels), dtype=np.int64),
            predictions={k: _to_numpy(v).astype(np.int64) for k, v in predicted.items()},
            confusion={k: np.asarray(_to_numpy(v)) for k, v in confusion.items()},
        )

    def _view_locked(self, job: _Job) -> JobView:
        position = 0
        if job.state == QUEUED and job.owner in self._queue:
            position = self._queue.index(job.owner) + 1
        return JobView(
            state=job.state,
            config=job.config,
            epochs_total=job.epochs_total,
            queue_position=position,
            running_jobs=len(self._running),
            max_running=self.max_running,
            fraction=job.fraction,
            seconds=job.seconds,
            eta_seconds=job.eta_seconds,
            batches=tuple(job.batches),
            epochs=tuple(job.epochs),
            evaluation=job.evaluation,
            dataset=self.dataset_info(),
            download=job.download,
            message=job.message,
            version=job.version,
        )


class _Cancelled(Exception):
    """Raised from the download progress callback to abandon a download on Stop."""


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


_manager: JobManager | None = None
_manager_lock = threading.Lock()


def get_manager() -> JobManager:
    """The process-wide manager; LSL_MAX_TRAININGS and LSL_JOB_IDLE_SECONDS size it."""
    global _manager
    with _manager_lock:
        if _manager is None:
            freeze_long_lived_objects()
            _manager = JobManager(
                max_running=_env_int("LSL_MAX_TRAININGS", 1, minimum=1),
                idle_timeout=float(_env_int("LSL_JOB_IDLE_SECONDS", 120, minimum=1)),
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
