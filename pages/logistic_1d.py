"""The 1-D view of the notes (seed 001): logistic regression with one weight; total loss
against the weight for cross-entropy (black) and square error (red), their gradients, and a
gradient descent on each.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab_components.lang import current as current_language
from lab_components.lang import t
from lab_components.navigation import ensure_routed
from lab_components.page_parts import projector_css, sidebar
from lab_components.plotly_view import Blob, Panel, blob, plotly_panels
from lab_components.settings_ui import PageState
from surfaces import beyond_settings as B
from surfaces import figures_beyond as FB
from surfaces.logistic import DATA_X, DATA_Y, LOSSES, descend_1d, loss_and_grad, optimum

ensure_routed(__file__)


@st.cache_resource(max_entries=16, show_spinner=False)
def curves(wspan: float) -> tuple[np.ndarray, dict]:
    ws = np.linspace(-wspan, wspan, 401)
    return ws, {name: loss_and_grad(name, ws) for name in LOSSES}


@st.cache_resource(max_entries=64, show_spinner=False)
def runs(w0: float, lr: float, steps: int) -> dict:
    out = {}
    for name in LOSSES:
        run = descend_1d(name, w0, lr=lr, steps=steps)
        out[name] = (run.weights, run.losses, run.grads)
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def curves_base(wspan: float, projector: bool, lang: str) -> Blob:
    """Both losses' curves and gradients, sent once: a move sends the descents alone."""
    ws, lines = curves(wspan)
    return blob(FB.logistic_base(ws, lines, projector=projector, lang=lang))


state = PageState(B.LOGISTIC)
state.load()
lang = current_language()
st.title(t("logistic.title"))
st.caption(t("logistic.caption"))
sidebar(state, {"logistic.group": ("w0", "lr", "steps", "wspan"),
                "lab.group.display": ("projector",)})
s = state.current()
state.notes_banner()
projector_css(s.projector)

ws, lines = curves(s.wspan)
descents = runs(s.w0, s.lr, s.steps)
plotly_panels([Panel({"data": FB.logistic_descents(descents, (-s.wspan, s.wspan), lang=lang)},
                     520 if s.projector else 440,
                     base=curves_base(s.wspan, s.projector, lang))], key="logistic")

slope = {name: abs(float(loss_and_grad(name, s.w0)[1])) for name in LOSSES}
best = {name: optimum(name) for name in LOSSES}
st.markdown(t("logistic.reading", w0=f"{s.w0:g}", ce=f"{slope['cross_entropy']:.3g}",
              se=f"{slope['square_error']:.3g}"))
st.markdown(" · ".join(
    t("logistic.result", name=t(f"logistic.{name}"), w=f"{descents[name][0][-1]:.3g}",
      loss=f"{descents[name][1][-1]:.4g}", best=f"{best[name][1]:.4g}", steps=s.steps)
    for name in LOSSES))
st.caption(t("logistic.data", x=", ".join(f"{v:g}" for v in DATA_X),
             y=", ".join(f"{v:g}" for v in DATA_Y)))
state.commit(s)
