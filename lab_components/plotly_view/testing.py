"""Helpers for AppTest: the Plotly figures a script run drew, and their arrays as NumPy."""

from __future__ import annotations

import json
from typing import Any

from lab_components.plotly_view.encoding import decode

__all__ = ["figures_in", "decode"]

# Matches COMPONENT_NAME in lab_components.plotly_view, without importing Streamlit's
# component machinery here.
_COMPONENT_NAME = "lab_components.plotly_view.plotly_view"


def figures_in(at: Any) -> list[dict]:
    """The figure dicts of every st.plotly_chart and every plotly_view in `at`, in page order.

    `at` is a streamlit.testing.v1.AppTest after `.run()`. A plotly_chart carries its
    Plotly JSON in `proto.spec`; a plotly_view carries it as the `figure` argument in
    `proto.json_args`. Arrays stay as Plotly writes them: pass them to `decode`.
    """
    figures = []
    for node in at:
        if node.type == "plotly_chart":
            figures.append(json.loads(node.proto.spec))
        elif node.type == "component_instance" and node.proto.component_name == _COMPONENT_NAME:
            figure = json.loads(node.proto.json_args)["figure"]
            figures.append(json.loads(figure) if isinstance(figure, str) else figure)
    return figures
