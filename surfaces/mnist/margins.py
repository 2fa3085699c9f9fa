"""From the toy to the real network: a test image's margin is the lab's y1 - y2.

In the error-surface lab the target's logit is y1 and the competitor's y2 (y3 pinned out of
the way); both losses then depend on d = y1 - y2 alone (LECTURE.md §2). For a 10-class network
the same coordinate is the margin: the target logit minus the strongest wrong logit. d < 0 is
the lab's top-left half (confidently wrong when very negative), d > 0 the bottom-right.

MSE's flat zone: where the gradient of MSE with respect to the logits is under FLAT_RATIO of
cross-entropy's (LECTURE.md §3: the softmax Jacobian vanishes, cross-entropy's y' - ŷ does not).
Only images classified wrong are counted: a confidently right image is also flat for MSE, but
there is nothing left to learn there.
"""

from __future__ import annotations

import numpy as np
import torch

from surfaces.mnist import models

FLAT_RATIO = 0.01  # MSE's gradient under 1 % of cross-entropy's
MARGIN_BINS = np.linspace(-20.0, 20.0, 41)  # histogram edges; outside values go to the ends


def margins(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Target logit minus the strongest other logit: logits (..., M, K), y (M,) -> (..., M)."""
    target, wrong = top_two(logits, y)
    return target - wrong


def top_two(logits: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(target logit, strongest wrong logit), each (..., M): the lab's (y1, y2) per image."""
    index = y[:, None].expand(*logits.shape[:-1], 1)
    target = logits.gather(-1, index)[..., 0]
    others = logits.scatter(-1, index, float("-inf"))
    return target, others.amax(dim=-1)


def gradient_ratio(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """|dMSE/dlogits| / |dCE/dlogits| per image, (..., M), in float64 (no underflow to 0/0).

    From one softmax p: cross-entropy's gradient is p - onehot, MSE's is the error 2 (p -
    onehot) through the softmax Jacobian (models.mse_softmax), both per image.
    """
    p = models.log_softmax(logits.double()).exp()
    return softmax_gradient_ratio(p, p - models.one_hot(y, p))


def softmax_gradient_ratio(p: torch.Tensor, err: torch.Tensor) -> torch.Tensor:
    """gradient_ratio from each image's softmax p and error p - onehot (..., M, K) float64 (the
    error is cross-entropy's gradient), for a caller that has them already: (..., M)."""
    return models.mse_softmax_grad(p, err).norm(dim=-1) / err.norm(dim=-1).clamp_min(1e-300)


def in_flat_zone(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(..., M) bool: classified wrong and MSE's gradient under FLAT_RATIO of cross-entropy's."""
    wrong = logits.argmax(dim=-1) != y
    return wrong & (gradient_ratio(logits, y) < FLAT_RATIO)


def histogram(values: np.ndarray) -> np.ndarray:
    """Counts of values (M,) over MARGIN_BINS, values beyond either end in the end bins."""
    clipped = np.clip(np.nan_to_num(values, nan=0.0), MARGIN_BINS[0], MARGIN_BINS[-1])
    return np.histogram(clipped, bins=MARGIN_BINS)[0]


def lab_start(target_logit: float, wrong_logit: float) -> dict[str, str]:
    """The error-surface lab's URL parameters that start descent at this image's (y1, y2).

    Target class 1, y3 pinned at -1000 (the lab's default: the loss depends on y1 - y2 only),
    y1 and y2 on the lab's 0.5 grid and the span wide enough to show the start.
    """
    y1 = _snap(target_logit)
    y2 = _snap(wrong_logit)
    span = float(min(50, max(10, int(np.ceil(max(abs(y1), abs(y2)))) + 2)))
    return {"target": "1", "y1": f"{y1:g}", "y2": f"{y2:g}", "y3": "-1000", "span": f"{span:g}"}


def _snap(value: float) -> float:
    value = float(np.nan_to_num(value, nan=0.0, posinf=50.0, neginf=-50.0))
    return float(np.clip(round(value * 2) / 2, -50.0, 50.0)) + 0.0  # + 0.0: no "-0"
