"""Figures of the pages beyond the slide: arrays in, ``go.Figure`` out; draws, never computes
a number a lecturer reads (those come from escape, anatomy, simplex, logistic, rates).

Nothing non-finite is ever drawn: "never" (an escape map's -1) is its own grey bin of the
colour scale, an undefined naive loss is a grey region over finite zeros, far points are
clipped. Colours: the losses keep `palette.LOSS_COLORS`; maps are red = high, blue = low,
as in the lab; the 1-D view uses the lecture figure's black (cross-entropy) and red (square
error).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from surfaces.anatomy import Anatomy, GradientMaps, NaiveCE
from surfaces.i18n import DEFAULT, tr
from surfaces.palette import LOSS_COLORS, LOSS_ORDER, loss_name

__all__ = ["adagrad_rates", "anatomy_factors", "escape_maps", "gradient_maps_figure",
           "logistic_view", "naive_map", "rate_curves", "scaling_paths", "simplex_figure"]

# Figures rebuilt on a slider move skip plotly.py's validation (as surfaces.figures does);
# the tests switch it on.
VALIDATE = False
NEVER_GREY = "#6c757d"
UNDEFINED_GREY = "#495057"
LECTURE_COLORS = {"cross_entropy": "#000000", "square_error": "#d62828"}  # the notes' figure
LABEL_COLORS = {"too_small": "#1c7ed6", "right": "#2b8a3e", "too_large": "#f08c00",
                "diverging": "#c92a2a"}


def _font(projector: bool) -> dict:
    return {"size": 20 if projector else 13}


def _row(titles: Sequence[str], **kw) -> go.Figure:
    """One row of 2-D panels, one per title."""
    return make_subplots(rows=1, cols=len(titles), subplot_titles=list(titles), **kw)


# --- escape map ------------------------------------------------------------------------------
def escape_maps(maps: Mapping[str, np.ndarray], axis: np.ndarray, *, steps: int,
                start: tuple[float, float] | None = None, projector: bool = False,
                lang: str = DEFAULT, height: int = 470) -> go.Figure:
    """Two heat maps (MSE, cross-entropy) of the first step below the threshold; "never"
    (-1) is the grey top bin, above `steps`; the hover shows the step itself (customdata).

    The axes come from a cache and the heat maps skip plotly.py's validation unless VALIDATE
    (the tests switch it on): a move of the steps slider rebuilds this figure."""
    fig = go.Figure(layout=json.loads(_escape_layout(projector, lang, height)),
                    _validate=VALIDATE)
    top = steps + max(1.0, 0.12 * steps)  # the grey bin: from steps + 1/2 to top
    cut = (steps + 0.5) / top
    # blue: escapes at once, red: late; grey: never within the budget
    scale = [[0.0, "#2166ac"], [0.5 * cut, "#f7f7f7"], [cut, "#b2182b"], [cut, NEVER_GREY],
             [1.0, NEVER_GREY]]
    hover = tr("escape.hover", lang)
    for col, loss in enumerate(LOSS_ORDER, start=1):
        grid = np.asarray(maps[loss])
        z = np.where(grid < 0, top, grid).astype(np.float32)
        fig.add_trace(go.Heatmap(
            x=axis, y=axis, z=z, zmin=0, zmax=top, colorscale=scale, name=loss_name(loss, lang),
            customdata=grid.astype(np.int32), hovertemplate=hover,
            xaxis="x" if col == 1 else f"x{col}", yaxis="y" if col == 1 else f"y{col}",
            colorbar={"x": 0.44 if col == 1 else 1.0, "len": 0.9, "thickness": 14,
                      "tickvals": [0, steps // 2, steps, top],
                      "ticktext": ["0", str(steps // 2), str(steps), tr("escape.never", lang)],
                      "ticks": ""},
            _validate=VALIDATE))
    if start is not None:
        fig.add_traces(point_markers(start, lang=lang, name="fig.start", marker=START))
    return fig


@functools.lru_cache(maxsize=16)
def _escape_layout(projector: bool, lang: str, height: int) -> str:
    """The escape maps' two square panels, titles and axes, as layout JSON."""
    fig = _row([loss_name(k, lang) for k in LOSS_ORDER], horizontal_spacing=0.12)
    for col in (1, 2):
        fig.update_xaxes(title_text="y1", row=1, col=col, constrain="domain")
        fig.update_yaxes(title_text="y2", row=1, col=col, scaleanchor=f"x{'' if col == 1 else 2}")
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 40},
                      font=_font(projector), showlegend=False, uirevision="escape")
    return json.dumps(fig.layout.to_plotly_json())


# --- gradient anatomy ------------------------------------------------------------------------
def gradient_maps_figure(maps: GradientMaps, *, point: tuple[float, float] | None = None,
                         projector: bool = False, lang: str = DEFAULT,
                         height: int = 460) -> go.Figure:
    """log10 of both gradients' norms on one colour scale; the stall zone outlined on both."""
    fig = _row([loss_name(k, lang) for k in LOSS_ORDER], horizontal_spacing=0.12)
    lo = min(float(v.min()) for v in maps.log10_norm.values())
    hi = max(float(v.max()) for v in maps.log10_norm.values())
    hover = tr("anatomy.hover_norm", lang)
    stall = maps.stall.astype(np.float32)
    for col, loss in enumerate(LOSS_ORDER, start=1):
        fig.add_trace(go.Heatmap(
            x=maps.y1s, y=maps.y2s, z=maps.log10_norm[loss].astype(np.float32), zmin=lo,
            zmax=hi, colorscale="Viridis", name=loss_name(loss, lang), hovertemplate=hover,
            colorbar={"x": 1.0, "len": 0.9, "thickness": 14, "title": {"text": "log10 |∇|"}},
            showscale=col == 2), row=1, col=col)
        if stall.any() and not stall.all():
            fig.add_trace(go.Contour(
                x=maps.y1s, y=maps.y2s, z=stall, showscale=False, contours={
                    "start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                line={"color": "white", "width": 3, "dash": "dash"}, hoverinfo="skip",
                name=tr("anatomy.stall", lang)), row=1, col=col)
        fig.update_xaxes(title_text="y1", row=1, col=col, constrain="domain")
        fig.update_yaxes(title_text="y2", row=1, col=col, scaleanchor=f"x{'' if col == 1 else 2}")
    if point is not None:
        fig.add_traces(point_markers(point, lang=lang))
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 40},
                      font=_font(projector), showlegend=False, uirevision="anatomy")
    return fig


POINT = {"size": 14, "color": "white", "symbol": "x", "line": {"color": "black", "width": 2}}
START = {"size": 14, "color": "white", "symbol": "circle-open",
         "line": {"color": "black", "width": 3}}


def point_markers(point: tuple[float, float], *, lang: str = DEFAULT, cols: int = 2,
                  name: str = "anatomy.point", marker: Mapping = POINT) -> list:
    """The chosen point marked on each map of a row (subplot axes x, y; x2, y2; ...), as
    plain trace dicts: a page redraws them on every move over maps it sends once. `name` is
    the language table's key of the trace name."""
    return [{"type": "scatter", "x": [float(point[0])], "y": [float(point[1])],
             "xaxis": "x" if col == 1 else f"x{col}", "yaxis": "y" if col == 1 else f"y{col}",
             "mode": "markers", "name": tr(name, lang), "hoverinfo": "skip",
             "showlegend": False, "marker": dict(marker)}
            for col in range(1, cols + 1)]


def anatomy_factors(a: Anatomy, *, projector: bool = False, lang: str = DEFAULT,
                    height: int = 330) -> go.Figure:
    """Bars on a log axis: the error |2(y' - ŷ)|, the Jacobian's norm, and the two gradients
    (MSE's is the product of the first two at most)."""
    names = [tr("anatomy.bar.error", lang), tr("anatomy.bar.jacobian", lang),
             tr("anatomy.bar.grad_mse", lang), tr("anatomy.bar.grad_ce", lang)]
    values = np.array([a.error_norm, a.jacobian_norm, np.linalg.norm(a.grad_mse[:2]),
                       np.linalg.norm(a.grad_ce[:2])])
    shown = np.maximum(values, 1e-300)  # a log axis has no 0
    colors = ["#868e96", "#868e96", LOSS_COLORS["mse"], LOSS_COLORS["cross_entropy"]]
    fig = go.Figure(go.Bar(x=shown, y=names, orientation="h", marker_color=colors,
                           text=[f"{v:.3g}" for v in values], textposition="outside",
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_xaxes(type="log", exponentformat="power", title_text=tr("anatomy.bar.axis", lang))
    fig.update_layout(height=height, margin={"l": 10, "r": 40, "t": 20, "b": 50},
                      font=_font(projector), showlegend=False, uirevision="factors")
    return fig


def naive_map(naive: NaiveCE, stable: np.ndarray, *, naive_on: bool, projector: bool = False,
              lang: str = DEFAULT, height: int = 460) -> go.Figure:
    """Cross-entropy over the square, stable or naive; where the naive loss or gradient is
    inf or nan, a grey "undefined" region (the values under it are finite zeros)."""
    z = naive.value if naive_on else np.asarray(stable)
    fig = go.Figure(go.Heatmap(
        x=naive.y1s, y=naive.y2s, z=z.astype(np.float32), colorscale="RdBu_r",
        zmin=0, zmax=max(float(z.max()), 1e-9), name=loss_name("cross_entropy", lang),
        hovertemplate=tr("anatomy.hover_loss", lang),
        colorbar={"len": 0.9, "thickness": 14}))
    title = tr("anatomy.naive_title" if naive_on else "anatomy.stable_title", lang)
    if naive_on and naive.undefined.any():
        mask = naive.undefined.astype(np.float32)
        fig.add_trace(go.Heatmap(
            x=naive.y1s, y=naive.y2s, z=mask, zmin=0, zmax=1, showscale=False,
            colorscale=[[0, "rgba(0,0,0,0)"], [0.5, "rgba(0,0,0,0)"], [0.5, UNDEFINED_GREY],
                        [1, UNDEFINED_GREY]],
            name=tr("anatomy.undefined", lang), hovertemplate=tr("anatomy.hover_undefined",
                                                                 lang)))
        fig.add_annotation(text=tr("anatomy.undefined_note", lang,
                                   share=f"{naive.share_undefined:.0%}"),
                           x=0.5, y=1.0, xref="paper", yref="paper", yanchor="bottom",
                           showarrow=False, font={"color": UNDEFINED_GREY})
    fig.update_xaxes(title_text="y1", constrain="domain")
    fig.update_yaxes(title_text="y2", scaleanchor="x")
    fig.update_layout(title={"text": title}, height=height, font=_font(projector),
                      margin={"l": 10, "r": 10, "t": 70, "b": 40}, uirevision="naive")
    return fig


# --- simplex ---------------------------------------------------------------------------------
def simplex_figure(probs: np.ndarray, loss: Mapping[str, np.ndarray],
                   paths: Mapping[str, np.ndarray], *, projector: bool = False,
                   lang: str = DEFAULT, height: int = 500) -> go.Figure:
    """Two ternary plots (MSE, cross-entropy): the square's points at (y1', y2', y3'),
    coloured by that loss, and each loss's descent path."""
    fig = simplex_base(probs, loss, projector=projector, lang=lang, height=height)
    fig.add_traces(simplex_path_traces(paths, lang=lang))
    return fig


def simplex_path_traces(paths: Mapping[str, np.ndarray], *, lang: str = DEFAULT) -> list:
    """Each loss's path on its ternary plot and its end point, as plain trace dicts (lists,
    not arrays): drawn on every move over the points `simplex_base` sends once."""
    traces = []
    for col, name in enumerate(LOSS_ORDER, start=1):
        path = np.asarray(paths[name], dtype=float)
        subplot = "ternary" if col == 1 else f"ternary{col}"
        traces.append({
            "type": "scatterternary", "subplot": subplot, "a": path[:, 0].tolist(),
            "b": path[:, 1].tolist(), "c": path[:, 2].tolist(), "mode": "lines+markers",
            "name": tr("fig.path", lang, name=loss_name(name, lang)),
            "line": {"color": "black", "width": 3}, "marker": {"size": 4, "color": "black"},
            "hoverinfo": "skip", "showlegend": False})
        traces.append({
            "type": "scatterternary", "subplot": subplot, "a": path[-1:, 0].tolist(),
            "b": path[-1:, 1].tolist(), "c": path[-1:, 2].tolist(), "mode": "markers",
            "name": tr("fig.end", lang), "hoverinfo": "skip", "showlegend": False,
            "marker": {"size": 14, "color": LOSS_COLORS[name], "symbol": "diamond",
                       "line": {"color": "black", "width": 2}}})
    return traces


def simplex_base(probs: np.ndarray, loss: Mapping[str, np.ndarray], *, projector: bool = False,
                 lang: str = DEFAULT, height: int = 500) -> go.Figure:
    """The two ternary plots with the square's points coloured by each loss, no paths."""
    fig = make_subplots(rows=1, cols=2, specs=[[{"type": "ternary"}, {"type": "ternary"}]],
                        subplot_titles=[loss_name(k, lang) for k in LOSS_ORDER],
                        horizontal_spacing=0.12)
    hover = tr("simplex.hover", lang)
    for col, name in enumerate(LOSS_ORDER, start=1):
        values = np.asarray(loss[name], dtype=np.float32)
        fig.add_trace(go.Scatterternary(
            a=probs[:, 0], b=probs[:, 1], c=probs[:, 2], mode="markers",
            name=loss_name(name, lang), customdata=values, hovertemplate=hover,
            marker={"size": 6, "color": values, "colorscale": "RdBu_r", "cmin": 0,
                    "cmax": max(float(values.max()), 1e-9), "showscale": True,
                    "colorbar": {"x": 0.44 if col == 1 else 1.0, "len": 0.8,
                                 "thickness": 14}}), row=1, col=col)
    axis = {"a": tr("simplex.axis", lang, c=1), "b": tr("simplex.axis", lang, c=2),
            "c": tr("simplex.axis", lang, c=3)}
    for name in ("ternary", "ternary2"):
        fig.layout[name].update(**{f"{k}axis": {"title": {"text": v}, "min": 0}
                                   for k, v in axis.items()})
    fig.update_layout(height=height, showlegend=False, font=_font(projector),
                      margin={"l": 40, "r": 40, "t": 60, "b": 40}, uirevision="simplex")
    return fig


# --- the 1-D view (seed 001) -----------------------------------------------------------------
def logistic_view(ws: np.ndarray, curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
                  runs: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]], *,
                  projector: bool = False, lang: str = DEFAULT, height: int = 440) -> go.Figure:
    """Left: total loss against the weight, cross-entropy black and square error red, with
    each descent's points; right: the two gradients dL/dw. `curves`: loss -> (L(ws),
    dL/dw(ws)); `runs`: loss -> (weights, losses, grads) of a descent."""
    fig = logistic_base(ws, curves, projector=projector, lang=lang, height=height)
    fig.add_traces(logistic_descents(runs, (float(ws[0]), float(ws[-1])), lang=lang))
    return fig


def logistic_descents(runs: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                      window: tuple[float, float], *, lang: str = DEFAULT) -> list:
    """Each descent's points on both panels (those inside the weight window), as plain
    trace dicts: drawn on every move over the curves `logistic_base` sends once."""
    lo, hi = window
    traces = []
    for name, (w, loss, g) in runs.items():
        color = LECTURE_COLORS[name]
        inside = (w >= lo) & (w <= hi)
        for col, y in ((1, loss), (2, g)):
            traces.append({
                "type": "scatter", "x": np.asarray(w)[inside].tolist(),
                "y": np.asarray(y)[inside].tolist(), "xaxis": "x" if col == 1 else "x2",
                "yaxis": "y" if col == 1 else "y2", "mode": "markers+lines",
                "legendgroup": name, "showlegend": False,
                "name": tr("logistic.descent", lang, name=tr(f"logistic.{name}", lang)),
                "line": {"color": color, "width": 1, "dash": "dot"},
                "marker": {"size": 8, "color": "white", "line": {"color": color, "width": 2}},
                "hovertemplate": "w %{x:.3g}: %{y:.4g}<extra></extra>"})
    return traces


def logistic_base(ws: np.ndarray, curves: Mapping[str, tuple[np.ndarray, np.ndarray]], *,
                  projector: bool = False, lang: str = DEFAULT, height: int = 440) -> go.Figure:
    """Both panels with the two losses' curves and gradients, no descent."""
    fig = _row([tr("logistic.panel.loss", lang), tr("logistic.panel.grad", lang)],
                horizontal_spacing=0.1)
    lo, hi = float(ws[0]), float(ws[-1])
    for name, (value, grad) in curves.items():
        color = LECTURE_COLORS[name]
        label = tr(f"logistic.{name}", lang)
        for col, y in ((1, value), (2, grad)):
            fig.add_trace(go.Scatter(x=ws, y=y, mode="lines", name=label, legendgroup=name,
                                     showlegend=col == 1, line={"color": color, "width": 3},
                                     hovertemplate="w %{x:.3g}: %{y:.4g}<extra></extra>"),
                          row=1, col=col)
    fig.update_xaxes(title_text="w", range=[lo, hi])
    fig.update_yaxes(title_text=tr("logistic.axis.loss", lang), row=1, col=1)
    fig.update_yaxes(title_text="dL/dw", row=1, col=2, zeroline=True, zerolinecolor="#adb5bd")
    fig.update_layout(height=height, font=_font(projector), plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.2, "x": 0.5, "xanchor": "center"},
                      margin={"l": 60, "r": 20, "t": 40, "b": 60}, uirevision="logistic")
    return fig


# --- learning rates --------------------------------------------------------------------------
def rate_curves(sweep: Mapping[str, Sequence[tuple[float, np.ndarray, str]]], *,
                projector: bool = False, lang: str = DEFAULT, height: int = 420) -> go.Figure:
    """Loss against updates, one line per learning rate, coloured and named by its label.
    `sweep`: loss -> [(lr, losses (k+1,), label)]."""
    fig = rate_axes(tuple(sweep), projector=projector, lang=lang, height=height)
    fig.add_traces(rate_traces(sweep, projector=projector, lang=lang))
    return fig


def rate_traces(sweep: Mapping[str, Sequence[tuple[float, np.ndarray, str]]], *,
                projector: bool = False, lang: str = DEFAULT) -> list:
    """rate_curves' lines as plain trace dicts (lists, losses capped at 1e300): drawn on
    every move over the axes `rate_axes` sends once."""
    width = 4 if projector else 2.5
    traces = []
    for col, (name, runs) in enumerate(sweep.items(), start=1):
        for lr, losses, label in runs:
            traces.append({
                "type": "scatter", "x": list(range(len(losses))),
                "y": np.minimum(np.asarray(losses, dtype=float), 1e300).tolist(),
                "xaxis": "x" if col == 1 else f"x{col}", "yaxis": "y" if col == 1 else f"y{col}",
                "mode": "lines",
                "name": tr("rates.legend", lang, lr=f"{lr:g}",
                           label=tr(f"rates.label.{label}", lang)),
                "line": {"color": LABEL_COLORS[label], "width": width}, "legendgroup": name,
                "hovertemplate": "%{x}: %{y:.4g}<extra>%{fullData.name}</extra>"})
    return traces


def rate_axes(names: Sequence[str], *, projector: bool = False, lang: str = DEFAULT,
              height: int = 420) -> go.Figure:
    """rate_curves' panels, one per loss in `names`, with no lines."""
    fig = _row([tr(f"logistic.{k}", lang) for k in names], horizontal_spacing=0.1)
    fig.update_xaxes(title_text=tr("rates.axis.updates", lang))
    fig.update_yaxes(title_text=tr("logistic.axis.loss", lang), type="log",
                     exponentformat="power")
    fig.update_layout(height=height, font=_font(projector), plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.25, "x": 0.5, "xanchor": "center"},
                      margin={"l": 60, "r": 20, "t": 40, "b": 90}, uirevision="rates")
    return fig


def adagrad_rates(rates: np.ndarray, *, lr: float, projector: bool = False,
                  lang: str = DEFAULT, height: int = 330) -> go.Figure:
    """Adagrad's effective rate per parameter (k, 2) against the update, with plain GD's."""
    steps = np.arange(1, len(rates) + 1)
    fig = go.Figure()
    for j, color in ((0, "#1c7ed6"), (1, "#c92a2a")):
        fig.add_trace(go.Scatter(x=steps, y=rates[:, j], mode="lines",
                                 name=tr("rates.adagrad_w", lang, i=j + 1),
                                 line={"color": color, "width": 3}))
    fig.add_trace(go.Scatter(x=steps, y=np.full(len(steps), lr), mode="lines",
                             name=tr("rates.gd_rate", lang), line={"color": "black",
                                                                   "dash": "dash"}))
    fig.update_xaxes(title_text=tr("rates.axis.updates", lang))
    fig.update_yaxes(title_text=tr("rates.axis.rate", lang), type="log", exponentformat="power")
    fig.update_layout(height=height, font=_font(projector), plot_bgcolor="white",
                      margin={"l": 60, "r": 20, "t": 20, "b": 50}, uirevision="adagrad")
    return fig


def scaling_paths(grid: np.ndarray, panels: Sequence[tuple[str, np.ndarray, np.ndarray]], *,
                  projector: bool = False, lang: str = DEFAULT, height: int = 420) -> go.Figure:
    """Contours of the quadratic with a descent path, one panel each (before and after
    feature scaling). `panels`: [(title, loss over grid x grid (m, m), points (k+1, 2))]."""
    fig = _row([p[0] for p in panels], horizontal_spacing=0.06)
    lo, hi = float(grid[0]), float(grid[-1])
    for col, (_, z, path) in enumerate(panels, start=1):
        fig.add_trace(go.Contour(x=grid, y=grid, z=np.log10(1e-6 + z).astype(np.float32),
                                 colorscale="RdBu_r", showscale=False, ncontours=18,
                                 hoverinfo="skip", name=tr("rates.contours", lang)),
                      row=1, col=col)
        xy = np.clip(path, lo, hi)
        fig.add_trace(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="lines+markers",
                                 name=tr("rates.path", lang), line={"color": "black"},
                                 marker={"size": 5, "color": "black"},
                                 hovertemplate="w1 %{x:.3g}, w2 %{y:.3g}<extra></extra>"),
                      row=1, col=col)
        fig.add_trace(go.Scatter(x=[1.0], y=[1.0], mode="markers", name=tr("rates.centre", lang),
                                 marker={"size": 14, "symbol": "star", "color": "gold",
                                         "line": {"color": "black", "width": 1}},
                                 hoverinfo="skip"), row=1, col=col)
        fig.update_xaxes(title_text="w1", range=[lo, hi], row=1, col=col, constrain="domain")
        fig.update_yaxes(title_text="w2", range=[lo, hi], row=1, col=col,
                         scaleanchor=f"x{'' if col == 1 else col}")
    fig.update_layout(height=height, font=_font(projector), showlegend=False,
                      margin={"l": 10, "r": 10, "t": 40, "b": 40}, uirevision="scaling")
    return fig
