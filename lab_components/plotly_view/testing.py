"""Helpers for AppTest: the Plotly figures a script run drew, and their arrays as NumPy."""

from __future__ import annotations

import json
from typing import Any

from lab_components.plotly_view.encoding import decode, resolve_arrays

__all__ = ["figures_in", "decode", "component_args"]

# Matches COMPONENT_NAME in lab_components.plotly_view, without importing Streamlit's
# component machinery here.
_COMPONENT_NAME = "lab_components.plotly_view.plotly_view"


def component_args(at: Any) -> list[dict]:
    """The arguments of every plotly_view / plotly_panels call in `at`, in page order."""
    return [json.loads(node.proto.json_args) for node in at
            if node.type == "component_instance"
            and node.proto.component_name == _COMPONENT_NAME]


def figures_in(at: Any) -> list[dict]:
    """The figure dicts of every st.plotly_chart and every plotly_view panel in `at`, in order.

    `at` is a streamlit.testing.v1.AppTest after `.run()`. A plotly_chart carries its
    Plotly JSON in `proto.spec`; a plotly_view carries its panels in `proto.json_args`, each
    with the digest of its base traces, which are in the same args when they were sent in
    this run and otherwise looked up among the blobs this process made (as the browser would
    have kept them). Arrays stay as Plotly writes them: pass them to `decode`.
    """
    from lab_components.plotly_view import lookup  # imports Streamlit: only when called

    figures = []
    for node in at:
        if node.type == "plotly_chart":
            figures.append(json.loads(node.proto.spec))
        elif node.type == "component_instance" and node.proto.component_name == _COMPONENT_NAME:
            args = json.loads(node.proto.json_args)
            for panel in args["panels"]:
                figure = panel["figure"]
                if figure is None:  # on the frame's screen already: sent as its digest
                    figure = lookup(panel["digest"])
                    if figure is None:
                        raise LookupError(f"figure {panel['digest']} is no longer known")
                figure = json.loads(figure) if isinstance(figure, str) else figure
                digest = panel.get("base")
                if digest:
                    text = args.get("blobs", {}).get(digest) or lookup(digest)
                    if text is None:
                        raise LookupError(f"base traces {digest} are no longer known")
                    text = resolve_arrays(text, args.get("arrays", {}))
                    base = json.loads(text)
                    base = {"data": base} if isinstance(base, list) else base
                    figure = {**figure,
                              "data": base.get("data", []) + figure.get("data", []),
                              "layout": _merge(base.get("layout", {}), figure.get("layout", {}))}
                figures.append(figure)
    return figures


def _merge(base: dict, patch: dict) -> dict:
    """`patch` over `base`, nested dicts merged (as the frontend does)."""
    out = dict(base)
    for k, v in patch.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
