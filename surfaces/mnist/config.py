"""The live MNIST experiment's settings: one field table read by the engine, the CLI and the page.

`TrainConfig(**values)` validates through `TABLE` (exact messages); `TABLE.from_query` /
`TABLE.to_query` are the page's URL round trip; `surfaces.mnist.__main__` builds its options
from the same fields. Length is in optimisation steps, as the notes measure it: their 10 epochs
of full MNIST at batch 100 are 6,000 steps, whatever data set is in use.

PRESETS are the notes' experiments (LECTURE.md §5) with the numbers the notes report (on full
MNIST, after their epoch 1 = step 600 and epoch 10 = step 6,000), to set beside ours.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace
from typing import Any

from surfaces.fields import Field, FieldTable, Preset
from surfaces.mnist.models import ACTIVATIONS, HIDDEN, INITS

__all__ = ["LOSSES", "OPTIMIZERS", "PRESETS", "TABLE", "NotesResult", "TrainConfig",
           "check_int", "preset_of"]  # fmt: skip

LOSSES = ("cross_entropy", "mse")  # run r of the pair is trained with LOSSES[r]
OPTIMIZERS = ("sgd", "adam")  # torch.optim.SGD, torch.optim.Adam
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.6, 1.0, 3.0)
BATCH_SIZES = (10, 20, 50, 100, 200, 500, 1000)
INIT_SCALES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
NOTES_STEPS = 6_000  # the notes' 10 epochs of 60,000 images at batch 100

TABLE = FieldTable("mnist", (
    Field("model", "choice", choices=tuple(HIDDEN), widget="selectbox",
          choice_labels="mnist.model"),
    Field("activation", "choice", choices=ACTIVATIONS, widget="radio",
          choice_labels="mnist.activation"),
    Field("optimizer", "choice", choices=OPTIMIZERS, widget="radio", choice_labels="opt"),
    Field("lr", "choice", choices=LEARNING_RATES),
    Field("batch_size", "choice", choices=BATCH_SIZES),
    Field("steps", "int", lo=1, hi=60_000, step=100, widget="number"),
    Field("init", "choice", choices=INITS, widget="radio", choice_labels="mnist.init"),
    Field("init_scale", "choice", choices=INIT_SCALES),
    Field("eval_every", "int", lo=1, hi=1_000, widget="number"),
    Field("seed", "int", lo=0, hi=1_000_000, widget="number"),
))  # fmt: skip


@TABLE.bind
@dataclass(frozen=True)
class TrainConfig:
    """One experiment: the model, how to train it, and the seed for weights and batches.

    The defaults are the flagship preset, the notes' deeper MLP: on it cross-entropy leaves the
    plateau at chance several times sooner than MSE (LECTURE.md §5).
    """

    model: str = "deep"  # "softmax" (784->10) | "mlp" (784->256->10) | "deep" (256, 64, 16)
    activation: str = "relu"  # hidden activation (unused by "softmax")
    optimizer: str = "sgd"  # torch.optim.SGD | torch.optim.Adam (with Adam pick lr ~0.001)
    lr: float = 0.6  # the notes: 1 for softmax regression and the MLP, 0.6 for the deeper MLP
    batch_size: int = 100  # images per step, as in the notes
    steps: int = NOTES_STEPS  # optimisation steps (the notes' 10 epochs of full MNIST)
    init: str = "normal"  # "normal": the notes' N(0, init_scale^2), b = 0 | "torch": nn.Linear's
    init_scale: float = 0.01  # std of the "normal" initial weights (0.01 in the notes)
    eval_every: int = 50  # steps between two evaluations on the whole test set
    seed: int = 0  # initial weights and batch order

    def __post_init__(self) -> None:
        TABLE.check(self)

    def with_(self, **changes: Any) -> TrainConfig:
        return replace(self, **changes)

    def epochs_of(self, n_train: int) -> float:
        """Epochs of a training set of n_train images that config.steps steps amount to."""
        return self.steps * self.batch_size / max(n_train, 1)


@dataclass(frozen=True)
class NotesResult:
    """Test accuracy the notes report on full MNIST after `step` steps (epoch step / 600)."""

    step: int
    test_acc: float | None  # None: the notes give none at that point
    train_acc: float | None = None


# One click each: the notes' experiments. Titles, stories and what the notes report are in the
# language tables under mnist.preset.<name>.*; the numbers are here, checked against LECTURE.md.
PRESETS: dict[str, Preset] = {
    "deep": Preset({"model": "deep", "activation": "relu", "optimizer": "sgd", "lr": 0.6,
                    "batch_size": 100, "steps": NOTES_STEPS, "init": "normal",
                    "init_scale": 0.01}),
    "softmax": Preset({"model": "softmax", "optimizer": "sgd", "lr": 1.0, "batch_size": 100,
                       "steps": NOTES_STEPS, "init": "normal", "init_scale": 0.01}),
    "mlp": Preset({"model": "mlp", "activation": "relu", "optimizer": "sgd", "lr": 1.0,
                   "batch_size": 100, "steps": NOTES_STEPS, "init": "normal",
                   "init_scale": 0.01}),
    "deep_sigmoid": Preset({"model": "deep", "activation": "sigmoid", "optimizer": "sgd",
                            "lr": 0.6, "batch_size": 100, "steps": NOTES_STEPS,
                            "init": "normal", "init_scale": 0.01}),
}  # fmt: skip
NOTES_RESULTS: dict[str, tuple[NotesResult, ...]] = {
    # "about 0.90-0.91 test accuracy after the first epoch and 0.91-0.92 after 10"
    "softmax": (NotesResult(600, 0.90), NotesResult(6_000, 0.92)),
    # "0.954 after epoch 1, about 0.977 after 10"
    "mlp": (NotesResult(600, 0.954), NotesResult(6_000, 0.977)),
    # "epoch 1 ends at 0.16 training / 0.47 test accuracy ... ending around 0.974"
    "deep": (NotesResult(600, 0.47, 0.16), NotesResult(6_000, 0.974)),
    "deep_sigmoid": (),  # the notes ran it with ReLU only
}


def preset_of(config: TrainConfig) -> str | None:
    """The preset whose settings config has (seed and eval_every aside), if any."""
    for name, preset in PRESETS.items():
        if replace(config, **preset.changes) == config:
            return name
    return None


def check_int(name: str, value: object, *, minimum: int) -> None:
    """Raise ValueError with an exact message unless value is an int >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer. Got {value!r} instead.")
    if value < minimum:
        what = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {what}. Got {value!r} instead.")
