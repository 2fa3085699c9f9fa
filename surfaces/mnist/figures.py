"""Figures of the live MNIST page: arrays in, plotly go.Figure out; draws, never trains.

Both runs keep the colours the whole app uses for the two losses
(`surfaces.palette.LOSS_COLORS`): cross-entropy green, MSE orange; test curves are also
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
from PIL import Image, ImageDraw, ImageFont

from surfaces.palette import LOSS_COLORS

CE_COLOR = LOSS_COLORS["cross_entropy"]  # green, as on the error-surface page
MSE_COLOR = LOSS_COLORS["mse"]  # orange
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


def _png_uri(image: Image.Image) -> str:
    """A PIL image as a PNG data URI."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # optimize=True: 4 % smaller, 8 times slower
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


# One cell of the digit grid, in PNG pixels: the 28x28 digit drawn 2x, a strip for the
# predicted labels under it, and a gap. Everything is drawn into one PNG, so the browser
# repaints a single image rather than 200 text annotations.
SCALE = 2
DIGIT = 28 * SCALE
CELL_W, CELL_H = DIGIT + 8, DIGIT + 30
LABEL_H = 24
MISTAKE_COLOR = "#CC0000"  # frame around a digit that some run got wrong


def digit_grid(
    *, images: np.ndarray, labels: np.ndarray, predictions: Mapping[str, np.ndarray]
) -> go.Figure:
    """Test digits in rows of ten, each run's predicted label beneath in the run's colour.

    images: (N, 784) in [0, 1]; labels: (N,) true digits; predictions: loss -> (N,) labels.
    A wrong prediction is drawn white on a box of the run's colour and its digit gets a red
    frame. The whole grid is one PNG of (rows * CELL_H, 10 * CELL_W) pixels.
    """
    images = np.clip(np.nan_to_num(np.asarray(images, dtype=np.float64)), 0, 1)
    labels = np.asarray(labels)
    runs = list(predictions.items())
    cols, n = 10, len(images)
    rows = max(1, -(-n // cols))
    canvas = Image.new("RGB", (cols * CELL_W, rows * CELL_H), "white")
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=LABEL_H - 4)
    ink = (255 - np.rint(255 * images.reshape(n, 28, 28))).astype(np.uint8)  # dark on white
    ink = ink.repeat(SCALE, axis=1).repeat(SCALE, axis=2)
    wrong_counts = dict.fromkeys(predictions, 0)
    for i in range(n):
        r, c = divmod(i, cols)
        x0, y0 = c * CELL_W + 4, r * CELL_H + 2
        canvas.paste(Image.fromarray(ink[i], mode="L").convert("RGB"), (x0, y0))
        slot = DIGIT / max(1, len(runs))
        wrong_any = False
        for k, (loss, predicted) in enumerate(runs):
            guess = int(predicted[i])
            wrong = guess != int(labels[i])
            wrong_any |= wrong
            wrong_counts[loss] += wrong
            color = _rgb(_run_color(loss))
            box = (x0 + k * slot + 2, y0 + DIGIT + 2, x0 + (k + 1) * slot - 2, y0 + DIGIT + LABEL_H)
            if wrong:
                draw.rectangle(box, fill=color)
            draw.text(
                ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
                str(guess),
                fill="white" if wrong else color,
                font=font,
                anchor="mm",
            )
        if wrong_any:
            draw.rectangle((x0 - 3, y0 - 2, x0 + DIGIT + 2, y0 + DIGIT + 1),
                           outline=_rgb(MISTAKE_COLOR), width=2)  # fmt: skip
    fig = go.Figure(go.Image(source=_png_uri(canvas), hoverinfo="skip"))
    summary = " · ".join(
        f"<span style='color:{_run_color(loss)}'><b>{_run_name(loss)}</b></span> "
        f"{wrong_counts[loss]} wrong"
        for loss, _ in runs
    )
    fig.update_layout(
        font=FONT,
        height=rows * CELL_H + 50,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        title={"text": f"Predicted labels of {n} test digits: {summary}", "x": 0, "font": FONT},
        xaxis={"visible": False, "range": [-0.5, cols * CELL_W - 0.5]},
        yaxis={"visible": False, "range": [rows * CELL_H - 0.5, -0.5], "scaleanchor": "x"},
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
