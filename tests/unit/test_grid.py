"""Error surfaces over (y1, y2): the same numbers as the pointwise losses and torch, the lecture's
orientation and shape, and finite everywhere."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from surfaces import losses as L
from surfaces.grid import error_surfaces

TOL = {np.float32: {"rtol": 2e-6, "atol": 1e-6}, np.float64: {"rtol": 1e-13, "atol": 1e-14}}
N = 41


def grid_logits(surf) -> np.ndarray:
    """(n, n, 3) float64 logits with [i, j] = (y1s[j], y2s[i], y3): the documented orientation."""
    out = np.empty((len(surf.y2s), len(surf.y1s), 3))
    out[..., 0] = np.asarray(surf.y1s, dtype=np.float64)[None, :]
    out[..., 1] = np.asarray(surf.y2s, dtype=np.float64)[:, None]
    out[..., 2] = surf.y3
    return out


def torch_point(name: str, y1: float, y2: float, y3: float, target: int):
    """Loss and (d/dy1, d/dy2) at one point by torch autograd, float64."""
    y = torch.tensor([y1, y2], dtype=torch.float64, requires_grad=True)
    logits = torch.cat([y, torch.tensor([y3], dtype=torch.float64)])
    if name == "cross_entropy":
        value = F.cross_entropy(logits[None], torch.tensor([target]))
    else:
        value = ((torch.softmax(logits, 0) - F.one_hot(torch.tensor(target), 3)) ** 2).sum()
    value.backward()
    return value.item(), y.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("y3", [-1000.0, 0.0, 3.0])
@pytest.mark.parametrize("target", [0, 1, 2])
def test_surfaces_and_gradients_equal_the_pointwise_losses(dtype, y3, target):
    surf = error_surfaces(lo=-10, hi=10, n=N, y3=y3, target=target, grads=True, dtype=dtype)
    logits = grid_logits(surf)
    for name in L.LOSSES:
        z, g = surf.z[name], surf.grad[name]
        assert z.shape == (N, N) and g.shape == (N, N, 2)
        assert z.dtype == dtype
        np.testing.assert_allclose(z, L.loss(name, logits, target), **TOL[dtype])
        np.testing.assert_allclose(g, L.loss_grad(name, logits, target)[..., :2], **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("y3", [-1000.0, 1.5])
def test_surfaces_and_gradients_match_torch_autograd_at_sampled_points(dtype, y3):
    rng = np.random.default_rng(7)
    for target in (0, 1, 2):
        surf = error_surfaces(lo=-6, hi=9, n=31, y3=y3, target=target, grads=True, dtype=dtype)
        for i, j in rng.integers(0, 31, size=(8, 2)):
            y1, y2 = float(surf.y1s[j]), float(surf.y2s[i])
            for name in L.LOSSES:
                value, grad = torch_point(name, y1, y2, y3, target)
                np.testing.assert_allclose(surf.z[name][i, j], value, **TOL[dtype])
                np.testing.assert_allclose(surf.grad[name][i, j], grad, **TOL[dtype])


def test_orientation_row_is_y2_column_is_y1():
    surf = error_surfaces(lo=-4, hi=6, n=11, y3=0.5, target=1, dtype=np.float64)
    np.testing.assert_array_equal(surf.y1s, np.linspace(-4, 6, 11))
    np.testing.assert_array_equal(surf.y2s, np.linspace(-4, 6, 11))
    assert surf.n == 11 and surf.y3 == 0.5 and surf.target == 1 and surf.grad is None
    for i, j in [(0, 10), (10, 0), (2, 7), (7, 2)]:
        point = [surf.y1s[j], surf.y2s[i], 0.5]
        assert surf.z["cross_entropy"][i, j] == pytest.approx(L.cross_entropy(point, 1))
        assert surf.z["mse"][i, j] == pytest.approx(L.mse(point, 1))
    # the check above can tell the orientations apart: the surface is not symmetric
    assert not np.allclose(surf.z["cross_entropy"], surf.z["cross_entropy"].T)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_lecture_picture_high_top_left_low_bottom_right_for_class_one(dtype):
    surf = error_surfaces(lo=-10, hi=10, n=N, y3=-1000, target=0, dtype=dtype)
    for name in L.LOSSES:
        z = surf.z[name].astype(np.float64)
        top_left, bottom_right = z[-1, 0], z[0, -1]  # (y1, y2) = (-10, 10) and (10, -10)
        assert top_left == z.max() and bottom_right == z.min()
        assert top_left > 1.9 and bottom_right < 1e-6
        # more y1 lowers the loss, more y2 raises it: monotone across the whole square
        assert (np.diff(z, axis=1) <= 1e-6).all() and (np.diff(z, axis=0) >= -1e-6).all()


@pytest.mark.parametrize("target", [0, 1])
def test_pinned_y3_makes_the_surface_a_function_of_y1_minus_y2(target):
    surf = error_surfaces(lo=-10, hi=10, n=N, y3=-1000, target=target, dtype=np.float64)
    logits = grid_logits(surf)
    # d = y_target - y_other; the lecture's closed forms in d alone
    d = logits[..., target] - logits[..., 1 - target]
    np.testing.assert_allclose(surf.z["cross_entropy"], np.logaddexp(0.0, -d),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(surf.z["mse"], 2 * (1 - 1 / (1 + np.exp(-d))) ** 2,
                               rtol=1e-9, atol=1e-15)
    for name in L.LOSSES:
        for offset in range(-N + 1, N):  # constant along every diagonal y1 - y2 = const
            diag = np.diagonal(surf.z[name], offset)
            np.testing.assert_allclose(diag, diag[0], rtol=1e-12, atol=1e-14)


def test_unpinned_y3_makes_the_surface_depend_on_y1_and_y2_separately():
    surf = error_surfaces(lo=-10, hi=10, n=N, y3=0.0, target=0, dtype=np.float64)
    for name in L.LOSSES:
        spread = max(np.ptp(np.diagonal(surf.z[name], k)) for k in range(-N + 1, N))
        assert spread > 0.1


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_target_on_pinned_class_three_is_finite_everywhere(dtype):
    surf = error_surfaces(lo=-50, hi=50, n=N, y3=-1000, target=2, grads=True, dtype=dtype)
    for name in L.LOSSES:
        assert np.isfinite(surf.z[name]).all() and np.isfinite(surf.grad[name]).all()
    y1 = np.asarray(surf.y1s, dtype=np.float64)[None, :]
    y2 = np.asarray(surf.y2s, dtype=np.float64)[:, None]
    # -ln y'_3 = logsumexp(y1, y2, y3) - y3 ~ 1000 + logsumexp(y1, y2)
    np.testing.assert_allclose(surf.z["cross_entropy"], 1000 + np.logaddexp(y1, y2), rtol=1e-6)
    # y'_3 = 0: MSE = 1 + y'_1^2 + y'_2^2 with a two-class softmax, in [1.5, 2]
    p1 = 1 / (1 + np.exp(y2 - y1))
    np.testing.assert_allclose(surf.z["mse"], 1 + p1**2 + (1 - p1) ** 2, rtol=1e-6)
    # cross-entropy pushes y1, y2 down with y'_1, y'_2; their sum is 1
    np.testing.assert_allclose(surf.grad["cross_entropy"].sum(axis=-1), 1.0, rtol=1e-6)


def test_float32_is_the_default_and_float64_can_be_asked_for():
    assert error_surfaces(n=5).z["mse"].dtype == np.float32
    f64 = error_surfaces(n=5, dtype=np.float64, grads=True)
    assert f64.z["cross_entropy"].dtype == np.float64 and f64.grad["mse"].dtype == np.float64


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1}, "n must be greater than 1. Got 1 instead."),
        ({"n": 0}, "n must be greater than 1. Got 0 instead."),
        ({"lo": 3.0, "hi": 3.0}, "lo must be smaller than hi and both finite. Got lo=3.0, hi=3.0."),
        ({"lo": 5.0, "hi": -5.0},
         "lo must be smaller than hi and both finite. Got lo=5.0, hi=-5.0."),
        ({"lo": float("nan")}, "lo must be smaller than hi and both finite. Got lo=nan, hi=10.0."),
        ({"hi": float("inf")}, "lo must be smaller than hi and both finite. Got lo=-10.0, hi=inf."),
        ({"y3": float("nan")}, "y3 must be finite. Got nan instead."),
        ({"y3": float("-inf")}, "y3 must be finite. Got -inf instead."),
        ({"target": 3}, "target must be 0, 1 or 2. Got 3 instead."),
        ({"target": -1}, "target must be 0, 1 or 2. Got -1 instead."),
    ],
)
def test_bad_arguments_raise_exact_messages(kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        error_surfaces(**kwargs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("target", [0, 1])
def test_pinned_fast_path_equals_the_full_grid_computation(dtype, target):
    """With y3 out of reach the grid is laid out from the 2n-1 values of y1 - y2; it must
    match the same formulas evaluated on every grid point."""
    from surfaces.grid import _losses

    fast = error_surfaces(lo=-7.0, hi=9.0, n=57, y3=-1000.0, target=target, grads=True,
                          dtype=dtype)
    axis = fast.y1s
    z, g = _losses(axis[None, :], axis[:, None], np.dtype(dtype).type(-1000.0), target, True)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for loss in ("mse", "cross_entropy"):
        np.testing.assert_allclose(fast.z[loss], z[loss], rtol=tol, atol=tol)
        np.testing.assert_allclose(fast.grad[loss], g[loss], rtol=tol, atol=tol)
        assert fast.z[loss].shape == (57, 57) and fast.grad[loss].shape == (57, 57, 2)


def test_surfaces_are_continuous_across_the_pinned_threshold():
    """Just inside and just outside the fast path's condition give the same picture."""
    from surfaces.grid import _negligible

    edge = -10.0 + _negligible(np.dtype(np.float32))
    inside = error_surfaces(y3=edge - 1e-3, n=41)
    outside = error_surfaces(y3=edge + 1e-3, n=41)
    for loss in ("mse", "cross_entropy"):
        np.testing.assert_allclose(inside.z[loss], outside.z[loss], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("target", [0, 2])
def test_blockwise_full_grid_equals_one_pass_over_the_grid(target):
    """y3 in reach: the grid is computed in row blocks (57 rows: one partial block)."""
    from surfaces.grid import _losses

    surf = error_surfaces(lo=-6.0, hi=5.0, n=57, y3=0.5, target=target, grads=True)
    axis = surf.y1s
    z, g = _losses(axis[None, :], axis[:, None], np.float32(0.5), target, True)
    for loss in ("mse", "cross_entropy"):
        np.testing.assert_array_equal(surf.z[loss], z[loss])
        np.testing.assert_array_equal(surf.grad[loss], g[loss])


# ---- gaps found by mutation testing (docs/testing.md) ---------------------------------------

@pytest.mark.parametrize("y3", [-10.0, 0.0])
@pytest.mark.parametrize("target", [0, 2])
def test_a_page_sized_grid_equals_the_pointwise_losses_in_every_row(y3, target):
    """101 rows: several row blocks, every one of them filled; y3 = -10 is in reach of the
    square's corner (-10, -10), so class 3 must count there."""
    surf = error_surfaces(lo=-10, hi=10, n=101, y3=y3, target=target, grads=True)
    logits = grid_logits(surf)
    for name in L.LOSSES:
        np.testing.assert_allclose(surf.z[name], L.loss(name, logits, target),
                                   **TOL[np.float32])
        np.testing.assert_allclose(surf.grad[name], L.loss_grad(name, logits, target)[..., :2],
                                   **TOL[np.float32])
        assert surf.grad[name].dtype == surf.z[name].dtype == np.float32


def test_the_smallest_grid_is_the_four_corners_and_the_defaults_are_the_lectures():
    surf = error_surfaces(n=2, y3=0.0)
    assert surf.y1s.tolist() == [-10.0, 10.0]
    np.testing.assert_allclose(surf.z["cross_entropy"],
                               L.cross_entropy(grid_logits(surf), 0), **TOL[np.float32])
    lecture = error_surfaces(n=5)  # class 1, y3 = -1000, y1, y2 in [-10, 10]
    assert (lecture.target, lecture.y3) == (0, -1000.0)
    np.testing.assert_allclose(lecture.z["mse"], L.mse(grid_logits(lecture), 0),
                               **TOL[np.float32])
