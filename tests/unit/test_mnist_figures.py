"""The live MNIST figures carry the traces, colours and numbers the page promises."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from surfaces.mnist import figures

LOSSES = ("cross_entropy", "mse")


def make_curves(n: int = 30, epochs: int = 3) -> dict:
    x = np.linspace(0, epochs, n)
    return {
        loss: {
            "train_x": x,
            "train_acc": np.linspace(0.1, 0.9 - k / 10, n),
            "train_loss": np.linspace(2.3, 0.3 + k, n),
            "test_x": np.arange(1.0, epochs + 1),
            "test_acc": np.linspace(0.5, 0.8, epochs),
            "test_loss": np.array([np.inf] + [0.5] * (epochs - 1)),
        }
        for k, loss in enumerate(LOSSES)
    }


def test_training_curves_have_train_and_test_accuracy_and_loss_for_both_runs():
    curves = make_curves()
    fig = figures.training_curves(curves=curves, epochs=3)
    names = [t.name for t in fig.data]
    assert names.count("cross-entropy · train") == 2  # accuracy and loss panels
    assert names.count("MSE · test") == 2
    assert len(fig.data) == 8
    by_key = {(t.name, t.yaxis): t for t in fig.data}
    acc = by_key[("MSE · train", "y")]
    np.testing.assert_allclose(acc.y, curves["mse"]["train_acc"])
    np.testing.assert_allclose(acc.x, curves["mse"]["train_x"])
    loss = by_key[("cross-entropy · test", "y2")]
    assert np.isnan(loss.y[0]) and loss.y[1] == 0.5  # inf becomes a gap, never reaches plotly
    assert {t.line.color for t in fig.data if t.name.startswith("MSE")} == {figures.MSE_COLOR}
    assert {t.line.color for t in fig.data if t.name.startswith("cross")} == {figures.CE_COLOR}
    assert fig.layout.yaxis2.type == "log" and tuple(fig.layout.xaxis.range) == (0, 3)
    assert fig.layout.uirevision == "mnist"
    assert sum(t.showlegend is not False for t in fig.data) == 4
    # Built without validation for speed: plotly's validator must accept it all the same.
    go.Figure(fig.to_plotly_json())


def test_training_curves_before_any_report_are_empty_axes():
    fig = figures.training_curves(curves={}, epochs=10)
    assert len(fig.data) == 0 and tuple(fig.layout.xaxis.range) == (0, 10)


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
    (image,) = fig.data
    canvas = decode_png(image.source)
    assert canvas.shape == (10 * figures.CELL_H, 10 * figures.CELL_W, 3)
    # Digit 0 sits in the top-left cell, dark ink on white, drawn 2x.
    expected = (255 - np.rint(255 * images[0].reshape(28, 28))).repeat(2, 0).repeat(2, 1)
    np.testing.assert_allclose(canvas[2 : 2 + 56, 4 : 4 + 56, 0], expected, atol=1)
    # Wrong predictions: a filled box in the run's colour and a red frame; right ones neither.
    for i in (3, 50):
        assert has_color(cell(canvas, i), figures.MSE_COLOR)
        assert has_color(cell(canvas, i), figures.MISTAKE_COLOR)
    for i in (0, 4, 99):
        assert not has_color(cell(canvas, i), figures.MISTAKE_COLOR)
    assert "cross-entropy</b></span> 0 wrong" in fig.layout.title.text
    assert "MSE</b></span> 2 wrong" in fig.layout.title.text
    assert not fig.layout.annotations  # one image: cheap for the browser to repaint


def test_digit_grid_of_fewer_digits_has_fewer_rows():
    fig = figures.digit_grid(
        images=np.zeros((12, 784)), labels=np.zeros(12, int), predictions={"mse": np.zeros(12)}
    )
    assert decode_png(fig.data[0].source).shape[0] == 2 * figures.CELL_H


def test_confusion_matrices_show_counts_and_shade_by_row_share():
    cm = np.diag(np.arange(1, 11)).astype(np.int64)
    cm[2, 7] = 2  # two images of a 2 read as a 7
    fig = figures.confusion_matrices(confusion={"cross_entropy": cm, "mse": cm * 0})
    ce, mse = fig.data
    assert ce.text[2][7] == 2 and ce.z[2][7] == pytest.approx(0.4)
    assert np.all(np.asarray(mse.z) == 0)  # an empty row shades as zero, not NaN
    assert ce.colorscale[-1][1] == figures.CE_COLOR and mse.colorscale[-1][1] == figures.MSE_COLOR
    assert fig.layout.yaxis.autorange == "reversed" and mse.xaxis == "x2"


def test_per_class_accuracy_is_one_bar_group_per_digit():
    acc = {"cross_entropy": np.linspace(0.5, 1, 10), "mse": np.full(10, np.nan)}
    fig = figures.per_class_accuracy(accuracy=acc)
    assert [t.name for t in fig.data] == ["cross-entropy", "MSE"]
    np.testing.assert_allclose(fig.data[0].y, acc["cross_entropy"])
    assert fig.data[1].marker.color == figures.MSE_COLOR
    assert fig.layout.barmode == "group"


def test_the_runs_wear_the_colours_the_rest_of_the_app_gives_the_losses():
    app_figures = pytest.importorskip("surfaces.figures")
    assert figures.RUN_COLORS == app_figures.LOSS_COLORS
