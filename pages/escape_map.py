"""Escape map: from every start on the square, the first step at which the loss is below a
threshold, MSE and cross-entropy side by side, under the chosen optimiser; "never" in grey.

Reads like the lecture: settings, the two maps, the share of starts that escape under each
loss, and the lab opened at a chosen start (or at a start clicked on a map).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab_components.lang import current as current_language
from lab_components.lang import t
from lab_components.navigation import ensure_routed
from lab_components.page_parts import lab_url, open_in_lab, projector_css, sidebar
from lab_components.plotly_view import Blob, Panel, blob, clicked, plotly_panels
from lab_components.settings_ui import PageState
from surfaces import beyond_settings as B
from surfaces import figures_beyond as FB
from surfaces.descent import HYPER_DEFAULTS
from surfaces.escape import budget_for, escape_map, within
from surfaces.palette import LOSS_ORDER, loss_name

ensure_routed(__file__)  # first: a direct run (automatic page discovery) goes via the router


@st.cache_resource(max_entries=16, show_spinner=False)
def maps(opt: str, lr: float, budget: int, thr: float, span: float, res: int, y3: float,
         target: int, hyper: tuple) -> dict[str, np.ndarray]:
    """loss -> (res, res) first step below thr within `budget` (-1: never); shared read-only
    by sessions. A page shows fewer steps with escape.within."""
    out = {}
    for loss in LOSS_ORDER:
        grid = escape_map(loss, optimizer=opt, lr=lr, steps=budget, threshold=thr, lo=-span,
                          hi=span, n=res, y3=y3, target=target, **dict(hyper))
        grid.flags.writeable = False
        out[loss] = grid
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def shown(opt: str, lr: float, steps: int, thr: float, span: float, res: int, y3: float,
          target: int, hyper: tuple, projector: bool, lang: str) -> tuple[dict, Blob]:
    """The maps with `steps`, and their figure without the start: a move of the start sends
    its markers alone."""
    full = maps(opt, lr, budget_for(steps), thr, span, res, y3, target, hyper)
    grids = {loss: within(grid, steps) for loss, grid in full.items()}
    for grid in grids.values():
        grid.flags.writeable = False
    axis = np.linspace(-span, span, res)
    return grids, blob(FB.escape_maps(grids, axis, steps=steps, projector=projector, lang=lang))


state = PageState(B.ESCAPE, B.ESCAPE_PRESETS)
state.load()
lang = current_language()
st.title(t("escape.title"))
st.caption(t("escape.caption"))
state.preset_buttons()
sidebar(state, {
    "escape.group.square": ("target", "y3", "span", "res"),
    "escape.group.descent": ("opt", "lr", "steps",
                             *HYPER_DEFAULTS[st.session_state[state.key("opt")]], "thr"),
    "escape.group.start": ("y1", "y2"),
    "lab.group.display": ("projector",),
})
s = state.current()
state.notes_banner()
state.preset_story()
projector_css(s.projector)

with st.spinner(t("escape.computing", n=s.res * s.res)):
    grids, base = shown(s.opt, s.lr, s.steps, s.thr, s.span, s.res, s.y3, s.target_index,
                        tuple(s.hyper().items()), s.projector, lang)
share = {loss: float((grids[loss] >= 0).mean()) for loss in LOSS_ORDER}
st.markdown(t("escape.share", mse=f"{share['mse']:.0%}", ce=f"{share['cross_entropy']:.0%}",
              thr=f"{s.thr:g}", steps=s.steps))

axis = np.linspace(-s.span, s.span, s.res)
inside = abs(s.y1) <= s.span and abs(s.y2) <= s.span
marks = FB.point_markers((s.y1, s.y2), lang=lang, name="fig.start", marker=FB.START)
plotly_panels([Panel({"data": marks if inside else []}, 560 if s.projector else 470, base=base,
                     clicks=True)], key="escape_maps")
if (start := B.clicked_start(clicked("escape_maps"), s.span)) is not None:
    open_in_lab(B.lab_query(s, y1=start[0], y2=start[1]))

# The start marked on the maps: where its run lands on each map, and the lab opened there.
i, j = (int(np.abs(axis - v).argmin()) for v in (s.y2, s.y1))
if inside:
    steps_at = {loss: int(grids[loss][i, j]) for loss in LOSS_ORDER}
    st.markdown(" · ".join(
        t("escape.at_start", loss=loss_name(loss, lang), y1=f"{axis[j]:g}", y2=f"{axis[i]:g}",
          result=t("escape.never") if k < 0 else t("escape.at_step", k=k))
        for loss, k in steps_at.items()))
st.markdown(t("escape.open_lab", url=lab_url(B.lab_query(s))))
st.caption(t("escape.how"))
state.commit(s)
