"""What the student is seeing, in words: the lecture's reading of the current lab view.

Pure text from settings and trajectories, in the visitor's language (`surfaces.i18n`), so
that it is tested like any other output.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from surfaces.descent import Trajectory
from surfaces.i18n import DEFAULT, tr
from surfaces.palette import LOSS_ORDER, loss_name, optimizer_label
from surfaces.settings import LabSettings

__all__ = ["explanation", "markdown_table", "outcome", "summary"]

# y3 is "pinned out of the way" when even the plotted corner where y1 and y2 are smallest
# (both -span) leaves class 3 at most exp(-30) ~ 1e-13 of the probability.
PINNED_MARGIN = 30.0


def pinned(s: LabSettings) -> bool:
    """Whether class 3 carries no visible probability anywhere in the plotted square."""
    return s.y3 + s.span <= -PINNED_MARGIN


def outcome(loss_label: str, traj: Trajectory, threshold: float, lang: str = DEFAULT) -> str:
    """One sentence on how one run went."""
    hit = traj.steps_to(threshold)
    if traj.diverged_at is not None:
        return tr("story.diverged", lang, loss=loss_label, k=traj.diverged_at)
    if hit is not None:
        return tr("story.reached", lang, loss=loss_label, thr=f"{threshold:g}", k=hit)
    moved = abs(traj.points[-1] - traj.points[0]).max()
    if moved < 0.05:
        return tr("story.stuck", lang, loss=loss_label, value=f"{traj.losses[-1]:.4g}",
                  steps=traj.steps)
    return tr("story.went", lang, loss=loss_label, start=f"{traj.losses[0]:.4g}",
              end=f"{traj.losses[-1]:.4g}", steps=traj.steps, thr=f"{threshold:g}")


def ratio_text(ratio: float, g_mse: float) -> str | None:
    """How many times smaller MSE's gradient is, as the sentence says it: two significant
    figures below 10 (1.8), whole numbers above (1,234); None when it is not smaller as
    shown (a ratio under 1.05 would read "1.0 times smaller")."""
    if not (g_mse > 0 and math.isfinite(ratio)) or ratio < 1.05:
        return None
    return f"{ratio:.2g}" if ratio < 9.95 else f"{ratio:,.0f}"


def explanation(s: LabSettings, trajs: Mapping[str, Trajectory], lang: str = DEFAULT) -> str:
    """Markdown under the figures: shape of the surfaces, why the paths look as they do."""
    t = s.target
    others = [c for c in (1, 2, 3) if c != t]
    g_mse, g_ce = trajs["mse"].grad_norms[0], trajs["cross_entropy"].grad_norms[0]
    ratio = g_ce / g_mse if g_mse > 0 else float("inf")
    parts = [
        tr("story.seeing.title", lang),
        tr("story.seeing", lang, y3=f"{s.y3:g}", t=t, onehot=[int(c == t) for c in (1, 2, 3)]),
    ]
    if pinned(s) and t != 3:
        a, b = (1, 2) if t == 1 else (2, 1)
        parts.append(tr("story.pinned", lang, y3=f"{s.y3:g}", a=a, b=b,
                        direction=(1, -1) if t == 1 else (-1, 1)))
    elif pinned(s):
        parts.append(tr("story.pinned_class3", lang, y3=f"{s.y3:g}", minus_y3=f"{-s.y3:g}"))
    else:
        parts.append(tr("story.unpinned", lang, y3=f"{s.y3:g}"))
    parts += [
        tr("story.why.title", lang),
        tr("story.why", lang, y1=f"{s.y1:g}", y2=f"{s.y2:g}", g_ce=f"{g_ce:.3g}",
           g_mse=f"{g_mse:.3g}",
           ratio=tr("story.ratio", lang, ratio=said) if (said := ratio_text(ratio, g_mse))
           else "."),
        tr("story.run.title", lang, opt=optimizer_label(s.opt, lang), lr=f"{s.lr:g}"),
        "- " + outcome(tr("loss.mse.short", lang), trajs["mse"], s.thr, lang),
        "- " + outcome(tr("loss.cross_entropy.short", lang), trajs["cross_entropy"], s.thr, lang),
    ]
    if s.opt in ("adagrad", "rmsprop", "adam"):
        rescue = tr("story.rescue", lang, opt=optimizer_label(s.opt, lang))
        # Only say it failed when it did, and when ε really is above the plateau gradient.
        if s.eps > g_mse and trajs["mse"].steps_to(s.thr) is None:
            rescue += tr("story.rescue_fails", lang, eps=f"{s.eps:g}")
        parts.append(rescue)
    parts.append(tr("story.moral", lang, c1=others[0], c2=others[1]))
    return "\n\n".join(parts)


def summary(trajs: Mapping[str, Trajectory], left_at: Mapping[str, int | None],
            threshold: float, lang: str = DEFAULT) -> list[dict[str, str]]:
    """The table under the curves: one row per loss, MSE first."""
    rows = []
    no = tr("lab.table.no", lang)
    for loss in LOSS_ORDER:
        t = trajs[loss]
        hit = t.steps_to(threshold)
        end = t.points[-1]
        rows.append({
            tr("lab.table.loss", lang): loss_name(loss, lang),
            tr("lab.table.steps_to", lang, thr=f"{threshold:g}"): str(hit) if hit is not None
            else tr("lab.table.never", lang, steps=t.steps),
            tr("lab.table.final_loss", lang): f"{t.losses[-1]:.4g}",
            tr("lab.table.final_point", lang): f"({end[0]:.3g}, {end[1]:.3g})",
            tr("lab.table.diverged", lang): no if t.diverged_at is None
            else tr("lab.table.at_step", lang, k=t.diverged_at),
            tr("lab.table.left", lang): no if left_at[loss] is None
            else tr("lab.table.at_step", lang, k=left_at[loss]),
        })
    return rows


def markdown_table(rows: list[dict[str, str]]) -> str:
    """Rows of equal keys as a Markdown table."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row[k] for k in head) + " |" for row in rows]
    return "\n".join(lines)
