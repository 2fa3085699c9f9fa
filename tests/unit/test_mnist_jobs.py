"""The training job manager: bounded slots, a fair queue, prompt stops, resume, isolation, reaping.

Most tests drive it with a fake trainer that has PairTrainer's interface and takes a few
milliseconds per step; one test runs the real PairTrainer on the offline MNIST subset.
"""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import pytest

from surfaces.mnist import jobs

LOSSES = ("cross_entropy", "mse")


@dataclass(frozen=True)
class FakeProgress:
    kind: str
    epoch: int
    step: int
    total_steps: int
    seconds: float
    metrics: dict

    @property
    def fraction(self) -> float:
        return self.step / self.total_steps


@dataclass(frozen=True)
class FakeConfig:
    epochs: int = 2
    steps_per_epoch: int = 20
    step_seconds: float = 0.005


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
    """PairTrainer's interface; each step sleeps step_seconds, like a tiny batch would take."""

    def __init__(self, config: FakeConfig, data: FakeData):
        self.config, self.data = config, data
        self.step = 0
        self.history: list[FakeProgress] = []
        self.total = config.epochs * config.steps_per_epoch
        self.started = threading.Event()

    @property
    def done(self) -> bool:
        return self.step >= self.total

    def _event(self, kind: str) -> FakeProgress:
        acc = self.step / self.total
        metrics = {
            "cross_entropy": {"train_loss": 1 - acc, "train_acc": acc},
            "mse": {"train_loss": 0.5 - acc / 4, "train_acc": acc / 2},
        }
        if kind == "epoch":
            for m in metrics.values():
                m["test_loss"], m["test_acc"] = m["train_loss"], m["train_acc"] * 0.9
        epoch = -(-self.step // self.config.steps_per_epoch)
        return FakeProgress(kind, epoch, self.step, self.total, 0.0, metrics)

    def run(self, *, report_every=0.25, should_stop=lambda: False):
        self.started.set()
        last = time.monotonic()
        while not self.done and not should_stop():
            time.sleep(self.config.step_seconds)
            self.step += 1
            if self.step % self.config.steps_per_epoch == 0:
                event = self._event("epoch")
                self.history.append(event)
                yield event
            elif time.monotonic() - last >= report_every:
                last = time.monotonic()
                yield self._event("batch")

    def predict(self, x):
        return {loss: np.full(len(x), 3, dtype=np.int64) for loss in LOSSES}

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


def test_a_job_runs_to_the_end_and_reports_curves_and_an_evaluation(manager):
    m = manager()
    view = m.start("alice", FakeConfig(epochs=2, steps_per_epoch=10))
    assert view.state in (jobs.LOADING, jobs.RUNNING)
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    view = m.view("alice")
    assert view.fraction == 1.0 and view.eta_seconds is None and not view.active
    assert view.seconds > 0
    assert [e.epoch for e in view.epochs] == [1, 2]
    curves = view.curves()
    assert set(curves) == set(LOSSES)
    assert curves["mse"]["test_x"].tolist() == [1.0, 2.0]
    assert curves["cross_entropy"]["train_x"][-1] == 2.0
    assert np.all(np.diff(curves["cross_entropy"]["train_x"]) >= 0)
    ev = view.evaluation
    assert ev.images.shape == (jobs.GRID_SIZE, 784) and ev.labels.shape == (jobs.GRID_SIZE,)
    assert ev.predictions["mse"].tolist() == [3] * jobs.GRID_SIZE
    per_class = ev.per_class_accuracy()["cross_entropy"]
    assert per_class[0] == pytest.approx(1 / 6) and per_class[9] == 1.0
    assert view.dataset == jobs.DatasetInfo("fake digits", "subset", "no network", 50, 120)


def test_no_more_than_max_running_train_at_once_and_waiters_know_their_place(manager):
    m = manager(max_running=1)
    slow = FakeConfig(epochs=1, steps_per_epoch=10_000, step_seconds=0.001)
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
    slow = FakeConfig(epochs=1, steps_per_epoch=10_000, step_seconds=0.001)
    for owner in "abc":
        m.start(owner, slow)
    assert wait_for(lambda: m.view("a").state == m.view("b").state == jobs.RUNNING)
    assert m.view("c").queue_position == 1 and m.counts() == (2, 1)


def test_stop_ends_training_within_a_second_and_keeps_what_was_learned(manager):
    m = manager(report_every=0.25)
    m.start("alice", FakeConfig(epochs=1, steps_per_epoch=100_000, step_seconds=0.002))
    assert wait_for(lambda: len(m.view("alice").batches) >= 2)
    t0 = time.monotonic()
    assert m.stop("alice").state == jobs.STOPPING
    assert wait_for(lambda: m.view("alice").state == jobs.STOPPED, timeout=1.0)
    assert time.monotonic() - t0 < 1.0
    view = m.view("alice")
    assert 0 < view.fraction < 1 and view.can_resume
    assert view.evaluation is not None  # read-out of the weights at the stop
    assert m.counts() == (0, 0)


def test_stop_can_wait_for_the_worker_so_the_answer_is_already_stopped(manager):
    m = manager()
    m.start("alice", FakeConfig(epochs=1, steps_per_epoch=100_000, step_seconds=0.002))
    assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
    assert m.stop("alice", wait=1.0).state == jobs.STOPPED


def test_resume_continues_from_where_it_stopped(manager):
    m = manager()
    m.start("alice", FakeConfig(epochs=2, steps_per_epoch=200, step_seconds=0.001))
    assert wait_for(lambda: m.view("alice").fraction > 0.1)
    m.stop("alice")
    assert wait_for(lambda: m.view("alice").state == jobs.STOPPED)
    stopped_at = m.view("alice").fraction
    assert m.resume("alice").state in (jobs.QUEUED, jobs.RUNNING)
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    view = m.view("alice")
    assert view.fraction == 1.0 and [e.epoch for e in view.epochs] == [1, 2]
    steps = [e.step for e in view.batches + view.epochs]
    assert min(s for s in steps if s > stopped_at * 400) > stopped_at * 400 - 1  # no restart
    assert sorted(steps) == sorted(set(steps))


def test_resume_only_applies_to_a_stopped_job(manager):
    m = manager()
    assert m.resume("nobody") is None
    m.start("alice", FakeConfig(epochs=1, steps_per_epoch=5))
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    assert m.resume("alice").state == jobs.DONE


def test_owners_see_and_stop_only_their_own_job(manager):
    m = manager(max_running=2)
    slow = FakeConfig(epochs=1, steps_per_epoch=100_000, step_seconds=0.001)
    m.start("alice", slow)
    m.start("bob", FakeConfig(epochs=1, steps_per_epoch=100_000, step_seconds=0.002))
    assert m.view("mallory") is None and m.stop("mallory") is None
    assert m.view("alice").config != m.view("bob").config
    m.stop("bob")
    assert wait_for(lambda: m.view("bob").state == jobs.STOPPED)
    assert m.view("alice").state == jobs.RUNNING


def test_starting_again_replaces_the_owners_running_job(manager):
    m = manager(max_running=1)
    m.start("alice", FakeConfig(epochs=1, steps_per_epoch=100_000, step_seconds=0.001))
    assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
    view = m.start("alice", FakeConfig(epochs=1, steps_per_epoch=5))
    assert view.batches == () and view.config.steps_per_epoch == 5
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    assert m.counts() == (0, 0)


def test_a_job_whose_owner_stopped_polling_gives_up_its_slot(manager):
    clock = Clock()
    m = manager(max_running=1, idle_timeout=30.0, clock=clock)
    slow = FakeConfig(epochs=1, steps_per_epoch=100_000, step_seconds=0.001)
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
    m.start("gone", FakeConfig(epochs=1, steps_per_epoch=100_000, step_seconds=0.001))
    assert wait_for(lambda: m.view("gone").state == jobs.RUNNING)
    clock.now += 31  # no call into the manager at all: the worker notices by itself
    assert wait_for(lambda: m.counts() == (0, 0), timeout=1.0)


def test_finished_jobs_of_departed_owners_are_forgotten(manager):
    clock = Clock()
    m = manager(idle_timeout=10.0, clock=clock)
    m.start("gone", FakeConfig(epochs=1, steps_per_epoch=3))
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
    m.start("alice", FakeConfig(epochs=1, steps_per_epoch=3))
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


@pytest.mark.parametrize(
    ("ce", "mse", "expected"),
    [
        (
            0.905,
            0.812,
            "After epoch 1 cross-entropy was ahead: 90.5 % test accuracy against "
            "81.2 % for MSE, a lead of 9.3 percentage points.",
        ),
        (
            0.70,
            0.75,
            "After epoch 1 MSE was ahead: 75.0 % test accuracy against 70.0 % for "
            "cross-entropy, a lead of 5.0 percentage points.",
        ),
        (0.9, 0.9, "After epoch 1 both runs were level at 90.0 % test accuracy"),
        (
            0.16,
            0.098,
            "After epoch 1 neither run had learned much yet: 16.0 % test accuracy for "
            "cross-entropy and 9.8 % for MSE, close to the 10 % of guessing.",
        ),
    ],
)
def test_the_lecture_reading_names_the_leader_after_epoch_one(ce, mse, expected):
    event = FakeProgress(
        "epoch", 1, 10, 20, 1.0, {"cross_entropy": {"test_acc": ce}, "mse": {"test_acc": mse}}
    )
    later = FakeProgress(
        "epoch", 2, 20, 20, 2.0, {"cross_entropy": {"test_acc": 0.1}, "mse": {"test_acc": 0.99}}
    )
    assert jobs.first_epoch_reading([event, later]).startswith(expected)
    assert jobs.first_epoch_reading([]) is None


def test_the_real_pair_trainer_trains_one_epoch_on_the_subset():
    engine = pytest.importorskip("surfaces.mnist.engine")
    from surfaces.mnist import data

    m = jobs.JobManager(loader=lambda progress: data.load_subset(), report_every=0.1)
    try:
        m.start("alice", engine.TrainConfig(epochs=1, batch_size=100))
        assert wait_for(lambda: not m.view("alice").active, timeout=60)
        view = m.view("alice")
        assert view.state == jobs.DONE, view.message
        assert view.dataset.source == "subset" and view.dataset.n_train == 4000
        (epoch,) = view.epochs
        assert set(epoch.metrics) == set(engine.LOSSES)
        assert 0.5 < epoch.metrics["cross_entropy"]["test_acc"] <= 1.0
        assert view.evaluation.confusion["mse"].sum() == view.dataset.n_test
        assert view.evaluation.predictions["cross_entropy"].shape == (jobs.GRID_SIZE,)
        assert jobs.first_epoch_reading(view.epochs).startswith("After epoch 1")
    finally:
        m.shutdown()


def test_replacing_a_running_job_does_not_lose_count_of_the_slots(manager):
    m = manager(max_running=2)
    slow = FakeConfig(epochs=1, steps_per_epoch=100_000, step_seconds=0.001)
    m.start("alice", slow)
    assert wait_for(lambda: m.view("alice").state == jobs.RUNNING)
    m.start("alice", slow)  # the old worker is still winding down
    m.start("bob", slow)
    m.start("carol", slow)
    assert wait_for(lambda: m.counts() == (2, 1))
    assert m.view("carol").queue_position == 1


def test_long_curves_are_thinned_to_a_bounded_number_of_points(manager):
    m = manager(report_every=0.0)
    m.start("alice", FakeConfig(epochs=1, steps_per_epoch=500, step_seconds=0.0))
    assert wait_for(lambda: m.view("alice").state == jobs.DONE)
    view = m.view("alice")
    assert len(view.batches) > 100
    curves = view.curves(max_points=50)["mse"]
    assert len(curves["train_x"]) == 50 and curves["train_x"][-1] == 1.0
    assert len(view.curves(max_points=10_000)["mse"]["train_x"]) == len(view.batches) + 1


def test_train_curves_show_epoch_one_in_detail_then_epoch_means_and_the_live_tail():
    def event(kind, epoch, step):
        metrics = {loss: {"train_acc": step / 100, "train_loss": 1.0} for loss in LOSSES}
        return FakeProgress(kind, epoch, step, 100, 0.0, metrics)

    batches = [event("batch", 1, s) for s in (5, 10, 15)]
    batches += [event("batch", 2, s) for s in (22, 25, 31)]
    batches += [event("batch", 3, s) for s in (41, 44)]
    epochs = [event("epoch", 1, 20), event("epoch", 2, 40)]
    view = jobs.JobView(
        state=jobs.RUNNING, config=None, epochs_total=5, queue_position=0, running_jobs=1,
        max_running=1, fraction=0.44, seconds=1.0, eta_seconds=None, batches=tuple(batches),
        epochs=tuple(epochs), evaluation=None, dataset=None, download=None, message="",
        version=1,
    )  # fmt: skip
    curves = view.curves()["mse"]
    np.testing.assert_allclose(curves["train_x"], [0.25, 0.5, 0.75, 1.0, 2.0, 2.2])
    np.testing.assert_allclose(curves["train_acc"], [0.05, 0.10, 0.15, 0.20, 0.40, 0.44])
    np.testing.assert_allclose(curves["test_x"], [1.0, 2.0])


def test_stop_abandons_a_download_and_resume_starts_it_again(manager):
    calls = []

    def downloading(progress):
        calls.append(1)
        for done in range(2_000):
            progress(done, 2_000)  # the real loader calls this for every 64 kB chunk
            time.sleep(0.001)
        return FakeData()

    m = manager(loader=downloading)
    m.start("alice", FakeConfig(epochs=1, steps_per_epoch=3))
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


def test_the_real_pair_trainer_stops_within_a_second_and_resumes():
    engine = pytest.importorskip("surfaces.mnist.engine")
    from surfaces.mnist import data

    m = jobs.JobManager(loader=lambda progress: data.load_subset())
    try:
        m.start("alice", engine.TrainConfig(model="mlp", batch_size=10, epochs=50))
        assert wait_for(lambda: m.view("alice").fraction > 0.01, timeout=60)
        t0 = time.monotonic()
        m.stop("alice")
        assert wait_for(lambda: m.view("alice").state == jobs.STOPPED, timeout=1.0)
        assert time.monotonic() - t0 < 1.0
        stopped_at = m.view("alice").fraction
        m.resume("alice")
        assert wait_for(lambda: m.view("alice").fraction > stopped_at + 0.01, timeout=30)
        steps = [e.step for e in m.view("alice").batches]
        assert steps == sorted(steps)  # continued where it stopped, not from the start
    finally:
        m.shutdown()
