"""Reference for bench_browser.py (issue 7): a plain Streamlit app drawing two cached 101x101
error surfaces and one descent path with `st.plotly_chart`, under one slider (Start y2).

It is the app a newcomer would write; the lab's slider-to-screen time is compared with it.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from surfaces import figures as F
from surfaces.grid import error_surfaces


@st.cache_data
def surfaces_figure() -> go.Figure:
    return F.surfaces_3d(error_surfaces(lo=-10.0, hi=10.0, n=101, y3=-1000.0))


y2 = st.slider("Start y2", -50.0, 50.0, 8.0, step=0.5, key="lab_w_y2")
fig = go.Figure(surfaces_figure())
steps = np.linspace(0.0, 1.0, 201)
fig.add_trace(go.Scatter3d(x=-8 + 16 * steps, y=y2 - (y2 + 8) * steps, z=np.full(201, 1.0),
                           mode="lines", name="path", scene="scene"))
st.plotly_chart(fig, key="reference", theme=None)
