"""The probability simplex: the (y1, y2) square mapped to the softmax outputs (y1', y2', y3').

Every logit vector lands on the triangle y1' + y2' + y3' = 1, each y' in [0, 1]. With y3
pinned at -1000, y3' = 0 everywhere: the whole square lives on one edge of the triangle
(the one from class 1 to class 2) and descent paths run along that edge. Unpinning y3 opens
the square up into the interior.

Ternary coordinates ``(a, b, c) = (y1', y2', y3')`` are what Plotly's ternary axes take;
`cartesian` gives the point in the plane (class 1 at (0, 0), class 2 at (1, 0), class 3 at
(1/2, √3/2)), for tests and for anyone drawing the triangle by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surfaces import losses as L

__all__ = ["SimplexCloud", "cartesian", "path_on_simplex", "square_on_simplex"]


@dataclass(frozen=True)
class SimplexCloud:
    """The square's grid points on the simplex: probs (m, 3), logits (m, 2), loss (m,) each."""

    probs: np.ndarray
    logits: np.ndarray  # (y1, y2) of each point
    loss: dict[str, np.ndarray]

    @property
    def edge_share(self) -> float:
        """Share of points whose y3' is below 1e-6: on the class-1/class-2 edge."""
        return float((self.probs[:, 2] < 1e-6).mean())


def square_on_simplex(*, lo: float, hi: float, n: int, y3: float = -1000.0,
                      target: int = 0) -> SimplexCloud:
    """The n x n grid over [lo, hi]^2 (y3 pinned) as softmax outputs, with both losses."""
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi and n >= 2):
        raise ValueError(f"need lo < hi, both finite, and n > 1. Got lo={lo}, hi={hi}, n={n}.")
    axis = np.linspace(lo, hi, n)
    y1, y2 = np.meshgrid(axis, axis)
    logits = np.column_stack([y1.ravel(), y2.ravel()])
    full = np.column_stack([logits, np.full(len(logits), float(y3))])
    probs = L.softmax(full)
    loss = {name: L.loss(name, full, target) for name in L.LOSSES}
    return SimplexCloud(probs, logits, loss)


def path_on_simplex(points: np.ndarray, y3: float) -> np.ndarray:
    """A trajectory's points (k, 2) in (y1, y2) -> (k, 3) softmax outputs."""
    points = np.asarray(points, dtype=np.float64)
    return L.softmax(np.column_stack([points, np.full(len(points), float(y3))]))


def cartesian(probs: np.ndarray) -> np.ndarray:
    """(..., 3) probabilities -> (..., 2) points in the plane of the triangle."""
    probs = np.asarray(probs, dtype=np.float64)
    x = probs[..., 1] + 0.5 * probs[..., 2]
    y = (np.sqrt(3.0) / 2.0) * probs[..., 2]
    return np.stack([x, y], axis=-1)
