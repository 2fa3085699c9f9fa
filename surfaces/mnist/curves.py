"""Per-step curves for the live charts: running-window accuracy and thinning, arrays only.

The engine logs every step (surfaces.mnist.engine.StepLog); a 6,000-step run is too many points
to send twice a second, so curves are thinned by block means to at most max_points per trace
(a mean keeps a plateau's level; taking every k-th point would keep its noise).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ACCURACY_WINDOW = 50  # steps in the running window of the training accuracy


def running_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last `window` rows at every row (fewer at the start): (T, R) -> (T, R)."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return values.copy()
    sums = np.cumsum(values, axis=0)
    out = sums.copy()
    out[window:] = sums[window:] - sums[:-window]
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return out / counts.reshape((-1,) + (1,) * (values.ndim - 1))


def thin(steps: np.ndarray, values: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most max_points + 1 (x, y) pairs: block means of consecutive rows, then the last row."""
    steps = np.asarray(steps, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    n = len(steps)
    if n <= max_points:
        return steps, values
    block = -(-n // max_points)
    whole = (n // block) * block
    shape = (-1, block) + values.shape[1:]
    x = steps[:whole].reshape(-1, block).mean(axis=1)
    with np.errstate(invalid="ignore"):
        y = values[:whole].reshape(shape).mean(axis=1)
    if x[-1] != steps[-1]:  # the live end of the curve is the latest step itself
        x = np.append(x, steps[-1])
        y = np.concatenate([y, values[-1:]])
    return x, y


def live_curves(log, history: Sequence, losses: Sequence[str], max_points: int = 600) -> dict:
    """loss -> {"step", "loss", "accuracy", "grad_norm", "test_step", "test_acc", "test_loss",
    "flat_share"}: every array 1-D float64, x in steps (1-based for the per-step ones)."""
    steps = np.arange(1, len(log.loss) + 1, dtype=np.float64)
    accuracy = running_mean(log.accuracy, ACCURACY_WINDOW)
    out = {}
    for run, loss in enumerate(losses):
        x, y_loss = thin(steps, log.loss[:, run], max_points)
        _, y_acc = thin(steps, accuracy[:, run], max_points)
        _, y_norm = thin(steps, log.grad_norm[:, run], max_points)
        out[loss] = {
            "step": x,
            "loss": y_loss,
            "accuracy": y_acc,
            "grad_norm": y_norm,
            "test_step": np.array([r.step for r in history], dtype=np.float64),
            "test_acc": np.array([r.metrics[loss]["test_acc"] for r in history], np.float64),
            "test_loss": np.array([r.metrics[loss]["test_loss"] for r in history], np.float64),
            "flat_share": np.array([r.metrics[loss]["flat_share"] for r in history], np.float64),
        }
    return out
