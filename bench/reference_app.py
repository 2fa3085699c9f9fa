"""Reference for bench_surfaces.py: only the two default surfaces (cached) under one slider.

The lab's rerun after a slider move is compared with this app's rerun, timed the same way.
"""

import streamlit as st

from surfaces import figures as F
from surfaces.grid import error_surfaces
from surfaces.settings import LabSettings


@st.cache_data
def surfaces_figure():
    s = LabSettings()
    return F.surfaces_3d(error_surfaces(lo=-s.span, hi=s.span, n=s.res, y3=s.y3))


st.slider("Start y2", -50.0, 50.0, 8.0, step=0.5, key="lab_w_y2")
st.plotly_chart(surfaces_figure(), key="reference")
