"""Escape maps: from every start on the (y1, y2) grid, the first step whose loss is below a
threshold, for one loss under one optimiser.

All starts run at once: one ``torch.optim`` optimiser over an ``(N, 2)`` parameter, one row
per start. The six optimisers act element-wise, so each row follows exactly the update
that `surfaces.descent.descend` applies to a single start, and the loss and gradient are the
same formulas as `descent._value_and_grad`, in the same order, on arrays instead of floats.

What makes 201 x 201 starts x 500 steps cheap:
- rows that reached the threshold (or diverged) leave the parameter, optimiser state and
  all, so a map where cross-entropy escapes in a few steps costs a few steps;
- with class 3 out of reach (``y3`` pinned far below the square, target class 1 or 2) the
  loss and its gradient depend on ``y1 - y2`` alone and every optimiser keeps ``y1 + y2``,
  so a start's fate depends on ``y1 - y2`` alone, which takes only ``2n - 1`` values on the
  grid: run those (the starts on the grid's lower and left edges), then lay them out, as
  `surfaces.grid` does for the surfaces.

Agreement with `descend` is exact in exact arithmetic. In floating point the trajectories
differ by rounding only (numpy's vectorised exp and log, and the fused optimisers' vector
lanes, round a few last bits differently from libm and from their scalar tail); the step
reported can differ only where a loss passes within that rounding of the threshold.
``tests/unit/test_escape.py`` checks many starts under every optimiser against `descend`.
"""

from __future__ import annotations

import numpy as np
import torch

from surfaces.descent import DIVERGENCE_BOUND, _check, _make_optimizer
from surfaces.grid import _by_difference

__all__ = ["BUDGETS", "NEVER", "budget_for", "escape_map", "first_below", "within"]

NEVER = -1  # the start does not get below the threshold within the budget
# exp(x) is exactly 0.0 in float64 for x below about -745.13: class 3's term vanishes.
_EXP_ZERO = -746.0
# Compact the parameter once this share of its rows has finished.
_COMPACT_SHARE = 8


def escape_map(
    loss: str,
    *,
    optimizer: str,
    lr: float,
    steps: int,
    threshold: float,
    lo: float,
    hi: float,
    n: int,
    y3: float = -1000.0,
    target: int = 0,
    **hyper: float,
) -> np.ndarray:
    """(n, n) int64, [i, j] for the start (y1s[j], y2s[i]) on ``np.linspace(lo, hi, n)``:
    the first step whose loss is below `threshold`, or NEVER (-1) within `steps`."""
    _check([loss], (0.0, 0.0), lr, steps, y3, target)
    _check_grid(threshold, lo, hi, n)
    axis = np.linspace(lo, hi, n)
    run = dict(loss=loss, optimizer=optimizer, lr=lr, steps=steps, threshold=threshold, y3=y3,
               target=target, **hyper)
    if target != 2 and y3 - lo < _EXP_ZERO:
        # One start per value of y1 - y2, on the lower edge (y2 = lo) for y1 >= y2 and on the
        # left edge (y1 = lo) below: profile[k] is the start with j - i = k - (n - 1).
        offsets = np.arange(2 * n - 1) - (n - 1)
        starts = np.column_stack([axis[np.maximum(offsets, 0)], axis[np.maximum(-offsets, 0)]])
        first, reached = first_below(starts, **run)
        if not reached:  # class 3 never came within reach: the shortcut holds
            return np.ascontiguousarray(_by_difference(first, n))
    y1, y2 = np.meshgrid(axis, axis)  # [i, j] = (y1s[j], y2s[i])
    first, _ = first_below(np.column_stack([y1.ravel(), y2.ravel()]), **run)
    return first.reshape(n, n)


# A page computes a map once per budget and shows any shorter one with `within`: a move of
# the steps slider inside a budget costs a comparison, not a new map.
BUDGETS = (100, 200, 500, 1000)


def budget_for(steps: int) -> int:
    """The smallest of BUDGETS that holds `steps` (steps itself above them all)."""
    return next((b for b in BUDGETS if b >= steps), steps)


def within(first: np.ndarray, steps: int) -> np.ndarray:
    """An escape map computed with a larger budget, as it is with `steps`: a start escapes
    within `steps` exactly when its first step below the threshold is at most `steps` (the
    runs do not depend on the budget; only the count stops earlier)."""
    first = np.asarray(first)
    return np.where((first >= 0) & (first <= steps), first, NEVER)


def _check_grid(threshold: float, lo: float, hi: float, n: int) -> None:
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be finite. Got {threshold} instead.")
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"lo must be smaller than hi and both finite. Got lo={lo}, hi={hi}.")
    if not (isinstance(n, int | np.integer) and n >= 2):
        raise ValueError(f"n must be an integer greater than 1. Got {n} instead.")


def first_below(
    starts: np.ndarray,
    *,
    loss: str,
    optimizer: str,
    lr: float,
    steps: int,
    threshold: float,
    y3: float = -1000.0,
    target: int = 0,
    bound: float = DIVERGENCE_BOUND,
    **hyper: float,
) -> tuple[np.ndarray, bool]:
    """starts (N, 2) -> (first step with loss < threshold, or NEVER: (N,) int64; whether
    class 3 ever carried probability). A run that diverges (as in `descend`) never counts."""
    first = np.full(len(starts), NEVER, dtype=np.int64)
    rows = np.arange(len(starts))  # which start each column of the parameter is
    live = np.ones(len(rows), dtype=bool)  # still running (finished ones wait to leave)
    # (2, N): y1 and y2 each contiguous; the optimisers are element-wise, the shape is free.
    y = torch.tensor(np.asarray(starts, dtype=np.float64).reshape(-1, 2).T.copy())
    y.grad = torch.zeros_like(y)
    opt = _make_optimizer(optimizer, [y], lr, hyper)
    ce, target, y3 = loss == "cross_entropy", int(target), float(y3)
    reached = False
    with torch.no_grad(), np.errstate(all="ignore"):
        for k in range(steps + 1):
            if not live.any():
                break
            y_np, g_np = y.numpy(), y.grad.numpy()
            value, class3 = _values_and_grads(y_np[0], y_np[1], y3, target, ce, out=g_np)
            reached |= class3
            below = (value < threshold) & live
            # As `descend`: a non-finite or out-of-bounds point ends its run; step 0 (the
            # start) still counts, the bad step and those after it do not. One max() tells
            # whether any point is out (NaN compares False).
            if not np.abs(y_np).max() <= bound:
                bad = ~(np.abs(y_np) <= bound).all(axis=0) | ~np.isfinite(value)
                if k:
                    below &= ~bad
                live &= ~bad
            first[rows[below]] = k
            live &= ~below
            if k == steps:
                break
            n_done = len(rows) - int(np.count_nonzero(live))
            if n_done * _COMPACT_SHARE >= len(rows):
                keep = np.flatnonzero(live)
                rows, live = rows[keep], live[keep]
                y, opt = _compact(y, opt, torch.from_numpy(keep), optimizer, lr, hyper)
            opt.step()
    return first, reached


def _values_and_grads(y1, y2, y3: float, target: int, ce: bool, out: np.ndarray):
    """(loss (N,), class 3 counted) for arrays y1, y2 (N,), the gradient written to `out`
    (2, N): `descent._value_and_grad` term by term, so the same numbers up to exp/log
    rounding. Where exp(y3 - max) is exactly 0 for every start, class 3 costs nothing."""
    m = np.maximum(y1, y2)
    class3 = y3 - float(m.min()) >= _EXP_ZERO
    if class3:
        np.maximum(m, y3, out=m)
    e1, e2 = np.exp(y1 - m), np.exp(y2 - m)
    total = e1 + e2
    if class3:
        e3 = np.exp(y3 - m)
        total += e3
    p1, p2 = np.divide(e1, total, out=e1), np.divide(e2, total, out=e2)
    # r = y' - ŷ
    r1 = np.subtract(p1, 1.0, out=out[0]) if target == 0 else p1
    r2 = np.subtract(p2, 1.0, out=out[1]) if target == 1 else p2
    if ce:
        if target != 0:
            out[0] = p1
        if target != 1:
            out[1] = p2
        value = np.log(total, out=total)
        value += m
        value -= (y1, y2, y3)[target]
        return value, class3
    rp = r1 * p1
    rp += r2 * p2
    value = r1 * r1
    value += r2 * r2
    if class3:
        p3 = e3 / total
        r3 = p3 - 1.0 if target == 2 else p3
        rp += r3 * p3
        value += r3 * r3
    elif target == 2:  # p3 = 0: r3 * p3 adds nothing, r3 * r3 adds 1
        value += 1.0
    for j, (p, r) in enumerate(((p1, r1), (p2, r2))):
        np.multiply(2.0 * p, r - rp, out=out[j])
    return value, class3


def _compact(y: torch.Tensor, opt: torch.optim.Optimizer, keep: torch.Tensor, optimizer: str,
             lr: float, hyper: dict):
    """A parameter with only the columns `keep`, and an optimiser carrying their state."""
    state = opt.state.get(y, {})
    y_new = y[:, keep].contiguous()
    y_new.grad = y.grad[:, keep].contiguous()
    opt_new = _make_optimizer(optimizer, [y_new], lr, hyper)
    opt_new.state[y_new] = {name: _rows(v, keep, y.shape) for name, v in state.items()}
    return y_new, opt_new


def _rows(value, keep: torch.Tensor, shape):
    """One optimiser state entry for the kept columns: per-element tensors are cut, shared
    ones (Adam's step count) copied, anything else kept."""
    if not torch.is_tensor(value):
        return value
    return value[:, keep].contiguous() if value.shape == shape else value.clone()
