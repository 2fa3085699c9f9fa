"""AppTest of the live MNIST page: presets, the URL round trip, hostile links, the trainer's
config equal to the widgets', Train / Stop / Resume, pace, replay, the curves against the
engine's own log, queues and downloads.

AppTest runs the script synchronously and ignores run_every, so each test drives the polling
itself: at.run() in a bounded loop until the job settles. Training uses the offline MNIST
subset (LSL_MNIST_SOURCE=subset) and small step counts.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab_components.plotly_view.encoding import figure_json
from lab_components.plotly_view.testing import component_args, decode, figures_in
from surfaces.i18n import tr
from surfaces.mnist import curves, figures, jobs
from surfaces.mnist.config import LOSSES, PRESETS, TABLE, TrainConfig
from surfaces.palette import LOSS_ORDER

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "mnist_training.py")
WIDGET_KINDS = ("selectbox", "radio", "select_slider", "number_input")


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def page(monkeypatch):
    """A fresh session of the page (its own owner id); its job is dropped afterwards."""
    monkeypatch.setenv("LSL_MNIST_SOURCE", "subset")
    opened = []

    def make(query: dict | None = None) -> AppTest:
        opened.append(open_page(query))
        return opened[-1]

    yield make
    for at in opened:
        jobs.get_manager().forget(at.session_state["mnist_owner"])


def widgets(at: AppTest) -> dict:
    return {e.key.removeprefix("mnist_w_"): e for kind in WIDGET_KINDS
            for e in at.sidebar.get(kind) if e.key.startswith("mnist_w_")}


def values(at: AppTest) -> dict:
    return {name: w.value for name, w in widgets(at).items()}


def set_settings(at: AppTest, **new) -> None:
    for name, value in new.items():
        widgets(at)[name].set_value(value)
    at.run()
    assert not at.exception, at.exception


def url(at: AppTest) -> dict[str, str]:
    """The page's URL query as the browser has it (AppTest keeps a list per key)."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


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


def view_of(at: AppTest) -> jobs.JobView:
    return jobs.get_manager().view(at.session_state["mnist_owner"])


def test_the_page_opens_on_the_flagship_deep_preset_and_waits_for_train(page):
    at = page()
    want = {f.name: getattr(TrainConfig(), f.name) for f in TABLE.fields}
    assert values(at) == want
    assert url(at) == TABLE.to_query(TrainConfig())
    assert at.button(key="mnist_stop").disabled and at.button(key="mnist_resume").disabled
    assert at.button(key="mnist_replay").disabled
    assert "press **Train**" in " ".join(i.value for i in at.info)
    assert any("6,000 steps of 100 images" in c.value for c in at.caption)
    assert figures_in(at) == []
    code = at.get("code")[0].value
    assert "nn.Linear(64, 16)" in code and "LR, SEED = 6000, 100, 0.6, 0" in code


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_sets_its_fields_in_the_widgets_and_the_url(page, name):
    at = page({"seed": "9", "steps": "100"})
    at.button(key=f"mnist_preset_{name}").click().run()
    assert not at.exception, at.exception
    want = TrainConfig(seed=9, steps=100).with_(**PRESETS[name].changes)
    assert values(at) == {f.name: getattr(want, f.name) for f in TABLE.fields}
    assert TABLE.from_query(url(at)) == (want, [])
    assert tr(f"mnist.preset.{name}.story") in [i.value for i in at.info]


def test_a_shared_link_reproduces_the_settings(page):
    config = TrainConfig(model="mlp", activation="sigmoid", optimizer="adam", lr=0.003,
                         batch_size=50, steps=1234, init="torch", init_scale=0.1,
                         eval_every=25, seed=42)  # fmt: skip
    at = page(TABLE.to_query(config))
    assert values(at) == {f.name: getattr(config, f.name) for f in TABLE.fields}
    assert url(at) == TABLE.to_query(config)
    assert not at.warning


def test_hostile_link_values_are_fixed_and_reported_in_one_line(page):
    at = page({"model": "cnn", "lr": "abc", "steps": "-5", "batch_size": "1e9",
               "seed": "nan", "init_scale": "<script>", "eval_every": "99999"})
    assert not at.exception
    fixed = values(at)
    assert fixed["model"] == "deep" and fixed["lr"] == 0.6 and fixed["steps"] == 1
    assert fixed["batch_size"] == 1000 and fixed["seed"] == 0 and fixed["eval_every"] == 1000
    (warning,) = at.warning
    for name in ("model", "lr", "steps", "batch_size", "seed", "init_scale", "eval_every"):
        assert f"{name}=" in warning.value
    TrainConfig(**fixed)  # a valid config: Train works


def test_the_trainer_gets_exactly_the_widgets_settings(page):
    """Each widget, not a constant, reaches the trainer: model, lr, batch size, init, scale,
    optimiser, activation, length and seed."""
    at = page()
    set_settings(at, model="mlp", activation="sigmoid", optimizer="adam", lr=0.003,
                 batch_size=50, steps=30, init="normal", init_scale=0.03, eval_every=10,
                 seed=5)  # fmt: skip
    at.button(key="mnist_train").click().run()
    assert view_of(at).config == TrainConfig(**values(at))
    assert view_of(at).config == TrainConfig(
        model="mlp", activation="sigmoid", optimizer="adam", lr=0.003, batch_size=50,
        steps=30, init="normal", init_scale=0.03, eval_every=10, seed=5)  # fmt: skip
    poll_until(at, lambda at: at.success)
    set_settings(at, model="softmax", init="torch", optimizer="sgd", lr=1.0, batch_size=20)
    at.button(key="mnist_train").click().run()
    assert view_of(at).config == TrainConfig(**values(at))
    assert view_of(at).config.init == "torch" and view_of(at).config.batch_size == 20


def test_a_short_run_draws_the_engines_own_numbers(page):
    at = page()
    set_settings(at, model="softmax", lr=1.0, steps=150, eval_every=50)
    at.button(key="mnist_train").click().run()
    poll_until(at, lambda at: at.success)
    assert "step 150 of 150 · 15,000 images · 3.8 epochs of this data" in at.success[0].value
    view = view_of(at)
    live, margins_fig, grid, confusion, per_class = figures_in(at)
    assert not at.get("plotly_chart")  # one plotly.js per page: no Streamlit chart bundle
    assert [panel["clicks"] for args in component_args(at) for panel in args["panels"]] == [
        False, False, True, False, False]  # only the digits answer a click
    expected = curves.live_curves(view.log, view.history, LOSSES)
    keyed = {(t["name"], t["yaxis"]): t for t in live["data"]}
    np.testing.assert_allclose(decode(keyed[("MSE · train (last 50 steps)", "y")]["y"]),
                               expected["mse"]["accuracy"])
    np.testing.assert_allclose(decode(keyed[("Cross-entropy · train", "y3")]["y"]),
                               expected["cross_entropy"]["grad_norm"])
    np.testing.assert_allclose(decode(keyed[("Cross-entropy · test", "y")]["y"]),
                               [r.metrics["cross_entropy"]["test_acc"] for r in view.history])
    assert decode(keyed[("MSE · train", "y2")]["x"])[-1] == 150
    counts = {t["name"]: decode(t["y"]) for t in margins_fig["data"]}
    np.testing.assert_array_equal(counts["MSE"], view.history[-1].margin_counts["mse"])
    assert grid["data"][0]["type"] == "image"
    assert [t["type"] for t in confusion["data"]] == ["heatmap", "heatmap"]
    # the read-out figures are the evaluation's own: each run's predictions and matrix
    ev = view.evaluation
    assert grid == json.loads(figure_json(figures.digit_grid(
        images=ev.images, labels=ev.labels, predictions=ev.predictions, lang="en")))
    for trace, loss in zip(confusion["data"], LOSS_ORDER, strict=True):  # MSE first
        counts = ev.confusion[loss]  # drawn as each true digit's shares
        shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        np.testing.assert_allclose(decode(trace["z"]), shares, rtol=1e-6, atol=1e-6)
    assert not np.array_equal(ev.confusion["mse"], ev.confusion["cross_entropy"])
    assert live["layout"]["xaxis"]["range"] == [0, 150]  # the run's length, not the notes'
    assert [t["name"] for t in per_class["data"]] == ["MSE", "Cross-entropy"]
    # the lecture's reading and the margins' sentence are there; nothing is left disabled
    assert any("Step 150" in m.value or "plateau" in m.value or "passed" in m.value
               for m in at.markdown)
    assert not at.selectbox(key="mnist_w_model").disabled
    assert at.button(key="mnist_stop").disabled and not at.button(key="mnist_replay").disabled


def test_stop_keeps_what_was_learned_and_resume_continues(page):
    at = page()
    set_settings(at, model="mlp", batch_size=10, steps=3000, eval_every=500)
    at.button(key="mnist_train").click().run()
    poll_until(at, lambda at: view_of(at).step > 30)
    assert at.selectbox(key="mnist_w_model").disabled  # no changing settings mid-run
    assert at.button(key="mnist_train").disabled  # nor restarting by accident
    at.button(key="mnist_stop").click().run()
    poll_until(at, lambda at: at.info and "Stopped at step" in texts(at), timeout=5)
    stopped = view_of(at)
    assert 30 < stopped.step < 3000 and not at.button(key="mnist_resume").disabled
    at.button(key="mnist_resume").click().run()
    assert view_of(at).step >= stopped.step  # it goes on from there: no fresh start
    poll_until(at, lambda at: view_of(at).step > stopped.step + 30)
    np.testing.assert_array_equal(view_of(at).log.loss[:stopped.step], stopped.log.loss)
    at.button(key="mnist_stop").click().run()


def test_pace_slows_the_run_and_can_be_changed_while_it_trains(page):
    at = page()
    set_settings(at, model="softmax", steps=5000, eval_every=1000)
    at.selectbox(key="mnist_pace").set_value(50).run()
    at.button(key="mnist_train").click().run()
    assert view_of(at).pace == 50.0
    poll_until(at, lambda at: view_of(at).step >= 5)
    # the progress bar moves with the run
    poll_until(at, lambda at: at.get("progress") and at.get("progress")[0].proto.value > 0)
    # A faster pace, chosen as a browser does: AppTest's set_value(None) sends no value at
    # all (a cleared box, which app.py's widget guard turns away), not the None option.
    at.selectbox(key="mnist_pace").set_value(2000).run()
    assert view_of(at).pace == 2000.0
    at.button(key="mnist_stop").click().run()


def test_replay_draws_a_finished_run_again_from_the_start(page):
    at = page()
    set_settings(at, model="softmax", steps=100, eval_every=50)
    at.button(key="mnist_train").click().run()
    poll_until(at, lambda at: at.success)
    at.selectbox(key="mnist_pace").set_value(50).run()
    at.button(key="mnist_replay").click().run()
    assert not at.exception, at.exception
    replaying = [c.value for c in at.caption if c.value.startswith("Replay: step")]
    assert replaying
    live = figures_in(at)[0]
    x = decode(next(t for t in live["data"] if t["yaxis"] == "y2")["x"])
    assert len(x) == 0 or x[-1] < 100  # drawn only up to the replay's step


def test_the_page_speaks_chinese(page):
    at = page({"lang": "zh-Hans"})
    assert at.title[0].value == "MNIST 实时训练：交叉熵与均方误差"
    assert at.button(key="mnist_train").label == "训练"


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
    first = page()
    set_settings(first, model="softmax", steps=40)
    first.button(key="mnist_train").click().run()
    assert not first.exception, first.exception
    poll_until(first, lambda at: "Downloading MNIST: 5.0 of 11.6 MB" in texts(at), timeout=10)

    second = page()  # another browser tab
    assert "press **Train**" in texts(second)  # it does not see the first tab's job
    set_settings(second, model="softmax", steps=60)
    second.button(key="mnist_train").click().run()
    assert not second.exception, second.exception
    assert "you are number 1 in the queue (1 of 1 training slots busy" in texts(second)
    assert not second.button(key="mnist_stop").disabled  # it may leave the queue

    gate.set()
    poll_until(first, lambda at: at.success)
    poll_until(second, lambda at: at.success)
    assert "step 40 of 40" in first.success[0].value
    assert "step 60 of 60" in second.success[0].value


def test_a_fallback_to_the_subset_says_so_plainly(monkeypatch, page):
    from surfaces.mnist import data

    note = "Full MNIST could not be downloaded (no network: 3 mirrors unreachable): using it."
    manager = jobs.JobManager(
        loader=lambda progress: dataclasses.replace(data.load_subset(), note=note)
    )
    monkeypatch.setattr(jobs, "_manager", manager)
    try:
        at = page()
        set_settings(at, model="softmax", steps=20)
        at.button(key="mnist_train").click().run()
        poll_until(at, lambda at: at.success)
        assert any(c.value.startswith("Data: MNIST 5,000-image subset") for c in at.caption)
        assert [w.value for w in at.warning] == [
            note + " Accuracies will be lower than the lecture's."
        ]
    finally:
        manager.shutdown()
