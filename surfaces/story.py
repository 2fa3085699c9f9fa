"""What the student is seeing, in words: the lecture's reading of the current lab view.

Pure text from settings and trajectories, so that it is tested like any other output.
"""

from __future__ import annotations

from collections.abc import Mapping

from surfaces.descent import Trajectory
from surfaces.palette import LOSS_NAMES
from surfaces.settings import OPTIMIZER_LABELS, LabSettings

__all__ = ["explanation", "markdown_table", "outcome", "summary"]

# y3 is "pinned out of the way" when even the plotted corner where y1 and y2 are smallest
# (both -span) leaves class 3 at most exp(-30) ~ 1e-13 of the probability.
PINNED_MARGIN = 30.0


def pinned(s: LabSettings) -> bool:
    """Whether class 3 carries no visible probability anywhere in the plotted square."""
    return s.y3 + s.span <= -PINNED_MARGIN


def outcome(loss_label: str, traj: Trajectory, threshold: float) -> str:
    """One sentence on how one run went."""
    hit = traj.steps_to(threshold)
    if traj.diverged_at is not None:
        return (f"**{loss_label}** diverged at step {traj.diverged_at}: the logits left "
                f"±10,000 (shown as ✕).")
    if hit is not None:
        return f"**{loss_label}** reached loss ≤ {threshold:g} after {hit} steps."
    moved = abs(traj.points[-1] - traj.points[0]).max()
    if moved < 0.05:
        return (f"**{loss_label}** did not move: loss {traj.losses[-1]:.4g} after all "
                f"{traj.steps} steps (stuck on the plateau).")
    return (f"**{loss_label}** went from loss {traj.losses[0]:.4g} to "
            f"{traj.losses[-1]:.4g} in {traj.steps} steps, never reaching {threshold:g}.")


def explanation(s: LabSettings, trajs: Mapping[str, Trajectory]) -> str:
    """Markdown under the figures: shape of the surfaces, why the paths look as they do."""
    t = s.target
    others = [c for c in (1, 2, 3) if c != t]
    g_mse, g_ce = trajs["mse"].grad_norms[0], trajs["cross_entropy"].grad_norms[0]
    ratio = g_ce / g_mse if g_mse > 0 else float("inf")
    parts = [
        "#### What you are seeing",
        f"Each point of the square is a network output y = (y1, y2, y3) with y3 = {s.y3:g}; "
        f"the label is class {t}, ŷ = {[int(c == t) for c in (1, 2, 3)]}. Red is a large "
        "loss, blue a small one; each loss has one colour scale for its surface and its map.",
    ]
    if pinned(s) and t != 3:
        a, b = (1, 2) if t == 1 else (2, 1)
        parts.append(
            f"**y3 is pinned at {s.y3:g}**, so y3' = exp(y3)/Σ exp(y) is practically 0 and "
            f"both losses depend on **d = y{a} − y{b} only**: cross-entropy is ln(1 + e^(−d)) "
            "and MSE is 2·(1 − σ(d))². The gradient of a function of d alone is parallel to "
            f"(∂d/∂y1, ∂d/∂y2) = {(1, -1) if t == 1 else (-1, 1)}, so **every descent path is "
            "a straight diagonal line** — the lecture's arrow — whatever the optimiser "
            "(element-wise optimisers keep the two coordinates' steps equal and opposite)."
        )
    elif pinned(s):
        parts.append(
            f"The label is class 3, but y3 is pinned at {s.y3:g}: no (y1, y2) in view can "
            "give class 3 any probability. Cross-entropy is about −y3 + logsumexp(y1, y2) ≈ "
            f"{-s.y3:g} everywhere, finite because it is computed as logsumexp(y) − y_t "
            "(a naive log(softmax) would give −log(0) = inf here)."
        )
    else:
        parts.append(
            f"**y3 = {s.y3:g} is not pinned out of the way**: class 3 competes for probability, "
            "the surfaces depend on y1 and y2 separately, and the paths can bend."
        )
    parts += [
        "#### Why the two losses behave differently",
        "Through the softmax, cross-entropy has gradient ∂e/∂y_i = y'_i − ŷ_i: the further "
        "from the target, the larger it is. MSE's gradient carries the softmax Jacobian "
        "y'_i(δ_ij − y'_j), which goes to 0 when the softmax saturates — even when the "
        f"prediction is completely wrong. At the start ({s.y1:g}, {s.y2:g}) the gradient "
        f"norm is **{g_ce:.3g} for cross-entropy and {g_mse:.3g} for MSE**"
        + (f", {ratio:,.0f} times smaller." if g_mse > 0 and ratio > 1 else "."),
        f"#### This run: {OPTIMIZER_LABELS[s.opt]}, learning rate {s.lr:g}",
        "- " + outcome("MSE", trajs["mse"], s.thr),
        "- " + outcome("Cross-entropy", trajs["cross_entropy"], s.thr),
    ]
    if s.opt in ("adagrad", "rmsprop", "adam"):
        rescue = (
            f"{OPTIMIZER_LABELS[s.opt]} divides each step by a running root mean square of "
            "the gradient (plus ε), so a tiny but consistent gradient still gives steps of "
            "about the learning rate: this is how an adaptive optimiser can rescue MSE."
        )
        # Only say it failed when it did, and when ε really is above the plateau gradient.
        if s.eps > g_mse and trajs["mse"].steps_to(s.thr) is None:
            rescue += f" With ε = {s.eps:g} larger than the plateau gradient, it cannot."
        parts.append(rescue)
    parts.append(f"Classes {others[0]} and {others[1]} are the wrong answers; "
                 "changing only the loss function changes how hard optimisation is.")
    return "\n\n".join(parts)


def summary(trajs: Mapping[str, Trajectory], left_at: Mapping[str, int | None],
            threshold: float) -> list[dict[str, str]]:
    """The table under the curves: one row per loss, MSE first."""
    rows = []
    for loss in ("mse", "cross_entropy"):
        t = trajs[loss]
        hit = t.steps_to(threshold)
        end = t.points[-1]
        rows.append({
            "loss": LOSS_NAMES[loss],
            f"steps to loss ≤ {threshold:g}": str(hit) if hit is not None
            else f"never in {t.steps} steps",
            "final loss": f"{t.losses[-1]:.4g}",
            "final point (y1, y2)": f"({end[0]:.3g}, {end[1]:.3g})",
            "diverged": "no" if t.diverged_at is None else f"at step {t.diverged_at}",
            "left the plot": "no" if left_at[loss] is None else f"at step {left_at[loss]}",
        })
    return rows


def markdown_table(rows: list[dict[str, str]]) -> str:
    """Rows of equal keys as a Markdown table."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row[k] for k in head) + " |" for row in rows]
    return "\n".join(lines)
