"""Error-surface lab: MSE vs cross-entropy on a 3-class softmax, and descent paths on both.

Reads top to bottom like the lecture: settings (from the URL, then the widgets), the two
surfaces in 3-D and from above with the descent paths, the curves and the table, then what
the student is seeing. All numbers come from `surfaces/`; this file only wires and draws.
"""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

from lab_components import lab_api
from lab_components.lab_paths import CONTROLS, control_specs, lab_figures
from lab_components.lang import current as current_language
from lab_components.lang import t
from lab_components.navigation import LAB_FIGURES, ensure_routed, first_view_waits
from lab_components.plotly_view import Controls, moved_controls, plotly_panels
from lab_components.settings_ui import PageState
from surfaces import beyond_settings as B
from surfaces import settings as S
from surfaces.descent import HYPER_DEFAULTS
from surfaces.story import explanation, markdown_table, summary

ensure_routed(__file__)  # first: a direct run (automatic page discovery) goes via the router

# Projector mode: big text, and a compact header so the 3-D scenes fit under the presets.
PROJECTOR_CSS = """<style>
.stMarkdown p, .stMarkdown li {font-size: 1.35rem !important}
[data-testid="stMainBlockContainer"] {padding-top: 3.9rem !important}
[data-testid="stMainBlockContainer"] h1 {font-size: 1.9rem !important; padding: 0 !important}
</style>"""


FIGURES = LAB_FIGURES  # the figure frame's key


# --- page -----------------------------------------------------------------------------------
state = PageState(S.TABLE, S.PRESETS)
state.load()
# A move of the figure frame's own controls: the sidebar's widgets follow it.
state.take(moved_controls(FIGURES) or {}, only=CONTROLS)
lang = current_language()
projector = bool(st.session_state[state.key("projector")])
if projector:
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(PROJECTOR_CSS)
st.title(t("lab.title"))
if not projector:
    st.caption(t("lab.caption"))
state.preset_buttons()

# Where the route serves the frame's controls (README's start), they are the only controls
# of the surfaces and the descent: a move there is drawn without a rerun, a sidebar widget's
# would wait for one. Without the route (`streamlit run`) both rerun, and the sidebar keeps
# them too.
route = lab_api.served_at()
shown_hyper = tuple(HYPER_DEFAULTS[st.session_state[state.key("opt")]])
groups = {
    "lab.group.surface": ("target", "y3", "span", "res"),
    "lab.group.descent": ("y1", "y2", "opt", "lr", "steps", *shown_hyper),
    "lab.group.display": ("thr", "projector"),
}
if route:
    groups = {"lab.group.display": groups["lab.group.display"]}
# A new visitor's first view: the sidebar's widgets (and the router's language picker) and
# the text under the figures come with the rerun after the figures' first drawing (see
# navigation.first_view_waits).
waits = first_view_waits(FIGURES)
if not waits:
    with st.sidebar:
        if route:
            st.caption(t("lab.controls_in_frame"))
        for title, names in groups.items():
            st.subheader(t(title))
            for name in names:
                state.widget(name)

settings = state.current(cam=state.previous.cam)
state.notes_banner()
if not projector:
    state.preset_story()

s = settings
figs = lab_figures(s, lang)
camera_in = {"scene": {"eye": dict(zip("xyz", s.cam, strict=True))}} if s.cam else None
# One frame, one plotly.js: the 3-D view, its controls, the maps and the curves.
controls = Controls(control_specs(s, lang), S.TABLE.to_query(s), api=route,
                    lang=lang, large=s.projector)
camera_out = plotly_panels(figs.panels, key=FIGURES, camera=camera_in, controls=controls,
                           report_drawn=waits)

# The camera the lecturer set goes into the link too.
eye = (camera_out or {}).get("scene", {}).get("eye")
if eye:
    cam = tuple(round(float(np.clip(eye[a], -10, 10)), 3) for a in "xyz")
    settings = settings.with_(cam=cam)
state.commit(settings)
if projector:  # below the figures, so that they stay in view
    state.preset_story()

if not waits:  # below the figures: a new visitor's first view gets it with that rerun too
    left_at = {loss: path.left_at for loss, path in figs.paths.items()}
    st.markdown(markdown_table(summary(figs.trajs, left_at, s.thr, lang)))
    st.markdown(explanation(settings, figs.trajs, lang))
    st.markdown(t("lab.beyond", **{name: f"./{path}?{urlencode(B.from_lab(settings, table))}"
                                   for name, path, table in B.FROM_LAB}))
