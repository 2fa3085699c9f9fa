"""Learning rates (LECTURE.md §6): loss against updates for several learning rates, each
labelled too small / right / too large / diverging; Adagrad's per-parameter rate; an
elongated quadratic before and after feature scaling.
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
from surfaces.i18n import tr
from surfaces.rates import QuadraticRun, quadratic_descent, quadratic_loss, rate_sweep

ensure_routed(__file__)
START = (-2.0, 3.0)  # on the quadratic; its centre is (1, 1)


@st.cache_resource(max_entries=32, show_spinner=False)
def sweep(rates: tuple, w0: float, steps: int) -> dict:
    """loss -> [(lr, losses, label)] on the 1-D logistic problem."""
    out = rate_sweep(rates, w0=w0, steps=steps)
    return {name: [(lr, run.losses, label) for lr, (run, label) in zip(rates, runs, strict=True)]
            for name, runs in out.items()}


@st.cache_resource(max_entries=8, show_spinner=False)
def rate_axes(names: tuple, projector: bool, lang: str) -> Blob:
    """The two panels' axes and titles, sent once: a move sends the eight lines alone."""
    return blob(FB.rate_axes(names, projector=projector, lang=lang))


@st.cache_resource(max_entries=32, show_spinner=False)
def quadratic(scales: tuple, optimizer: str, lr: float, steps: int) -> QuadraticRun:
    return quadratic_descent(scales, START, optimizer=optimizer, lr=lr, steps=steps)


@st.cache_resource(max_entries=16, show_spinner=False)
def contours(scales: tuple) -> tuple[np.ndarray, np.ndarray]:
    grid = np.linspace(-3.0, 4.0, 81)
    w1, w2 = np.meshgrid(grid, grid)
    return grid, quadratic_loss(np.stack([w1, w2], axis=-1), scales)


@st.cache_resource(max_entries=32, show_spinner=False)
def quadratic_views(s2: float, qlr: float, alr: float, qsteps: int, projector: bool,
                    lang: str) -> tuple[Blob, Blob, tuple[float, float, float]]:
    """The scaling figure and Adagrad's rates, and the three final losses: a move of the
    rates above leaves them as they are (not rebuilt, not re-encoded, not sent again)."""
    elongated, scaled = (1.0, s2), (1.0, 1.0)
    gd = quadratic(elongated, "sgd", qlr, qsteps)
    ada = quadratic(elongated, "adagrad", alr, qsteps)
    gd_scaled = quadratic(scaled, "sgd", qlr * s2**2, qsteps)
    grid, z_long = contours(elongated)
    _, z_round = contours(scaled)
    panels = [(tr("rates.panel.gd", lang, s2=f"{s2:g}"), z_long, gd.points),
              (tr("rates.panel.adagrad", lang, s2=f"{s2:g}"), z_long, ada.points),
              (tr("rates.panel.scaled", lang), z_round, gd_scaled.points)]
    scaling = FB.scaling_paths(grid, panels, projector=projector, lang=lang)
    adagrad = FB.adagrad_rates(ada.rates, lr=alr, projector=projector, lang=lang)
    finals = (float(gd.losses[-1]), float(ada.losses[-1]), float(gd_scaled.losses[-1]))
    return blob(scaling), blob(adagrad), finals


state = PageState(B.RATES)
state.load()
lang = current_language()
st.title(t("rates.title"))
st.caption(t("rates.caption"))
sidebar(state, {
    "rates.group.rates": ("w0", "steps", "lr1", "lr2", "lr3", "lr4"),
    "rates.group.quadratic": ("s2", "qlr", "alr", "qsteps"),
    "lab.group.display": ("projector",),
})
s = state.current()
state.notes_banner()
projector_css(s.projector)

# 1. Loss against updates, one line per rate, labelled by the notes' rule.
st.subheader(t("rates.h.curves"))
runs = sweep(s.rates, s.w0, s.steps)
plotly_panels([Panel({"data": FB.rate_traces(runs, projector=s.projector, lang=lang)},
                     500 if s.projector else 420, base=rate_axes(tuple(runs), s.projector, lang))],
              key="rates_curves")
st.markdown(t("rates.rule"))

# 2. Feature scaling: the elongated quadratic, GD and Adagrad; then scaled, GD again with the
# same fraction of its largest stable rate (2 / largest s²).
st.subheader(t("rates.h.scaling"))
scaling, adagrad, finals = quadratic_views(s.s2, s.qlr, s.alr, s.qsteps, s.projector, lang)
plotly_panels([Panel({"data": []}, 480 if s.projector else 420, base=scaling)],
              key="rates_scaling")
st.markdown(t("rates.scaling_reading", gd=f"{finals[0]:.3g}", ada=f"{finals[1]:.3g}",
              scaled=f"{finals[2]:.3g}", steps=s.qsteps, lr_scaled=f"{s.qlr * s.s2**2:g}"))

# 3. Adagrad: each parameter its own rate, lr / root of the summed squared gradients.
st.subheader(t("rates.h.adagrad"))
plotly_panels([Panel({"data": []}, 380 if s.projector else 330, base=adagrad)],
              key="rates_adagrad")
st.markdown(t("rates.adagrad_reading"))
state.commit(s)
