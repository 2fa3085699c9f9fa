"""Gradient anatomy: why MSE stalls where cross-entropy does not (LECTURE.md §3-4).

- `gradient_maps`: log10 of both gradients' norms over the (y1, y2) square, and the stall
  zone, where MSE's gradient is below a fraction of cross-entropy's.
- `anatomy_at`: at one point, MSE's gradient as the softmax Jacobian applied to the error,
  ``grad = J (2 (y' - ŷ))`` with ``J_ij = y'_i (δ_ij - y'_j)``, with the numbers: far from the
  target the error is large and the Jacobian is what vanishes.
- `naive_cross_entropy`: ``-log(softmax(y)[t])`` computed the naive way (no max shift) and
  its autograd-style gradient, with the cells where either is inf or nan marked undefined;
  the finite values are returned with those cells set to 0, so nothing non-finite leaves.

Grids follow `surfaces.grid`: ``[i, j]`` is the value at ``(y1s[j], y2s[i])``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surfaces import losses as L
from surfaces.grid import error_surfaces

__all__ = ["Anatomy", "GradientMaps", "NaiveCE", "anatomy_at", "gradient_maps",
           "naive_cross_entropy"]

# log10 of a gradient norm that is exactly 0 (a saturated float) is drawn at this floor.
LOG10_FLOOR = -300.0


@dataclass(frozen=True)
class GradientMaps:
    """log10 gradient norms (n, n) per loss, and the stall zone (n, n) bool."""

    y1s: np.ndarray
    y2s: np.ndarray
    log10_norm: dict[str, np.ndarray]
    stall: np.ndarray  # |grad MSE| < fraction * |grad CE|
    fraction: float


def gradient_maps(*, lo: float, hi: float, n: int, y3: float = -1000.0, target: int = 0,
                  fraction: float = 0.01) -> GradientMaps:
    """Both gradients' norms over [lo, hi]^2 (float64) and where MSE's is below `fraction`
    of cross-entropy's."""
    if not (np.isfinite(fraction) and fraction > 0):
        raise ValueError(f"fraction must be positive. Got {fraction} instead.")
    surf = error_surfaces(lo=lo, hi=hi, n=n, y3=y3, target=target, grads=True,
                          dtype=np.float64)
    norms = {k: np.hypot(g[..., 0], g[..., 1]) for k, g in surf.grad.items()}
    with np.errstate(divide="ignore"):
        logs = {k: np.maximum(np.log10(v), LOG10_FLOOR) for k, v in norms.items()}
    stall = norms["mse"] < fraction * norms["cross_entropy"]
    return GradientMaps(surf.y1s, surf.y2s, logs, stall, float(fraction))


@dataclass(frozen=True)
class Anatomy:
    """MSE's and cross-entropy's gradients at one point, factor by factor (3 classes)."""

    logits: np.ndarray  # (3,)
    probs: np.ndarray  # (3,) y'
    error: np.ndarray  # (3,) y' - ŷ
    jacobian: np.ndarray  # (3, 3) d y'_i / d y_j = y'_i (δ_ij - y'_j)
    grad_mse: np.ndarray  # (3,) J^T (2 (y' - ŷ))
    grad_ce: np.ndarray  # (3,) y' - ŷ

    @property
    def jacobian_norm(self) -> float:
        """Largest singular value of J: how much the softmax passes on at all."""
        return float(np.linalg.norm(self.jacobian, 2))

    @property
    def error_norm(self) -> float:
        return float(np.linalg.norm(2 * self.error))


def anatomy_at(y1: float, y2: float, y3: float = -1000.0, target: int = 0) -> Anatomy:
    """The factors of both gradients at the logits (y1, y2, y3)."""
    logits = np.array([y1, y2, y3], dtype=np.float64)
    if not np.isfinite(logits).all():
        raise ValueError(f"logits must be finite. Got {logits.tolist()} instead.")
    p = L.softmax(logits)
    error = L.cross_entropy_grad(logits, target)  # y' - ŷ
    jac = np.diag(p) - np.outer(p, p)
    return Anatomy(logits, p, error, jac, jac.T @ (2 * error), error)


@dataclass(frozen=True)
class NaiveCE:
    """Naive cross-entropy over the square: values where defined, and where it breaks."""

    y1s: np.ndarray
    y2s: np.ndarray
    value: np.ndarray  # (n, n) finite; 0 where the loss is undefined
    grad_norm: np.ndarray  # (n, n) finite; 0 where the gradient is undefined
    loss_undefined: np.ndarray  # (n, n) bool: the loss is inf or nan
    grad_undefined: np.ndarray  # (n, n) bool: the gradient is inf or nan

    @property
    def undefined(self) -> np.ndarray:
        return self.loss_undefined | self.grad_undefined

    @property
    def share_undefined(self) -> float:
        return float(self.undefined.mean())


def naive_cross_entropy(*, lo: float, hi: float, n: int, y3: float = -1000.0, target: int = 0,
                        dtype: type = np.float64) -> NaiveCE:
    """``-log(softmax(y))[t]`` the naive way, as ``torch.log(torch.softmax(y))`` followed by
    NLL: no max shift, the log over every class, and its gradient by the chain rule as
    autograd runs it. A class whose probability underflows to 0 gives log 0 = -inf; its
    backward is 0 / 0 = nan, which the sum in the softmax's backward spreads to every logit:
    the gradient is nan even when the loss itself is finite."""
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi and n >= 2):
        raise ValueError(f"need lo < hi, both finite, and n > 1. Got lo={lo}, hi={hi}, n={n}.")
    dtype = np.dtype(dtype)
    axis = np.linspace(lo, hi, n, dtype=dtype)
    y1, y2 = np.meshgrid(axis, axis)
    logits = np.stack([y1, y2, np.full_like(y1, y3)], axis=-1)
    onehot = np.eye(3, dtype=dtype)[target]
    with np.errstate(all="ignore"):
        e = np.exp(logits)  # overflows to inf above ~709 (float64), ~88 (float32)
        total = e.sum(axis=-1, keepdims=True)
        p = e / total  # inf / inf = nan
        value = -np.log(p)[..., target]  # log(0) = -inf
        # backward: d/d log p = -onehot; log: / p (0 / 0 = nan); division and exp
        g_p = -onehot / p
        g_total = -(g_p * e).sum(axis=-1, keepdims=True) / (total * total)
        grad = (g_p / total + g_total) * e
        grad_norm = np.sqrt((grad[..., :2] ** 2).sum(axis=-1))
    loss_undefined = ~np.isfinite(value)
    grad_undefined = ~np.isfinite(grad).all(axis=-1)
    return NaiveCE(axis, axis, np.where(loss_undefined, 0, value),
                   np.where(grad_undefined, 0, grad_norm), loss_undefined, grad_undefined)
