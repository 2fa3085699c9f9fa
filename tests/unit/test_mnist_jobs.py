"""The training job manager: bounded slots, a fair queue, prompt stops, resume, isolation, reaping.

Most tests drive it with a fake trainer that has PairTrainer's interface and takes a few
milliseconds per step; one test runs the real PairTrainer on the offline MNIST subset.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
import types
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch

from surfaces.activity import Activity
from surfaces.mnist import jobs
from surfaces.mnist.config import LOSSES
from surfaces.mnist.engine import EvalRecord, Progress, StepLog
from surfaces.mnist.evaluation import GRID_SIZE


@dataclass(frozen=True)
class FakeConfig:
    steps: int = 40
    step_seconds: float = 0.005
    eval_every: int = 10


@dataclass(frozen=True)
class FakeData:
    x_train: np.ndarray = field(default_factory=lambda: np.zeros((50, 784), np.float32))
    y_train: np.ndarray = field(default_factory=lambda: np.zeros(50, np.int64))
    x_test: np.ndarray = field(default_factory=lambda: np.ones((120, 784), np.float32))
    y_test: np.ndarray = field(default_factory=lambda: np.arange(120) % 10)
    name: str = "fake digits"
    source: str = "subset"
    note: str = "no network"


class FakeTrainer:
    """PairTrainer's interface; each step sleeps step_seconds (or moves a fake clock), logs
    loss = the step's number, and counts every step it ever trains (a restart would show)."""

    made: list = []  # every FakeTrainer built, in order

    def __init__(self, config: FakeConfig, data: FakeData, clock=None):
        self.config, self.data, self.clock = config, data, clock
        self.step = 0
        self.trained = 0  # steps trained over this object's life
        self.total_steps = config.steps
        self.log = StepLog.empty(config.steps, 2)
        self.history: list[EvalRecord] = []
        self.paces: list = []
        FakeTrainer.made.append(self)

    @property
    def done(self) -> bool:
        return self.step >= self.total_steps

    def _record(self) -> EvalRecord:
        acc = self.step / self.total_steps
        metrics = {"cross_entropy": {"test_acc": acc, "test_loss": 1 - acc, "flat_share": 0.0},
                   "mse": {"test_acc": acc / 2, "test_loss": 0.5, "flat_share": 0.1}}
        record = EvalRecord(self.step, metrics, {k: np.zeros(40) for k in LOSSES})
        self.history.append(record)
        return record

    def run(self, *, report_every=0.25, should_stop=lambda: False, pace=lambda: None):
        last = time.monotonic()
        while not self.done and not should_stop():
            self.paces.append(pace())
            if self.clock is not None:
                self.clock.now += self.config.step_seconds
                time.sleep(0.0005)  # real time too, so a poller sees the steps go by
            else:
                time.sleep(self.config.step_seconds)
            self.log.loss[self.step] = self.step + 1
            self.step += 1
            self.trained += 1
            if self.step % self.config.eval_every == 0 or self.done:
                yield Progress("eval", self.step, self.total_steps, 0.0, record=self._record())
            elif time.monotonic() - last >= report_every:
                last = time.monotonic()
                yield Progress("steps", self.step, self.total_steps, 0.0)

    def logits(self, x):
        out = torch.zeros(2, len(x), 10)
        out[:, :, 3] = 1.0  # both runs always say 3
        return out

    def confusion(self):
        cm = np.diag(np.arange(1, 11)).astype(np.int64)
        cm[0, 1] = 5
        return {loss: cm for loss in LOSSES}


class Clock:
    """A clock the test moves by hand, for the idle reaper."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_manager(**kwargs) -> jobs.JobManager:
    kwargs.setdefault("loader", lambda progress: FakeData())
    kwargs.setdefault("trainer_factory", FakeTrainer)
    kwargs.setdefault("worker_init", lambda: None)
    kwargs.setdefault("report_every", 0.01)
    return jobs.JobManager(**kwargs)


@pytest.fixture
def manager():
    made = []

    def factory(**kwargs):
        made.append(make_manager(**kwargs))
        return made[-1]

    yield factory
    for m in made:
        m.shutdown()


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False


def test_a_job_runs_to_the_end_and_reports_its_log_history_and_an_evaluation(manager):
    m = manager()
    view = m.start("alice", FakeConfig(steps=20, eval_every=10))
    assert view.state in (jobs.LOADING, jobs.RUNNING)
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    view = m.view("alice")
    assert view.fraction == 1.0 and view.step == 20 and view.eta_seconds is None
    assert not view.active and view.seconds > 0
    assert [r.step for r in view.history] == [10, 20]
    np.testing.assert_array_equal(view.log.loss[:, 0], np.arange(1, 21))
    ev = view.evaluation
    assert ev.step == 20
    assert ev.images.shape == (GRID_SIZE, 784) and ev.labels.shape == (GRID_SIZE,)
    assert ev.predictions["mse"].tolist() == [3] * GRID_SIZE
    per_class = ev.per_class_accuracy()["cross_entropy"]
    assert per_class[0] == pytest.approx(1 / 6) and per_class[9] == 1.0
    assert view.dataset == jobs.DatasetInfo("fake digits", "subset", "no network", 50, 120)


def test_the_digit_grid_is_the_first_test_digits_with_their_own_labels(manager):
    """Labels, images and the lab's logits belong to the same digit (no shift by one)."""
    data = FakeData(x_test=np.random.default_rng(0).random((120, 784), dtype=np.float32),
                    y_test=np.random.default_rng(1).integers(0, 10, 120))
    m = manager(loader=lambda progress: data)
    m.start("alice", FakeConfig(steps=5, eval_every=5))
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    ev = m.view("alice").evaluation
    np.testing.assert_array_equal(ev.images, data.x_test[:GRID_SIZE])
    np.testing.assert_array_equal(ev.labels, data.y_test[:GRID_SIZE])
    # the fake's logits are 1 for class 3, 0 elsewhere: (y1, y2) follows each digit's label
    want = np.where(data.y_test[:GRID_SIZE] == 3, 1.0, 0.0)
    np.testing.assert_array_equal(ev.top_two["mse"][:, 0], want)
    np.testing.assert_array_equal(ev.top_two["mse"][:, 1], 1.0 - want)


def test_no_more_than_max_running_train_at_once_and_waiters_know_their_place(manager):
    m = manager(max_running=1)
    slow = FakeConfig(steps=10_000, step_seconds=0.001, eval_every=10_000)
    m.start("a", slow)
    b, c = m.start("b", slow), m.start("c", slow)
    assert (b.state, b.queue_position) == (jobs.QUEUED, 1)
    assert (c.state, c.queue_position) == (jobs.QUEUED, 2)
    assert c.running_jobs == 1 and m.counts() == (1, 2)
    m.stop("a")
    assert wait_for(lambda: m.view("b").state == jobs.RUNNING)
    assert m.view("c").queue_position == 1
    assert m.view("a").state == jobs.STOPPED
    m.stop("c")  # leaving the queue frees nothing but the place
    assert m.view("c").state == jobs.STOPPED and m.counts() == (1, 0)


def test_two_slots_run_two_jobs_side_by_side(manager):
    m = manager(max_running=2)
    slow = FakeConfig(steps=10_000, step_seconds=0.001, eval_every=10_000)
    for owner in "abc":
        m.start(owner, slow)
    assert wait_for(lambda: m.view("a").state == m.view("b").state == jobs.RUNNING)
    assert m.view("c").queue_position == 1 and m.counts() == (2, 1)


def test_stop_ends_training_within_a_second_and_keeps_what_was_learned(manager):
    m = manager(report_every=0.25)
    m.start("alice", FakeConfig(steps=100_000, step_seconds=0.002, eval_every=100_000))
    assert wait_for(lambda: m.view("alice").step >= 20)
    t0 = time.monotonic()
    assert m.stop("alice").state == jobs.STOPPING
    assert wait_for(lambda: m.view("alice").state == jobs.STOPPED, timeout=1.0)
    assert time.monotonic() - t0 < 1.0
    view = m.view("alice")
    assert 0 < view.fraction < 1 and view.can_resume
    assert view.evaluation is not None and view.evaluation.step == view.step  # at the stop
    assert m.counts() == (0, 0)


def test_stop_can_wait_for_the_worker_so_the_answer_is_already_stopped(manager):
    m = manager()
    m.start("alice", FakeConfig(steps=100_000, step_seconds=0.002))
    assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
    assert m.stop("alice", wait=1.0).state == jobs.STOPPED


def test_resume_continues_from_where_it_stopped(manager):
    """The same trainer goes on from its step: in all, exactly `steps` steps are trained. A
    Resume that silently restarted (a new trainer, or the old one from step 0) trains more."""
    FakeTrainer.made.clear()
    m = manager()
    m.start("alice", FakeConfig(steps=400, step_seconds=0.001, eval_every=50))
    assert wait_for(lambda: m.view("alice").step > 40)
    m.stop("alice")
    assert wait_for(lambda: m.view("alice").state == jobs.STOPPED)
    stopped_at = m.view("alice").step
    assert 0 < stopped_at < 400
    assert m.resume("alice").state in (jobs.QUEUED, jobs.RUNNING)
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    view = m.view("alice")
    (trainer,) = FakeTrainer.made
    assert trainer.trained == 400 and view.step == 400
    assert [r.step for r in view.history] == list(range(50, 401, 50))


def test_eta_is_the_steps_left_at_this_stretchs_rate(manager):
    assert jobs.eta(elapsed=10.0, steps_gained=250, steps_left=750) == 30.0
    assert jobs.eta(elapsed=0.0, steps_gained=0, steps_left=10) is None
    clock = Clock()  # every fake step moves it by step_seconds: a rate of 100 steps per second
    m = manager(clock=clock, trainer_factory=lambda c, d: FakeTrainer(c, d, clock=clock),
                idle_timeout=1e9)  # fmt: skip
    etas = []
    m.start("alice", FakeConfig(steps=300, step_seconds=0.01, eval_every=50))
    while m.view("alice").active:
        view = m.view("alice")
        if view.eta_seconds is not None and view.step < 300:
            etas.append((view.step, view.eta_seconds))
        time.sleep(0.001)
    assert etas
    for step, eta in etas:
        assert eta == pytest.approx((300 - step) * 0.01)


def test_pace_reaches_the_trainer_and_can_change_while_it_runs(manager):
    FakeTrainer.made.clear()
    m = manager()
    m.start("alice", FakeConfig(steps=100_000, step_seconds=0.001), pace=250)
    assert wait_for(lambda: m.view("alice").step > 5)
    m.set_pace("alice", None)
    assert m.view("alice").pace is None
    (trainer,) = FakeTrainer.made
    assert wait_for(lambda: trainer.paces[-1] is None)
    assert trainer.paces[0] == 250.0
    with pytest.raises(ValueError, match=r"^pace must be a positive number of steps per second"):
        m.set_pace("alice", 0)
    m.stop("alice", wait=1.0)


def test_resume_only_applies_to_a_stopped_job(manager):
    m = manager()
    assert m.resume("nobody") is None
    m.start("alice", FakeConfig(steps=5))
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    assert m.resume("alice").state == jobs.DONE


def test_owners_see_and_stop_only_their_own_job(manager):
    m = manager(max_running=2)
    slow = FakeConfig(steps=100_000, step_seconds=0.001)
    m.start("alice", slow)
    m.start("bob", FakeConfig(steps=100_000, step_seconds=0.002))
    assert m.view("mallory") is None and m.stop("mallory") is None
    assert m.view("alice").config != m.view("bob").config
    assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)  # a busy machine is slow
    m.stop("bob")
    assert wait_for(lambda: m.view("bob").state == jobs.STOPPED)
    assert m.view("alice").state == jobs.RUNNING


def test_starting_again_replaces_the_owners_running_job(manager):
    m = manager(max_running=1)
    m.start("alice", FakeConfig(steps=100_000, step_seconds=0.001))
    assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
    view = m.start("alice", FakeConfig(steps=5))
    assert view.log is None and view.step == 0 and view.config.steps == 5
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    assert m.counts() == (0, 0)


def test_a_job_whose_owner_stopped_polling_gives_up_its_slot(manager):
    clock = Clock()
    m = manager(max_running=1, idle_timeout=30.0, clock=clock)
    slow = FakeConfig(steps=100_000, step_seconds=0.001)
    m.start("gone", slow)
    m.start("waiting", slow)
    m.start("queued-and-gone", slow)
    assert wait_for(lambda: m.view("gone").state == jobs.RUNNING)
    clock.now += 20
    m.view("waiting")  # only this owner keeps polling
    clock.now += 20
    assert set(m.reap()) == {"gone", "queued-and-gone"}
    assert wait_for(lambda: m.view("waiting").state == jobs.RUNNING)
    clock.now += 1
    gone = m.view("gone")
    assert gone.state == jobs.STOPPED and "did not check in" in gone.message
    assert m.view("queued-and-gone").state == jobs.STOPPED


def test_the_worker_itself_stops_when_nobody_polls(manager):
    clock = Clock()
    m = manager(idle_timeout=30.0, clock=clock)
    m.start("gone", FakeConfig(steps=100_000, step_seconds=0.001))
    assert wait_for(lambda: m.view("gone").state == jobs.RUNNING)
    clock.now += 31  # no call into the manager at all: the worker notices by itself
    assert wait_for(lambda: m.counts() == (0, 0), timeout=1.0)


def test_finished_jobs_of_departed_owners_are_forgotten(manager):
    clock = Clock()
    m = manager(idle_timeout=10.0, clock=clock)
    m.start("gone", FakeConfig(steps=3))
    assert wait_for(lambda: m.view("gone").state == jobs.DONE)
    clock.now += 101
    assert m.reap() == ["gone"] and m.view("gone") is None


def test_a_failing_trainer_becomes_a_one_line_message_and_frees_the_slot(manager):
    def broken(config, data):
        raise RuntimeError("weights exploded\nsecond line of detail")

    m = manager(trainer_factory=broken)
    m.start("alice", FakeConfig())
    assert wait_for(lambda: m.view("alice").state == jobs.FAILED)
    assert m.view("alice").message == "RuntimeError: weights exploded"
    assert m.counts() == (0, 0)


def test_download_progress_is_reported_while_the_data_loads(manager):
    release = threading.Event()

    def slow_loader(progress):
        progress(5, 10)
        release.wait(5)
        return FakeData()

    m = manager(loader=slow_loader)
    m.start("alice", FakeConfig(steps=3))
    assert wait_for(lambda: m.view("alice").download == (5, 10))
    assert m.view("alice").state == jobs.LOADING
    release.set()
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    assert m.view("alice").download is None


def test_bad_sizes_are_refused_with_exact_messages():
    with pytest.raises(ValueError, match=r"^max_running must be at least 1. Got 0 instead.$"):
        jobs.JobManager(max_running=0)
    with pytest.raises(ValueError, match=r"^idle_timeout must be positive. Got 0 instead.$"):
        jobs.JobManager(idle_timeout=0)


def test_the_server_wide_manager_is_sized_from_the_environment(monkeypatch):
    monkeypatch.setattr(jobs, "_manager", None)
    monkeypatch.setenv("LSL_MAX_TRAININGS", "3")
    monkeypatch.setenv("LSL_JOB_IDLE_SECONDS", "oops")
    m = jobs.get_manager()
    assert m is jobs.get_manager()
    assert (m.max_running, m.idle_timeout) == (3, 120.0)
    assert gc.get_freeze_count() > 0  # Streamlit's gc.collect() after each rerun stays cheap
    monkeypatch.setattr(jobs, "_manager", None)


def test_the_real_pair_trainer_trains_on_the_subset():
    engine = pytest.importorskip("surfaces.mnist.engine")
    from surfaces.mnist import data

    m = jobs.JobManager(loader=lambda progress: data.load_subset(), report_every=0.1)
    try:
        m.start("alice", engine.TrainConfig(model="softmax", lr=1.0, steps=100, eval_every=50))
        assert wait_for(lambda: not m.view("alice").active, timeout=60)
        view = m.view("alice")
        assert view.state == jobs.DONE, view.message
        assert view.dataset.source == "subset" and view.dataset.n_train == 4000
        assert [r.step for r in view.history] == [0, 50, 100]
        assert 0.5 < view.history[-1].metrics["cross_entropy"]["test_acc"] <= 1.0
        assert view.log.loss.shape == (100, 2)
        assert view.evaluation.confusion["mse"].sum() == view.dataset.n_test
        assert view.evaluation.predictions["cross_entropy"].shape == (GRID_SIZE,)
    finally:
        m.shutdown()


def test_replacing_a_running_job_does_not_lose_count_of_the_slots(manager):
    m = manager(max_running=2)
    slow = FakeConfig(steps=100_000, step_seconds=0.001)
    m.start("alice", slow)
    assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
    m.start("alice", slow)  # the old worker is still winding down
    m.start("bob", slow)
    m.start("carol", slow)
    assert wait_for(lambda: m.counts() == (2, 1))
    assert m.view("carol").queue_position == 1


def test_stop_abandons_a_download_and_resume_starts_it_again(manager):
    calls = []

    def downloading(progress):
        calls.append(1)
        for done in range(2_000):
            progress(done, 2_000)  # the real loader calls this for every 64 kB chunk
            time.sleep(0.001)
        return FakeData()

    m = manager(loader=downloading)
    m.start("alice", FakeConfig(steps=3))
    assert wait_for(lambda: (m.view("alice").download or (0, 0))[0] > 10)
    t0 = time.monotonic()
    m.stop("alice")
    assert wait_for(lambda: m.view("alice").state == jobs.STOPPED, timeout=1.0)
    assert time.monotonic() - t0 < 1.0
    view = m.view("alice")
    assert view.download is None and "downloading" in view.message and view.can_resume
    assert m.counts() == (0, 0) and m.dataset_info() is None  # nothing half-loaded is kept
    m.resume("alice")
    assert wait_for(lambda: m.view("alice").state == jobs.DONE, timeout=30)
    assert len(calls) == 2


def test_the_real_pair_trainer_stops_within_a_second_and_resumes_where_it_stopped():
    engine = pytest.importorskip("surfaces.mnist.engine")
    from surfaces.mnist import data

    made = []

    def factory(config, dataset):
        made.append(engine.PairTrainer(config, dataset))
        return made[-1]

    m = jobs.JobManager(loader=lambda progress: data.load_subset(), trainer_factory=factory)
    try:
        m.start("alice", engine.TrainConfig(model="mlp", batch_size=10, steps=3000))
        assert wait_for(lambda: m.view("alice").step > 30, timeout=60)
        t0 = time.monotonic()
        m.stop("alice")
        assert wait_for(lambda: m.view("alice").state == jobs.STOPPED, timeout=1.0)
        assert time.monotonic() - t0 < 1.0
        stopped_at = m.view("alice").step
        before = m.view("alice").log.loss.copy()
        m.resume("alice")
        assert wait_for(lambda: m.view("alice").step > stopped_at + 30, timeout=30)
        after = m.view("alice").log.loss
        assert len(made) == 1  # the same trainer, not a new one
        np.testing.assert_array_equal(after[:stopped_at], before)  # the past is kept as it was
    finally:
        m.shutdown()


# --- giving way to page runs (surfaces.activity) -------------------------------------------


def test_training_waits_while_a_page_is_being_computed_then_goes_on(manager, monkeypatch):
    monkeypatch.setattr(jobs, "YIELD_AT_MOST_S", 30.0)
    pages = Activity()
    m = manager(give_way_to=pages.busy)
    with pages.running():
        m.start("alice", FakeConfig(steps=20, step_seconds=0.001))
        assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
        time.sleep(0.3)  # 300 steps' worth of time
        assert m.view("alice").step == 0
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)


def test_a_busy_server_slows_a_training_but_never_stops_it(manager, monkeypatch):
    monkeypatch.setattr(jobs, "YIELD_AT_MOST_S", 0.005)
    m = manager(give_way_to=lambda: True)
    m.start("alice", FakeConfig(steps=20, step_seconds=0.001))
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)


def test_a_stop_is_not_held_up_by_giving_way(manager, monkeypatch):
    monkeypatch.setattr(jobs, "YIELD_AT_MOST_S", 30.0)
    m = manager(give_way_to=lambda: True)
    m.start("alice", FakeConfig(steps=20))
    assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
    m.stop("alice", wait=2.0)
    assert m.view("alice").state == jobs.STOPPED


def test_page_runs_are_counted_per_thread_and_released_on_errors():
    pages = Activity()
    inside = threading.Event()
    leave = threading.Event()

    def page():
        with pages.running():
            inside.set()
            leave.wait(5)

    other = threading.Thread(target=page)
    other.start()
    assert inside.wait(5) and pages.busy() and pages.count == 1
    with pytest.raises(RuntimeError), pages.running():
        assert pages.count == 2
        raise RuntimeError("a page failed")
    assert pages.count == 1
    leave.set()
    other.join(5)
    assert not pages.busy() and pages.count == 0


def test_the_count_is_mirrored_into_shared_memory_for_training_processes():
    import multiprocessing

    pages, shared = Activity(), multiprocessing.RawValue("i", 0)
    with pages.running():
        pages.mirror_to(shared)  # mirrors the count it has now, then every change
        assert shared.value == 1
        with pages.running():
            assert shared.value == 2
    assert shared.value == 0


# --- trainings in processes of their own (surfaces.mnist.training_process) -----------------


@pytest.fixture(scope="module")
def subset():
    from surfaces.mnist import data

    return data.load_subset()


def process_manager(subset, **kwargs) -> jobs.JobManager:
    kwargs.setdefault("report_every", 0.05)
    return jobs.JobManager(loader=lambda progress: subset, processes=True, **kwargs)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_training_in_its_own_process_reports_what_a_training_here_reports(subset):
    """The same job in a process and in a worker thread: the same per-step log, the same
    evaluations, the same test read-out."""
    from surfaces.mnist.engine import TrainConfig

    config = TrainConfig(model="softmax", lr=1.0, steps=120, eval_every=40)
    views = []
    for processes in (True, False):
        m = jobs.JobManager(loader=lambda progress: subset, processes=processes,
                            report_every=0.05)  # fmt: skip
        try:
            m.start("alice", config)
            assert wait_for(lambda m=m: not m.view("alice").active, timeout=60)
            views.append(m.view("alice"))
        finally:
            m.shutdown()
    there, here = views
    assert there.state == here.state == jobs.DONE, (there.message, here.message)
    assert there.step == 120 and there.fraction == 1.0
    for name in ("loss", "accuracy", "grad_norm"):
        np.testing.assert_array_equal(getattr(there.log, name), getattr(here.log, name))
    assert [r.step for r in there.history] == [0, 40, 80, 120]
    np.testing.assert_equal([r.metrics for r in there.history],  # NaN == NaN
                            [r.metrics for r in here.history])
    assert there.evaluation.step == 120
    for loss in LOSSES:
        np.testing.assert_array_equal(there.evaluation.confusion[loss],
                                      here.evaluation.confusion[loss])  # fmt: skip
    assert there.dataset.n_train == len(subset.y_train)


def test_a_process_training_stops_at_once_and_resumes_exactly_where_it_stopped(subset):
    from surfaces.mnist.engine import PairTrainer, TrainConfig

    config = TrainConfig(model="mlp", optimizer="adam", lr=0.001, batch_size=50, steps=400,
                         eval_every=50)  # fmt: skip
    m = process_manager(subset)
    try:
        m.start("alice", config)
        assert wait_for(lambda: m.view("alice").step > 30, timeout=60)
        t0 = time.monotonic()
        view = m.stop("alice", wait=1.0)
        assert view.state == jobs.STOPPED and time.monotonic() - t0 < 1.0
        assert 30 < view.step < 400 and view.can_resume
        m.resume("alice")
        assert wait_for(lambda: m.view("alice").state == jobs.DONE, timeout=60)
        resumed = m.view("alice")
    finally:
        m.shutdown()
    whole = PairTrainer(config, subset, num_threads=1)
    list(whole.run())
    np.testing.assert_array_equal(resumed.log.loss, whole.log.loss)
    np.testing.assert_equal([r.metrics for r in resumed.history],  # NaN == NaN
                            [r.metrics for r in whole.history])


def test_the_training_process_runs_niced_and_is_gone_when_it_ends(subset):
    from surfaces.mnist.engine import TrainConfig

    m = process_manager(subset, nice=7)
    try:
        m.start("alice", TrainConfig(model="mlp", steps=60_000))
        assert wait_for(lambda: m.view("alice").state == jobs.RUNNING and m.training_pids(),
                        timeout=60)  # fmt: skip
        (pid,) = m.training_pids()
        assert pid != os.getpid()
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, os.getpriority(
            os.PRIO_PROCESS, 0) + 7)
        if hasattr(os, "SCHED_IDLE"):  # runs only where no page run wants the core
            assert os.sched_getscheduler(pid) == os.SCHED_IDLE
        m.stop("alice", wait=2.0)
        assert m.view("alice").state == jobs.STOPPED and m.training_pids() == []
        assert not alive(pid)
    finally:
        m.shutdown()


def test_a_killed_training_process_becomes_a_one_line_message_and_frees_the_slot(subset):
    from surfaces.mnist.engine import TrainConfig

    m = process_manager(subset)
    try:
        m.start("alice", TrainConfig(model="mlp", steps=60_000))
        assert wait_for(lambda: m.training_pids() and m.view("alice").step > 0, timeout=60)
        os.kill(m.training_pids()[0], signal.SIGKILL)
        assert wait_for(lambda: m.view("alice").state == jobs.FAILED, timeout=10)
        message = m.view("alice").message
        assert "ended unexpectedly" in message and "\n" not in message
        assert m.counts() == (0, 0)
        m.start("alice", TrainConfig(model="softmax", steps=20, eval_every=10))
        assert wait_for(lambda: m.view("alice").state == jobs.DONE, timeout=60)
    finally:
        m.shutdown()


def test_an_error_in_the_training_process_is_the_pages_one_line(subset):
    import dataclasses

    from surfaces.mnist.engine import TrainConfig

    narrow = dataclasses.replace(subset, x_train=subset.x_train[:, :10])  # not 784 pixels
    m = jobs.JobManager(loader=lambda progress: narrow, processes=True)
    try:
        m.start("alice", TrainConfig(model="softmax", steps=20))
        assert wait_for(lambda: m.view("alice").state == jobs.FAILED, timeout=60)
        message = m.view("alice").message
        assert message.startswith("RuntimeError: ") and "\n" not in message
        assert m.counts() == (0, 0) and m.training_pids() == []
    finally:
        m.shutdown()


def test_a_process_training_whose_owner_stopped_polling_ends(subset):
    from surfaces.mnist.engine import TrainConfig

    clock = Clock()
    m = process_manager(subset, idle_timeout=10, clock=clock)
    try:
        m.start("alice", TrainConfig(model="mlp", steps=60_000))
        assert wait_for(lambda: m.training_pids() and m.view("alice").step > 0, timeout=60)
        (pid,) = m.training_pids()
        clock.now += 11  # alice's tab is gone; nobody calls view() for her
        assert wait_for(lambda: not m.training_pids(), timeout=5)
        assert not alive(pid)
        assert m.counts() == (0, 0)
        assert "did not check in" in m.view("alice").message or "stopped checking in" in \
            m.view("alice").message
    finally:
        m.shutdown()


def test_a_training_process_does_not_run_the_servers_main_script(subset, tmp_path, monkeypatch):
    """Under Streamlit, __main__ is the page script that began to run last; multiprocessing
    would run it again in each new process (and a page calls the manager...)."""
    from surfaces.mnist.engine import TrainConfig

    marker = tmp_path / "the page ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    m = process_manager(subset)
    try:
        m.start("alice", TrainConfig(model="softmax", steps=20, eval_every=10))
        assert wait_for(lambda: not m.view("alice").active, timeout=60)
        assert m.view("alice").state == jobs.DONE, m.view("alice").message
    finally:
        m.shutdown()
    assert sys.modules["__main__"] is page
    assert not marker.exists()


def test_a_training_process_gives_way_while_the_server_computes_a_page(subset, monkeypatch):
    """The server's count of page runs reaches the process through shared memory: while a
    page run is in progress the process waits up to PROCESS_YIELD_AT_MOST_S a step."""
    from surfaces.mnist.engine import TrainConfig

    monkeypatch.setattr(jobs, "PROCESS_YIELD_AT_MOST_S", 30.0)
    pages = Activity()
    m = process_manager(subset, page_runs=pages)
    try:
        m.start("alice", TrainConfig(model="softmax", steps=60_000))
        assert wait_for(lambda: m.view("alice").step > 20, timeout=60)
        with pages.running():
            time.sleep(0.3)  # the step in flight ends and the last report arrives
            held = m.view("alice").step
            time.sleep(1.0)
            assert m.view("alice").step <= held + 1
        assert wait_for(lambda: m.view("alice").step > held + 50, timeout=10)
        with pages.running():  # a stop is not held up by giving way
            t0 = time.monotonic()
            assert m.stop("alice", wait=2.0).state == jobs.STOPPED
            assert time.monotonic() - t0 < 2.0
    finally:
        m.shutdown()


def test_the_data_set_reaches_training_processes_as_mapped_files_not_shared_memory(subset,
                                                                                 tmp_path):
    """Containers keep /dev/shm to 64 MB; full MNIST as float32 is 220 MB. The data set goes
    to .npy files that each process maps copy-on-write."""
    from surfaces.mnist.training_process import DatasetFiles

    files = DatasetFiles.write(subset, tmp_path / "data")
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [
        "x_test.npy", "x_train.npy", "y_test.npy", "y_train.npy"]
    opened = files.open()
    for name in ("x_train", "y_train", "x_test", "y_test"):
        assert torch.equal(getattr(opened, name), getattr(subset, name))
        assert not getattr(opened, name).is_shared()
    assert (opened.name, opened.source, opened.note) == (subset.name, subset.source, subset.note)
    import pickle

    assert len(pickle.dumps(files)) < 2_000  # what goes to a process: names, not pixels


class _SlowForWorkers:
    """The manager's lock, but a worker thread that has finished its training waits 0.3 s
    before every acquire: what a busy server's scheduler can do between two lock regions."""

    def __init__(self, finished: threading.Event):
        self._lock = threading.RLock()
        self._finished = finished
        self.workers: set[threading.Thread] = set()

    def acquire(self, *args, **kwargs):
        if self._finished.is_set() and threading.current_thread() in self.workers:
            time.sleep(0.3)
        return self._lock.acquire(*args, **kwargs)

    def release(self):
        self._lock.release()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    def _is_owned(self):
        return self._lock._is_owned()

    def _release_save(self):
        return self._lock._release_save()

    def _acquire_restore(self, state):
        self._lock._acquire_restore(state)


@pytest.mark.parametrize("ending", ["failed", "done", "stopped"])
def test_a_job_is_never_seen_ended_while_it_still_holds_the_slot(manager, ending):
    """A page that reads 'failed', 'done' or 'stopped' must also read the slot as free and
    the next session's job as started; the two used to change in two lock regions."""
    finished = threading.Event()
    lock = _SlowForWorkers(finished)

    class Ending(FakeTrainer):
        def __init__(self, config, data):
            lock.workers.add(threading.current_thread())
            if ending == "failed":
                finished.set()
                raise RuntimeError("weights exploded")
            super().__init__(config, data)

        def run(self, **kwargs):
            yield from super().run(**kwargs)
            finished.set()

    m = manager(trainer_factory=Ending)
    m._lock = lock
    m._settled = threading.Condition(lock)
    m.start("alice", FakeConfig(steps=5 if ending == "done" else 10_000))
    m.start("bob", FakeConfig(steps=10_000))
    assert m.counts() == (1, 1)
    if ending == "stopped":
        assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
        m.stop("alice")
        finished.set()
    seen = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        state, counts, bob = m.view("alice").state, m.counts(), m.view("bob").state
        if state not in jobs.ACTIVE_STATES:
            seen.append((state, counts, bob))
            if len(seen) >= 20:
                break
        time.sleep(0.005)
    assert seen, "alice's job never ended"
    assert {s for s, _, _ in seen} == {ending}
    assert all(counts == (1, 0) and bob != jobs.QUEUED for _, counts, bob in seen), seen[:3]
