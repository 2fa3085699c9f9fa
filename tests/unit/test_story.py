"""The words under the figures say what the numbers show."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from surfaces.descent import Trajectory, descend_many
from surfaces.i18n import DEFAULT, TABLES, placeholders
from surfaces.settings import PRESETS, LabSettings
from surfaces.story import explanation, markdown_table, outcome, summary

DIFFERENCE = "depend on **d = y1 − y2 only**"
DIAGONAL = "every descent path is a straight diagonal line"


def runs(s: LabSettings) -> dict[str, Trajectory]:
    return descend_many(["mse", "cross_entropy"], (s.y1, s.y2), optimizer=s.opt, lr=s.lr,
                        steps=s.steps, y3=s.y3, target=s.target_index, **s.hyper())


def preset(name: str) -> LabSettings:
    return LabSettings().with_(**PRESETS[name].changes)


def torch_grad_norm(name: str, s: LabSettings) -> float:
    y = torch.tensor([s.y1, s.y2], dtype=torch.float64, requires_grad=True)
    logits = torch.cat([y, torch.tensor([s.y3], dtype=torch.float64)])
    target = torch.tensor(s.target_index)
    if name == "cross_entropy":
        loss = F.cross_entropy(logits[None], target[None])
    else:
        loss = ((torch.softmax(logits, 0) - F.one_hot(target, 3)) ** 2).sum()
    loss.backward()
    return float(y.grad.norm())


@pytest.fixture(scope="module")
def default_text():
    s = LabSettings()
    return explanation(s, runs(s))


def test_pinned_y3_explains_the_y1_minus_y2_dependence_and_the_diagonal(default_text):
    assert "**y3 is pinned at -1000**" in default_text
    assert DIFFERENCE in default_text and DIAGONAL in default_text
    assert "ln(1 + e^(−d))" in default_text  # the closed form checked in test_grid
    assert "ŷ = [1, 0, 0]" in default_text


def test_target_two_swaps_the_difference():
    s = LabSettings(target=2, y1=8.0, y2=-8.0)
    text = explanation(s, runs(s))
    assert "depend on **d = y2 − y1 only**" in text and DIAGONAL in text
    assert "(∂d/∂y1, ∂d/∂y2) = (-1, 1)" in text and "ŷ = [0, 1, 0]" in text


def test_unpinned_y3_does_not_claim_the_diagonal():
    s = preset("unpin")
    text = explanation(s, runs(s))
    assert "y3 = 0 is not pinned out of the way" in text
    assert "only**" not in text and "diagonal" not in text


def test_low_y3_inside_a_wide_plot_is_not_called_pinned():
    # y3 = -50 with the square reaching (-50, -50): class 3 gets 1/3 in that corner.
    s = LabSettings(y3=-50.0, span=50.0, y1=-45.0, y2=-40.0)
    text = explanation(s, runs(s))
    assert "is not pinned out of the way" in text and DIAGONAL not in text
    traj = runs(s)["cross_entropy"]
    drift = np.ptp(traj.points.sum(axis=1))
    assert drift > 1e-3  # and indeed the path is not a diagonal


def test_target_on_pinned_class_three_says_the_loss_is_finite_not_diagonal():
    s = LabSettings(target=3)
    text = explanation(s, runs(s))
    assert "diagonal" not in text and "only**" not in text
    assert "≈ 1000 everywhere" in text and "inf" in text


def test_gradient_norms_at_the_start_are_reported():
    s = LabSettings()
    text = explanation(s, runs(s))
    g_ce, g_mse = torch_grad_norm("cross_entropy", s), torch_grad_norm("mse", s)
    assert g_ce == pytest.approx(np.sqrt(2), rel=1e-6) and g_mse < 1e-6
    assert f"At the start (-8, 8) the gradient norm is **{g_ce:.3g} for cross-entropy and " \
           f"{g_mse:.3g} for MSE**, {g_ce / g_mse:,.0f} times smaller." in text


def test_run_section_names_the_optimizer_and_both_outcomes(default_text):
    assert "#### This run: Gradient descent, learning rate 1" in default_text
    assert "- **MSE** did not move" in default_text
    assert "- **Cross-entropy** reached loss ≤ 0.01" in default_text
    assert "adaptive" not in default_text


def test_adaptive_optimizer_explains_the_rescue_and_epsilon():
    s = preset("adam")
    text = explanation(s, runs(s))
    assert "#### This run: Adam, learning rate 0.3" in text
    assert "rescue MSE" in text
    assert "- **MSE** reached loss ≤ 0.01" in text
    # ε = 1e-8 is far below the plateau gradient (~6e-7), and MSE was rescued: no "it cannot"
    assert "cannot" not in text


def test_adaptive_optimizer_with_a_large_epsilon_says_it_cannot_rescue_mse():
    s = preset("adam").with_(eps=1e-3)
    trajs = runs(s)
    assert trajs["mse"].steps_to(s.thr) is None and s.eps > trajs["mse"].grad_norms[0]
    text = explanation(s, trajs)
    assert "- **MSE** did not move" in text
    assert "With ε = 0.001 larger than the plateau gradient, it cannot." in text


# ---- outcome ---------------------------------------------------------------------------------

def test_outcome_of_a_stuck_run():
    mse = runs(LabSettings())["mse"]
    assert outcome("MSE", mse, 0.01) == (
        f"**MSE** did not move: loss {mse.losses[-1]:.4g} after all 200 steps "
        "(stuck on the plateau).")
    assert f"{mse.losses[-1]:.4g}" == "2"


def test_outcome_of_a_run_that_reaches_the_threshold():
    ce = runs(LabSettings())["cross_entropy"]
    hit = ce.steps_to(0.01)
    assert hit is not None and ce.losses[hit] <= 0.01 < ce.losses[hit - 1]
    assert outcome("Cross-entropy", ce, 0.01) == (
        f"**Cross-entropy** reached loss ≤ 0.01 after {hit} steps.")


def test_outcome_of_a_diverged_run():
    ce = runs(preset("too_large"))["cross_entropy"]
    assert outcome("Cross-entropy", ce, 0.01) == (
        "**Cross-entropy** diverged at step 1: the logits left ±10,000 (shown as ✕).")


def test_outcome_of_a_run_that_moves_but_falls_short():
    s = LabSettings(steps=5)
    ce = runs(s)["cross_entropy"]
    assert ce.losses[-1] > 0.01
    assert outcome("Cross-entropy", ce, 0.01) == (
        f"**Cross-entropy** went from loss {ce.losses[0]:.4g} to {ce.losses[-1]:.4g} in 5 steps, "
        "never reaching 0.01.")
    assert f"{ce.losses[0]:.4g}" == "16"


# ---- the summary table ---------------------------------------------------------------------

def test_summary_rows_tell_each_run_mse_first():
    s = preset("too_large")
    trajs = runs(s)
    rows = summary(trajs, {"mse": None, "cross_entropy": 3}, s.thr)
    mse, ce = rows
    assert mse["loss"] == "Mean square error" and ce["loss"] == "Cross-entropy"
    assert mse["steps to loss ≤ 0.01"] == str(trajs["mse"].steps_to(s.thr))
    assert ce["steps to loss ≤ 0.01"] == "never in 200 steps"
    assert (mse["diverged"], ce["diverged"]) == ("no", "at step 1")
    assert (mse["left the plot"], ce["left the plot"]) == ("no", "at step 3")
    assert ce["final point (y1, y2)"] == "(-8, 8)"  # held at the last finite point
    assert ce["final loss"] == f"{trajs['cross_entropy'].losses[-1]:.4g}" == "16"


def test_markdown_table_has_a_header_a_rule_and_one_line_per_row():
    rows = [{"a": "1", "b": "x"}, {"a": "2", "b": "y"}]
    assert markdown_table(rows).splitlines() == ["| a | b |", "|---|---|", "| 1 | x |",
                                                 "| 2 | y |"]


# ---- every word in the visitor's language (gaps found by mutation testing) -----------------

def _pseudo_table() -> dict[str, str]:
    """A made-up language: each text is «key» followed by its placeholders, so a text looked
    up in another language, a raw key or an unfilled placeholder stands out."""
    return {key: f"«{key}»" + "".join(f"[{name}={{{name}}}]" for name in sorted(placeholders(t)))
            for key, t in TABLES[DEFAULT].items()}


def _not_in_pseudo(text: str) -> str:
    """What is left of `text` once the pseudo-language's markers and numbers are taken out."""
    text = re.sub(r"«[^»]*»|\[\w+=", "", text)
    return re.sub(r"\d+(?:\.\d+)?(?:e[-+]\d+)?", "", text)


@pytest.fixture
def pseudo(monkeypatch) -> str:
    monkeypatch.setitem(TABLES, "qps", _pseudo_table())
    return "qps"


@pytest.mark.parametrize("changes", [
    {}, {"target": 2, "y1": 8.0, "y2": -8.0}, {"target": 3}, {"y3": 0.0},
    {"opt": "adam", "lr": 0.3}, {"opt": "adam", "lr": 0.3, "eps": 1e-3},
    {"opt": "rmsprop", "lr": 0.1}, {"opt": "adagrad", "lr": 1.0}, {"lr": 30000.0},
    {"steps": 5},
], ids=str)
def test_explanation_and_table_come_whole_from_the_visitors_language(pseudo, changes):
    s = LabSettings().with_(**changes)
    trajs = runs(s)
    text = explanation(s, trajs, pseudo)
    rows = summary(trajs, {"mse": None, "cross_entropy": 2}, s.thr, pseudo)
    table = "\n".join(f"{k} {v}" for row in rows for k, v in row.items())
    for shown in (text, table):
        left = _not_in_pseudo(shown)
        assert not re.search(r"[A-Za-z]", left), left  # no English text, key or None


def test_the_table_reports_each_runs_last_point_and_loss():
    # Distinct values at every step: "final" must be the last one.
    traj = Trajectory("mse", "sgd", points=np.array([[0.0, 0.5], [1.0, 2.0], [3.0, 4.0]]),
                      losses=np.array([3.0, 2.0, 1.0]), grad_norms=np.ones(3), diverged_at=None)
    mse, ce = summary({"mse": traj, "cross_entropy": traj}, {"mse": None, "cross_entropy": None},
                      0.01)
    assert mse["final point (y1, y2)"] == ce["final point (y1, y2)"] == "(3, 4)"
    assert mse["final loss"] == ce["final loss"] == "1"
    assert mse["steps to loss ≤ 0.01"] == "never in 2 steps"


def test_direction_and_wrong_classes_follow_the_target(default_text):
    # d = y1 - y2: (∂d/∂y1, ∂d/∂y2) = (1, -1); the wrong answers are classes 2 and 3.
    assert "(∂d/∂y1, ∂d/∂y2) = (1, -1)" in default_text
    assert "Classes 2 and 3 are the wrong answers" in default_text
    s = LabSettings(target=3)
    text = explanation(s, runs(s))
    assert "ŷ = [0, 0, 1]" in text and "Classes 1 and 2 are the wrong answers" in text


@pytest.mark.parametrize("opt", ["adagrad", "rmsprop", "adam"])
def test_every_adaptive_optimizer_explains_the_rescue(opt):
    s = LabSettings(opt=opt, lr=0.3)
    assert "rescue MSE" in explanation(s, runs(s))


def test_the_ratio_is_said_only_when_cross_entropys_gradient_is_larger():
    # Pinned y3, d = y1 - y2: the ratio is 1 / (4 p (1 - p)) with p = σ(d); at d = ln 5,
    # p = 5/6 and the ratio is 36/20 = 1.8.
    half = float(np.log(5) / 2)
    s = LabSettings(y1=half, y2=-half)
    ratio = torch_grad_norm("cross_entropy", s) / torch_grad_norm("mse", s)
    assert ratio == pytest.approx(1.8)
    assert ", 1.8 times smaller." in explanation(s, runs(s))
    # Just above 1 (ratio 1.2 at p(1 - p) = 5/24) it was "1 times smaller".
    p = 0.5 + np.sqrt(0.25 - 5 / 24)
    half = float(np.log(p / (1 - p)) / 2)
    s = LabSettings(y1=half, y2=-half)
    assert ", 1.2 times smaller." in explanation(s, runs(s))
    # Far out, whole numbers with thousands separators.
    s = LabSettings(y1=-4.0, y2=4.0)
    ratio = torch_grad_norm("cross_entropy", s) / torch_grad_norm("mse", s)
    assert f", {ratio:,.0f} times smaller." in explanation(s, runs(s)) and ratio > 100
    # At d = 0 (p = 1/2) the two gradients are equal: nothing is "1 times smaller".
    s = LabSettings(y1=0.0, y2=0.0)
    assert torch_grad_norm("cross_entropy", s) == pytest.approx(torch_grad_norm("mse", s))
    assert "times smaller" not in explanation(s, runs(s))
    # Nearly right, with class 3 holding a little: cross-entropy's gradient is the smaller.
    s = LabSettings(y1=48.0, y2=-49.0, y3=10.0)
    assert torch_grad_norm("cross_entropy", s) < torch_grad_norm("mse", s)
    text = explanation(s, runs(s))
    assert "times smaller" not in text and "for MSE**." in text
