"""Gradient anatomy against torch: norms, the Jacobian factorisation, naive cross-entropy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from surfaces.anatomy import LOG10_FLOOR, anatomy_at, gradient_maps, naive_cross_entropy


def torch_grads(y1, y2, y3, target):
    """(grad MSE, grad CE) w.r.t. (y1, y2) by autograd."""
    out = []
    for name in ("mse", "cross_entropy"):
        y = torch.tensor([y1, y2], dtype=torch.float64, requires_grad=True)
        logits = torch.cat([y, torch.tensor([y3], dtype=torch.float64)])
        if name == "cross_entropy":
            value = F.cross_entropy(logits[None], torch.tensor([target]))
        else:
            value = ((logits.softmax(0) - F.one_hot(torch.tensor(target), 3)) ** 2).sum()
        value.backward()
        out.append(y.grad.numpy())
    return out


@pytest.mark.parametrize(("y3", "target"), [(-1000.0, 0), (0.0, 1), (1.5, 2)])
def test_gradient_norms_and_stall_zone_against_autograd(y3, target):
    maps = gradient_maps(lo=-6, hi=6, n=9, y3=y3, target=target, fraction=0.05)
    for i, j in [(0, 8), (8, 0), (4, 4), (2, 7), (6, 1)]:
        g_mse, g_ce = torch_grads(maps.y1s[j], maps.y2s[i], y3, target)
        for name, g in (("mse", g_mse), ("cross_entropy", g_ce)):
            expected = max(np.log10(np.linalg.norm(g)), LOG10_FLOOR)
            # the lab's grid lays y1 - y2 out on a uniform step: a few ulps apart
            assert maps.log10_norm[name][i, j] == pytest.approx(expected, abs=1e-6)
        stalled = np.linalg.norm(g_mse) < 0.05 * np.linalg.norm(g_ce)
        assert maps.stall[i, j] == stalled


def test_stall_zone_is_the_lecture_top_left():
    maps = gradient_maps(lo=-10, hi=10, n=41, fraction=0.01)
    assert maps.stall[-1, 0]  # top-left: confidently wrong
    assert not maps.stall[20, 20]  # the diagonal: MSE still has slope
    assert np.isfinite(maps.log10_norm["mse"]).all()


@pytest.mark.parametrize(("point", "target"), [((-8.0, 8.0, -1000.0), 0), ((1.0, 2.0, 0.5), 2),
                                               ((30.0, -30.0, 0.0), 1)])
def test_mse_gradient_is_jacobian_times_error(point, target):
    a = anatomy_at(*point, target=target)
    logits = torch.tensor(point, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda y: y.softmax(0), logits).numpy()
    np.testing.assert_allclose(a.jacobian, jac, atol=1e-15)
    y = logits.clone().requires_grad_(True)
    ((y.softmax(0) - F.one_hot(torch.tensor(target), 3)) ** 2).sum().backward()
    np.testing.assert_allclose(a.grad_mse, y.grad.numpy(), atol=1e-15)
    np.testing.assert_allclose(a.jacobian @ (2 * a.error), a.grad_mse, atol=1e-15)
    assert a.jacobian_norm == pytest.approx(np.linalg.svd(jac, compute_uv=False).max())


def test_at_the_slide_the_jacobian_vanishes_not_the_error():
    a = anatomy_at(-8.0, 8.0, -1000.0, target=0)
    assert a.error_norm > 2.5  # far from the target: the error is as large as it gets
    assert a.jacobian_norm < 1e-6  # the softmax is saturated: J passes almost nothing on
    assert np.linalg.norm(a.grad_ce) > 1.0


def torch_naive(y1s, y2s, y3, target, dtype):
    y1, y2 = torch.meshgrid(torch.tensor(y2s), torch.tensor(y1s), indexing="ij")[::-1]
    logits = torch.stack([y1, y2, torch.full_like(y1, y3)], -1).to(dtype).requires_grad_(True)
    e = logits.exp()
    value = -(e / e.sum(-1, keepdim=True)).log()[..., target]
    value.sum().backward()
    return value.detach().numpy(), logits.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("y3", "target"), [(-1000.0, 2), (-1000.0, 0), (0.0, 1), (-100.0, 2)])
def test_naive_undefined_region_matches_torch(y3, target, dtype):
    naive = naive_cross_entropy(lo=-50, hi=50, n=21, y3=y3, target=target, dtype=dtype)
    value, grad = torch_naive(naive.y1s, naive.y2s, y3, target,
                              torch.float64 if dtype == np.float64 else torch.float32)
    np.testing.assert_array_equal(naive.loss_undefined, ~np.isfinite(value))
    np.testing.assert_array_equal(naive.grad_undefined, ~np.isfinite(grad).all(-1))
    ok = ~naive.loss_undefined
    np.testing.assert_allclose(naive.value[ok], value[ok], rtol=1e-5)
    if dtype == np.float64:  # float32's naive gradient loses its digits in any order
        ok = ~naive.grad_undefined
        np.testing.assert_allclose(naive.grad_norm[ok], np.linalg.norm(grad[ok][:, :2], axis=-1),
                                   rtol=1e-4, atol=1e-12)  # cancellation below 1e-12
    assert np.isfinite(naive.value).all() and np.isfinite(naive.grad_norm).all()


def test_lecture_naive_loss_breaks_for_class_3_and_its_gradient_for_all():
    """LECTURE.md §4: with y3 = -1000 the naive loss is inf for target class 3; class 3's
    probability is 0 for every target, so the naive gradient is nan everywhere."""
    assert naive_cross_entropy(lo=-10, hi=10, n=11, target=2).loss_undefined.all()
    class1 = naive_cross_entropy(lo=-10, hi=10, n=11, target=0)
    assert not class1.loss_undefined.any() and class1.grad_undefined.all()
    unpinned = naive_cross_entropy(lo=-10, hi=10, n=11, y3=0.0, target=0)
    assert unpinned.share_undefined == 0.0
