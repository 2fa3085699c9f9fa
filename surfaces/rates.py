"""Learning rates (LECTURE.md §6, seed 001 "Gradient Descent"): loss against updates for
several learning rates, Adagrad's per-parameter rate, and feature scaling.

- `label_run`: the notes' reading of a loss curve, as a rule: *diverging* (ends higher than
  it started), *too large* (goes up at some update, but ends lower), *right* (never goes up
  and closes 99% of the gap to the best loss), *too small* (never goes up, falls short).
- `rate_sweep`: gradient descent on the 1-D logistic problem (`surfaces.logistic`) for
  each learning rate and each loss, labelled.
- `quadratic_descent`: an elongated quadratic ``L(w) = ½ Σ s_i² (w_i - 1)²`` (feature i on a
  scale s_i) under plain gradient descent or Adagrad (torch.optim), with each parameter's
  effective rate per step; before scaling s = (1, s2), after z-score scaling s = (1, 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from surfaces.logistic import Descent1D, descend_1d, optimum

__all__ = ["LABELS", "QuadraticRun", "label_run", "quadratic_descent", "quadratic_loss",
           "rate_sweep"]

LABELS = ("too_small", "right", "too_large", "diverging")
# A rise smaller than this (relative) is rounding, not the loss going up.
RISE_TOL = 1e-9
# "right": the run closes this share of the gap between its start and the best loss.
CLOSED = 0.99
ADAGRAD_EPS = 1e-10


def label_run(losses: np.ndarray, best: float) -> str:
    """One of LABELS for a loss curve (k+1,) whose best possible value is `best`."""
    losses = np.asarray(losses, dtype=np.float64)
    if not np.isfinite(losses).all() or losses[-1] > losses[0]:
        return "diverging"
    rises = np.diff(losses) > RISE_TOL * np.maximum(1.0, np.abs(losses[:-1]))
    if rises.any():
        return "too_large"
    gap0 = losses[0] - best
    if gap0 <= 0 or losses[-1] - best <= (1 - CLOSED) * gap0:
        return "right"
    return "too_small"


def rate_sweep(rates, *, w0: float, steps: int) -> dict[str, list[tuple[Descent1D, str]]]:
    """loss -> [(run, label)] per learning rate, on the 1-D logistic problem from w0."""
    out = {}
    for name in ("cross_entropy", "square_error"):
        best = optimum(name)[1]
        runs = [descend_1d(name, w0, lr=float(lr), steps=steps) for lr in rates]
        out[name] = [(run, label_run(run.losses, best)) for run in runs]
    return out


def quadratic_loss(w: np.ndarray, scales) -> np.ndarray:
    """L(w) = ½ Σ s_i² (w_i - 1)² for w (..., 2)."""
    s2 = np.asarray(scales, dtype=np.float64) ** 2
    return 0.5 * ((np.asarray(w) - 1.0) ** 2 * s2).sum(axis=-1)


@dataclass(frozen=True)
class QuadraticRun:
    """A run on the quadratic: points (k+1, 2), losses (k+1,), effective rates (k, 2)."""

    optimizer: str
    points: np.ndarray
    losses: np.ndarray
    rates: np.ndarray  # the step each parameter took per unit of its gradient


def quadratic_descent(scales, start, *, optimizer: str, lr: float, steps: int) -> QuadraticRun:
    """Gradient descent ("sgd") or Adagrad ("adagrad", torch.optim) on the quadratic."""
    if optimizer not in ("sgd", "adagrad"):
        raise ValueError(f"optimizer must be one of sgd, adagrad. Got {optimizer!r} instead.")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be positive. Got {lr} instead.")
    s2 = torch.tensor(np.asarray(scales, dtype=np.float64) ** 2)
    w = torch.tensor(np.asarray(start, dtype=np.float64))
    w.grad = torch.zeros_like(w)
    opt = (torch.optim.SGD([w], lr=lr) if optimizer == "sgd"
           else torch.optim.Adagrad([w], lr=lr, eps=ADAGRAD_EPS))
    points = [w.detach().numpy().copy()]
    rates = []
    with torch.no_grad():
        for _ in range(steps):
            before = w.detach().clone()
            grad = s2 * (w - 1.0)
            w.grad.copy_(grad)
            opt.step()
            # the rate each parameter got: lr for GD, lr / (sqrt(Σ g²) + eps) for Adagrad
            rates.append(np.full(2, lr) if optimizer == "sgd" else
                         (lr / (opt.state[w]["sum"].sqrt() + ADAGRAD_EPS)).numpy().copy())
            if not (w.abs() <= 1e6).all():  # blown up: hold the last point (still finite)
                w.copy_(before)
            points.append(w.detach().numpy().copy())
    points = np.array(points)
    return QuadraticRun(optimizer, points, quadratic_loss(points, scales),
                        np.array(rates).reshape(-1, 2))

