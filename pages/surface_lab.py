"""Error-surface lab: MSE vs cross-entropy on a 3-class softmax, and descent paths on both.

Reads top to bottom like the lecture: settings (from the URL, then the widgets), the two
surfaces in 3-D and from above with the descent paths, the curves and the table, then what
the student is seeing. All numbers come from `surfaces/`; this file only wires and draws.
"""

from __future__ import annotations

import json

import numpy as np
import streamlit as st
from plotly.io.json import to_json_plotly

from lab_components.lang import current as current_language
from lab_components.lang import t
from lab_components.navigation import ensure_routed
from lab_components.plotly_view import plotly_view
from lab_components.plotly_view.encoding import figure_json
from lab_components.settings_ui import PageState
from surfaces import figures as F
from surfaces import settings as S
from surfaces.descent import HYPER_DEFAULTS, Trajectory, descend_many
from surfaces.grid import error_surfaces
from surfaces.story import explanation, markdown_table, summary

ensure_routed(__file__)  # first: a direct run (automatic page discovery) goes via the router



# --- cached compute: pure functions of hashable settings ------------------------------------
# cache_resource: the values are immutable strings and never-mutated arrays, so every
# session can share them without the copy (pickle round trip) that cache_data makes.
@st.cache_resource(max_entries=12, show_spinner=False)
def surface_figures(span: float, res: int, y3: float, target: int, projector: bool, lang: str):
    """The 3-D figure and the map figure of the two surfaces, without paths, as JSON parts."""
    surf = error_surfaces(lo=-span, hi=span, n=res, y3=y3, target=target)
    return (split_json(F.surfaces_3d(surf, projector=projector, lang=lang)),
            split_json(F.surface_maps(surf, projector=projector, lang=lang)))


def split_json(fig) -> tuple[str, str]:
    """(data JSON, layout JSON) of a figure, surfaces packed as float32 binary."""
    spec = json.loads(figure_json(fig))
    return json.dumps(spec["data"]), json.dumps(spec["layout"])


def with_traces(base: tuple[str, str], traces: list) -> str:
    """A cached figure plus a few small traces, spliced as JSON: the big surface arrays are
    neither rebuilt, re-validated nor re-encoded on a slider move."""
    data, layout = base
    extra = to_json_plotly([t.to_plotly_json() for t in traces])
    return f'{{"data":[{data[1:-1]},{extra[1:-1]}],"layout":{layout}}}'


@st.cache_resource(max_entries=64, show_spinner=False)
def trajectories(opt: str, lr: float, steps: int, y3: float, target: int, start: tuple,
                 hyper: tuple) -> dict[str, Trajectory]:
    return descend_many(["mse", "cross_entropy"], start, optimizer=opt, lr=lr, steps=steps,
                        y3=y3, target=target, **dict(hyper))


# --- page -----------------------------------------------------------------------------------
state = PageState(S.TABLE, S.PRESETS)
state.load()
lang = current_language()
st.title(t("lab.title"))
st.caption(t("lab.caption"))
state.preset_buttons()

shown_hyper = tuple(HYPER_DEFAULTS[st.session_state[state.key("opt")]])
groups = {
    "lab.group.surface": ("target", "y3", "span", "res"),
    "lab.group.descent": ("y1", "y2", "opt", "lr", "steps", *shown_hyper),
    "lab.group.display": ("thr", "projector"),
}
with st.sidebar:
    for title, names in groups.items():
        st.subheader(t(title))
        for name in names:
            state.widget(name)

settings = state.current(cam=state.previous.cam)
state.notes_banner()
state.preset_story()
if settings.projector:
    st.html("<style>.stMarkdown p, .stMarkdown li {font-size: 1.35rem !important}</style>")

s = settings
base_3d, base_map = surface_figures(s.span, s.res, s.y3, s.target_index, s.projector, lang)
trajs = trajectories(s.opt, s.lr, s.steps, s.y3, s.target_index, (s.y1, s.y2),
                     tuple(s.hyper().items()))
paths = {loss: F.ClippedPath(t, s.span, s.y3, s.target_index) for loss, t in trajs.items()}

height_3d = 640 if s.projector else 540
camera_in = {"scene": {"eye": dict(zip("xyz", s.cam, strict=True))}} if s.cam else None
camera_out = plotly_view(
    with_traces(base_3d, F.path_traces_3d(paths, projector=s.projector, lang=lang)),
    key="lab_3d", height=height_3d, camera=camera_in,
)
plotly_view(with_traces(base_map, F.path_traces_map(paths, projector=s.projector, lang=lang)),
            key="lab_map", height=520 if s.projector else 430)

# The camera the lecturer set goes into the link too.
eye = (camera_out or {}).get("scene", {}).get("eye")
if eye:
    cam = tuple(round(float(np.clip(eye[a], -10, 10)), 3) for a in "xyz")
    settings = settings.with_(cam=cam)
state.commit(settings)

# theme=None: the figure's own fonts, so that projector mode enlarges them too.
st.plotly_chart(F.curves(trajs, threshold=s.thr, projector=s.projector, lang=lang),
                key="lab_curves", width="stretch", theme=None)


left_at = {loss: path.left_at for loss, path in paths.items()}
st.markdown(markdown_table(summary(trajs, left_at, s.thr, lang)))
st.markdown(explanation(settings, trajs, lang))
