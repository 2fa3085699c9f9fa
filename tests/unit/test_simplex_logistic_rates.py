"""The simplex map, the 1-D logistic view and the learning-rate rules, against torch and
closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from surfaces import logistic, rates, simplex
from surfaces.descent import descend

# ---- simplex --------------------------------------------------------------------------------


@pytest.mark.parametrize(("y3", "target"), [(-1000.0, 0), (0.0, 2), (3.0, 1)])
def test_square_on_simplex_against_torch(y3, target):
    cloud = simplex.square_on_simplex(lo=-5, hi=5, n=11, y3=y3, target=target)
    logits = torch.tensor(np.column_stack([cloud.logits, np.full(len(cloud.logits), y3)]))
    np.testing.assert_allclose(cloud.probs, logits.softmax(-1).numpy(), atol=1e-15)
    ce = F.cross_entropy(logits, torch.full((len(logits),), target), reduction="none")
    np.testing.assert_allclose(cloud.loss["cross_entropy"], ce.numpy(), rtol=1e-12)
    # rows along y2, columns along y1, flattened row by row
    assert cloud.logits[1].tolist() == [-4.0, -5.0] and cloud.logits[11].tolist() == [-5.0, -4.0]


def test_pinned_square_lives_on_one_edge():
    assert simplex.square_on_simplex(lo=-10, hi=10, n=21).edge_share == 1.0
    assert simplex.square_on_simplex(lo=-10, hi=10, n=21, y3=0.0).edge_share < 0.5


def test_cartesian_corners_and_path():
    corners = simplex.cartesian(np.eye(3))
    np.testing.assert_allclose(corners, [[0, 0], [1, 0], [0.5, np.sqrt(3) / 2]])
    traj = descend("cross_entropy", (-8.0, 8.0), lr=1.0, steps=50, y3=0.0)
    probs = simplex.path_on_simplex(traj.points, 0.0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert probs[-1, 0] > probs[0, 0]  # walks toward class 1's corner


# ---- logistic -------------------------------------------------------------------------------


def torch_logistic(name, w):
    t = torch.tensor(float(w), dtype=torch.float64, requires_grad=True)
    z = t * torch.tensor(logistic.DATA_X)
    y = torch.tensor(logistic.DATA_Y)
    if name == "cross_entropy":
        value = F.binary_cross_entropy_with_logits(z, y, reduction="sum")
    else:
        value = ((torch.sigmoid(z) - y) ** 2).sum()
    value.backward()
    return value.item(), t.grad.item()


@pytest.mark.parametrize("name", logistic.LOSSES)
@pytest.mark.parametrize("w", [-400.0, -12.0, -1.0, 0.0, 0.7, 5.0, 300.0])
def test_logistic_loss_and_grad_against_autograd(name, w):
    value, grad = logistic.loss_and_grad(name, w)
    ref_value, ref_grad = torch_logistic(name, w)
    assert value == pytest.approx(ref_value, rel=1e-12, abs=1e-300)
    assert grad == pytest.approx(ref_grad, rel=1e-10, abs=1e-300)


def test_lecture_figure_square_error_flattens_far_away():
    """Far from the optimum cross-entropy's slope is large, square error's nearly 0."""
    ce, se = (abs(logistic.loss_and_grad(n, -10.0)[1]) for n in logistic.LOSSES)
    assert ce > 10 and se < 0.05
    w_ce, _ = logistic.optimum("cross_entropy")
    assert abs(logistic.loss_and_grad("cross_entropy", w_ce)[1]) < 1e-8


def test_descend_1d_against_torch_sgd():
    run = logistic.descend_1d("square_error", -6.0, lr=0.3, steps=40)
    w = torch.tensor(-6.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.3)
    for k in range(41):
        assert run.weights[k] == pytest.approx(w.item(), rel=1e-12)
        opt.zero_grad()
        ((torch.sigmoid(w * torch.tensor(logistic.DATA_X)) - torch.tensor(logistic.DATA_Y)) ** 2
         ).sum().backward()
        opt.step()


# ---- learning rates -------------------------------------------------------------------------


@pytest.mark.parametrize(("curve", "label"), [
    ([5, 4, 3, 2.5, 2.4], "too_small"),
    ([5, 3, 1.2, 1.01, 1.0001], "right"),
    ([5, 2, 3, 1.5, 1.2], "too_large"),
    ([5, 2, 7, 9, 12], "diverging"),
    ([5, 4, np.inf, 4, 4], "diverging"),
    ([5, 5 + 1e-12, 3, 1.0], "right"),  # a rise within rounding is not a rise
])
def test_label_rule(curve, label):
    assert rates.label_run(np.array(curve, dtype=float), best=1.0) == label


def test_sweep_on_the_notes_problem_shows_every_label():
    sweep = rates.rate_sweep([0.01, 0.3, 1.0, 5.0], w0=-6.0, steps=50)
    assert [label for _, label in sweep["cross_entropy"]] == [
        "too_small", "right", "too_large", "diverging"]
    # square error sits on its plateau: cross-entropy's right rate is too small for it
    assert [label for _, label in sweep["square_error"]][:3] == [
        "too_small", "too_small", "right"]


@pytest.mark.parametrize("scales", [(1.0, 1.0), (1.0, 4.0)])
def test_gradient_descent_on_quadratic_is_the_closed_form(scales):
    lr, steps, start = 0.05, 30, np.array([-2.0, 3.0])
    run = rates.quadratic_descent(scales, start, optimizer="sgd", lr=lr, steps=steps)
    k = np.arange(steps + 1)[:, None]
    closed = 1.0 + (1.0 - lr * np.square(scales)) ** k * (start - 1.0)
    np.testing.assert_allclose(run.points, closed, rtol=1e-12)
    np.testing.assert_allclose(run.rates, lr)


def test_adagrad_rate_is_lr_over_root_of_summed_squares():
    scales, lr = (1.0, 10.0), 0.5
    run = rates.quadratic_descent(scales, (-2.0, 3.0), optimizer="adagrad", lr=lr, steps=25)
    grads = np.square(scales) * (run.points[:-1] - 1.0)
    expected = lr / (np.sqrt(np.cumsum(grads**2, axis=0)) + rates.ADAGRAD_EPS)
    np.testing.assert_allclose(run.rates, expected, rtol=1e-12)
    np.testing.assert_allclose(run.points[1:], run.points[:-1] - expected * grads, rtol=1e-12)
    # the steep direction gets the smaller rate
    assert (run.rates[:, 1] < run.rates[:, 0]).all()


def test_feature_scaling_lets_one_rate_fit_both_directions():
    """Elongated: the rate that is safe for the steep direction crawls along the flat one;
    after scaling the same budget reaches the centre."""
    steps = 60
    # 1/64 is the best rate for the steep direction (s = 8) and crawls along the flat one
    before = rates.quadratic_descent((1.0, 8.0), (-2.0, 3.0), optimizer="sgd", lr=1 / 64,
                                     steps=steps)
    after = rates.quadratic_descent((1.0, 1.0), (-2.0, 3.0), optimizer="sgd", lr=0.5,
                                    steps=steps)
    assert before.losses[-1] > 0.1 and after.losses[-1] < 1e-6
    blown = rates.quadratic_descent((1.0, 8.0), (-2.0, 3.0), optimizer="sgd", lr=1.0, steps=200)
    assert np.isfinite(blown.points).all() and np.abs(blown.points).max() <= 1e6
