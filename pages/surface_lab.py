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

from lab_components import widget_guard
from lab_components.navigation import ensure_routed
from lab_components.plotly_view import plotly_view
from lab_components.plotly_view.encoding import figure_json
from surfaces import figures as F
from surfaces import settings as S
from surfaces.descent import HYPER_DEFAULTS, Trajectory, descend_many
from surfaces.grid import error_surfaces
from surfaces.story import explanation, markdown_table, summary

ensure_routed(__file__)  # first: a direct run (automatic page discovery) goes via the router

STATE = "lab_settings"  # the last valid LabSettings of this session
NOTES = "lab_url_notes"  # what was wrong with the link this session was opened with
PRESET = "lab_preset"


# --- cached compute: pure functions of hashable settings ------------------------------------
# cache_resource: the values are immutable strings and never-mutated arrays, so every
# session can share them without the copy (pickle round trip) that cache_data makes.
@st.cache_resource(max_entries=12, show_spinner=False)
def surface_figures(span: float, res: int, y3: float, target: int, projector: bool):
    """The 3-D figure and the map figure of the two surfaces, without paths, as JSON parts."""
    surf = error_surfaces(lo=-span, hi=span, n=res, y3=y3, target=target)
    return (split_json(F.surfaces_3d(surf, projector=projector)),
            split_json(F.surface_maps(surf, projector=projector)))


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


# --- settings: URL -> session -> widgets -> settings -> URL ---------------------------------
def _key(name: str) -> str:
    return f"lab_w_{name}"


def load_settings() -> None:
    """Once per session, read the link; every run, give each widget its value back."""
    if STATE not in st.session_state:
        settings, notes = S.from_query(st.query_params.to_dict())
        st.session_state[STATE] = settings
        st.session_state[NOTES] = notes
    settings = st.session_state[STATE]
    for field in S.FIELDS:
        # Widgets not drawn in a run lose their state: put it back from the settings.
        if field.kind != "camera" and _key(field.name) not in st.session_state:
            st.session_state[_key(field.name)] = getattr(settings, field.name)


def apply_preset(name: str) -> None:
    for field, value in S.PRESETS[name].changes.items():
        st.session_state[_key(field)] = value
    st.session_state[PRESET] = name


def widget(field: S.Field) -> None:
    """The widget a field's table entry asks for, bound to its session-state key."""
    key, label, helptext = _key(field.name), field.label, field.help or None
    if field.kind == "bool":
        st.toggle(label, key=key, help=helptext)
    elif field.name == "target":
        st.radio(label, field.choices, key=key, horizontal=True, help=helptext,
                 format_func=lambda c: f"class {c}")
    elif field.name == "opt":
        st.selectbox(label, field.choices, key=key, help=helptext,
                     format_func=S.OPTIMIZER_LABELS.get)
    elif field.kind == "choice":
        st.select_slider(label, field.choices, key=key, help=helptext, format_func=field.show)
    else:
        st.slider(label, field.lo, field.hi, step=field.step, key=key, help=helptext,
                  format=field.fmt)


def sidebar() -> None:
    shown_hyper = tuple(HYPER_DEFAULTS[st.session_state[_key("opt")]])
    groups = {
        "Surface": ("target", "y3", "span", "res"),
        "Descent": ("y1", "y2", "opt", "lr", "steps", *shown_hyper),
        "Display": ("thr", "projector"),
    }
    with st.sidebar:
        for title, names in groups.items():
            st.subheader(title)
            for name in names:
                widget(S.FIELD[name])


def current_settings(camera: tuple | None) -> S.LabSettings:
    values = {f.name: st.session_state[_key(f.name)] for f in S.FIELDS if f.kind != "camera"}
    return S.LabSettings(**values, cam=camera)


# --- page -----------------------------------------------------------------------------------
load_settings()
st.title("Error-surface lab: MSE vs cross-entropy")
st.caption(
    "A 3-class softmax with logits y1, y2 swept over a grid and y3 pinned. Both surfaces, "
    "and the same optimiser started from the same point on each."
)

cols = st.columns(len(S.PRESETS))
for col, (name, preset) in zip(cols, S.PRESETS.items(), strict=True):
    col.button(preset.title, key=f"lab_preset_{name}", on_click=apply_preset, args=(name,),
               help=preset.story, width="stretch")
sidebar()

previous: S.LabSettings = st.session_state[STATE]
settings = current_settings(previous.cam)
if settings != previous:
    st.session_state[NOTES] = []  # the user has moved on from the link's problems
for note in st.session_state[NOTES][:1]:
    more = len(st.session_state[NOTES]) - 1
    st.warning(f"This link had bad settings, fixed: {'; '.join(st.session_state[NOTES])}"
               if more else f"This link had a bad setting, fixed: {note}", icon="⚠️")
dropped = [S.FIELD[k[len(_key("")):]].label for k in widget_guard.rejected()
           if k[len(_key("")):] in S.FIELD]
if dropped:  # sent over the websocket by something other than these widgets
    st.warning(f"Ignored a value for {', '.join(dropped)} that this page cannot take; "
               "kept the previous one.", icon="⚠️")
if st.session_state.get(PRESET) in S.PRESETS:
    st.info(S.PRESETS[st.session_state[PRESET]].story, icon="💡")
if settings.projector:
    st.html("<style>.stMarkdown p, .stMarkdown li {font-size: 1.35rem !important}</style>")

s = settings
base_3d, base_map = surface_figures(s.span, s.res, s.y3, s.target_index, s.projector)
trajs = trajectories(s.opt, s.lr, s.steps, s.y3, s.target_index, (s.y1, s.y2),
                     tuple(s.hyper().items()))
paths = {loss: F.ClippedPath(t, s.span, s.y3, s.target_index) for loss, t in trajs.items()}

height_3d = 640 if s.projector else 540
camera_in = {"scene": {"eye": dict(zip("xyz", s.cam, strict=True))}} if s.cam else None
camera_out = plotly_view(
    with_traces(base_3d, F.path_traces_3d(paths, projector=s.projector)),
    key="lab_3d", height=height_3d, camera=camera_in,
)
plotly_view(with_traces(base_map, F.path_traces_map(paths, projector=s.projector)),
            key="lab_map", height=520 if s.projector else 430)

# The camera the lecturer set goes into the link too.
eye = (camera_out or {}).get("scene", {}).get("eye")
if eye:
    cam = tuple(round(float(np.clip(eye[a], -10, 10)), 3) for a in "xyz")
    settings = settings.with_(cam=cam)
st.session_state[STATE] = settings
st.query_params.from_dict(S.to_query(settings))

# theme=None: the figure's own fonts, so that projector mode enlarges them too.
st.plotly_chart(F.curves(trajs, threshold=s.thr, projector=s.projector), key="lab_curves",
                width="stretch", theme=None)


left_at = {loss: path.left_at for loss, path in paths.items()}
st.markdown(markdown_table(summary(trajs, left_at, s.thr)))
st.markdown(explanation(settings, trajs))
