"""Losses and their analytic gradients agree with PyTorch and stay finite where naive code does not.

The reference is built independently in torch, micrograd-style: `F.cross_entropy` on logits,
a softmax + sum-of-squares MSE written out in torch, gradients by `torch.autograd`.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from surfaces import losses as L

RTOL, ATOL = 1e-10, 1e-12


def torch_loss(name: str, logits: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    """(loss (...), gradient (..., K)) of one loss on (..., K) logits, by torch autograd."""
    x = torch.tensor(logits, requires_grad=True)
    k = x.shape[-1]
    flat = x.reshape(-1, k)
    if name == "cross_entropy":
        t = torch.full((flat.shape[0],), target, dtype=torch.long)
        value = F.cross_entropy(flat, t, reduction="none")
    else:
        onehot = F.one_hot(torch.tensor(target), k).to(x.dtype)
        value = ((torch.softmax(flat, dim=-1) - onehot) ** 2).sum(dim=-1)
    value.sum().backward()  # rows are independent: the gradient of the sum is per row
    return value.detach().reshape(x.shape[:-1]).numpy(), x.grad.numpy()


OURS = {
    "mse": (L.mse, L.mse_grad),
    "cross_entropy": (L.cross_entropy, L.cross_entropy_grad),
}
SHAPES = [(3,), (6, 3), (2, 4, 3), (10,), (6, 10), (2, 3, 10)]


@pytest.mark.parametrize("name", L.LOSSES)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_loss_and_gradient_match_torch_on_random_logits_for_every_target(name, shape):
    rng = np.random.default_rng([len(shape), shape[-1]])
    # rows of gentle, saturating and extreme logits
    scale = rng.choice([1.0, 8.0, 40.0], size=(*shape[:-1], 1)) if len(shape) > 1 else 8.0
    logits = rng.normal(0.0, 1.0, size=shape) * scale
    f, grad = OURS[name]
    for target in range(shape[-1]):
        want, want_grad = torch_loss(name, logits, target)
        got, got_grad = f(logits, target), grad(logits, target)
        assert got.shape == shape[:-1] and got_grad.shape == shape
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(got_grad, want_grad, rtol=RTOL, atol=ATOL)
        # the name-dispatching entry points are the same functions
        np.testing.assert_array_equal(L.loss(name, logits, target), got)
        np.testing.assert_array_equal(L.loss_grad(name, logits, target), got_grad)


@pytest.mark.parametrize("name", L.LOSSES)
def test_float32_logits_stay_float32_and_match_torch(name):
    logits = np.random.default_rng(3).normal(0, 5, size=(6, 3)).astype(np.float32)
    f, grad = OURS[name]
    want, want_grad = torch_loss(name, logits.astype(np.float64), 1)
    assert f(logits, 1).dtype == np.float32 and grad(logits, 1).dtype == np.float32
    np.testing.assert_allclose(f(logits, 1), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad(logits, 1), want_grad, rtol=1e-4, atol=1e-6)


def test_integer_logits_are_promoted_to_float():
    np.testing.assert_allclose(L.cross_entropy(np.array([3, 1, -3]), 0),
                               L.cross_entropy(np.array([3.0, 1.0, -3.0]), 0))
    np.testing.assert_allclose(L.mse_grad([3, 1, -3], 2), L.mse_grad([3.0, 1.0, -3.0], 2))


def test_softmax_of_the_lecture_example():
    p = L.softmax(np.array([3.0, 1.0, -3.0]))
    np.testing.assert_array_equal(np.round(p, 2), [0.88, 0.12, 0.00])
    np.testing.assert_allclose(p, torch.softmax(torch.tensor([3.0, 1.0, -3.0]), 0).numpy(),
                               rtol=1e-6)
    assert p.sum() == pytest.approx(1.0)
    # the sum form of MSE and -ln y'_1 of the lecture, by hand
    assert L.mse([3.0, 1.0, -3.0], 0) == pytest.approx((1 - p[0]) ** 2 + p[1] ** 2 + p[2] ** 2)
    assert L.cross_entropy([3.0, 1.0, -3.0], 0) == pytest.approx(-np.log(p[0]))


def test_softmax_and_log_softmax_match_torch_on_rows():
    logits = np.random.default_rng(4).normal(0, 30, size=(4, 5, 10))
    p = L.softmax(logits)
    np.testing.assert_allclose(p, torch.softmax(torch.tensor(logits), -1).numpy(), rtol=1e-12,
                               atol=1e-300)
    np.testing.assert_allclose(L.log_softmax(logits),
                               torch.log_softmax(torch.tensor(logits), -1).numpy(), rtol=1e-12,
                               atol=1e-14)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    assert ((p >= 0) & (p <= 1)).all()


# ---- extreme logits: where a naive log(softmax(y)) breaks ----------------------------------

def naive_cross_entropy(logits: np.ndarray, target: int) -> np.ndarray:
    with np.errstate(all="ignore"):
        e = np.exp(logits)
        return -np.log(e / e.sum(axis=-1, keepdims=True))[..., target]


EXTREME = {
    "y3=-1000": np.array([2.0, 1.0, -1000.0]),
    "+-1e4": np.array([1e4, -1e4, 0.0]),
    "-1e4 target low": np.array([-1e4, 0.0, 1e4]),
    "huge equal": np.array([1e4, 1e4, 1e4]),
    "huge equal 1e300": np.array([1e300, 1e300, 1e300]),
    "batch": np.array([[-8.0, 8.0, -1000.0], [1e4, -1e4, -1e4], [-1e4, -1e4, -1e4]]),
}


@pytest.mark.parametrize("name", L.LOSSES)
@pytest.mark.parametrize("case", EXTREME, ids=str)
def test_extreme_logits_are_finite_and_match_torch(name, case):
    logits = EXTREME[case]
    f, grad = OURS[name]
    for target in range(3):
        got, got_grad = f(logits, target), grad(logits, target)
        assert np.isfinite(got).all() and np.isfinite(got_grad).all()
        want, want_grad = torch_loss(name, logits, target)
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(got_grad, want_grad, rtol=RTOL, atol=ATOL)


def test_target_on_pinned_class_three_gives_about_1000_where_naive_log_softmax_gives_inf():
    logits = np.array([2.0, 1.0, -1000.0])
    assert naive_cross_entropy(logits, 2) == np.inf  # exp(-1000) underflows: -log(0)
    ce = L.cross_entropy(logits, 2)
    assert np.isfinite(ce)
    # -ln y'_3 = logsumexp(y) - y3 = 1000 + 2 + ln(1 + e^-1), by hand
    assert ce == pytest.approx(1000.0 + 2.0 + np.log1p(np.exp(-1.0)), rel=1e-15)
    np.testing.assert_allclose(L.cross_entropy_grad(logits, 2), L.softmax(logits) - [0, 0, 1])
    assert np.isfinite(L.mse_grad(logits, 2)).all()


def test_naive_torch_log_softmax_has_nan_gradient_where_ours_is_finite():
    x = torch.tensor([2.0, 1.0, -1000.0], dtype=torch.float64, requires_grad=True)
    naive = -torch.log(torch.softmax(x, 0))[2]
    naive.backward()
    assert naive.item() == np.inf and torch.isnan(x.grad).any()
    ours = L.cross_entropy_grad(np.array([2.0, 1.0, -1000.0]), 2)
    assert np.isfinite(ours).all()
    np.testing.assert_allclose(ours[2], -1.0)  # y'_3 - 1 with y'_3 = 0


def test_naive_exp_overflows_on_1e4_logits_but_ours_does_not():
    logits = np.array([1e4, -1e4, 0.0])
    assert not np.isfinite(naive_cross_entropy(logits, 1))
    assert L.cross_entropy(logits, 1) == pytest.approx(2e4)
    assert L.cross_entropy(logits, 0) == 0.0
    assert L.mse(logits, 1) == pytest.approx(2.0)


@pytest.mark.parametrize("big", [1e4, 1e300])
def test_huge_equal_logits_are_a_uniform_softmax(big):
    logits = np.full(3, big)
    np.testing.assert_allclose(L.softmax(logits), [1 / 3] * 3)
    assert L.cross_entropy(logits, 1) == pytest.approx(np.log(3.0))
    assert L.mse(logits, 1) == pytest.approx(4 / 9 + 1 / 9 + 1 / 9)
    np.testing.assert_allclose(L.cross_entropy_grad(logits, 0), [-2 / 3, 1 / 3, 1 / 3])
    # 2 p (r - <r, p>) with p = 1/3, r = (-2/3, 1/3, 1/3), <r, p> = 0
    np.testing.assert_allclose(L.mse_grad(logits, 0), [-4 / 9, 2 / 9, 2 / 9])


def test_mse_gradient_vanishes_on_the_wrong_plateau_while_cross_entropy_does_not():
    logits = np.array([-8.0, 8.0, -1000.0])  # the lecture's start, target class 1
    assert L.mse(logits, 0) == pytest.approx(2.0, abs=1e-6)  # completely wrong ...
    assert np.linalg.norm(L.mse_grad(logits, 0)) < 1e-6  # ... and flat
    assert np.linalg.norm(L.cross_entropy_grad(logits, 0)) == pytest.approx(np.sqrt(2), rel=1e-6)


# ---- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [L.mse, L.cross_entropy, L.mse_grad, L.cross_entropy_grad])
def test_bad_arguments_raise_exact_messages(fn):
    with pytest.raises(ValueError, match=r"^logits must have a class axis of shape \(\.\.\., K\)\. "
                                         r"Got a scalar instead\.$"):
        fn(3.0, 0)
    with pytest.raises(ValueError, match=r"^target must be a class index in \[0, 2\]\. "
                                         r"Got 3 instead\.$"):
        fn(np.zeros(3), 3)
    with pytest.raises(ValueError, match=r"^target must be a class index in \[0, 2\]\. "
                                         r"Got -1 instead\.$"):
        fn(np.zeros((4, 3)), -1)
    with pytest.raises(ValueError, match=r"^target must be a class index in \[0, 9\]\. "
                                         r"Got 10 instead\.$"):
        fn(np.zeros(10), 10)


@pytest.mark.parametrize("fn", [L.loss, L.loss_grad])
def test_unknown_loss_name_raises_exact_message(fn):
    with pytest.raises(ValueError, match=r"^loss must be one of mse, cross_entropy\. "
                                         r"Got 'l1' instead\.$"):
        fn("l1", np.zeros(3), 0)
