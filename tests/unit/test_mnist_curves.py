"""Curves for the live charts, the lecture's reading of a run, and the notes-style code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from surfaces.mnist import curves, story
from surfaces.mnist.code import notes_code
from surfaces.mnist.config import PRESETS, TrainConfig, preset_of
from surfaces.mnist.engine import EvalRecord, StepLog

ROOT = Path(__file__).resolve().parents[2]


def test_running_mean_is_the_mean_of_the_last_window_rows():
    rng = np.random.default_rng(0)
    values = rng.random((37, 2))
    got = curves.running_mean(values, 5)
    want = np.array([values[max(0, k - 4): k + 1].mean(axis=0) for k in range(37)])
    np.testing.assert_allclose(got, want)
    assert curves.running_mean(np.empty((0, 2)), 5).shape == (0, 2)


def test_thin_keeps_block_means_and_the_last_point():
    x = np.arange(1.0, 1001.0)
    y = np.stack([x, -x], axis=1)
    tx, ty = curves.thin(x, y, 100)
    assert len(tx) <= 101 and tx[-1] == 1000.0 and ty[-1, 0] == 1000.0
    np.testing.assert_allclose(tx[:100], x.reshape(100, 10).mean(axis=1))
    np.testing.assert_allclose(ty[:100, 1], -x.reshape(100, 10).mean(axis=1))
    tx, _ = curves.thin(x[:7], y[:7], 100)
    np.testing.assert_array_equal(tx, x[:7])  # short curves are left alone
    tx, ty = curves.thin(x[:1003 - 1000 + 997], y[:1000], 7)
    assert tx[-1] == 1000.0 and len(tx) <= 8


def record(step: int, ce: float, mse: float) -> EvalRecord:
    metrics = {"cross_entropy": {"test_acc": ce, "test_loss": 1.0, "flat_share": 0.0},
               "mse": {"test_acc": mse, "test_loss": 0.5, "flat_share": 0.25}}
    return EvalRecord(step, metrics, {})


def test_live_curves_put_each_runs_log_column_under_its_own_name():
    log = StepLog.empty(120, 2)
    log.loss[:, 0], log.loss[:, 1] = 1.0, 2.0
    log.accuracy[:, 0], log.accuracy[:, 1] = 0.25, 0.75
    log.grad_norm[:, 0], log.grad_norm[:, 1] = 3.0, 4.0
    got = curves.live_curves(log, [record(0, 0.1, 0.1), record(100, 0.6, 0.1)],
                             ("cross_entropy", "mse"), max_points=50)
    assert set(got["mse"]["loss"]) == {2.0} and set(got["cross_entropy"]["accuracy"]) == {0.25}
    assert set(got["mse"]["grad_norm"]) == {4.0}
    np.testing.assert_array_equal(got["cross_entropy"]["test_acc"], [0.1, 0.6])
    np.testing.assert_array_equal(got["mse"]["flat_share"], [0.25, 0.25])
    assert got["mse"]["step"][-1] == 120 and len(got["mse"]["step"]) <= 51


@pytest.mark.parametrize(
    "history, key, params",
    [
        ([record(0, 0.1, 0.1), record(50, 0.12, 0.1)], "mnist.story.both_plateau",
         {"step": 50, "ce": "12", "mse": "10"}),
        ([record(0, 0.1, 0.1), record(700, 0.63, 0.1), record(800, 0.9, 0.11)],
         "mnist.story.ce_escaped", {"k": 700, "step": 800, "mse": "11"}),
        ([record(700, 0.63, 0.1), record(2800, 0.95, 0.53)], "mnist.story.both_escaped",
         {"k_ce": 700, "k_mse": 2800, "ratio": "4.0"}),
        ([record(300, 0.2, 0.55)], "mnist.story.mse_escaped", {"k": 300, "step": 300,
                                                               "ce": "20"}),
    ],
)
def test_the_reading_names_who_left_the_plateau_and_when(history, key, params):
    assert story.reading(history) == [(key, params)]
    assert story.reading([]) == []


def test_presets_are_recognised_from_the_settings_alone():
    for name, preset in PRESETS.items():
        assert preset_of(TrainConfig().with_(**preset.changes, seed=4)) == name
    assert preset_of(TrainConfig(lr=0.3)) is None


def test_the_notes_style_code_runs_as_it_is_for_a_few_steps(tmp_path):
    config = TrainConfig(model="mlp", optimizer="adam", lr=0.001, steps=5, init="torch")
    path = tmp_path / "notes.py"
    path.write_text(notes_code(config))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1",
           "LSL_MNIST_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["cross-entropy", "MSE"]
    assert all("after 5 steps" in line for line in lines)


def test_the_code_says_what_the_settings_say():
    code = notes_code(TrainConfig())
    assert "nn.Linear(784, 256)" in code and "nn.Linear(16, 10)" in code
    assert code.count("nn.ReLU()") == 3 and "torch.optim.SGD" in code
    assert "STEPS, BATCH_SIZE, LR, SEED = 6000, 100, 0.6, 0" in code
    assert "nn.init.normal_(layer.weight, std=0.01)" in code
    other = notes_code(TrainConfig(model="softmax", optimizer="adam", init="torch", lr=0.001))
    assert "nn.ReLU" not in other and "torch.optim.Adam" in other and "normal_" not in other
