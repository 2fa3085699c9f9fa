"""The test-set read-out of both runs at one moment: digits, predictions, confusion, margins.

Computed by the worker thread from a trainer (anything with PairTrainer's `logits(x)` and
`confusion()`), handed to the page as an immutable value; the page only draws it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch

from surfaces.mnist import margins

GRID_SIZE = 100  # test digits shown with their predicted labels (the notes' 10x10 grid)


@dataclass(frozen=True)
class Evaluation:
    """Both runs on the first GRID_SIZE test digits, and their test confusion matrices."""

    step: int  # training steps done when it was taken
    images: np.ndarray  # (N, 784) float32 in [0, 1], the first test digits
    labels: np.ndarray  # (N,) int64 true labels
    predictions: Mapping[str, np.ndarray]  # loss -> (N,) int64 predicted labels
    top_two: Mapping[str, np.ndarray]  # loss -> (N, 2) float64 (target logit, strongest wrong)
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

    def lab_link(self, loss: str, index: int) -> dict[str, str]:
        """The error-surface lab's URL parameters that start at digit `index`'s (y1, y2)."""
        y1, y2 = self.top_two[loss][index]
        return margins.lab_start(float(y1), float(y2))


def evaluate(trainer, step: int, losses: tuple[str, ...], n: int = GRID_SIZE) -> Evaluation:
    """Evaluation of trainer's runs (stacked in the order of losses) on its first n test digits."""
    images = torch.as_tensor(trainer.data.x_test[:n], dtype=torch.float32)
    labels = torch.as_tensor(trainer.data.y_test[:n], dtype=torch.int64)
    logits = torch.as_tensor(trainer.logits(images))  # (R, n, 10)
    predictions, top = {}, {}
    for run, loss in enumerate(losses):
        predictions[loss] = logits[run].argmax(dim=-1).numpy().astype(np.int64)
        y1, y2 = margins.top_two(logits[run], labels)
        top[loss] = torch.stack([y1, y2], dim=1).double().numpy()
    return Evaluation(
        step=int(step),
        images=images.reshape(len(images), -1).numpy(),
        labels=labels.numpy(),
        predictions=predictions,
        top_two=top,
        confusion={k: np.asarray(v) for k, v in trainer.confusion().items()},
    )
