"""AppTest of the live MNIST page: defaults, a tiny real training run, stop and resume.

AppTest runs the script synchronously and ignores run_every, so each test drives the polling
itself: at.run() in a bounded loop until the job settles. Training uses the offline MNIST
subset (LSL_MNIST_SOURCE=subset), a few seconds at most.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from surfaces.mnist import jobs

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "mnist_training.py")
WIDGET_KINDS = ("selectbox", "radio", "select_slider", "number_input")
LOSS_TRACES = ["cross-entropy · train", "cross-entropy · test", "MSE · train", "MSE · test"]


@pytest.fixture
def page(monkeypatch):
    """A fresh session of the page (its own owner id); its job is dropped afterwards."""
    monkeypatch.setenv("LSL_MNIST_SOURCE", "subset")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    yield at
    jobs.get_manager().forget(at.session_state["mnist_owner"])


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def decode(array) -> np.ndarray:
    """A Plotly JSON array: a list, or {"dtype", "bdata"} base64 typed-array encoding."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array, dtype=np.float64)


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("info", "success", "error", "warning") for e in at.get(kind)]
    parts += [p.proto.text for p in at.get("progress")]
    return " | ".join(parts)


def poll_until(at: AppTest, done, timeout: float = 60.0) -> None:
    """Rerun the page (as the fragments' run_every would) until done(at) or the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception, at.exception
        if done(at):
            return
        time.sleep(0.1)
    raise AssertionError(f"page never got there; it shows: {texts(at)}")


def set_settings(at: AppTest, **values) -> None:
    """Move the sidebar widgets named by key suffix, e.g. set_settings(at, epochs=1)."""
    widgets = {e.key: e for kind in WIDGET_KINDS for e in at.sidebar.get(kind)}
    for key, value in values.items():
        widgets[f"mnist_{key}"].set_value(value)


def test_the_page_opens_on_the_lectures_settings_and_waits_for_train(page):
    at = page
    values = {e.key: e.value for kind in WIDGET_KINDS for e in at.sidebar.get(kind)}
    assert values == {
        "mnist_model": "softmax",
        "mnist_activation": "relu",
        "mnist_optimizer": "sgd",
        "mnist_lr": 0.1,
        "mnist_batch": 100,
        "mnist_epochs": 10,
        "mnist_init": 0.01,
        "mnist_seed": 0,
    }
    assert at.radio(key="mnist_activation").disabled  # softmax regression has no hidden layer
    assert at.button(key="mnist_stop").disabled and at.button(key="mnist_resume").disabled
    assert "press **Train**" in texts(at)
    assert any("Data:" in c.value for c in at.caption)
    assert charts(at) == []


def test_a_tiny_run_draws_both_runs_curves_and_the_test_read_out(page):
    at = page
    set_settings(at, epochs=1)
    at.button(key="mnist_train").click().run()
    assert not at.exception, at.exception
    poll_until(at, lambda at: at.success)
    assert at.success[0].value.startswith("Finished 1 epoch in")
    assert any("MNIST 5,000-image subset" in c.value for c in at.caption)

    curves, grid, confusion, per_class = charts(at)
    names = [t["name"] for t in curves["data"]]
    assert sorted(set(names)) == sorted(LOSS_TRACES) and len(names) == 8
    for trace in curves["data"]:
        x, y = decode(trace["x"]), decode(trace["y"])
        assert len(x) == len(y) >= 1 and np.all(np.isfinite(y))
        assert x[-1] == pytest.approx(1.0)  # one epoch
    test_acc = {
        t["name"]: decode(t["y"])[-1]
        for t in curves["data"]
        if t["name"].endswith("test") and t["yaxis"] == "y"
    }
    assert all(0.3 < acc <= 1.0 for acc in test_acc.values())

    assert grid["data"][0]["type"] == "image" and "test digits" in grid["layout"]["title"]["text"]
    assert [t["type"] for t in confusion["data"]] == ["heatmap", "heatmap"]
    assert [t["name"] for t in per_class["data"]] == ["cross-entropy", "MSE"]
    reading = [m.value for m in at.markdown if "After epoch 1" in m.value]
    assert len(reading) == 1 and "percentage points" in reading[0]
    # Settled: settings and Train are enabled again, Stop is not.
    assert not at.selectbox(key="mnist_model").disabled
    assert at.button(key="mnist_stop").disabled


def test_stop_keeps_what_was_learned_and_resume_continues(page):
    at = page
    set_settings(at, model="mlp", batch=10, epochs=4)
    at.button(key="mnist_train").click().run()
    owner = at.session_state["mnist_owner"]
    manager = jobs.get_manager()
    poll_until(at, lambda at: manager.view(owner).fraction > 0.05)
    assert at.selectbox(key="mnist_model").disabled  # no changing settings mid-run
    assert at.button(key="mnist_train").disabled  # nor restarting by accident
    at.button(key="mnist_stop").click().run()
    poll_until(at, lambda at: at.info and "Stopped after" in at.info[0].value, timeout=5)
    stopped_at = manager.view(owner).fraction
    assert 0.05 < stopped_at < 1
    assert not at.button(key="mnist_resume").disabled
    assert len(charts(at)) >= 1

    at.button(key="mnist_resume").click().run()
    poll_until(at, lambda at: at.success)
    view = manager.view(owner)
    assert view.fraction == 1.0 and [e.epoch for e in view.epochs] == [1, 2, 3, 4]
    steps = [e.step for e in view.batches]
    assert steps == sorted(steps)  # resumed, not restarted
    x = decode(charts(at)[0]["data"][0]["x"])
    assert x[-1] == pytest.approx(4.0)


def test_a_bad_setting_becomes_a_sentence_and_disables_train(page, monkeypatch):
    at = page
    from surfaces.mnist import engine

    real = engine.TrainConfig

    def refuse(**kwargs):
        if kwargs["seed"] == 7:
            raise ValueError("seed must be lucky. Got 7 instead.")
        return real(**kwargs)

    monkeypatch.setattr(engine, "TrainConfig", refuse)
    set_settings(at, seed=7)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["seed must be lucky. Got 7 instead."]
    assert at.button(key="mnist_train").disabled


@pytest.fixture
def gated_manager(monkeypatch):
    """A server-wide manager whose data loading waits for the test: downloads are visible."""
    from surfaces.mnist import data

    gate = threading.Event()

    def loader(progress):
        progress(5_000_000, 11_594_722)
        gate.wait(30)
        return data.load_subset()

    manager = jobs.JobManager(max_running=1, loader=loader)
    monkeypatch.setattr(jobs, "_manager", manager)
    yield manager, gate
    gate.set()
    manager.shutdown()


def test_a_download_shows_a_progress_bar_and_a_second_tab_waits_its_turn(gated_manager, page):
    manager, gate = gated_manager
    first = page
    set_settings(first, epochs=1)
    first.button(key="mnist_train").click().run()
    assert not first.exception, first.exception
    poll_until(first, lambda at: "Downloading MNIST: 5.0 of 11.6 MB" in texts(at), timeout=10)

    second = AppTest.from_file(PAGE, default_timeout=60)  # another browser tab
    second.run()
    assert "press **Train**" in texts(second)  # it does not see the first tab's job
    set_settings(second, epochs=2)
    second.button(key="mnist_train").click().run()
    assert not second.exception, second.exception
    assert "you are number 1 in the queue (1 of 1 training slots busy" in texts(second)
    assert not second.button(key="mnist_stop").disabled  # it may leave the queue

    gate.set()
    poll_until(first, lambda at: at.success)
    poll_until(second, lambda at: at.success)
    assert first.success[0].value.startswith("Finished 1 epoch in")
    assert second.success[0].value.startswith("Finished 2 epochs in")


def test_a_fallback_to_the_subset_says_so_plainly(monkeypatch, page):
    from surfaces.mnist import data

    note = "Full MNIST could not be downloaded (no network: 3 mirrors unreachable): using it."
    manager = jobs.JobManager(
        loader=lambda progress: dataclasses.replace(data.load_subset(), note=note)
    )
    monkeypatch.setattr(jobs, "_manager", manager)
    try:
        at = page
        set_settings(at, epochs=1)
        at.run()
        at.button(key="mnist_train").click().run()
        poll_until(at, lambda at: at.success)
        assert any(c.value.startswith("Data: MNIST 5,000-image subset") for c in at.caption)
        assert [w.value for w in at.warning] == [
            note + " Accuracies will be lower than the lecture's."
        ]
    finally:
        manager.shutdown()
