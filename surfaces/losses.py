"""Softmax, MSE and cross-entropy on logits, with their analytic gradients.

Everything works on the last axis: ``logits`` has shape ``(..., K)`` and ``target`` is a
0-based class index. All functions are stable by construction (log-sum-exp): they stay
finite for any finite logits, including ``y3 = -1000`` with the target on class 3, where a
naive ``log(softmax(y))`` gives ``-inf`` and ``nan`` gradients.

The formulas are the lecture's (``../shared/LECTURE.md`` §1-3):

- MSE, sum form:     ``e = sum_i (y'_i - ŷ_i)^2``
- cross-entropy:     ``e = -ln y'_t = logsumexp(y) - y_t``
- d CE / d y_i     = ``y'_i - ŷ_i``
- d MSE / d y_j    = ``2 y'_j ((y'_j - ŷ_j) - sum_i (y'_i - ŷ_i) y'_i)``  (the softmax Jacobian
  ``y'_i (δ_ij - y'_j)`` applied to ``2 (y' - ŷ)``; it vanishes when the softmax saturates).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "LOSSES",
    "cross_entropy",
    "cross_entropy_grad",
    "log_softmax",
    "loss",
    "loss_grad",
    "mse",
    "mse_grad",
    "softmax",
]

LOSSES = ("mse", "cross_entropy")


def _check(logits: np.ndarray, target: int) -> np.ndarray:
    logits = np.asarray(logits)
    if logits.ndim == 0:
        raise ValueError("logits must have a class axis of shape (..., K). Got a scalar instead.")
    k = logits.shape[-1]
    if not 0 <= int(target) < k:
        raise ValueError(f"target must be a class index in [0, {k - 1}]. Got {target} instead.")
    if not np.issubdtype(logits.dtype, np.floating):
        logits = logits.astype(np.float64)
    return logits


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax over the last axis: (..., K) -> (..., K), shift by the max for stability."""
    logits = np.asarray(logits)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    # exp(-1000 - m) underflows to exactly 0, which is the correct contribution.
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """softmax over the last axis: (..., K) -> (..., K), each row in (0, 1) summing to 1."""
    logits = np.asarray(logits)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _onehot(target: int, k: int, dtype) -> np.ndarray:
    out = np.zeros(k, dtype=dtype)
    out[int(target)] = 1
    return out


def mse(logits: np.ndarray, target: int) -> np.ndarray:
    """Sum-of-squares error between softmax(logits) and the one-hot target: (..., K) -> (...)."""
    logits = _check(logits, target)
    diff = softmax(logits) - _onehot(target, logits.shape[-1], logits.dtype)
    return (diff * diff).sum(axis=-1)


def cross_entropy(logits: np.ndarray, target: int) -> np.ndarray:
    """Cross-entropy -ln softmax(logits)[target]: (..., K) -> (...), finite for finite logits."""
    logits = _check(logits, target)
    return -log_softmax(logits)[..., int(target)]


def mse_grad(logits: np.ndarray, target: int) -> np.ndarray:
    """Gradient of `mse` with respect to the logits: (..., K) -> (..., K)."""
    logits = _check(logits, target)
    p = softmax(logits)
    r = p - _onehot(target, logits.shape[-1], logits.dtype)  # residual y' - ŷ
    # J^T (2 r) with J_ij = p_i (δ_ij - p_j): 2 p_j (r_j - <r, p>)
    return 2.0 * p * (r - (r * p).sum(axis=-1, keepdims=True))


def cross_entropy_grad(logits: np.ndarray, target: int) -> np.ndarray:
    """Gradient of `cross_entropy` with respect to the logits, y' - ŷ: (..., K) -> (..., K)."""
    logits = _check(logits, target)
    return softmax(logits) - _onehot(target, logits.shape[-1], logits.dtype)


_LOSS = {"mse": mse, "cross_entropy": cross_entropy}
_GRAD = {"mse": mse_grad, "cross_entropy": cross_entropy_grad}


def _lookup(table: dict, name: str):
    try:
        return table[name]
    except KeyError:
        allowed = ", ".join(LOSSES)
        raise ValueError(f"loss must be one of {allowed}. Got {name!r} instead.") from None


def loss(name: str, logits: np.ndarray, target: int) -> np.ndarray:
    """The loss called `name` ("mse" or "cross_entropy"): (..., K) -> (...)."""
    return _lookup(_LOSS, name)(logits, target)


def loss_grad(name: str, logits: np.ndarray, target: int) -> np.ndarray:
    """Gradient of the loss called `name` with respect to the logits: (..., K) -> (..., K)."""
    return _lookup(_GRAD, name)(logits, target)
