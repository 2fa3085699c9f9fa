"""The probability simplex: the (y1, y2) square mapped to the softmax outputs (y1', y2', y3')
on a ternary plot, coloured by each loss, with the lab's descent paths on it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab_components.lang import current as current_language
from lab_components.lang import t
from lab_components.navigation import ensure_routed
from lab_components.page_parts import lab_url, projector_css, sidebar
from lab_components.plotly_view import Blob, Panel, blob, plotly_panels
from lab_components.settings_ui import PageState
from surfaces import beyond_settings as B
from surfaces import figures_beyond as FB
from surfaces.descent import descend_many
from surfaces.palette import LOSS_ORDER
from surfaces.simplex import SimplexCloud, path_on_simplex, square_on_simplex

ensure_routed(__file__)


@st.cache_resource(max_entries=16, show_spinner=False)
def cloud(span: float, res: int, y3: float, target: int) -> SimplexCloud:
    return square_on_simplex(lo=-span, hi=span, n=res, y3=y3, target=target)


@st.cache_resource(max_entries=64, show_spinner=False)
def paths(opt: str, lr: float, steps: int, y3: float, target: int,
          start: tuple) -> dict[str, np.ndarray]:
    trajs = descend_many(LOSS_ORDER, start, optimizer=opt, lr=lr, steps=steps, y3=y3,
                         target=target)
    return {loss: path_on_simplex(traj.points, y3) for loss, traj in trajs.items()}


@st.cache_resource(max_entries=16, show_spinner=False)
def cloud_base(span: float, res: int, y3: float, target: int, projector: bool, lang: str) -> Blob:
    """The square's points on both triangles, sent once: a move sends the two paths alone."""
    points = cloud(span, res, y3, target)
    return blob(FB.simplex_base(points.probs, points.loss, projector=projector, lang=lang))


state = PageState(B.SIMPLEX, B.SIMPLEX_PRESETS)
state.load()
lang = current_language()
st.title(t("simplex.title"))
st.caption(t("simplex.caption"))
state.preset_buttons()
sidebar(state, {
    "escape.group.square": ("target", "y3", "span", "res"),
    "escape.group.descent": ("y1", "y2", "opt", "lr", "steps"),
    "lab.group.display": ("projector",),
})
s = state.current()
state.notes_banner()
state.preset_story()
projector_css(s.projector)

points = cloud(s.span, s.res, s.y3, s.target_index)
runs = paths(s.opt, s.lr, s.steps, s.y3, s.target_index, (s.y1, s.y2))
plotly_panels([Panel({"data": FB.simplex_path_traces(runs, lang=lang)},
                     600 if s.projector else 500,
                     base=cloud_base(s.span, s.res, s.y3, s.target_index, s.projector, lang))],
              key="simplex")
edge = points.edge_share
st.markdown(t("simplex.edge_all" if edge == 1.0 else "simplex.edge_some",
              share=f"{edge:.0%}", y3=f"{s.y3:g}"))
st.markdown(t("simplex.reading"))
st.markdown(t("escape.open_lab", url=lab_url(B.lab_query(s))))
state.commit(s)
