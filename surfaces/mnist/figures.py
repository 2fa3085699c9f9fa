"""Figures of the live MNIST page: arrays in, plotly go.Figure out; draws, never trains.

Both runs keep the colours the whole app uses for the two losses (surfaces/figures.py's
LOSS_COLORS, pinned equal by a test): cross-entropy green, MSE orange; test curves are also
dashed with markers, so they do not rely on colour alone.
Axes are laid out by hand rather than with make_subplots, which costs tens of
milliseconds per call and these figures are redrawn twice a second while training.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from PIL import Image

CE_COLOR = "#2b8a3e"  # cross-entropy run: green, as on the error-surface page
MSE_COLOR = "#e8590c"  # MSE run: orange
RUN_COLORS = {"cross_entropy": CE_COLOR, "mse": MSE_COLOR}
RUN_NAMES = {"cross_entropy": "cross-entropy", "mse": "MSE"}
FONT = {"size": 16}  # readable from the back of a lecture hall

_GAP = 0.08  # horizontal gap between two side-by-side panels, in paper units


def _run_name(loss: str) -> str:
    return RUN_NAMES.get(loss, loss)


def _run_color(loss: str) -> str:
    return RUN_COLORS.get(loss, "#555555")


def _finite(values: np.ndarray) -> np.ndarray:
    """Copy as float64 with non-finite entries as NaN (a gap in the line, never inf)."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[~np.isfinite(out)] = np.nan
    return out


def _two_panels(layout: dict, left: str, right: str) -> None:
    """Two side-by-side axes pairs (x/y and x2/y2) with titles above them."""
    half = (1 - _GAP) / 2
    layout.update(
        xaxis={"domain": [0, half], "anchor": "y"},
        yaxis={"anchor": "x"},
        xaxis2={"domain": [half + _GAP, 1], "anchor": "y2"},
        yaxis2={"anchor": "x2"},
        annotations=[
            {
                "text": f"<b>{text}</b>",
                "x": x,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
            }
            for text, x in ((left, half / 2), (right, 1 - half / 2))
        ],
    )


def training_curves(
    *, curves: Mapping[str, Mapping[str, np.ndarray]], epochs: int, uirevision: str = "mnist"
) -> go.Figure:
    """Accuracy (left) and loss (right) against epochs, train solid and test dashed, per run.

    curves: loss -> {"train_x", "train_acc", "train_loss", "test_x", "test_acc", "test_loss"},
    each a 1-D array; x in epochs. Each run's loss is its own objective, so the loss axis is
    logarithmic to show cross-entropy (about 2.3 at the start) and MSE (under 1) together.

    Redrawn twice a second while training, so it is built from plain dicts without plotly's
    validation (10x faster; tests/unit/test_mnist_figures.py validates it once instead).
    """
    traces = []
    for loss, c in curves.items():
        name, color = _run_name(loss), _run_color(loss)
        for axis, metric in (("", "acc"), ("2", "loss")):
            for split, dash, mode in (
                ("train", "solid", "lines"),
                ("test", "dash", "lines+markers"),
            ):
                traces.append(
                    {
                        "type": "scatter",
                        "x": _finite(c[f"{split}_x"]),
                        "y": _finite(c[f"{split}_{metric}"]),
                        "name": f"{name} · {split}",
                        "legendgroup": f"{loss}-{split}",
                        "showlegend": axis == "",
                        "mode": mode,
                        "line": {"color": color, "dash": dash, "width": 3},
                        "marker": {"size": 9},
                        "xaxis": f"x{axis}",
                        "yaxis": f"y{axis}",
                        "hovertemplate": f"{name} {split}<br>epoch %{{x:.2f}}<br>"
                        + ("accuracy %{y:.3f}" if metric == "acc" else "loss %{y:.4f}")
                        + "<extra></extra>",
                    }
                )
    layout: dict = {}
    _two_panels(layout, "Accuracy", "Loss (each run's own, log scale)")
    x_range = [0, max(1, int(epochs))]
    layout["xaxis"].update(title={"text": "epoch"}, range=x_range)
    layout["xaxis2"].update(title={"text": "epoch"}, range=x_range)
    layout["yaxis"].update(range=[0, 1.0], tickformat=".0%")
    # 1-2-5 ticks in every decade: plotly's default log ticks label 2..9 as bare digits.
    ticks = [m * 10.0**e for e in range(-4, 2) for m in (1, 2, 5)]
    layout["yaxis2"].update(type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    layout.update(
        font=FONT,
        height=430,
        margin={"l": 60, "r": 20, "t": 40, "b": 60},
        legend={"orientation": "h", "y": -0.22, "x": 0},
        uirevision=uirevision,
        hovermode="closest",
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


def _png_uri(gray: np.ndarray) -> str:
    """A (H, W) uint8 image as a PNG data URI: tens of kB instead of a large heatmap array."""
    buffer = io.BytesIO()
    Image.fromarray(gray, mode="L").save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_CELL_W, _CELL_H = 30, 44  # pixels per digit cell: the 28x28 digit and a strip for the labels


def digit_grid(
    *, images: np.ndarray, labels: np.ndarray, predictions: Mapping[str, np.ndarray]
) -> go.Figure:
    """Test digits in rows of ten, each run's predicted label beneath in the run's colour.

    images: (N, 784) in [0, 1]; labels: (N,) true digits; predictions: loss -> (N,) labels.
    A wrong prediction is drawn white on a filled box and its digit gets a red frame.
    """
    images = np.clip(np.asarray(images, dtype=np.float64), 0, 1)
    labels = np.asarray(labels)
    n = len(images)
    cols = 10
    rows = -(-n // cols)
    canvas = np.full((rows * _CELL_H, cols * _CELL_W), 255, dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, cols)
        canvas[r * _CELL_H : r * _CELL_H + 28, c * _CELL_W + 1 : c * _CELL_W + 29] = (
            255 - np.rint(255 * image.reshape(28, 28))
        ).astype(np.uint8)  # dark ink on white, as on paper
    annotations, shapes = [], []
    runs = list(predictions.items())
    for i in range(n):
        r, c = divmod(i, cols)
        wrong_any = False
        for k, (loss, predicted) in enumerate(runs):
            guess = int(predicted[i])
            wrong = guess != int(labels[i])
            wrong_any |= wrong
            color = _run_color(loss)
            annotations.append(
                {
                    "x": c * _CELL_W + (k + 0.5) * _CELL_W / max(1, len(runs)),
                    "y": r * _CELL_H + 35.5,
                    "text": f"<b>{guess}</b>" if wrong else str(guess),
                    "showarrow": False,
                    "font": {"size": 14, "color": "white" if wrong else color},
                    "bgcolor": color if wrong else None,
                    "borderpad": 1,
                }
            )
        if wrong_any:
            shapes.append(
                {
                    "type": "rect",
                    "x0": c * _CELL_W + 0.5,
                    "x1": c * _CELL_W + 29.5,
                    "y0": r * _CELL_H - 0.5,
                    "y1": r * _CELL_H + 28.5,
                    "line": {"color": "#CC0000", "width": 2},
                }
            )
    fig = go.Figure(
        go.Image(
            source=_png_uri(canvas),
            x0=0,
            dx=1,
            y0=0,
            dy=1,
            hoverinfo="skip",
        )
    )
    legend = " · ".join(
        f"<span style='color:{_run_color(loss)}'><b>{_run_name(loss)}</b></span>"
        for loss, _ in runs
    )
    fig.update_layout(
        font=FONT,
        height=max(260, rows * 66 + 60),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        annotations=annotations,
        shapes=shapes,
        title={"text": f"Predicted labels: {legend} (filled = wrong)", "x": 0, "font": FONT},
        xaxis={"visible": False, "range": [-0.5, cols * _CELL_W - 0.5]},
        yaxis={"visible": False, "range": [rows * _CELL_H - 0.5, -0.5], "scaleanchor": "x"},
    )
    return fig


def confusion_matrices(*, confusion: Mapping[str, np.ndarray]) -> go.Figure:
    """One 10x10 heatmap per run: rows = true digit, columns = predicted, counts in the cells.

    confusion: loss -> (10, 10) counts. The shade is the share of each true digit's images,
    so both runs share one scale whatever the class sizes.
    """
    layout: dict = {}
    names = [_run_name(loss) for loss in confusion]
    _two_panels(layout, *(f"{n} run" for n in (names + ["", ""])[:2]))
    traces = []
    for k, (loss, cm) in enumerate(confusion.items()):
        cm = np.asarray(cm, dtype=np.float64)
        totals = cm.sum(axis=1, keepdims=True)
        share = np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0)
        axis = "" if k == 0 else "2"
        traces.append(
            go.Heatmap(
                z=share,
                x=list(range(10)),
                y=list(range(10)),
                text=cm.astype(np.int64),
                texttemplate="%{text}",
                textfont={"size": 12},
                colorscale=[[0, "#FFFFFF"], [1, _run_color(loss)]],
                zmin=0,
                zmax=1,
                showscale=False,
                xaxis=f"x{axis}",
                yaxis=f"y{axis}",
                hovertemplate="true %{y}, predicted %{x}: %{text} images<extra></extra>",
            )
        )
    for axis in ("", "2"):
        layout[f"xaxis{axis}"].update(title="predicted digit", dtick=1, constrain="domain")
        layout[f"yaxis{axis}"].update(
            title="true digit",
            dtick=1,
            autorange="reversed",
            scaleanchor=f"x{axis}",
            constrain="domain",
        )
    layout.update(font=FONT, height=460, margin={"l": 60, "r": 20, "t": 40, "b": 60})
    return go.Figure(data=traces, layout=layout)


def per_class_accuracy(*, accuracy: Mapping[str, np.ndarray]) -> go.Figure:
    """Grouped bars: test accuracy per true digit for each run. accuracy: loss -> (10,)."""
    traces = [
        go.Bar(
            x=list(range(10)),
            y=_finite(acc),
            name=_run_name(loss),
            marker_color=_run_color(loss),
            hovertemplate=f"{_run_name(loss)}: digit %{{x}}, accuracy %{{y:.1%}}<extra></extra>",
        )
        for loss, acc in accuracy.items()
    ]
    return go.Figure(
        data=traces,
        layout={
            "font": FONT,
            "height": 340,
            "barmode": "group",
            "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
            "title": {"text": "Test accuracy per digit", "x": 0},
            "xaxis": {"title": "true digit", "dtick": 1},
            "yaxis": {"range": [0, 1], "tickformat": ".0%"},
            "legend": {"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
        },
    )
