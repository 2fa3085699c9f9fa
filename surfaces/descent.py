"""Gradient-descent trajectories on the two free logits, with real ``torch.optim`` optimisers.

The parameters are ``(y1, y2)``; ``y3`` is pinned. Each loss is minimised by its own copy
of the parameters. All six optimisers act element-wise, so several losses can share one
optimiser over an ``(L, 2)`` parameter with one row per loss: the rows never mix, and the
result is the same as L separate runs at a fraction of the per-step overhead.

Divergence: a step whose point is non-finite, or whose logits leave ``[-bound, bound]``,
ends that run. ``diverged_at`` is that step; the points and losses from there on repeat the
last finite ones, so nothing non-finite ever reaches a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import exp, log

import numpy as np
import torch

__all__ = ["DIVERGENCE_BOUND", "OPTIMIZERS", "Trajectory", "descend", "descend_many"]

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
# |logit| beyond this counts as blown up: e^1e4 overflows any float, and no picture of a
# softmax needs logits that large.
DIVERGENCE_BOUND = 1e4

# The hyper-parameters each optimiser takes besides lr, with torch's defaults
# (momentum 0.9 for the two momentum variants, where torch's default 0 would be plain GD).
HYPER_DEFAULTS: dict[str, dict[str, float]] = {
    "sgd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


@dataclass(frozen=True)
class Trajectory:
    """One descent run: points (steps+1, 2) in (y1, y2), losses and gradient norms (steps+1,)."""

    loss: str
    optimizer: str
    points: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    diverged_at: int | None

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    def steps_to(self, threshold: float) -> int | None:
        """First step whose loss is at or below `threshold`, or None if it never gets there."""
        below = np.flatnonzero(self.losses <= threshold)
        if self.diverged_at is not None:
            below = below[below < self.diverged_at]
        return int(below[0]) if below.size else None


def _make_optimizer(name: str, params: list[torch.Tensor], lr: float, hyper: dict):
    known = HYPER_DEFAULTS.get(name)
    if known is None:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}. Got {name!r} instead.")
    unknown = sorted(set(hyper) - set(known))
    if unknown:
        allowed = ", ".join(known) or "no hyper-parameters besides lr"
        raise ValueError(f"{name} takes {allowed}. Got {', '.join(unknown)} instead.")
    h = {**known, **hyper}
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    # On one tiny tensor the per-step Python overhead is the cost: the fused kernels (and
    # RMSprop's single-tensor loop) are the quickest, measured in bench/bench_surfaces.py.
    if name in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=lr, momentum=h["momentum"],
                               nesterov=name == "nesterov", fused=True)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=h["eps"], fused=True)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=h["alpha"], eps=h["eps"], foreach=False)
    return torch.optim.Adam(params, lr=lr, betas=(h["beta1"], h["beta2"]), eps=h["eps"],
                            fused=True)


def _value_and_grad(y1: float, y2: float, y3: float, target: int, ce: bool):
    """(loss, d/dy1, d/dy2) of one run at (y1, y2): the analytic forms of `surfaces.losses`
    (tested there against torch autograd), in plain floats, since a step on two numbers
    costs less in Python than any array call; torch.optim does the update."""
    m = max(y1, y2, y3)  # log-sum-exp shift: every exponent <= 0
    e1, e2, e3 = exp(y1 - m), exp(y2 - m), exp(y3 - m)
    total = e1 + e2 + e3
    p = (e1 / total, e2 / total, e3 / total)
    r = (p[0] - (target == 0), p[1] - (target == 1), p[2] - (target == 2))  # y' - ŷ
    if ce:
        return m + log(total) - (y1, y2, y3)[target], r[0], r[1]
    rp = r[0] * p[0] + r[1] * p[1] + r[2] * p[2]
    mse = r[0] * r[0] + r[1] * r[1] + r[2] * r[2]
    return mse, 2.0 * p[0] * (r[0] - rp), 2.0 * p[1] * (r[1] - rp)


def _check(losses: Sequence[str], start, lr: float, steps: int, y3: float, target: int):
    for name in losses:
        if name not in ("mse", "cross_entropy"):
            raise ValueError(f"loss must be one of mse, cross_entropy. Got {name!r} instead.")
    start = np.asarray(start, dtype=np.float64)
    if start.shape != (2,) or not np.isfinite(start).all():
        raise ValueError(
            f"start must be two finite numbers (y1, y2). Got {start.tolist()} instead."
        )
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be positive. Got {lr} instead.")
    if not (isinstance(steps, int | np.integer) and steps >= 0):
        raise ValueError(f"steps must be a non-negative integer. Got {steps} instead.")
    if not np.isfinite(y3):
        raise ValueError(f"y3 must be finite. Got {y3} instead.")
    if target not in (0, 1, 2):
        raise ValueError(f"target must be 0, 1 or 2. Got {target} instead.")
    return start


def descend_many(
    losses: Sequence[str],
    start,
    *,
    optimizer: str = "sgd",
    lr: float,
    steps: int,
    y3: float = -1000.0,
    target: int = 0,
    bound: float = DIVERGENCE_BOUND,
    **hyper: float,
) -> dict[str, Trajectory]:
    """Run `optimizer` from `start` on each loss in `losses`; one Trajectory per loss."""
    start = _check(losses, start, lr, steps, y3, target)
    n = len(losses)
    is_ce = [name == "cross_entropy" for name in losses]
    y = torch.tensor(np.tile(start, (n, 1)), dtype=torch.float64)
    y.grad = torch.zeros_like(y)
    opt = _make_optimizer(optimizer, [y], lr, hyper)
    y_np, grad_np = y.numpy(), y.grad.numpy()  # views: the optimiser updates y in place
    y3, target = float(y3), int(target)

    rows = []  # per step: [(loss, g1, g2) per run]
    points = np.empty((steps + 1, n, 2))
    with torch.no_grad():
        for k in range(steps + 1):
            points[k] = y_np
            row = [_value_and_grad(a, b, y3, target, ce)
                   for (a, b), ce in zip(y_np.tolist(), is_ce, strict=True)]
            rows.append(row)
            if k == steps:
                break
            grad_np[...] = [g[1:] for g in row]
            opt.step()
    table = np.array(rows)  # (steps+1, n, 3)
    values = table[..., 0]
    with np.errstate(invalid="ignore", over="ignore"):
        gnorms = np.hypot(table[..., 1], table[..., 2])
    diverged = [None] * n
    _freeze_after_divergence(points, values, gnorms, diverged, bound)
    return {
        name: Trajectory(name, optimizer, points[:, i].copy(), values[:, i].copy(),
                         gnorms[:, i].copy(), diverged[i])
        for i, name in enumerate(losses)
    }


def _freeze_after_divergence(points, values, gnorms, diverged, bound) -> None:
    """Mark the first bad step of each run and hold its last good values from there on."""
    bad = ~np.isfinite(points).all(axis=2) | (np.abs(points) > bound).any(axis=2)
    bad |= ~np.isfinite(values) | ~np.isfinite(gnorms)
    for i in range(points.shape[1]):
        hits = np.flatnonzero(bad[:, i])
        if hits.size:
            k = max(int(hits[0]), 1)  # step 0 is the validated, finite start
            diverged[i] = k
            points[k:, i] = points[k - 1, i]
            values[k:, i] = values[k - 1, i]
            gnorms[k:, i] = gnorms[k - 1, i]


def descend(
    loss: str,
    start,
    *,
    optimizer: str = "sgd",
    lr: float,
    steps: int,
    y3: float = -1000.0,
    target: int = 0,
    **hyper: float,
) -> Trajectory:
    """Run `optimizer` on one loss ("mse" or "cross_entropy") from `start` = (y1, y2)."""
    return descend_many(
        [loss], start, optimizer=optimizer, lr=lr, steps=steps, y3=y3, target=target, **hyper
    )[loss]
