"""The live MNIST figures carry the traces, colours and numbers the page promises."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from surfaces.i18n import tr
from surfaces.mnist import figures, margins
from surfaces.palette import LOSS_COLORS

LOSSES = ("cross_entropy", "mse")
CE, MSE = LOSS_COLORS["cross_entropy"], LOSS_COLORS["mse"]


def make_curves(n: int = 30, steps: int = 300) -> dict:
    x = np.linspace(1, steps, n)
    return {
        loss: {
            "step": x,
            "accuracy": np.linspace(0.1, 0.9 - k / 10, n),
            "loss": np.linspace(2.3, 0.3 + k, n),
            "grad_norm": np.array([np.inf] + [10.0 ** -(k + 1)] * (n - 1)),
            "test_step": np.arange(0.0, steps + 1, 50),
            "test_acc": np.linspace(0.1, 0.8, steps // 50 + 1),
            "test_loss": np.linspace(2.3, 0.5, steps // 50 + 1),
            "flat_share": np.zeros(steps // 50 + 1),
        }
        for k, loss in enumerate(LOSSES)
    }


def test_training_curves_have_accuracy_loss_and_gradient_norm_for_both_runs():
    curves = make_curves()
    fig = figures.training_curves(curves=curves, total_steps=300)
    keyed = {(t.name, t.yaxis): t for t in fig.data}
    assert len(fig.data) == 8 and len(keyed) == 8
    acc = keyed[("MSE · train (last 50 steps)", "y")]
    np.testing.assert_allclose(acc.y, curves["mse"]["accuracy"])
    np.testing.assert_allclose(acc.x, curves["mse"]["step"])
    test = keyed[("Cross-entropy · test", "y")]
    np.testing.assert_allclose(test.x, curves["cross_entropy"]["test_step"])
    np.testing.assert_allclose(test.y, curves["cross_entropy"]["test_acc"])
    np.testing.assert_allclose(keyed[("MSE · train", "y2")].y, curves["mse"]["loss"])
    norm = keyed[("Cross-entropy · train", "y3")]
    assert np.isnan(norm.y[0]) and norm.y[1] == 0.1  # inf becomes a gap, never reaches plotly
    assert {t.line.color for t in fig.data if t.name.startswith("MSE")} == {MSE}
    assert {t.line.color for t in fig.data if t.name.startswith("Cross")} == {CE}
    assert [t.name.split(" ·")[0] for t in fig.data][:1] == ["MSE"]  # the app's order
    assert fig.layout.yaxis2.type == "log" and fig.layout.yaxis3.type == "log"
    assert tuple(fig.layout.xaxis.range) == (0, 300) == tuple(fig.layout.xaxis3.range)
    assert fig.layout.uirevision == "mnist"
    # Built without validation for speed: plotly's validator must accept it all the same.
    go.Figure(fig.to_plotly_json())


def test_training_curves_speak_the_visitors_language():
    fig = figures.training_curves(curves=make_curves(), total_steps=300, lang="zh-Hans")
    names = {t.name.split(" ·")[0] for t in fig.data}
    assert names == {tr("loss.mse.short", "zh-Hans"), tr("loss.cross_entropy.short", "zh-Hans")}
    assert "准确率" in fig.layout.annotations[0].text


def test_training_curves_before_any_report_are_empty_axes():
    fig = figures.training_curves(curves={}, total_steps=6000)
    assert len(fig.data) == 0 and tuple(fig.layout.xaxis.range) == (0, 6000)


def test_margin_histograms_carry_the_counts_over_the_bins():
    counts = {"mse": np.arange(40), "cross_entropy": np.ones(40, int)}
    fig = figures.margin_histograms(counts=counts, edges=margins.MARGIN_BINS)
    by_name = {t.name: t for t in fig.data}
    np.testing.assert_array_equal(by_name["MSE"].y, np.arange(40))
    np.testing.assert_allclose(by_name["MSE"].x, np.arange(-19.5, 20, 1.0))
    assert by_name["MSE"].marker.color == MSE


def decode_png(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def cell(canvas: np.ndarray, i: int) -> np.ndarray:
    """The pixels of grid cell i (row-major, ten per row)."""
    r, c = divmod(i, 10)
    return canvas[r * figures.CELL_H : (r + 1) * figures.CELL_H, c * figures.CELL_W :][
        :, : figures.CELL_W
    ]


def has_color(pixels: np.ndarray, color: str) -> bool:
    rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
    return bool(np.any(np.all(pixels == rgb, axis=-1)))


def test_digit_grid_draws_every_digit_and_marks_each_wrong_prediction():
    rng = np.random.default_rng(0)
    images = rng.random((100, 784)).astype(np.float32)
    labels = np.arange(100) % 10
    ce = labels.copy()
    mse = labels.copy()
    mse[[3, 50]] = (labels[[3, 50]] + 1) % 10
    fig = figures.digit_grid(
        images=images, labels=labels, predictions={"cross_entropy": ce, "mse": mse}
    )
    image, clicks = fig.data
    canvas = decode_png(image.source)
    assert canvas.shape == (10 * figures.CELL_H, 10 * figures.CELL_W, 3)
    # Digit 0 sits in the top-left cell, dark ink on white, drawn 2x.
    expected = (255 - np.rint(255 * images[0].reshape(28, 28))).repeat(2, 0).repeat(2, 1)
    np.testing.assert_allclose(canvas[2 : 2 + 56, 4 : 4 + 56, 0], expected, atol=1)
    # Wrong predictions: a filled box in the run's colour and a red frame; right ones neither.
    for i in (3, 50):
        assert has_color(cell(canvas, i), MSE)
        assert has_color(cell(canvas, i), figures.MISTAKE_COLOR)
    for i in (0, 4, 99):
        assert not has_color(cell(canvas, i), figures.MISTAKE_COLOR)
    assert "Cross-entropy</b></span> 0 wrong" in fig.layout.title.text
    assert "MSE</b></span> 2 wrong" in fig.layout.title.text
    assert not fig.layout.annotations  # one image: cheap for the browser to repaint
    # one invisible, clickable marker per digit, at its cell's centre, carrying its index
    assert list(clicks.customdata) == list(range(100))
    assert clicks.x[13] == 3.5 * figures.CELL_W and clicks.y[13] == 1.5 * figures.CELL_H


def test_digit_grid_of_fewer_digits_has_fewer_rows():
    fig = figures.digit_grid(
        images=np.zeros((12, 784)), labels=np.zeros(12, int), predictions={"mse": np.zeros(12)}
    )
    assert decode_png(fig.data[0].source).shape[0] == 2 * figures.CELL_H


def test_confusion_matrices_show_counts_and_shade_by_row_share():
    cm = np.diag(np.arange(1, 11)).astype(np.int64)
    cm[2, 7] = 2  # two images of a 2 read as a 7
    fig = figures.confusion_matrices(confusion={"cross_entropy": cm, "mse": cm * 0})
    mse, ce = fig.data  # the app's order: MSE first
    assert ce.text[2][7] == 2 and ce.z[2][7] == pytest.approx(0.4)
    assert np.all(np.asarray(mse.z) == 0)  # an empty row shades as zero, not NaN
    assert ce.colorscale[-1][1] == CE and mse.colorscale[-1][1] == MSE
    assert fig.layout.yaxis.autorange == "reversed" and ce.xaxis == "x2"


def test_per_class_accuracy_is_one_bar_group_per_digit():
    acc = {"cross_entropy": np.linspace(0.5, 1, 10), "mse": np.full(10, np.nan)}
    fig = figures.per_class_accuracy(accuracy=acc)
    assert [t.name for t in fig.data] == ["MSE", "Cross-entropy"]
    np.testing.assert_allclose(fig.data[1].y, acc["cross_entropy"])
    assert fig.data[0].marker.color == MSE
    assert fig.layout.barmode == "group"
