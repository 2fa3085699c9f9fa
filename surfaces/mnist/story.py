"""The lecture's reading of a live MNIST run, as language-table keys with their parameters.

Pure: the page turns each (key, params) into a sentence with `t(key, **params)`.
"""

from __future__ import annotations

from collections.abc import Sequence

PASS_LEVEL = 0.5  # test accuracy that counts as "left the plateau at chance"


def steps_to(history: Sequence, loss: str, level: float = PASS_LEVEL) -> int | None:
    """The first evaluated step at which loss's test accuracy is at least level (None: never)."""
    for record in history:
        if record.metrics[loss]["test_acc"] >= level:
            return record.step
    return None


def reading(history: Sequence, losses: Sequence[str] = ("cross_entropy", "mse")) -> list:
    """[(key, params)] for the run so far: who passed PASS_LEVEL when, and how much later."""
    if not history:
        return []
    ce, mse = losses
    last = history[-1]
    at = {loss: steps_to(history, loss) for loss in losses}
    acc = {loss: f"{100 * last.metrics[loss]['test_acc']:.0f}" for loss in losses}
    if at[ce] is None and at[mse] is None:
        return [("mnist.story.both_plateau", {"step": last.step, "ce": acc[ce], "mse": acc[mse]})]
    if at[mse] is None:
        return [("mnist.story.ce_escaped", {"k": at[ce], "step": last.step, "mse": acc[mse]})]
    if at[ce] is None:
        return [("mnist.story.mse_escaped", {"k": at[mse], "step": last.step, "ce": acc[ce]})]
    return [("mnist.story.both_escaped", {"k_ce": at[ce], "k_mse": at[mse],
                                          "ratio": f"{at[mse] / max(at[ce], 1):.1f}"})]
