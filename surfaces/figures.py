"""Plotly figures of the error-surface lab: arrays in, ``go.Figure`` out; draws, never computes
anything a lecturer would read as a number (those come from `grid` and `descent`).

Colour convention of the lecture: red = large loss, blue = small loss, one honest scale per
loss shared by its 3-D surface and its map, starting at zero. MSE and cross-entropy keep the
same colours in every chart of the app (`LOSS_COLORS`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from surfaces import losses as L
from surfaces.descent import Trajectory
from surfaces.grid import ErrorSurfaces
from surfaces.i18n import DEFAULT, tr
from surfaces.palette import LOSS_COLORS, LOSS_NAMES, loss_name

__all__ = [
    "LOSS_COLORS",
    "LOSS_NAMES",
    "ClippedPath",
    "curves",
    "narrow",
    "path_traces_3d",
    "path_traces_map",
    "surface_maps",
    "surfaces_3d",
]

ORDER = ("mse", "cross_entropy")  # left, right: the lecture's order
COLORSCALE = "RdBu_r"  # blue low, red high
DEFAULT_EYE = (-1.75, -1.75, 1.25)  # looking at the top-left corner, where the runs start
# The box of a 3-D scene (x, y, z). In projector mode it is drawn smaller: a scene's
# drawing scales with its height, and at 1024 px wide its big tick labels and the "loss"
# title ran past the scene's left edge, where its canvas cuts them off.
ASPECT = {False: (1.0, 1.0, 0.7), True: (0.8, 0.8, 0.56)}
# The small figures redrawn on every slider move (paths, curves) skip plotly.py's property
# validation, which costs ten times the drawing; tests build them with it switched on.
VALIDATE = False


def _font(projector: bool) -> dict:
    return {"size": 20 if projector else 13}


def _title_font(fig: go.Figure, projector: bool) -> None:
    """Subplot titles: 24 px in projector mode (plotly draws them at 16 whatever the
    figure's font), 16 otherwise."""
    fig.update_annotations(font_size=24 if projector else 16)


def color_range(surf: ErrorSurfaces, loss: str) -> tuple[float, float]:
    """The colour scale of one loss: from 0 (or below, never) to the surface's maximum."""
    z = surf.z[loss]
    return min(0.0, float(z.min())), float(z.max())


def surfaces_3d(
    surf: ErrorSurfaces, *, projector: bool = False, eye=DEFAULT_EYE, height: int = 540,
    lang: str = DEFAULT,
) -> go.Figure:
    """Two 3-D surfaces side by side, MSE (scene) and cross-entropy (scene2)."""
    fig = make_subplots(
        rows=1, cols=2, specs=[[{"type": "scene"}, {"type": "scene"}]],
        subplot_titles=[loss_name(k, lang) for k in ORDER], horizontal_spacing=0.02,
    )
    for col, loss in enumerate(ORDER, start=1):
        lo, hi = color_range(surf, loss)
        fig.add_trace(
            go.Surface(
                x=surf.y1s, y=surf.y2s, z=surf.z[loss], name=loss_name(loss, lang),
                colorscale=COLORSCALE, cmin=lo, cmax=hi, showscale=True,
                colorbar={"x": 0.45 if col == 1 else 1.0, "len": 0.7, "thickness": 14},
                hovertemplate=tr("fig.hover_surface", lang),
            ),
            row=1, col=col,
        )
    camera = {"eye": dict(zip("xyz", eye, strict=True))}
    span = float(surf.y1s[-1])
    for name in ("scene", "scene2"):
        fig.layout[name].update(
            xaxis={"title": "y1", "range": [surf.y1s[0], span]},
            yaxis={"title": "y2", "range": [surf.y2s[0], float(surf.y2s[-1])]},
            # big type on a projector: fewer loss ticks, so they do not run into each other
            zaxis={"title": tr("fig.loss", lang), "nticks": 4 if projector else 0},
            camera=camera, aspectmode="manual",
            aspectratio=dict(zip("xyz", ASPECT[projector], strict=True)),
        )
    fig.update_layout(
        height=height, margin={"l": 0, "r": 0, "t": 40, "b": 0}, font=_font(projector),
        showlegend=False, uirevision="lab",
    )
    _title_font(fig, projector)
    return fig


def surface_maps(surf: ErrorSurfaces, *, projector: bool = False, height: int = 430,
                 lang: str = DEFAULT) -> go.Figure:
    """The same two surfaces seen from above, as filled contour maps with contour lines."""
    fig = make_subplots(
        rows=1, cols=2,
        subplot_titles=[tr("fig.from_above", lang, name=loss_name(k, lang)) for k in ORDER],
        horizontal_spacing=0.1,
    )
    for col, loss in enumerate(ORDER, start=1):
        lo, hi = color_range(surf, loss)
        fig.add_trace(
            go.Contour(
                x=surf.y1s, y=surf.y2s, z=surf.z[loss], name=loss_name(loss, lang),
                colorscale=COLORSCALE, zmin=lo, zmax=hi, ncontours=16,
                contours={"coloring": "heatmap"}, line={"width": 0.5, "color": "rgba(0,0,0,.35)"},
                colorbar={"x": 0.43 if col == 1 else 1.0, "len": 0.9, "thickness": 14},
                hovertemplate=tr("fig.hover_surface", lang),
            ),
            row=1, col=col,
        )
        fig.update_xaxes(title_text="y1", row=1, col=col, constrain="domain", zeroline=False,
                         showgrid=False)
        fig.update_yaxes(title_text="y2", row=1, col=col, scaleanchor=f"x{'' if col == 1 else 2}",
                         zeroline=False, showgrid=False)
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 40, "b": 50}, font=_font(projector),
        showlegend=False, uirevision="lab",
    )
    _title_font(fig, projector)
    return fig


class ClippedPath:
    """A trajectory held inside the plotted square: `inside[k]` is False where it was clipped."""

    def __init__(self, traj: Trajectory, span: float, y3: float, target: int):
        self.traj = traj
        self.xy = np.clip(traj.points, -span, span)
        self.inside = (np.abs(traj.points) <= span).all(axis=1)
        logits = np.column_stack([self.xy, np.full(len(self.xy), y3)])
        # On the drawn surface: the loss at the clipped point (the true one is in the hover).
        self.z = np.where(self.inside, traj.losses, L.loss(traj.loss, logits, target))

    @property
    def left_at(self) -> int | None:
        """First step outside the plotted range, or None."""
        out = np.flatnonzero(~self.inside)
        return int(out[0]) if out.size else None




def _hover_data(traj: Trajectory) -> np.ndarray:
    """(steps+1, 4): step, y1, y2, loss."""
    return np.column_stack([np.arange(traj.steps + 1), traj.points, traj.losses])


def path_traces_3d(paths: Mapping[str, ClippedPath], *, projector: bool = False,
                   lang: str = DEFAULT) -> list:
    """Descent paths drawn on the 3-D surfaces (MSE on scene, cross-entropy on scene2)."""
    traces = []
    width = 9 if projector else 5
    for scene, loss in zip(("scene", "scene2"), ORDER, strict=True):
        path = paths[loss]
        lift = 0.01 * max(float(path.z.max()), 1e-3)  # float just above the surface
        traces += _path_marks(path, loss, width, dims=3, scene=scene, lift=lift, lang=lang)
    return traces


def path_traces_map(paths: Mapping[str, ClippedPath], *, projector: bool = False,
                    lang: str = DEFAULT) -> list:
    """Descent paths drawn on the two maps (x/y for MSE, x2/y2 for cross-entropy)."""
    traces = []
    width = 5 if projector else 3
    for axes, loss in zip((("x", "y"), ("x2", "y2")), ORDER, strict=True):
        traces += _path_marks(paths[loss], loss, width, dims=2, axes=axes, lang=lang)
    return traces


def _path_marks(path: ClippedPath, loss: str, width: float, *, dims: int, scene=None,
                axes=None, lift=0.0, lang: str = DEFAULT) -> list:
    """Line through all (clipped) points, start and end markers, and hollow clipped points."""
    xy, z = path.xy, path.z + lift
    color = LOSS_COLORS[loss]
    hover = _hover_data(path.traj)
    end_symbol = "x" if path.traj.diverged_at is not None else "diamond"
    # The true point and loss, also where the drawn point was clipped to the plotted range.
    hover_template = tr("fig.hover_path", lang, name=loss_name(loss, lang))

    def trace(idx, mode, name, marker=None, line=None):
        kw = {"x": xy[idx, 0], "y": xy[idx, 1], "mode": mode, "name": name,
              "customdata": hover[idx], "hovertemplate": hover_template,
              "marker": marker or {}, "showlegend": False}
        if line is not None:
            kw["line"] = line
        if dims == 3:
            return go.Scatter3d(z=z[idx], scene=scene, _validate=VALIDATE, **kw)
        return go.Scatter(xaxis=axes[0], yaxis=axes[1], _validate=VALIDATE, **kw)

    every = np.arange(len(xy))
    line_trace = trace(every, "lines+markers", tr("fig.path", lang, name=loss_name(loss, lang)),
                       marker={"size": 3 if dims == 3 else 5, "color": "black"},
                       line={"color": "black", "width": width})
    # The line is sent on every slider move: its hover takes the step from the point's index
    # and y1, y2 from the drawn point, so only the loss rides along (a quarter of the bytes).
    # Where the drawn point was clipped, the hollow marker on top gives the true point.
    line_trace.update(customdata=hover[:, 3], hovertemplate=_line_hover(hover_template))
    out = [line_trace]
    clipped = np.flatnonzero(~path.inside)
    if clipped.size:
        out.append(trace(clipped, "markers", tr("fig.outside", lang),
                         marker={"size": 6 if dims == 3 else 9, "color": "white",
                                 "symbol": "circle-open" if dims == 3 else "circle-open-dot",
                                 "line": {"color": color, "width": 2}}))
    if clipped.size:  # say where it left, next to the first point drawn on the edge
        k = int(clipped[0])
        exit_label = trace(np.array([k]), "text", tr("fig.left_plot_name", lang))
        exit_label.update(text=[tr("fig.left_plot", lang, k=k)], textposition="top left",
                          # the map's low corner is dark blue; the 3-D scene's backdrop is white
                          textfont={"color": "white" if dims == 2 else "black",
                                    "size": 16 if width > 5 else 13})
        out.append(exit_label)
    out.append(trace(np.array([0]), "markers", tr("fig.start", lang),
                     marker={"size": 8 if dims == 3 else 14, "color": "white",
                             "line": {"color": "black", "width": 2}}))
    out.append(trace(np.array([len(xy) - 1]), "markers", tr("fig.end", lang),
                     marker={"size": 9 if dims == 3 else 16, "color": color, "symbol": end_symbol,
                             "line": {"color": "black", "width": 2}}))
    return out


def _line_hover(template: str) -> str:
    """The path hover template for a trace whose customdata is the loss alone."""
    return (template.replace("customdata[0]", "pointNumber").replace("customdata[1]", "x")
            .replace("customdata[2]", "y").replace("customdata[3]", "customdata"))


def curves(
    trajs: Mapping[str, Trajectory], *, threshold: float, projector: bool = False,
    height: int = 360, lang: str = DEFAULT,
) -> go.Figure:
    """Loss and gradient norm against step for both runs, log scale, side by side."""
    width = 5 if projector else 2.5
    data, shapes, notes = [], [], []
    for loss in ORDER:
        traj = trajs[loss]
        for axis, values in (("", traj.losses), ("2", traj.grad_norms)):
            # A loss of exactly 0 has no place on a log axis: floor at 1e-16.
            data.append(go.Scatter(
                x0=0, dx=1, y=np.maximum(values, 1e-16), name=loss_name(loss, lang), mode="lines",
                xaxis="x" + axis, yaxis="y" + axis, legendgroup=loss, showlegend=axis == "",
                line={"color": LOSS_COLORS[loss], "width": width}, _validate=VALIDATE,
            ))
        if traj.diverged_at is not None:
            shapes.append({"type": "line", "xref": "x", "yref": "y domain", "x0": traj.diverged_at,
                           "x1": traj.diverged_at, "y0": 0, "y1": 1,
                           "line": {"color": LOSS_COLORS[loss], "dash": "dot"}})
            notes.append({"text": tr("fig.diverged", lang, name=loss_name(loss, lang)),
                          "x": traj.diverged_at,
                          "xref": "x", "y": 0.95, "yref": "y domain", "showarrow": False,
                          "xanchor": "left", "font": {"color": LOSS_COLORS[loss]}})
    shapes.append({"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1,
                   "y0": threshold, "y1": threshold, "line": {"color": "grey", "dash": "dash"}})
    notes.append({"text": tr("fig.threshold", lang, thr=f"{threshold:g}"), "x": 1,
                  "xref": "x domain", "y": threshold,
                  "yref": "y", "yanchor": "top", "xanchor": "right", "showarrow": False})
    for axis, title in (("", tr("fig.loss_per_step", lang)),
                        ("2", tr("fig.grad_per_step", lang))):
        notes.append({"text": title, "x": 0.5, "xref": f"x{axis} domain", "y": 1.0,
                      "yref": f"y{axis} domain", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 22 if projector else 15}})
    axis_style = {"type": "log", "exponentformat": "power", "minorloglabels": "none",
                  "gridcolor": "#e5e5e5"}
    layout = {
        "xaxis": {"domain": [0, 0.45], "title": {"text": tr("fig.step", lang)},
                  "gridcolor": "#e5e5e5"},
        "xaxis2": {"domain": [0.55, 1], "title": {"text": tr("fig.step", lang)},
                   "gridcolor": "#e5e5e5"},
        "yaxis": {"anchor": "x", **axis_style},
        "yaxis2": {"anchor": "x2", **axis_style},
        "shapes": shapes, "annotations": notes, "height": height, "font": _font(projector),
        "margin": {"l": 70, "r": 20, "t": 50, "b": 100 if projector else 80},
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.25,
                   "yanchor": "top"},
        "uirevision": "lab",
    }
    return go.Figure(data=data, layout=layout, _validate=VALIDATE)


def narrow(fig: go.Figure | dict, *, height: int) -> dict:
    """How to stack a figure's two side-by-side subplots for a screen at most 640 px wide.

    Returns {"height", "layout", "data"} for plotly_view's Panel(narrow=...): the subplots
    of the left column go on top, the right column below, each the full width; colour bars
    are hidden (data patches by trace index) and subplot titles move with their subplot.
    """
    layout = fig["layout"] if isinstance(fig, dict) else fig.layout.to_plotly_json()
    top, bottom = [0.54, 0.97], [0.0, 0.43]
    patch: dict = {}
    for name, sub in layout.items():
        domain = sub.get("domain") if isinstance(sub, dict) else None
        if not domain:
            continue
        left = domain["x"][0] < 0.5 if "x" in domain else float(domain[0]) < 0.5
        row = top if left else bottom
        if name.startswith("scene"):
            patch[name] = {"domain": {"x": [0.0, 1.0], "y": row}}
        elif name.startswith("xaxis"):
            patch[name] = {"domain": [0.0, 1.0]}
            y_name = "yaxis" + name[len("xaxis"):]
            patch[y_name] = {"domain": row}
    titles = []
    for note in layout.get("annotations", []):
        note = dict(note)
        if note.get("xref") == "paper" and note.get("yref") == "paper":
            row = top if float(note.get("x", 0)) < 0.5 else bottom
            note.update(x=0.5, y=row[1])
        titles.append(note)
    if titles:
        patch["annotations"] = titles
    data = fig["data"] if isinstance(fig, dict) else fig.data
    hide = [{"showscale": False} if _has_colorbar(t) else {} for t in data]
    return {"height": height, "layout": patch, "data": hide}


def _has_colorbar(trace) -> bool:
    kind = trace["type"] if isinstance(trace, dict) else trace.type
    return kind in ("surface", "contour", "heatmap")
