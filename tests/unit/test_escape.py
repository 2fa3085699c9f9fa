"""Escape maps against `descend` run start by start, against the closed-form loss at step 0,
and the lecture's claim (MSE stuck in the top-left, cross-entropy escapes)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from surfaces import escape
from surfaces.descent import OPTIMIZERS, descend
from surfaces.escape import NEVER, budget_for, escape_map, first_below, within

LOSSES = ("mse", "cross_entropy")


def reference(loss, start, threshold, **run) -> int:
    """First step of `descend`'s run whose loss is below threshold, before any divergence."""
    traj = descend(loss, start, **run)
    below = np.flatnonzero(traj.losses < threshold)
    if traj.diverged_at is not None:
        below = below[below < traj.diverged_at]
    return int(below[0]) if below.size else NEVER


# (y3, target, lr): the lecture's pinned square, class 3 in play, class 3 as the target
# (pinned: its loss is ~1000 everywhere), a large rate.
CASES = [(-1000.0, 0, 1.0), (0.0, 2, 0.3), (2.0, 1, 3.0), (-1000.0, 2, 1.0), (-1000.0, 1, 300.0)]


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("loss", LOSSES)
def test_agrees_with_descend_start_by_start(optimizer, loss):
    rng = np.random.default_rng(hash((optimizer, loss)) % 2**32)
    n, steps, thr = 17, 120, 0.05
    axis = np.linspace(-6, 6, n)
    for y3, target, lr in CASES:
        run = dict(optimizer=optimizer, lr=lr, steps=steps, y3=y3, target=target)
        grid = escape_map(loss, threshold=thr, lo=-6, hi=6, n=n, **run)
        assert grid.shape == (n, n) and grid.dtype == np.int64
        for i, j in rng.integers(0, n, size=(12, 2)):
            assert grid[i, j] == reference(loss, (axis[j], axis[i]), thr, **run), (
                y3, target, lr, i, j)


def test_shortcut_equals_every_start_run():
    """y3 pinned: the 2n-1 runs laid out over y1 - y2 give the map of all n*n runs."""
    n = 41
    axis = np.linspace(-10, 10, n)
    y1, y2 = np.meshgrid(axis, axis)
    starts = np.column_stack([y1.ravel(), y2.ravel()])
    for loss in LOSSES:
        for optimizer, lr in (("sgd", 1.0), ("adam", 0.3), ("rmsprop", 0.01)):
            run = dict(loss=loss, optimizer=optimizer, lr=lr, steps=300, threshold=0.01)
            full, class3 = first_below(starts, **run)
            assert not class3
            shortcut = escape_map(lo=-10, hi=10, n=n, **run)
            np.testing.assert_array_equal(shortcut, full.reshape(n, n))


def test_rows_follow_y2_and_columns_y1():
    """Step 0 is the start itself: below threshold exactly where torch's loss is."""
    n, thr = 31, 0.5
    axis = np.linspace(-4, 4, n)
    for target in (0, 1, 2):
        for loss in LOSSES:
            grid = escape_map(loss, optimizer="sgd", lr=0.1, steps=0, threshold=thr, lo=-4,
                              hi=4, n=n, y3=0.5, target=target)
            y1, y2 = np.meshgrid(axis, axis)
            logits = torch.tensor(np.stack([y1, y2, np.full_like(y1, 0.5)], axis=-1))
            if loss == "cross_entropy":
                value = -F.log_softmax(logits, -1)[..., target]
            else:
                value = ((logits.softmax(-1) - F.one_hot(torch.tensor(target), 3)) ** 2).sum(-1)
            expected = np.where(value.numpy() < thr, 0, NEVER)
            np.testing.assert_array_equal(grid, expected)


def test_the_slide_mse_stuck_cross_entropy_escapes():
    """The lecture's start (-8, 8), gradient descent lr 1, 200 steps, threshold 0.01."""
    n = 81  # the grid -10..10 holds -8 and 8 (steps of 0.25)
    run = dict(optimizer="sgd", lr=1.0, steps=200, threshold=0.01, lo=-10, hi=10, n=n)
    axis = np.linspace(-10, 10, n)
    i, j = int(np.flatnonzero(axis == 8.0)[0]), int(np.flatnonzero(axis == -8.0)[0])
    mse, ce = escape_map("mse", **run), escape_map("cross_entropy", **run)
    assert mse[i, j] == NEVER
    assert 0 < ce[i, j] <= 200
    # Every start escapes under cross-entropy; MSE's plateau (top-left) keeps many.
    assert (ce != NEVER).all()
    y1, y2 = np.meshgrid(axis, axis)
    stuck = mse == NEVER
    assert stuck.sum() > n * n // 10
    assert (y2[stuck] - y1[stuck]).min() > 5  # all far into the top-left triangle
    # Adam rescues MSE from the same corner (LECTURE.md §2).
    adam = escape_map("mse", optimizer="adam", lr=0.3, steps=200, threshold=0.01, lo=-10,
                      hi=10, n=n)
    assert adam[i, j] != NEVER


def test_diverging_runs_never_count():
    """lr 30000 throws cross-entropy's logits past the bound in one step (the lab's preset)."""
    grid = escape_map("cross_entropy", optimizer="sgd", lr=30000.0, steps=50, threshold=0.01,
                      lo=-10, hi=10, n=21)
    axis = np.linspace(-10, 10, 21)
    for i, j in ((20, 0), (10, 10), (0, 20)):
        assert grid[i, j] == reference("cross_entropy", (axis[j], axis[i]), 0.01,
                                       optimizer="sgd", lr=30000.0, steps=50)
    assert grid[20, 0] == NEVER  # top-left: thrown out on the first step
    assert grid[0, 20] == 0  # bottom-right: below the threshold at the start


def test_finished_rows_leave_with_their_state(monkeypatch):
    """Compaction happens (rows finish at different steps) and keeps Adam's moments per row."""
    calls = []
    real = escape._compact

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(escape, "_compact", counting)
    starts = np.column_stack([np.linspace(-5, 5, 50), np.linspace(5, -5, 50)])
    run = dict(loss="cross_entropy", optimizer="adam", lr=0.1, steps=200, threshold=0.05,
               y3=0.0)
    first, _ = first_below(starts, **run)
    assert len(calls) > 2
    for s, f in zip(starts[::7], first[::7], strict=True):
        assert f == reference("cross_entropy", tuple(s), 0.05, optimizer="adam", lr=0.1,
                              steps=200, y3=0.0)


def test_nothing_to_run_and_no_escape():
    grid = escape_map("cross_entropy", optimizer="sgd", lr=1.0, steps=5, threshold=-1.0,
                      lo=-1, hi=1, n=3)
    assert (grid == NEVER).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1}, "n must be an integer greater than 1. Got 1 instead."),
        ({"lo": 1.0, "hi": -1.0}, "lo must be smaller than hi and both finite. Got lo=1.0"),
        ({"threshold": float("nan")}, "threshold must be finite. Got nan instead."),
        ({"lr": 0.0}, "lr must be positive. Got 0.0 instead."),
        ({"steps": -1}, "steps must be a non-negative integer. Got -1 instead."),
        ({"target": 3}, "target must be 0, 1 or 2. Got 3 instead."),
        ({"optimizer": "lbfgs"}, "optimizer must be one of sgd, momentum"),
        ({"loss": "hinge"}, "loss must be one of mse, cross_entropy. Got 'hinge' instead."),
        ({"optimizer": "sgd", "beta1": 0.9}, "sgd takes no hyper-parameters besides lr"),
    ],
)
def test_exact_messages(kwargs, message):
    run = dict(loss="mse", optimizer="sgd", lr=1.0, steps=10, threshold=0.01, lo=-1.0, hi=1.0,
               n=5)
    run.update(kwargs)
    loss = run.pop("loss")
    with pytest.raises(ValueError, match=re.escape(message)):
        escape_map(loss, **run)


@pytest.mark.parametrize(("loss", "y3", "optimizer", "lr"), [
    ("mse", -1000.0, "sgd", 1.0), ("mse", 0.0, "sgd", 1.0), ("cross_entropy", 0.0, "adam", 0.3),
    ("mse", 0.0, "momentum", 0.5), ("cross_entropy", -1000.0, "rmsprop", 0.1),
])
def test_a_shorter_budget_is_read_off_a_longer_one(loss, y3, optimizer, lr):
    """The page computes one map per budget and shows any shorter one with `within`: equal
    to computing it with that many steps, at the budget's edge too."""
    grid = dict(threshold=0.01, lo=-10.0, hi=10.0, n=31, y3=y3, target=1)
    longer = escape_map(loss, optimizer=optimizer, lr=lr, steps=500, **grid)
    for steps in (1, 37, 137, 499, 500):
        direct = escape_map(loss, optimizer=optimizer, lr=lr, steps=steps, **grid)
        np.testing.assert_array_equal(within(longer, steps), direct)
    assert (longer >= 0).any()


def test_budgets_hold_the_steps():
    assert [budget_for(s) for s in (1, 100, 101, 200, 201, 500, 999, 1000)] == [
        100, 100, 200, 200, 500, 500, 1000, 1000]
    assert budget_for(1500) == 1500  # above every budget: itself
