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

from surfaces.i18n import DEFAULT, tr
from surfaces.palette import LOSS_COLORS, LOSS_ORDER

FONT = {"size": 16}  # readable from the back of a lecture hall

_GAP = 0.08  # horizontal gap between two side-by-side panels, in paper units


def _run_name(loss: str, lang: str = DEFAULT) -> str:
    return tr(f"loss.{loss}.short", lang)


def _run_color(loss: str) -> str:
    return LOSS_COLORS.get(loss, "#555555")


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


def _three_panels(layout: dict, titles: tuple[str, str, str]) -> None:
    """Three side-by-side axes pairs (x/y, x2/y2, x3/y3) with titles above them."""
    width = (1 - 2 * _GAP) / 3
    centres = []
    for k in range(3):
        suffix = "" if k == 0 else str(k + 1)
        left = k * (width + _GAP)
        layout[f"xaxis{suffix}"] = {"domain": [left, left + width], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}"}
        centres.append(left + width / 2)
    layout["annotations"] = [
        {"text": f"<b>{text}</b>", "x": x, "y": 1.0, "xref": "paper", "yref": "paper",
         "xanchor": "center", "yanchor": "bottom", "showarrow": False}
        for text, x in zip(titles, centres, strict=True)
    ]  # fmt: skip


def training_curves(
    *, curves: Mapping[str, Mapping[str, np.ndarray]], total_steps: int, lang: str = DEFAULT,
    uirevision: str = "mnist",
) -> go.Figure:
    """Accuracy, loss and output-layer gradient norm against steps, for both runs.

    curves: loss -> {"step", "loss", "accuracy", "grad_norm", "test_step", "test_acc"} (1-D
    arrays, surfaces.mnist.curves.live_curves). Accuracy: the running window over training
    batches (solid) and the whole test set (dashed, markers). Loss and gradient norm are on log
    axes: MSE's gradient is orders of magnitude smaller while the network is confidently wrong.

    Redrawn twice a second while training, so it is built from plain dicts without plotly's
    validation (tests/unit/test_mnist_figures.py validates it once instead).
    """
    traces = []
    for loss in LOSS_ORDER:
        if loss not in curves:
            continue
        c, name, color = curves[loss], _run_name(loss, lang), _run_color(loss)
        panels = (
            ("", "step", "accuracy", tr("mnist.fig.train_window", lang), "solid", "lines"),
            ("", "test_step", "test_acc", tr("mnist.fig.test", lang), "dash", "lines+markers"),
            ("2", "step", "loss", tr("mnist.fig.train", lang), "solid", "lines"),
            ("3", "step", "grad_norm", tr("mnist.fig.train", lang), "solid", "lines"),
        )
        for axis, x_key, y_key, split, dash, mode in panels:
            traces.append({
                "type": "scatter",
                "x": _finite(c[x_key]),
                "y": _finite(c[y_key]),
                "name": f"{name} · {split}",
                "legendgroup": f"{loss}-{y_key}",
                "showlegend": axis == "",
                "mode": mode,
                "line": {"color": color, "dash": dash, "width": 3},
                "marker": {"size": 7},
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "hovertemplate": f"{name} {split}<br>step %{{x:.0f}}<br>%{{y:.4g}}<extra></extra>",
            })  # fmt: skip
    layout: dict = {}
    _three_panels(layout, (tr("mnist.fig.accuracy", lang), tr("mnist.fig.loss", lang),
                           tr("mnist.fig.grad_norm", lang)))  # fmt: skip
    x_range = [0, max(1, int(total_steps))]
    for axis in ("", "2", "3"):
        layout[f"xaxis{axis}"].update(title={"text": tr("fig.step", lang)}, range=x_range)
    layout["yaxis"].update(range=[0, 1.0], tickformat=".0%")
    # 1-2-5 ticks in every decade: plotly's default log ticks label 2..9 as bare digits.
    ticks = [m * 10.0**e for e in range(-8, 2) for m in (1, 2, 5)]
    for axis in ("2", "3"):
        layout[f"yaxis{axis}"].update(type="log", tickvals=ticks,
                                      ticktext=[f"{t:g}" for t in ticks])  # fmt: skip
    layout.update(
        font=FONT,
        height=430,
        margin={"l": 60, "r": 20, "t": 40, "b": 60},
        legend={"orientation": "h", "y": -0.22, "x": 0},
        uirevision=uirevision,
        hovermode="closest",
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


def margin_histograms(*, counts: Mapping[str, np.ndarray], edges: np.ndarray,
                      lang: str = DEFAULT) -> go.Figure:
    """Test margins (target logit minus strongest wrong logit = the lab's y1 - y2) per run.

    counts: loss -> (len(edges) - 1,) image counts over the bins edges. Left of 0 the image is
    classified wrong (the lab's top-left half); the end bins hold everything beyond them.
    """
    centres = (np.asarray(edges[:-1]) + np.asarray(edges[1:])) / 2
    traces = [
        go.Bar(x=centres, y=np.asarray(counts[loss]), name=_run_name(loss, lang),
               marker_color=_run_color(loss), opacity=0.7,
               hovertemplate="y1 - y2 ≈ %{x}: %{y}<extra>" + _run_name(loss, lang) + "</extra>")
        for loss in LOSS_ORDER if loss in counts
    ]  # fmt: skip
    fig = go.Figure(traces)
    fig.add_vline(x=0, line={"color": "#333", "dash": "dot"})
    fig.update_layout(
        font=FONT, height=340, barmode="overlay", bargap=0.05,
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        title={"text": tr("mnist.fig.margins", lang), "x": 0},
        xaxis={"title": tr("mnist.fig.margin_axis", lang)},
        yaxis={"title": tr("mnist.fig.images", lang)},
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
    )  # fmt: skip
    return fig


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
    *, images: np.ndarray, labels: np.ndarray, predictions: Mapping[str, np.ndarray],
    lang: str = DEFAULT,
) -> go.Figure:
    """Test digits in rows of ten, each run's predicted label beneath in the run's colour.

    images: (N, 784) in [0, 1]; labels: (N,) true digits; predictions: loss -> (N,) labels.
    A wrong prediction is drawn white on a box of the run's colour and its digit gets a red
    frame. The whole grid is one PNG of (rows * CELL_H, 10 * CELL_W) pixels; over it, one
    invisible marker per digit (customdata = its index) makes each digit clickable.
    """
    images = np.clip(np.nan_to_num(np.asarray(images, dtype=np.float64)), 0, 1)
    labels = np.asarray(labels)
    runs = [(loss, predictions[loss]) for loss in LOSS_ORDER if loss in predictions]
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
    index = np.arange(n)
    fig.add_scatter(
        x=(index % cols) * CELL_W + CELL_W / 2, y=(index // cols) * CELL_H + CELL_H / 2,
        customdata=index, mode="markers", marker={"size": 40, "opacity": 0.01, "color": "#888"},
        hovertemplate=tr("mnist.fig.digit_hover", lang) + "<extra></extra>", showlegend=False,
    )  # fmt: skip
    summary = " · ".join(
        f"<span style='color:{_run_color(loss)}'><b>{_run_name(loss, lang)}</b></span> "
        + tr("mnist.fig.wrong", lang, n=wrong_counts[loss])
        for loss, _ in runs
    )
    fig.update_layout(
        font=FONT,
        height=rows * CELL_H + 50,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        title={"text": tr("mnist.fig.grid_title", lang, n=n, summary=summary), "x": 0,
               "font": FONT},
        clickmode="event+select",
        dragmode=False,
        xaxis={"visible": False, "range": [-0.5, cols * CELL_W - 0.5]},
        yaxis={"visible": False, "range": [rows * CELL_H - 0.5, -0.5], "scaleanchor": "x"},
    )
    return fig


def confusion_matrices(*, confusion: Mapping[str, np.ndarray], lang: str = DEFAULT) -> go.Figure:
    """One 10x10 heatmap per run: rows = true digit, columns = predicted, counts in the cells.

    confusion: loss -> (10, 10) counts. The shade is the share of each true digit's images,
    so both runs share one scale whatever the class sizes.
    """
    layout: dict = {}
    order = [loss for loss in LOSS_ORDER if loss in confusion]
    _two_panels(layout, *[_run_name(loss, lang) for loss in (order + ["", ""])[:2]])
    traces = []
    for k, loss in enumerate(order):
        cm = confusion[loss]
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
                hovertemplate=tr("mnist.fig.confusion_hover", lang) + "<extra></extra>",
            )
        )
    for axis in ("", "2"):
        layout[f"xaxis{axis}"].update(title=tr("mnist.fig.predicted", lang), dtick=1,
                                      constrain="domain")  # fmt: skip
        layout[f"yaxis{axis}"].update(
            title=tr("mnist.fig.true", lang),
            dtick=1,
            autorange="reversed",
            scaleanchor=f"x{axis}",
            constrain="domain",
        )
    layout.update(font=FONT, height=460, margin={"l": 60, "r": 20, "t": 40, "b": 60})
    return go.Figure(data=traces, layout=layout)


def per_class_accuracy(*, accuracy: Mapping[str, np.ndarray], lang: str = DEFAULT) -> go.Figure:
    """Grouped bars: test accuracy per true digit for each run. accuracy: loss -> (10,)."""
    traces = [
        go.Bar(
            x=list(range(10)),
            y=_finite(acc),
            name=_run_name(loss, lang),
            marker_color=_run_color(loss),
            hovertemplate=f"{_run_name(loss, lang)}: %{{x}} · %{{y:.1%}}<extra></extra>",
        )
        for loss, acc in ((k, accuracy[k]) for k in LOSS_ORDER if k in accuracy)
    ]
    return go.Figure(
        data=traces,
        layout={
            "font": FONT,
            "height": 340,
            "barmode": "group",
            "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
            "title": {"text": tr("mnist.fig.per_digit", lang), "x": 0},
            "xaxis": {"title": tr("mnist.fig.true", lang), "dtick": 1},
            "yaxis": {"range": [0, 1], "tickformat": ".0%"},
            "legend": {"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
        },
    )
