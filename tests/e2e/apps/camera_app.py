"""Test app: a slider moves two 3D surfaces drawn side by side with plotly_view.

?eye=x,y,z restores a camera, as a shared link would; "Front view" sets one from Python.
"""

import json

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from lab_components.plotly_view import plotly_view

GRID = np.linspace(-2.0, 2.0, 41)  # (41,) shared by both axes


def surfaces(shift: float) -> tuple[np.ndarray, np.ndarray]:
    """Two bowls centred on (shift, 0): a paraboloid and a softplus valley, each (41, 41)."""
    x, y = np.meshgrid(GRID, GRID)
    return (x - shift) ** 2 + y**2, np.logaddexp(0.0, 3.0 * (x - shift)) + 0.5 * y**2


def camera_from_url() -> dict | None:
    """?eye=x,y,z as the left scene's camera eye; a missing or bad value gives None."""
    try:
        x, y, z = (float(v) for v in st.query_params.get("eye", "").split(","))
    except ValueError:
        return None
    return {"scene": {"eye": {"x": x, "y": y, "z": z}}}


shift = st.slider("shift", min_value=-1.0, max_value=1.0, value=0.0, step=0.25, key="shift")
mse, ce = surfaces(shift)

fig = make_subplots(rows=1, cols=2, specs=[[{"type": "surface"}, {"type": "surface"}]])
fig.add_trace(go.Surface(x=GRID, y=GRID, z=mse, showscale=False, name="mse"), row=1, col=1)
fig.add_trace(go.Surface(x=GRID, y=GRID, z=ce, showscale=False, name="ce"), row=1, col=2)
path_x = np.linspace(1.5, shift, 12)  # a straight "descent path" that ends at the minimum
fig.add_trace(
    go.Scatter3d(x=path_x, y=np.zeros(12), z=(path_x - shift) ** 2, mode="lines+markers"),
    row=1,
    col=1,
)
fig.update_layout(margin=dict(l=0, r=0, t=30, b=0), showlegend=False, uirevision="keep")

FRONT = {"scene": {"eye": {"x": 0.0, "y": -2.2, "z": 0.6}}}
if st.button("Front view"):
    st.session_state["camera"] = FRONT
requested = st.session_state.get("camera", camera_from_url())
camera = plotly_view(fig, key="surfaces", height=480, camera=requested)
st.code(json.dumps(camera, sort_keys=True), language="json")
