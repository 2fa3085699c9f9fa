"""Gradient anatomy: log10 of both gradients' norms over the square with MSE's stall zone;
at one point, MSE's gradient taken apart into the error times the softmax Jacobian; and the
naive cross-entropy's undefined region (LECTURE.md §3-4).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab_components.lang import current as current_language
from lab_components.lang import t
from lab_components.navigation import ensure_routed
from lab_components.page_parts import lab_url, projector_css, sidebar
from lab_components.plotly_view import Blob, Panel, blob, plotly_panels, plotly_view
from lab_components.plotly_view.encoding import figure_json
from lab_components.settings_ui import PageState
from surfaces import beyond_settings as B
from surfaces import figures_beyond as FB
from surfaces.anatomy import GradientMaps, NaiveCE, anatomy_at, gradient_maps, naive_cross_entropy
from surfaces.grid import error_surfaces

ensure_routed(__file__)


@st.cache_resource(max_entries=16, show_spinner=False)
def norm_maps(span: float, res: int, y3: float, target: int, frac: float) -> GradientMaps:
    return gradient_maps(lo=-span, hi=span, n=res, y3=y3, target=target, fraction=frac)


@st.cache_resource(max_entries=16, show_spinner=False)
def ce_maps(span: float, res: int, y3: float, target: int, f32: bool) -> tuple[NaiveCE, np.ndarray]:
    """The naive cross-entropy and the stable one over the same square."""
    dtype = np.float32 if f32 else np.float64
    naive = naive_cross_entropy(lo=-span, hi=span, n=res, y3=y3, target=target, dtype=dtype)
    stable = error_surfaces(lo=-span, hi=span, n=res, y3=y3, target=target, dtype=dtype)
    return naive, stable.z["cross_entropy"]


@st.cache_resource(max_entries=16, show_spinner=False)
def naive_figure(span: float, res: int, y3: float, target: int, f32: bool, naive_on: bool,
                 projector: bool, lang: str) -> str:
    """The naive/stable map as JSON: moving the point leaves it as it is."""
    naive, stable = ce_maps(span, res, y3, target, f32)
    return figure_json(FB.naive_map(naive, stable, naive_on=naive_on, projector=projector,
                                    lang=lang))


@st.cache_resource(max_entries=16, show_spinner=False)
def norms_base(span: float, res: int, y3: float, target: int, frac: float, projector: bool,
               lang: str) -> Blob:
    """Both norm maps and the stall zone, sent once: a move of the point sends its markers."""
    return blob(FB.gradient_maps_figure(norm_maps(span, res, y3, target, frac),
                                        projector=projector, lang=lang))


def vector(v: np.ndarray) -> str:
    return "(" + ", ".join(f"{x:.3g}" for x in v) + ")"


state = PageState(B.ANATOMY, B.ANATOMY_PRESETS)
state.load()
lang = current_language()
st.title(t("anatomy.title"))
st.caption(t("anatomy.caption"))
state.preset_buttons()
sidebar(state, {
    "escape.group.square": ("target", "y3", "span", "res", "frac"),
    "anatomy.group.point": ("y1", "y2"),
    "anatomy.group.naive": ("naive", "f32"),
    "lab.group.display": ("projector",),
})
s = state.current()
state.notes_banner()
state.preset_story()
projector_css(s.projector)

# 1. Where each gradient is small, and where MSE's stalls next to cross-entropy's.
maps = norm_maps(s.span, s.res, s.y3, s.target_index, s.frac)
st.subheader(t("anatomy.h.norms"))
st.markdown(t("anatomy.stall_share", share=f"{maps.stall.mean():.0%}", frac=f"{s.frac:g}"))
plotly_panels([Panel({"data": FB.point_markers((s.y1, s.y2), lang=lang)},
                     540 if s.projector else 460,
                     base=norms_base(s.span, s.res, s.y3, s.target_index, s.frac, s.projector,
                                     lang))], key="anatomy_norms")

# 2. The point taken apart: grad MSE = J^T (2 (y' - ŷ)).
a = anatomy_at(s.y1, s.y2, s.y3, s.target_index)
st.subheader(t("anatomy.h.point", y1=f"{s.y1:g}", y2=f"{s.y2:g}"))
st.markdown(t("anatomy.numbers", p=vector(a.probs), err=vector(a.error),
              jac=" / ".join(vector(row) for row in a.jacobian), g_mse=vector(a.grad_mse),
              g_ce=vector(a.grad_ce)))
plotly_view(FB.anatomy_factors(a, projector=s.projector, lang=lang), key="anatomy_factors",
            height=380 if s.projector else 330)
vanishing = "jacobian" if a.jacobian_norm < a.error_norm else "error"
st.markdown(t(f"anatomy.reading.{vanishing}", err=f"{a.error_norm:.3g}",
              jac=f"{a.jacobian_norm:.3g}"))

# 3. Naive or stable cross-entropy.
st.subheader(t("anatomy.h.naive"))
naive, _ = ce_maps(s.span, s.res, s.y3, s.target_index, s.f32)
plotly_view(naive_figure(s.span, s.res, s.y3, s.target_index, s.f32, s.naive, s.projector, lang),
            key="anatomy_naive", height=540 if s.projector else 460)
if s.naive:
    st.markdown(t("anatomy.naive_reading", loss=f"{naive.loss_undefined.mean():.0%}",
                  grad=f"{naive.grad_undefined.mean():.0%}"))
st.markdown(t("escape.open_lab", url=lab_url(B.lab_query(s))))
state.commit(s)
