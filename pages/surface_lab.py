"""Error-surface lab: MSE vs cross-entropy on a 3-class softmax, and descent paths on both.

Reads top to bottom like the lecture: settings (from the URL, then the widgets), the two
surfaces in 3-D and from above with the descent paths, the curves and the table, then what
the student is seeing. All numbers come from `surfaces/`; this file only wires and draws.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import numpy as np
import streamlit as st

from lab_components.lab_surfaces import HEIGHT_3D, HEIGHT_CURVES, HEIGHT_MAP, surface_blobs
from lab_components.lang import current as current_language
from lab_components.lang import t
from lab_components.navigation import ensure_routed
from lab_components.plotly_view import Blob, Panel, blob, plotly_panels
from lab_components.plotly_view.encoding import small_traces_json
from lab_components.settings_ui import PageState
from surfaces import beyond_settings as B
from surfaces import figures as F
from surfaces import settings as S
from surfaces.descent import HYPER_DEFAULTS, Trajectory, descend_many
from surfaces.story import explanation, markdown_table, summary

ensure_routed(__file__)  # first: a direct run (automatic page discovery) goes via the router



# --- cached compute: pure functions of hashable settings ------------------------------------
# cache_resource: the values are immutable strings and never-mutated arrays, so every
# session can share them without the copy (pickle round trip) that cache_data makes.
def panel(base: Blob, traces: list, height: int, later: bool = False) -> Panel:
    """A cached figure's surfaces and layout with this run's small traces: the big surface
    arrays are neither rebuilt, re-encoded nor sent again."""
    return Panel(f'{{"data":{small_traces_json(traces)}}}', height, base, later=later)


@st.cache_resource(max_entries=64, show_spinner=False)
def trajectories(opt: str, lr: float, steps: int, y3: float, target: int, start: tuple,
                 hyper: tuple) -> dict[str, Trajectory]:
    return descend_many(["mse", "cross_entropy"], start, optimizer=opt, lr=lr, steps=steps,
                        y3=y3, target=target, **dict(hyper))


# Projector mode: big text, and a compact header so the 3-D scenes fit under the presets.
PROJECTOR_CSS = """<style>
.stMarkdown p, .stMarkdown li {font-size: 1.35rem !important}
[data-testid="stMainBlockContainer"] {padding-top: 2.5rem !important}
[data-testid="stMainBlockContainer"] h1 {font-size: 1.9rem !important; padding: 0 !important}
</style>"""


# --- page -----------------------------------------------------------------------------------
state = PageState(S.TABLE, S.PRESETS)
state.load()
lang = current_language()
projector = bool(st.session_state[state.key("projector")])
if projector:
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(PROJECTOR_CSS)
st.title(t("lab.title"))
if not projector:
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
if not projector:
    state.preset_story()

s = settings
base_3d, base_map = surface_blobs(s.span, s.res, s.y3, s.target_index, s.projector, lang)
trajs = trajectories(s.opt, s.lr, s.steps, s.y3, s.target_index, (s.y1, s.y2),
                     tuple(s.hyper().items()))
paths = {loss: F.ClippedPath(t, s.span, s.y3, s.target_index) for loss, t in trajs.items()}

camera_in = {"scene": {"eye": dict(zip("xyz", s.cam, strict=True))}} if s.cam else None
curves = F.curves(trajs, threshold=s.thr, projector=s.projector, lang=lang,
                  height=HEIGHT_CURVES[s.projector])
# One frame, one plotly.js: the 3-D view, the maps and the curves.
camera_out = plotly_panels([
    panel(base_3d, F.path_traces_3d(paths, projector=s.projector, lang=lang),
          HEIGHT_3D[s.projector]),
    panel(base_map, F.path_traces_map(paths, projector=s.projector, lang=lang),
          HEIGHT_MAP[s.projector]),
    # The curves' layout changes only with the threshold, divergence, mode and language:
    # as a Blob it is sent once, and each move sends the four curves alone. They are drawn
    # after the 3-D view and the maps are on screen (about 40-70 ms sooner for those).
    panel(blob(json.dumps({"layout": curves.layout.to_plotly_json(), "narrow": F.narrow(
        curves, height=2 * HEIGHT_CURVES[s.projector])}, separators=(",", ":"))),
        curves.data, HEIGHT_CURVES[s.projector], later=True),
], key="lab_figures", camera=camera_in)

# The camera the lecturer set goes into the link too.
eye = (camera_out or {}).get("scene", {}).get("eye")
if eye:
    cam = tuple(round(float(np.clip(eye[a], -10, 10)), 3) for a in "xyz")
    settings = settings.with_(cam=cam)
state.commit(settings)
if projector:  # below the figures, so that they stay in view
    state.preset_story()

left_at = {loss: path.left_at for loss, path in paths.items()}
st.markdown(markdown_table(summary(trajs, left_at, s.thr, lang)))
st.markdown(explanation(settings, trajs, lang))
st.markdown(t("lab.beyond", **{name: f"./{path}?{urlencode(B.from_lab(settings, table))}"
                               for name, path, table in B.FROM_LAB}))
