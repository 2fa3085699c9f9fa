"""The 1-D view of the notes (seed 001, "Logistic Regression + Square error?"): logistic
regression with one weight, ``f(x) = σ(w x)``, on a small data set.

Total loss against the weight, as in the lecture's figure (cross-entropy black, square error
red):
- cross-entropy   ``CE(w) = Σ_n -[ŷ ln f + (1 - ŷ) ln(1 - f)]``, ``dCE/dw = Σ (f - ŷ) x``;
- square error    ``SE(w) = Σ_n (f - ŷ)^2``,  ``dSE/dw = Σ 2 (f - ŷ) f (1 - f) x``.
Far from the optimum f saturates, ``f (1 - f) -> 0``, and square error's slope vanishes
while cross-entropy's grows: "the further from the target, the larger the step".
Everything is stable by construction: ``-ln σ(z) = logaddexp(0, -z)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DATA_X", "DATA_Y", "LOSSES", "Descent1D", "descend_1d", "loss_and_grad", "optimum"]

LOSSES = ("cross_entropy", "square_error")
# Ten points, labels overlapping near 0 so that the best weight is finite (about 1.3).
DATA_X = np.array([-3.0, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0])
DATA_Y = np.array([0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) without overflow: exp of a non-positive number only."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def loss_and_grad(name: str, w, x: np.ndarray = DATA_X,
                  y: np.ndarray = DATA_Y) -> tuple[np.ndarray, np.ndarray]:
    """Total loss and dL/dw at weights w (any shape): both (w.shape)."""
    w = np.asarray(w, dtype=np.float64)
    z = w[..., None] * x  # (..., N)
    f = _sigmoid(z)
    if name == "cross_entropy":
        value = np.where(y == 1, np.logaddexp(0.0, -z), np.logaddexp(0.0, z)).sum(axis=-1)
        grad = ((f - y) * x).sum(axis=-1)
    elif name == "square_error":
        value = ((f - y) ** 2).sum(axis=-1)
        grad = (2.0 * (f - y) * f * (1.0 - f) * x).sum(axis=-1)
    else:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}. Got {name!r} instead.")
    return value, grad


def optimum(name: str, lo: float = -20.0, hi: float = 20.0) -> tuple[float, float]:
    """(w*, L(w*)): the best weight in [lo, hi], from a fine grid refined by golden sections."""
    ws = np.linspace(lo, hi, 4001)
    k = int(np.argmin(loss_and_grad(name, ws)[0]))
    a, b = ws[max(k - 1, 0)], ws[min(k + 1, len(ws) - 1)]
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(80):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        if loss_and_grad(name, c)[0] < loss_and_grad(name, d)[0]:
            b = d
        else:
            a = c
    w = 0.5 * (a + b)
    return float(w), float(loss_and_grad(name, w)[0])


@dataclass(frozen=True)
class Descent1D:
    """Gradient descent on one weight: weights, losses, gradients, each (steps+1,)."""

    loss: str
    weights: np.ndarray
    losses: np.ndarray
    grads: np.ndarray


def descend_1d(name: str, w0: float, *, lr: float, steps: int) -> Descent1D:
    """w_{k+1} = w_k - lr dL/dw(w_k), from w0. Weights beyond ±1e6 are held there (the
    losses are linear in |w| far out, so nothing overflows even then)."""
    if not (np.isfinite(w0) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"w0 must be finite and lr positive. Got w0={w0}, lr={lr}.")
    if not (isinstance(steps, int | np.integer) and steps >= 0):
        raise ValueError(f"steps must be a non-negative integer. Got {steps} instead.")
    weights = np.empty(steps + 1)
    w = float(w0)
    for k in range(steps + 1):
        weights[k] = w
        if k < steps:
            w = float(np.clip(w - lr * float(loss_and_grad(name, w)[1]), -1e6, 1e6))
    values, grads = loss_and_grad(name, weights)
    return Descent1D(name, weights, values, grads)
