"""Train the same network twice in lock-step, once with cross-entropy and once with MSE.

Both runs start from identical weights and see identical batches; only the loss differs
(LECTURE.md §5: softmax regression, MLP, deeper MLP on MNIST). The two runs are stacked on a
leading axis and stepped together by surfaces.mnist.models, so a step of the pair costs little
more than a step of one run. Batches are slices of a seeded torch.randperm over tensors already
in memory: no DataLoader, no per-sample Python.

The loop yields metrics and never draws; the page decides what to show.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch

from surfaces.mnist import models
from surfaces.mnist.data import Dataset

LOSSES = ("cross_entropy", "mse")  # run r of the pair is trained with LOSSES[r]
OPTIMIZERS = ("sgd", "adam")
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8  # torch.optim.Adam's defaults
EVAL_CHUNK = 5_000  # images per forward pass when evaluating: bounds memory on full MNIST


@dataclass(frozen=True)
class TrainConfig:
    """One experiment: the model, how to train it, and the seed for weights and batches."""

    model: str = "softmax"  # "softmax" (784->10) | "mlp" (784->256->10) | "deep" (256, 64, 16)
    activation: str = "relu"  # hidden activation: "relu" | "sigmoid" (unused by "softmax")
    optimizer: str = "sgd"  # "sgd" | "adam"
    # Plain SGD at lr 0.1 with batch 100 is the notes' softmax-regression setting. It makes the
    # lecture's point on MNIST: after one epoch cross-entropy is clearly ahead, because MSE's
    # gradient through a near-uniform softmax is several times smaller (LECTURE.md §3), yet lr is
    # not so large that either run diverges. With "adam" pick a smaller lr, e.g. 0.001.
    lr: float = 0.1
    batch_size: int = 100  # images per step, as in the notes
    epochs: int = 10  # full passes over the training images
    init_scale: float = 0.01  # weights ~ N(0, init_scale^2) (std 0.01 in the notes), biases 0
    seed: int = 0  # initial weights and batch order

    def __post_init__(self) -> None:
        _check_choice("model", self.model, tuple(models.HIDDEN))
        _check_choice("activation", self.activation, models.ACTIVATIONS)
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_positive_number("lr", self.lr)
        _check_positive_number("init_scale", self.init_scale)
        _check_int("batch_size", self.batch_size, minimum=1)
        _check_int("epochs", self.epochs, minimum=1)
        _check_int("seed", self.seed, minimum=0)


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        options = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {options}. Got {value!r} instead.")


def _check_positive_number(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number. Got {value!r} instead.")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite. Got {value!r} instead.")
    if value <= 0:
        raise ValueError(f"{name} must be positive. Got {value!r} instead.")


def _check_int(name: str, value: object, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer. Got {value!r} instead.")
    if value < minimum:
        what = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {what}. Got {value!r} instead.")


@dataclass(frozen=True)
class Progress:
    """One report from PairTrainer.run.

    kind "batch": running train metrics of the epoch in progress, about every report_every
    seconds. kind "epoch": after the epoch's last batch and a full test evaluation.
    metrics[loss] for loss in LOSSES holds "train_loss" and "train_acc" (means over the epoch's
    batches so far, as the notes report them); "epoch" events add "test_loss" and "test_acc".
    Each run's loss is the one it is trained with. Values are floats; a diverging run (lr far
    too large) can report nan or inf.
    """

    kind: str  # "batch" | "epoch"
    epoch: int  # 1-based epoch in progress (batch) / just finished (epoch)
    step: int  # optimisation steps done so far
    total_steps: int  # epochs * batches per epoch
    seconds: float  # training wall time so far, excluding time spent stopped or yielded
    metrics: dict = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        """Share of all training steps done, in [0, 1]."""
        return self.step / self.total_steps if self.total_steps else 1.0


class PairTrainer:
    """Cross-entropy and MSE runs of one TrainConfig on one Dataset, stepped together.

    Threads: by default the trainer leaves torch's thread count alone; the caller may set
    torch.set_num_threads, or pass num_threads, and run() then holds
    torch.set_num_threads(num_threads) while it computes and restores the previous value before
    every yield (process-wide while it holds). On a shared 2-core server use 1: it keeps a core
    for other sessions, and a second OpenMP thread on busy cores made steps up to 10x slower
    here (docs/benchmarks.md). Results are deterministic for a given seed and thread count.
    """

    def __init__(self, config: TrainConfig, data: Dataset, *, num_threads: int | None = None):
        if num_threads is not None:
            _check_int("num_threads", num_threads, minimum=1)
        self.config = config
        self.data = data
        self.num_threads = num_threads
        self.history: list[Progress] = []  # the "epoch" events so far

        n_train = len(data.y_train)
        self.batches_per_epoch = math.ceil(n_train / config.batch_size)
        self.total_steps = config.epochs * self.batches_per_epoch

        # One generator for everything random: first the initial weights, then one randperm per
        # epoch. Both runs get the same draw (stack_runs copies it).
        self._generator = torch.Generator().manual_seed(config.seed)
        sizes = models.layer_sizes(config.model)
        weights = models.init_weights(sizes, config.init_scale, self._generator)
        self._params = models.stack_runs(weights, len(LOSSES))
        self._optimizer = _make_optimizer(config, self._params)

        self._epoch = 0  # epochs finished
        self._batch = 0  # batches done in the current epoch
        self._order: torch.Tensor | None = None  # the current epoch's permutation
        self._step = 0
        self._seconds = 0.0
        self._loss_sum = torch.zeros(len(LOSSES), dtype=torch.float64)
        self._correct = torch.zeros(len(LOSSES), dtype=torch.int64)
        self._seen = 0
        self._token = 0  # bumped by run(): an older run() generator stops when it sees this

    @property
    def done(self) -> bool:
        """True once config.epochs epochs have been trained and evaluated."""
        return self._epoch >= self.config.epochs

    def run(
        self, *, report_every: float = 0.25, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[Progress]:
        """Train until config.epochs are done or should_stop() is true (checked every batch).

        Resumable: calling run() again continues from the exact batch where it stopped, and
        gives the same weights as an uninterrupted run. Starting a new run() retires any older
        one on this trainer. When stopped, a last "batch" event reports the steps since the
        previous report.
        """
        self._token += 1
        token = self._token
        with _Threads(self.num_threads) as threads:
            clock = last_report = time.perf_counter()
            reported_step = self._step
            while not self.done and token == self._token:
                stopping, test = False, None
                if self._batch == self.batches_per_epoch:
                    test = self._evaluate(self.data.x_test, self.data.y_test)
                elif should_stop():
                    if self._step == reported_step:
                        return
                    stopping = True
                else:
                    self._train_batch()
                    if time.perf_counter() - last_report < report_every:
                        continue
                self._seconds += time.perf_counter() - clock
                event = self._progress("batch") if test is None else self._end_epoch(test)
                reported_step = self._step
                # State is complete before every yield, so a consumer may abandon us here.
                with threads.released():
                    yield event
                if stopping:
                    return
                clock = last_report = time.perf_counter()

    def predict(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Predicted labels per loss name: x (M, 784) in [0, 1] -> {loss: (M,) int64}."""
        x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, models.INPUTS)
        with torch.no_grad():
            labels = torch.cat(
                [self._logits(chunk).argmax(dim=-1) for chunk in x.split(EVAL_CHUNK)], dim=1
            )
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

    # --- one step, one epoch -----------------------------------------------------------------

    def _train_batch(self) -> None:
        if self._order is None:
            self._order = torch.randperm(len(self.data.y_train), generator=self._generator)
        size = self.config.batch_size
        index = self._order[self._batch * size : (self._batch + 1) * size]
        # index_select, not x[index]: a plain row gather, several times faster for a batch.
        x = self.data.x_train.index_select(0, index)
        y = self.data.y_train.index_select(0, index)

        logits, inputs = models.forward(self._params, x, self.config.activation)
        grad_logits = torch.empty_like(logits)
        for run, loss_name in enumerate(LOSSES):
            loss, grad_logits[run] = models.LOSS_FUNCTIONS[loss_name](logits[run], y)
            self._loss_sum[run] += loss * len(y)
        grads = models.backward(self._params, inputs, grad_logits, self.config.activation)
        self._optimizer(self._params, grads)

        self._correct += logits.argmax(dim=-1).eq(y).sum(dim=-1)
        self._seen += len(y)
        self._batch += 1
        self._step += 1

    def _end_epoch(self, test: dict[str, tuple[float, float]]) -> Progress:
        self._epoch += 1
        event = self._progress("epoch", test)
        self.history.append(event)
        self._batch, self._order, self._seen = 0, None, 0
        self._loss_sum.zero_()
        self._correct.zero_()
        return event

    def _evaluate(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, tuple[float, float]]:
        """(mean loss, accuracy) per loss name on x (M, 784), y (M,)."""
        loss_sum = torch.zeros(len(LOSSES), dtype=torch.float64)
        correct = torch.zeros(len(LOSSES), dtype=torch.int64)
        with torch.no_grad():
            for xs, ys in zip(x.split(EVAL_CHUNK), y.split(EVAL_CHUNK), strict=True):
                logits = self._logits(xs)
                for run, loss_name in enumerate(LOSSES):
                    loss, _ = models.LOSS_FUNCTIONS[loss_name](logits[run], ys)
                    loss_sum[run] += loss * len(ys)
                correct += logits.argmax(dim=-1).eq(ys).sum(dim=-1)
        n = max(len(y), 1)
        return {
            loss: (float(loss_sum[run]) / n, float(correct[run]) / n)
            for run, loss in enumerate(LOSSES)
        }

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        return models.forward(self._params, x, self.config.activation)[0]

    def _progress(self, kind: str, test: dict | None = None) -> Progress:
        seen = max(self._seen, 1)
        metrics = {}
        for run, loss in enumerate(LOSSES):
            metrics[loss] = {
                "train_loss": float(self._loss_sum[run]) / seen,
                "train_acc": float(self._correct[run]) / seen,
            }
            if test is not None:
                metrics[loss]["test_loss"], metrics[loss]["test_acc"] = test[loss]
        epoch = self._epoch if kind == "epoch" else self._epoch + 1
        return Progress(
            kind=kind,
            epoch=epoch,
            step=self._step,
            total_steps=self.total_steps,
            seconds=self._seconds,
            metrics=metrics,
        )


# --- optimisers ------------------------------------------------------------------------------
# Elementwise updates, so stepping the stacked runs together is exactly stepping each alone.


def _make_optimizer(config: TrainConfig, params: models.Params):
    """A function step(params, grads) that updates params in place."""
    lr = config.lr
    if config.optimizer == "sgd":

        def sgd(params: models.Params, grads: models.Params) -> None:
            for p, g in zip(params, grads, strict=True):
                p.add_(g, alpha=-lr)  # w <- w - lr * dL/dw

        return sgd

    (beta1, beta2), eps = ADAM_BETAS, ADAM_EPS
    first = [torch.zeros_like(p) for p in params]
    second = [torch.zeros_like(p) for p in params]
    steps = [0]

    def adam(params: models.Params, grads: models.Params) -> None:
        # torch.optim.Adam's update (Kingma & Ba, 2015), written out.
        steps[0] += 1
        correction1 = 1 - beta1 ** steps[0]
        correction2_sqrt = math.sqrt(1 - beta2 ** steps[0])
        for p, g, m, v in zip(params, grads, first, second, strict=True):
            m.lerp_(g, 1 - beta1)  # m <- beta1 m + (1 - beta1) g
            v.mul_(beta2).addcmul_(g, g, value=1 - beta2)  # v <- beta2 v + (1 - beta2) g^2
            denom = (v.sqrt() / correction2_sqrt).add_(eps)
            p.addcdiv_(m, denom, value=-lr / correction1)

    return adam


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
