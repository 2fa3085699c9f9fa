"""The lab's figures as plotly_view panels: built the same way for the page's rerun and
for the path route (`lab_components.lab_api`) that the figure frame's own controls call,
so that both give a browser byte-for-byte the same panels.

No Streamlit here: the route runs outside any script run.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from lab_components.lab_surfaces import HEIGHT_3D, HEIGHT_CURVES, HEIGHT_MAP, surface_blobs
from lab_components.plotly_view import Blob, Panel, blob, figure_digest
from lab_components.plotly_view.encoding import small_traces_json
from surfaces import figures as F
from surfaces import settings as S
from surfaces.descent import HYPER_DEFAULTS, Trajectory, descend_many
from surfaces.i18n import tr

__all__ = ["CONTROLS", "LabFigures", "control_specs", "lab_figures", "route_payload",
           "trajectories"]

# The fields the frame's controls move: the descent (start, optimiser and its settings),
# then the surfaces' (y3, range, target, resolution). The route answers either kind: a
# surface it has not sent this frame goes in the answer.
_SURFACE_CONTROLS = ("y3", "span", "target", "res")  # a row of their own
CONTROLS = ("y1", "y2", "opt", "lr", "steps", "momentum", "beta1", "beta2", "alpha", "eps",
            *_SURFACE_CONTROLS)
# Choice fields drawn as a drop-down (the others as a slider over their choices).
_DROPDOWNS = ("opt", "target")


@functools.lru_cache(maxsize=128)
def trajectories(opt: str, lr: float, steps: int, y3: float, target: int, start: tuple,
                 hyper: tuple) -> dict[str, Trajectory]:
    """Both losses' descent paths (cached per process: the page and the route share them;
    the arrays are never mutated)."""
    return descend_many(["mse", "cross_entropy"], start, optimizer=opt, lr=lr, steps=steps,
                        y3=y3, target=target, **dict(hyper))


@dataclass(frozen=True)
class LabFigures:
    """What one setting of the lab draws: the three panels (3-D view, maps, curves) and the
    paths they show."""

    panels: list[Panel]
    trajs: dict[str, Trajectory]
    paths: dict[str, F.ClippedPath]


def lab_figures(s: S.LabSettings, lang: str) -> LabFigures:
    """The panels of settings `s` in language `lang`: cached surfaces as Blobs under this
    setting's paths, and the curves."""
    base_3d, base_map = surface_blobs(s.span, s.res, s.y3, s.target_index, s.projector, lang)
    trajs = trajectories(s.opt, s.lr, s.steps, s.y3, s.target_index, (s.y1, s.y2),
                         tuple(s.hyper().items()))
    paths = {loss: F.ClippedPath(t, s.span, s.y3, s.target_index) for loss, t in trajs.items()}
    curves = F.curves(trajs, threshold=s.thr, projector=s.projector, lang=lang,
                      height=HEIGHT_CURVES[s.projector])
    panels = [
        _panel(base_3d, F.path_traces_3d(paths, projector=s.projector, lang=lang),
               HEIGHT_3D[s.projector]),
        _panel(base_map, F.path_traces_map(paths, projector=s.projector, lang=lang),
               HEIGHT_MAP[s.projector]),
        # The curves' layout changes only with the threshold, divergence, mode and language:
        # as a Blob it is sent once, and each move sends the four curves alone. They are
        # drawn after the 3-D view and the maps are on screen.
        _panel(_curves_layout(curves, s.projector), curves.data, HEIGHT_CURVES[s.projector],
               later=True),
    ]
    return LabFigures(panels, trajs, paths)


def _panel(base: Blob, traces: Any, height: int, later: bool = False) -> Panel:
    """A cached figure's surfaces and layout with this setting's small traces: the big
    surface arrays are neither rebuilt, re-encoded nor sent again."""
    return Panel(f'{{"data":{small_traces_json(traces)}}}', height, base, later=later)


def _curves_layout(curves, projector: bool) -> Blob:
    return blob(json.dumps({"layout": curves.layout.to_plotly_json(), "narrow": F.narrow(
        curves, height=2 * HEIGHT_CURVES[projector])}, separators=(",", ":")))


def route_payload(query: dict[str, str], lang: str, have: set[str] = frozenset()) -> dict:
    """The path route's answer for a lab link's query: {"panels": [{"figure", "digest",
    "base"}], "blobs": {digest: JSON} (the bases the asker does not `have`: the curves'
    layout, and the surfaces after a surface move), "query": the settings' full query}. Bad
    values are fixed as a link's are."""
    settings, _ = S.TABLE.from_query(query)
    figs = lab_figures(settings, lang)
    return {
        "panels": [{"figure": json.loads(p.figure), "digest": figure_digest(p.figure),
                    "base": p.base.digest} for p in figs.panels],
        "blobs": {p.base.digest: p.base.json for p in figs.panels if p.base.digest not in have},
        "query": S.TABLE.to_query(settings),
    }


def control_specs(s: S.LabSettings, lang: str) -> list[dict]:
    """The frame's controls: one spec per field of CONTROLS, in the language's labels.

    {"name", "label", "help", "kind": "range" | "ladder" | "select", "value", and for a
    range "lo", "hi", "step"; for a ladder or select "values", "labels" and "query" (each
    choice as the URL writes it); "optimizers": those a hyper-parameter belongs to;
    "break_before": the surfaces' settings start a row of their own}.
    """
    def text(key: str, **params: object) -> str:
        return tr(key, lang, **params)

    specs = []
    for name in CONTROLS:
        field = S.TABLE.field[name]
        spec = {"name": name, "label": text(S.TABLE.label_key(name)),
                "help": S.TABLE.help_text(name, text) or "", "value": getattr(s, name),
                # a hyper-parameter is shown only for the optimisers that have it
                "optimizers": [o for o, hyper in HYPER_DEFAULTS.items() if name in hyper]
                or None,
                "break_before": name == _SURFACE_CONTROLS[0]}
        if field.kind == "choice":
            spec.update(kind="select" if name in _DROPDOWNS else "ladder",
                        values=list(field.choices),
                        labels=[S.TABLE.choice_text(name, c, text) for c in field.choices],
                        query=[field.format(c) for c in field.choices])
        else:
            spec.update(kind="range", lo=field.lo, hi=field.hi, step=field.step)
        specs.append(spec)
    return specs
