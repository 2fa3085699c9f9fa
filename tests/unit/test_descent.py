"""Descent trajectories: plain GD against its closed form, the other optimisers against torch.optim
on a torch-autograd loss, and the lecture's claims with the app's defaults."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from surfaces import descent
from surfaces.descent import DIVERGENCE_BOUND, OPTIMIZERS, Trajectory, descend, descend_many
from surfaces.settings import PRESETS, LabSettings

LOSSES = ("mse", "cross_entropy")


def torch_loss(name: str, y: torch.Tensor, y3: float, target: int) -> torch.Tensor:
    """The loss at free logits y = (y1, y2) with y3 pinned, built in torch."""
    logits = torch.cat([y, torch.tensor([y3], dtype=y.dtype)])
    if name == "cross_entropy":
        return F.cross_entropy(logits[None], torch.tensor([target]))
    return ((torch.softmax(logits, 0) - F.one_hot(torch.tensor(target), 3)) ** 2).sum()


def value_and_grad(name, y: np.ndarray, y3, target) -> tuple[float, np.ndarray]:
    t = torch.tensor(y, dtype=torch.float64, requires_grad=True)
    value = torch_loss(name, t, y3, target)
    value.backward()
    return value.item(), t.grad.numpy().copy()


def gd_reference(name, start, *, lr, steps, y3, target):
    """y_{k+1} = y_k - lr * grad L(y_k), the gradient by torch autograd."""
    y = np.asarray(start, dtype=np.float64)
    points, values, norms = [], [], []
    for _ in range(steps + 1):
        value, grad = value_and_grad(name, y, y3, target)
        points.append(y)
        values.append(value)
        norms.append(np.linalg.norm(grad))
        y = y - lr * grad
    return np.array(points), np.array(values), np.array(norms)


TORCH_OPT = {
    "momentum": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
    "nesterov": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
    "adagrad": lambda p, lr: torch.optim.Adagrad(p, lr=lr, eps=1e-10),
    "rmsprop": lambda p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.99, eps=1e-8),
    "adam": lambda p, lr: torch.optim.Adam(p, lr=lr, betas=(0.9, 0.999), eps=1e-8),
}


def torch_optim_reference(name, start, make_opt, *, lr, steps, y3, target):
    """A torch.optim run on a (2,) leaf with the loss built in torch: points (steps+1, 2)."""
    y = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make_opt([y], lr)
    points = [y.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        torch_loss(name, y, y3, target).backward()
        opt.step()
        points.append(y.detach().numpy().copy())
    return np.array(points)


def run_settings(s: LabSettings) -> dict[str, Trajectory]:
    return descend_many(LOSSES, (s.y1, s.y2), optimizer=s.opt, lr=s.lr, steps=s.steps, y3=s.y3,
                        target=s.target_index, **s.hyper())


@pytest.fixture(scope="module")
def default_runs():
    return run_settings(LabSettings())


# ---- against references ---------------------------------------------------------------------

@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize(
    ("start", "lr", "y3", "target"),
    [((-3.0, 2.0), 1.0, -1000.0, 0), ((-2.0, 3.0), 0.5, 0.0, 1), ((1.0, -1.0), 3.0, 2.0, 2)],
)
def test_sgd_is_the_closed_form_gradient_step(name, start, lr, y3, target):
    traj = descend(name, start, optimizer="sgd", lr=lr, steps=40, y3=y3, target=target)
    points, values, norms = gd_reference(name, start, lr=lr, steps=40, y3=y3, target=target)
    assert traj.loss == name and traj.optimizer == "sgd" and traj.steps == 40
    assert traj.points.shape == (41, 2) and traj.losses.shape == (41,) and traj.diverged_at is None
    assert np.ptp(points, axis=0).max() > 0.1  # the runs do go somewhere
    np.testing.assert_allclose(traj.points, points, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(traj.losses, values, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(traj.grad_norms, norms, rtol=1e-8, atol=1e-14)


@pytest.mark.parametrize("opt", ["momentum", "nesterov", "adagrad", "rmsprop", "adam"])
@pytest.mark.parametrize(("y3", "target", "lr"), [(-1000.0, 0, 0.3), (0.5, 2, 0.1)])
def test_other_optimizers_match_torch_optim_on_a_torch_loss(opt, y3, target, lr):
    start = (-3.0, 4.0)
    runs = descend_many(LOSSES, start, optimizer=opt, lr=lr, steps=60, y3=y3, target=target)
    for name in LOSSES:
        want = torch_optim_reference(name, start, TORCH_OPT[opt], lr=lr, steps=60, y3=y3,
                                     target=target)
        assert runs[name].optimizer == opt
        np.testing.assert_allclose(runs[name].points, want, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_shared_optimizer_equals_separate_single_loss_runs(opt):
    kwargs = {"optimizer": opt, "lr": 0.5, "steps": 80, "y3": 0.0, "target": 1}
    shared = descend_many(LOSSES, (-4.0, 6.0), **kwargs)
    for name in LOSSES:
        alone = descend(name, (-4.0, 6.0), **kwargs)
        np.testing.assert_allclose(shared[name].points, alone.points, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(shared[name].losses, alone.losses, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(shared[name].grad_norms, alone.grad_norms, rtol=1e-12,
                                   atol=1e-14)
    # the rows really are different runs: had they mixed, they would end in one place
    assert not np.allclose(shared["mse"].points[-1], shared["cross_entropy"].points[-1])


@pytest.mark.parametrize(
    ("opt", "hyper", "make"),
    [
        ("momentum", {"momentum": 0.5}, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.5)),
        ("nesterov", {"momentum": 0.3},
         lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.3, nesterov=True)),
        ("adagrad", {"eps": 1e-3}, lambda p, lr: torch.optim.Adagrad(p, lr=lr, eps=1e-3)),
        ("rmsprop", {"alpha": 0.6, "eps": 1e-4},
         lambda p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.6, eps=1e-4)),
        ("adam", {"beta1": 0.5, "beta2": 0.99, "eps": 1e-3},
         lambda p, lr: torch.optim.Adam(p, lr=lr, betas=(0.5, 0.99), eps=1e-3)),
    ],
)
def test_hyper_parameters_reach_the_optimizer(opt, hyper, make):
    start, kw = (-3.0, 4.0), {"lr": 0.2, "steps": 40, "y3": 0.0, "target": 0}
    got = descend("cross_entropy", start, optimizer=opt, **kw, **hyper)
    default = descend("cross_entropy", start, optimizer=opt, **kw)
    want = torch_optim_reference("cross_entropy", start, make, **kw)
    np.testing.assert_allclose(got.points, want, rtol=1e-7, atol=1e-9)
    assert not np.allclose(got.points, default.points)


# ---- the lecture, with the app's defaults ---------------------------------------------------

def test_defaults_are_the_lectures_experiment():
    s = LabSettings()
    assert (s.y1, s.y2, s.lr, s.steps, s.y3, s.target, s.opt) == (-8, 8, 1.0, 200, -1000, 1, "sgd")
    assert s.target_index == 0 and s.thr == 0.01 and s.hyper() == {}


def test_plain_gd_leaves_mse_stuck_on_its_plateau(default_runs):
    mse = default_runs["mse"]
    assert mse.steps == 200 and mse.diverged_at is None
    assert np.abs(mse.points - mse.points[0]).max() < 1e-3
    np.testing.assert_allclose(mse.losses, 2.0, atol=1e-5)
    assert mse.grad_norms[0] < 1e-6
    assert mse.steps_to(LabSettings().thr) is None


def test_plain_gd_takes_cross_entropy_to_the_low_corner(default_runs):
    ce = default_runs["cross_entropy"]
    thr = LabSettings().thr
    assert ce.diverged_at is None
    assert ce.losses[0] > 10 and ce.losses[-1] < thr
    y1, y2 = ce.points[-1]
    assert y1 > y2
    hit = ce.steps_to(thr)
    assert hit is not None and 0 < hit < 200 and ce.losses[hit] <= thr < ce.losses[hit - 1]
    assert (np.diff(ce.losses) <= 0).all()  # downhill all the way


def test_adam_preset_brings_mse_down_too():
    s = LabSettings().with_(**PRESETS["adam"].changes)
    assert s.opt == "adam"
    runs = run_settings(s)
    for name in LOSSES:
        traj = runs[name]
        assert traj.diverged_at is None and traj.losses[-1] < s.thr
        assert traj.points[-1, 0] > traj.points[-1, 1]
    assert runs["mse"].steps_to(s.thr) is not None


@pytest.mark.parametrize("opt", OPTIMIZERS)
@pytest.mark.parametrize("target", [0, 1])
def test_pinned_y3_makes_every_path_a_straight_diagonal(opt, target):
    start = (-8.0, 8.0) if target == 0 else (8.0, -8.0)  # the wrong corner for the target
    runs = descend_many(LOSSES, start, optimizer=opt, lr=0.5, steps=100, y3=-1000.0,
                        target=target)
    for traj in runs.values():
        np.testing.assert_allclose(traj.points.sum(axis=1), 0.0, atol=1e-9)  # y1 + y2 = 0
    assert np.ptp(runs["cross_entropy"].points[:, 0]) > 1  # ... and the path does move


def test_unpinned_y3_bends_the_path():
    s = LabSettings().with_(**PRESETS["unpin"].changes)
    ce = run_settings(s)["cross_entropy"]
    assert np.ptp(ce.points.sum(axis=1)) > 1


def test_too_large_learning_rate_diverges_without_raising_or_non_finite_values():
    s = LabSettings().with_(**PRESETS["too_large"].changes)
    runs = run_settings(s)
    ce = runs["cross_entropy"]
    assert ce.diverged_at == 1  # -8 + 30000 * (1 - y'_1) leaves ±10,000 at once
    for traj in runs.values():
        assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all()
        assert np.isfinite(traj.grad_norms).all()
        assert (np.abs(traj.points) <= DIVERGENCE_BOUND).all()
    k = ce.diverged_at
    np.testing.assert_array_equal(ce.points[k:], np.broadcast_to(ce.points[k - 1], (201 - k, 2)))
    np.testing.assert_array_equal(ce.losses[k:], ce.losses[k - 1])


@pytest.mark.parametrize("opt", OPTIMIZERS)
@pytest.mark.parametrize("lr", [1e5, 1e300])
def test_huge_steps_never_raise_and_stay_finite(opt, lr):
    runs = descend_many(LOSSES, (-8.0, 8.0), optimizer=opt, lr=lr, steps=30, y3=0.0, target=0)
    for traj in runs.values():
        assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all()
        assert np.isfinite(traj.grad_norms).all()
        assert (np.abs(traj.points) <= DIVERGENCE_BOUND).all()
    assert any(t.diverged_at is not None for t in runs.values())


def test_divergence_step_is_the_first_point_outside_the_bound():
    start, kw = (-1.0, 1.0), {"lr": 3.0, "steps": 30, "y3": -1000.0, "target": 0}
    want, _, _ = gd_reference("cross_entropy", start, **kw)
    first = int(np.flatnonzero((np.abs(want) > 1.8).any(axis=1))[0])
    assert first > 1
    traj = descend_many(["cross_entropy"], start, bound=1.8, **kw)["cross_entropy"]
    assert traj.diverged_at == first
    np.testing.assert_allclose(traj.points[:first], want[:first], rtol=1e-12)
    frozen = np.broadcast_to(traj.points[first - 1], (31 - first, 2))
    np.testing.assert_array_equal(traj.points[first:], frozen)  # held at the last good point


def test_zero_steps_is_the_start_alone():
    traj = descend("cross_entropy", (1, 2), lr=1.0, steps=0)
    assert traj.steps == 0 and traj.points.tolist() == [[1.0, 2.0]]
    assert traj.losses[0] == pytest.approx(value_and_grad("cross_entropy", [1.0, 2.0], -1000, 0)[0])


# ---- Trajectory.steps_to ------------------------------------------------------------------

def make_traj(losses, diverged_at=None) -> Trajectory:
    n = len(losses)
    return Trajectory("mse", "sgd", np.zeros((n, 2)), np.asarray(losses, dtype=float),
                      np.ones(n), diverged_at)


def test_steps_to_is_the_first_step_at_or_below_the_threshold():
    traj = make_traj([3.0, 2.0, 1.0, 0.5, 0.7, 0.1])
    assert traj.steps == 5
    assert traj.steps_to(1.0) == 2  # at, not only below
    assert traj.steps_to(0.6) == 3
    assert traj.steps_to(5.0) == 0
    assert traj.steps_to(0.01) is None


def test_steps_to_ignores_the_frozen_values_after_divergence():
    traj = make_traj([3.0, 0.5, 0.5, 0.5], diverged_at=1)
    assert traj.steps_to(1.0) is None
    assert make_traj([3.0, 0.5, 9.0, 9.0], diverged_at=2).steps_to(1.0) == 1


# ---- errors ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: descend("mse", (0, 0), optimizer="evil", lr=1, steps=1),
         "optimizer must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam. "
         "Got 'evil' instead."),
        (lambda: descend("mse", (0, 0), optimizer="sgd", lr=1, steps=1, momentum=0.9),
         "sgd takes no hyper-parameters besides lr. Got momentum instead."),
        (lambda: descend("mse", (0, 0), optimizer="adam", lr=1, steps=1, alpha=0.9, momentum=0.1),
         "adam takes beta1, beta2, eps. Got alpha, momentum instead."),
        (lambda: descend("mse", (float("nan"), 0), lr=1, steps=1),
         "start must be two finite numbers (y1, y2). Got [nan, 0.0] instead."),
        (lambda: descend("mse", (0, float("inf")), lr=1, steps=1),
         "start must be two finite numbers (y1, y2). Got [0.0, inf] instead."),
        (lambda: descend("mse", (0, 0, 0), lr=1, steps=1),
         "start must be two finite numbers (y1, y2). Got [0.0, 0.0, 0.0] instead."),
        (lambda: descend("l1", (0, 0), lr=1, steps=1),
         "loss must be one of mse, cross_entropy. Got 'l1' instead."),
        (lambda: descend("mse", (0, 0), lr=0, steps=1), "lr must be positive. Got 0 instead."),
        (lambda: descend("mse", (0, 0), lr=float("nan"), steps=1),
         "lr must be positive. Got nan instead."),
        (lambda: descend("mse", (0, 0), lr=1, steps=-1),
         "steps must be a non-negative integer. Got -1 instead."),
        (lambda: descend("mse", (0, 0), lr=1, steps=2.5),
         "steps must be a non-negative integer. Got 2.5 instead."),
        (lambda: descend("mse", (0, 0), lr=1, steps=1, y3=float("inf")),
         "y3 must be finite. Got inf instead."),
        (lambda: descend("mse", (0, 0), lr=1, steps=1, target=3),
         "target must be 0, 1 or 2. Got 3 instead."),
    ],
)
def test_bad_arguments_raise_exact_messages(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()


def test_every_optimizer_has_its_hyper_parameter_table():
    assert set(descent.HYPER_DEFAULTS) == set(OPTIMIZERS)


# ---- gaps found by mutation testing (docs/testing.md) ---------------------------------------

@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize(("start", "y3", "target"), [
    ((0.0, 800.0), -1000.0, 0),  # y2 is the largest logit by far more than exp() can take
    ((0.0, 1.0), 800.0, 2),  # so is the pinned y3
])
def test_descent_is_stable_when_any_logit_dominates(name, start, y3, target):
    traj = descend(name, start, lr=0.5, steps=5, y3=y3, target=target)
    points, values, norms = gd_reference(name, start, lr=0.5, steps=5, y3=y3, target=target)
    assert traj.diverged_at is None and np.isfinite(traj.losses).all()
    np.testing.assert_allclose(traj.points, points, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(traj.losses, values, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(traj.grad_norms, norms, rtol=1e-8, atol=1e-14)


def test_a_point_exactly_on_the_bound_has_not_left_it():
    kw = {"lr": 3.0, "steps": 30, "y3": -1000.0, "target": 0}
    free = descend_many(["cross_entropy"], (-1.0, 1.0), bound=1e9, **kw)["cross_entropy"]
    edge = float(np.abs(free.points[5]).max())
    assert np.abs(free.points[6]).max() > edge  # the run keeps going outwards
    traj = descend_many(["cross_entropy"], (-1.0, 1.0), bound=edge, **kw)["cross_entropy"]
    assert traj.diverged_at == 6
    np.testing.assert_array_equal(traj.points[:6], free.points[:6])
    # from the divergence on, every curve holds its last good value
    np.testing.assert_array_equal(traj.points[6:], np.broadcast_to(free.points[5], (25, 2)))
    np.testing.assert_array_equal(traj.losses[6:], free.losses[5])
    np.testing.assert_array_equal(traj.grad_norms[6:], free.grad_norms[5])


def test_called_without_y3_target_or_optimizer_it_is_the_lectures_descent():
    # class 1 (index 0), y3 = -1000, plain gradient descent
    points, values, _ = gd_reference("cross_entropy", (-8.0, 8.0), lr=1.0, steps=20,
                                     y3=-1000.0, target=0)
    for traj in (descend("cross_entropy", (-8.0, 8.0), lr=1.0, steps=20),
                 descend_many(["cross_entropy"], (-8.0, 8.0), lr=1.0, steps=20)["cross_entropy"]):
        np.testing.assert_allclose(traj.points, points, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(traj.losses, values, rtol=1e-10, atol=1e-12)
