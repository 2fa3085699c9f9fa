"""Train the same network twice in lock-step, once with cross-entropy and once with MSE.

Both runs start from identical weights and see identical batches; only the loss differs
(LECTURE.md §5: softmax regression, MLP, deeper MLP on MNIST). The two runs are stacked on a
leading axis (surfaces.mnist.models) so one batched matmul steps both. The optimisers are the
real torch.optim.SGD and torch.optim.Adam: their updates are element-wise, so stepping the
stacked tensors is exactly stepping each run alone. Gradients come from torch.autograd, or from
the hand-written chain rule in models.backward (tested against autograd) where
docs/benchmarks.md shows it more than 1.3x faster.

Training is measured as the notes measure it, in optimisation steps of batch_size images (the
notes' 10 epochs of full MNIST at batch 100 = 6,000 steps), whatever the data set; the epochs of
the data in use are derived. Every step logs each run's batch loss, batch accuracy and the
gradient norm at the output layer (StepLog); every eval_every steps both runs are evaluated on
the whole test set, margins included (surfaces.mnist.margins).

The loop yields metrics and never draws; the page decides what to show.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from surfaces.mnist import margins, models
from surfaces.mnist.config import LOSSES, TrainConfig, check_int

__all__ = ["EVAL_CHUNK", "LOSSES", "EvalRecord", "PairTrainer", "Progress", "StepLog",
           "TrainConfig"]  # fmt: skip

EVAL_CHUNK = 5_000  # images per forward pass when evaluating: bounds memory on full MNIST
# Which gradient pass the engine uses: "autograd" unless the hand-written one is > 1.3x faster
# on bench/bench_mnist.py (docs/benchmarks.md, "gradients"). Measured 2026-11-23, 22:55 and
# 23:03 UTC: softmax regression 1.10-1.14x (one thread) and 0.90-0.93x (two), the MLPs
# 1.01-1.15x: under the bar for every model.
GRADIENTS = {"softmax": "autograd", "mlp": "autograd", "deep": "autograd"}


@dataclass
class StepLog:
    """Per-step metrics of both runs; row k is step k + 1. Arrays are (steps, runs) float64."""

    loss: np.ndarray  # each run's own loss on the batch (mean over its images)
    accuracy: np.ndarray  # share of the batch classified right
    grad_norm: np.ndarray  # Frobenius norm of dloss/d(last layer's W and b)

    @classmethod
    def empty(cls, steps: int, runs: int) -> StepLog:
        """All NaN, the three arrays views of one (3, steps, runs) block (see rows)."""
        return cls(*np.full((3, steps, runs), np.nan))

    def rows(self) -> torch.Tensor:
        """A (3, steps, runs) torch view of loss, accuracy and grad_norm, for a log made by
        empty(): writing column k of it writes step k + 1 of all three."""
        block = self.loss.base
        if block is None or not (self.accuracy.base is block and self.grad_norm.base is block):
            raise ValueError("StepLog.rows needs a log made by StepLog.empty.")
        return torch.from_numpy(block)

    def head(self, steps: int) -> StepLog:
        """A copy of the first `steps` rows (safe to hand to another thread)."""
        return StepLog(self.loss[:steps].copy(), self.accuracy[:steps].copy(),
                       self.grad_norm[:steps].copy())  # fmt: skip


@dataclass(frozen=True)
class EvalRecord:
    """Both runs on the whole test set after `step` steps.

    metrics[loss] holds "test_loss", "test_acc" (whole test set), "train_loss", "train_acc"
    (means over the steps since the previous evaluation; NaN at step 0), "grad_norm" (the last
    step's), "flat_share" (share of test images in MSE's flat zone, margins.FLAT_RATIO) and
    "median_margin". margin_counts[loss] is a histogram of the test margins over
    margins.MARGIN_BINS.
    """

    step: int
    metrics: dict
    margin_counts: dict


@dataclass(frozen=True)
class Progress:
    """One report from PairTrainer.run: kind "steps" (about every report_every seconds, and
    when stopped) or "eval" (after a test evaluation, which then is `record`)."""

    kind: str
    step: int  # optimisation steps done so far
    total_steps: int
    seconds: float  # training wall time so far, excluding time spent stopped, paced or yielded
    record: EvalRecord | None = None
    metrics: dict = field(default_factory=dict)  # loss -> the last step's loss/accuracy/norm

    @property
    def fraction(self) -> float:
        """Share of all training steps done, in [0, 1]."""
        return self.step / self.total_steps if self.total_steps else 1.0


class PairTrainer:
    """Cross-entropy and MSE runs of one TrainConfig on one Dataset, stepped together.

    Threads: by default the trainer leaves torch's thread count alone; with num_threads, run()
    holds torch.set_num_threads(num_threads) while it computes and restores the previous value
    before every yield. On a shared 2-core server use 1 (docs/benchmarks.md). Results are
    deterministic for a given seed and thread count.
    """

    def __init__(
        self,
        config: TrainConfig,
        data,
        *,
        num_threads: int | None = None,
        gradients: str | None = None,
    ):
        if num_threads is not None:
            check_int("num_threads", num_threads, minimum=1)
        self.config = config
        self.data = data
        self.num_threads = num_threads
        self.gradients = gradients or GRADIENTS[config.model]
        if self.gradients not in ("autograd", "manual"):
            raise ValueError(
                f"gradients must be 'autograd' or 'manual'. Got {self.gradients!r} instead."
            )
        self.total_steps = config.steps
        self.batches_per_epoch = math.ceil(len(data.y_train) / config.batch_size)
        self.log = StepLog.empty(config.steps, len(LOSSES))
        self._log_rows = self.log.rows().unbind(0)  # torch views of the log's three arrays
        self.history: list[EvalRecord] = []

        # One generator for everything random: first the initial weights, then one randperm per
        # epoch of the data. Both runs get the same draw (stack_runs copies it).
        self._generator = torch.Generator().manual_seed(config.seed)
        sizes = models.layer_sizes(config.model)
        weights = models.init_weights(sizes, config.init, config.init_scale, self._generator)
        self._params = models.stack_runs(weights, len(LOSSES))
        for p in self._params:
            p.requires_grad_(self.gradients == "autograd")
        self._optimizer = make_optimizer(config, self._params)

        self._step = 0
        self._batch = 0  # batches done in the current epoch of the data
        self._order: torch.Tensor | None = None
        self._labels = torch.empty(0, dtype=torch.int64)  # y_train in the order of _order
        self._targets: torch.Tensor | None = None  # _labels' one-hot rows (N, 10) float32
        self._seconds = 0.0
        self._token = 0  # bumped by run(): an older run() generator stops when it sees this

    @property
    def step(self) -> int:
        return self._step

    @property
    def done(self) -> bool:
        """True once config.steps steps have been trained and the last one evaluated."""
        return self._step >= self.total_steps and self._evaluated_at(self._step)

    @property
    def epochs_done(self) -> float:
        """Epochs of the data in use trained so far (fractional)."""
        return self._step * self.config.batch_size / len(self.data.y_train)

    def run(
        self,
        *,
        report_every: float = 0.25,
        should_stop: Callable[[], bool] = lambda: False,
        pace: Callable[[], float | None] = lambda: None,
    ) -> Iterator[Progress]:
        """Train until config.steps are done or should_stop() is true (checked every step).

        pace() -> steps per second at most (None: as fast as possible), read every step, so a
        class can follow a run that would otherwise end in seconds. Resumable: calling run()
        again continues from the exact step where it stopped and gives the same weights as an
        uninterrupted run. A new run() retires any older one on this trainer.
        """
        self._token += 1
        token = self._token
        with _Threads(self.num_threads) as threads:
            clock = last_report = time.perf_counter()
            paced_from = (clock, self._step)
            reported = self._step
            while not self.done and token == self._token:
                event = None
                if not self._evaluated_at(self._step) and self._due(self._step):
                    event = Progress("eval", self._step, self.total_steps, 0.0,
                                     record=self._evaluate_record())  # fmt: skip
                elif should_stop():
                    if self._step == reported:
                        return
                    event = Progress("steps", self._step, self.total_steps, 0.0)
                else:
                    steps_per_s = pace()
                    if steps_per_s:
                        wait = self._pace_wait(paced_from, steps_per_s)
                        if wait > 0:
                            self._seconds += time.perf_counter() - clock
                            time.sleep(min(wait, 0.05))  # stays responsive to should_stop
                            clock = time.perf_counter()
                            continue
                    else:
                        paced_from = (time.perf_counter(), self._step + 1)
                    self._train_step()
                    if time.perf_counter() - last_report < report_every:
                        continue
                    event = Progress("steps", self._step, self.total_steps, 0.0)
                self._seconds += time.perf_counter() - clock
                event = _with(event, seconds=self._seconds, metrics=self._last_metrics())
                reported = self._step
                stopping = event.kind == "steps" and should_stop()
                # State is complete before every yield, so a consumer may abandon us here.
                with threads.released():
                    yield event
                if stopping:
                    return
                clock = last_report = time.perf_counter()

    def _pace_wait(self, paced_from: tuple[float, int], steps_per_s: float) -> float:
        start, first_step = paced_from
        due = start + (self._step - first_step + 1) / steps_per_s
        return due - time.perf_counter()

    def _due(self, step: int) -> bool:
        return step % self.config.eval_every == 0 or step == self.total_steps

    def _evaluated_at(self, step: int) -> bool:
        return bool(self.history) and self.history[-1].step == step

    # --- one step --------------------------------------------------------------------------

    def _next_batch(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """The next batch's images (B, 784), labels (B,), labels as a column (B, 1) and one-hot
        float32 rows (B, 10)."""
        if self._order is None or self._batch == self.batches_per_epoch:
            self._order = torch.randperm(len(self.data.y_train), generator=self._generator)
            self._labels = self.data.y_train.index_select(0, self._order)  # the epoch's, in order
            self._batch = 0
            self._targets = None
        if self._targets is None:  # a new epoch, or a trainer just unpickled (derived state)
            logits_like = torch.empty(0, models.CLASSES, dtype=self._params[-1].dtype)
            self._targets = models.one_hot(self._labels, logits_like)
        start = self._batch * self.config.batch_size
        end = start + self.config.batch_size
        self._batch += 1
        labels = self._labels[start:end]
        # index_select, not x[index]: a plain row gather, several times faster for a batch.
        x = self.data.x_train.index_select(0, self._order[start:end])
        return x, labels, labels[:, None], self._targets[start:end]

    def _train_step(self) -> None:
        x, y, y_column, target = self._next_batch()
        params = self._params
        if self.gradients == "autograd":
            per_run, logits, axis = models.training_logits(params, x, self.config.activation)
            losses = [loss(z, y, target) for loss, z in zip(_AUTOGRAD_LOSSES, per_run, strict=True)]
            for p in params:  # optimizer.zero_grad(set_to_none=True), without its
                p.grad = None  # profiler hooks: 35 us a step, a tenth of softmax regression's
            autograd_backward(losses)  # the runs share no weights: each its own loss's gradient
        else:
            with torch.no_grad():
                logits, inputs = models.forward(params, x, self.config.activation)
                axis = 0
                grad_logits = torch.empty_like(logits)
                losses = [torch.empty(())] * len(LOSSES)
                for run, name in enumerate(LOSSES):
                    losses[run], grad_logits[run] = models.LOSS_FUNCTIONS[name](logits[run], y)
                grads = models.backward(params, inputs, grad_logits, self.config.activation)
                for p, g in zip(params, grads, strict=True):
                    p.grad = g
        self._optimizer.step()
        k = self._step
        loss, accuracy, grad_norm = self._log_rows  # (steps, R) float64 each, the log's views
        with torch.no_grad():  # written straight into row k of the float64 log: no stacking
            torch.stack(losses, out=loss[k])
            right = logits.argmax(dim=-1).eq(y_column if axis else y)
            # the count, exact in float64, over the batch size: the share right
            torch.sum(right, dim=1 - axis, dtype=torch.float64, out=accuracy[k]).div_(y.shape[0])
            runs = len(LOSSES)  # each run's last-layer W and b, as (R, out in) and (R, out)
            w, b = params[-2].grad.view(runs, -1), params[-1].grad.view(runs, -1)
            torch.hypot(torch.linalg.vector_norm(w, dim=1), torch.linalg.vector_norm(b, dim=1),
                        out=grad_norm[k])  # fmt: skip
        self._step += 1

    # --- evaluation ------------------------------------------------------------------------

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Both runs' logits (R, M, 10) for images x (M, 784) (or (M, 28, 28)) in [0, 1]."""
        x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, models.INPUTS)
        with torch.no_grad():
            return torch.cat([self._forward(chunk) for chunk in x.split(EVAL_CHUNK)], dim=1)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        return models.forward(self._params, x, self.config.activation)[0]

    def evaluate(self) -> dict[str, dict[str, float]]:
        """Each run on the whole test set: loss -> {test_loss, test_acc, flat_share,
        median_margin}, plus "margins" (M,) float64 (the margins themselves)."""
        x, y = self.data.x_test, self.data.y_test
        loss_sum = torch.zeros(len(LOSSES), dtype=torch.float64)
        correct = torch.zeros(len(LOSSES), dtype=torch.int64)
        flat = torch.zeros(len(LOSSES), dtype=torch.int64)
        parts: list[torch.Tensor] = []
        with torch.no_grad():
            for xs, ys in zip(x.split(EVAL_CHUNK), y.split(EVAL_CHUNK), strict=True):
                z = self._forward(xs)  # (R, M, 10): every run at once below
                log_p = models.log_softmax(z.double())
                target = models.one_hot(ys, log_p)
                p = log_p.exp()
                err = p - target  # cross-entropy's gradient; MSE's loss and flat zone use it
                for run, name in enumerate(LOSSES):  # chunk means, weighted by size
                    loss = models.LOSSES_FROM_SOFTMAX[name](log_p[run], err[run], target)
                    loss_sum[run] += loss * len(ys)
                parts.append(margins.margins(z, ys))
                right = z.argmax(dim=-1).eq(ys)
                correct += right.sum(dim=-1)
                # margins.in_flat_zone from the softmax and argmax at hand, not computed again
                ratio = margins.softmax_gradient_ratio(p, err)
                flat += (~right & (ratio < margins.FLAT_RATIO)).sum(dim=-1)
        n = max(len(y), 1)
        every = torch.cat(parts, dim=-1).double().numpy() if parts else np.zeros((len(LOSSES), 0))
        # every run's at once: the same partition and middle mean per row as one run alone
        medians = np.median(every, axis=-1) if every.shape[-1] else np.full(len(LOSSES), np.nan)
        out = {}
        for run, name in enumerate(LOSSES):
            out[name] = {
                "test_loss": float(loss_sum[run]) / n,
                "test_acc": float(correct[run]) / n,
                "flat_share": float(flat[run]) / n,
                "median_margin": float(medians[run]),
                "margins": every[run],
            }
        return out

    def _evaluate_record(self) -> EvalRecord:
        test = self.evaluate()
        since = self.history[-1].step if self.history else 0
        window = slice(since, self._step)
        metrics, counts = {}, {}
        for run, name in enumerate(LOSSES):
            m = test[name].pop("margins")
            counts[name] = margins.histogram(m)
            trained = self._step > since
            metrics[name] = {
                **test[name],
                "train_loss": float(self.log.loss[window, run].mean()) if trained else math.nan,
                "train_acc": float(self.log.accuracy[window, run].mean()) if trained else math.nan,
                "grad_norm": float(self.log.grad_norm[self._step - 1, run])
                if self._step
                else math.nan,
            }
        record = EvalRecord(step=self._step, metrics=metrics, margin_counts=counts)
        self.history.append(record)
        return record

    def _last_metrics(self) -> dict[str, dict[str, float]]:
        if self._step == 0:
            return {}
        k = self._step - 1
        return {
            name: {
                "train_loss": float(self.log.loss[k, run]),
                "train_acc": float(self.log.accuracy[k, run]),
                "grad_norm": float(self.log.grad_norm[k, run]),
            }
            for run, name in enumerate(LOSSES)
        }

    def predict(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Predicted labels per loss name: x (M, 784) in [0, 1] -> {loss: (M,) int64}."""
        labels = self.logits(x).argmax(dim=-1)
        return {loss: labels[run] for run, loss in enumerate(LOSSES)}

    def confusion(self) -> dict[str, np.ndarray]:
        """Test confusion matrix per loss: (10, 10) int64, rows true label, columns predicted."""
        truth = self.data.y_test.numpy()
        matrices = {}
        for loss, predicted in self.predict(self.data.x_test).items():
            cells = truth * models.CLASSES + predicted.numpy()
            counts = np.bincount(cells, minlength=models.CLASSES**2)
            matrices[loss] = counts.reshape(models.CLASSES, models.CLASSES)
        return matrices

    def weights(self) -> dict[str, list[tuple[torch.Tensor, torch.Tensor]]]:
        """Copies of each run's [(W (in, out), b (out,))] per loss name."""
        return {loss: models.unstack_run(self._params, run) for run, loss in enumerate(LOSSES)}

    # --- between processes -----------------------------------------------------------------

    def __getstate__(self) -> dict:
        """Everything but the data: weights, optimiser state, generator, position in the
        epoch, log and history. A training process hands a stopped trainer back this way
        (surfaces.mnist.training_process); attach() the data to the unpickled trainer."""
        state = self.__dict__.copy()
        del state["data"], state["_log_rows"], state["_targets"]  # _targets: from _labels
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        # Pickling copies the log's three arrays apart: rebuild them as views of one block.
        log = StepLog.empty(self.total_steps, len(LOSSES))
        for name in ("loss", "accuracy", "grad_norm"):
            getattr(log, name)[:] = getattr(state["log"], name)
        self.log, self._log_rows, self.data = log, log.rows().unbind(0), None
        self._targets = None  # _next_batch makes them again

    def attach(self, data) -> PairTrainer:
        """Give an unpickled trainer its data set (the one it trained on); returns self."""
        if math.ceil(len(data.y_train) / self.config.batch_size) != self.batches_per_epoch:
            raise ValueError("attach needs the data set the trainer was trained on.")
        self.data = data
        return self


# Each run's autograd loss, in the order of LOSSES.
_AUTOGRAD_LOSSES = tuple(models.AUTOGRAD_LOSSES[name] for name in LOSSES)


_RUN_BACKWARD = getattr(getattr(torch.autograd.Variable, "_execution_engine", None),
                        "run_backward", None)  # fmt: skip


def autograd_backward(losses: list[torch.Tensor]) -> None:
    """torch.autograd.backward(losses): each scalar loss's gradient accumulated into the leaves'
    .grad, by torch.autograd's engine run straight on the graph.

    Tensor.backward and torch.autograd.backward make this same call into the C++ engine
    (torch.autograd.graph._engine_run_backward) after ~30 us of Python argument handling a
    step, 5 % of softmax regression's step at one thread: the same graph, engine and
    gradients, bit for bit (tests/unit/test_mnist_engine.py). A private entry point of torch
    (torch.autograd.Variable._execution_engine.run_backward): without it, the public call.
    The losses as the graph's roots, not their sum: one add and its backward node fewer. Not
    torch.autograd.grad, whose Python side costs more than the accumulation it skips.
    """
    if _RUN_BACKWARD is None:  # a torch without this entry point: its public one
        torch.autograd.backward(losses)
        return
    ones = (torch.ones_like(losses[0]),) * len(losses)  # dloss/dloss, read only
    _RUN_BACKWARD(tuple(losses), ones, False, False, (), allow_unreachable=True,
                  accumulate_grad=True)  # fmt: skip


def make_optimizer(config: TrainConfig, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    """torch.optim.SGD or torch.optim.Adam (PyTorch's defaults besides lr) over the stack.

    foreach=True: one torch._foreach_* call per update for all tensors, where the CPU default
    is a Python loop over them; the same arithmetic, bit for bit (tests/unit/test_mnist_engine.py).
    Not fused=True: CPU fused Adam rounds differently.
    """
    optimizer = torch.optim.SGD if config.optimizer == "sgd" else torch.optim.Adam
    return optimizer(params, lr=config.lr, foreach=True)


def _with(event: Progress, **changes) -> Progress:
    return replace(event, **changes)


class _Threads:
    """Holds torch.set_num_threads(n) while the trainer computes; a no-op when n is None."""

    def __init__(self, n: int | None):
        self.n = n
        self.previous = torch.get_num_threads()

    def __enter__(self) -> _Threads:
        self.previous = torch.get_num_threads()
        if self.n is not None:
            torch.set_num_threads(self.n)
        return self

    def __exit__(self, *exc) -> None:
        if self.n is not None:
            torch.set_num_threads(self.previous)

    def released(self) -> _Released:
        return _Released(self)


class _Released:
    def __init__(self, threads: _Threads):
        self.threads = threads

    def __enter__(self) -> None:
        self.threads.__exit__()

    def __exit__(self, *exc) -> None:
        self.threads.__enter__()
