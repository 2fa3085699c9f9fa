"""Small pieces the pages beyond the slide share: the grouped sidebar of a field table, and
the link that opens the lab with given settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from lab_components.lang import t, url_param
from lab_components.settings_ui import PageState


def sidebar(state: PageState, groups: Mapping[str, Sequence[str]]) -> None:
    """One sidebar section per group (a language key -> field names), widgets in order."""
    with st.sidebar:
        for title, names in groups.items():
            st.subheader(t(title))
            for name in names:
                state.widget(name)


def lab_url(query: Mapping[str, str]) -> str:
    """A relative link to the lab (the app's default page) with `query`, language included;
    relative, so that it also works behind a proxy that serves the app under a path."""
    return "./?" + urlencode({**query, **url_param()})


LAB_PATH = "pages/surface_lab.py"


def open_in_lab(query: Mapping[str, str]) -> None:
    """Switch to the lab with these URL parameters (language included); the lab reads its
    link afresh (its settings' session-state keys, as lab_components.settings_ui names them,
    are dropped)."""
    for key in [k for k in st.session_state if isinstance(k, str) and (
            k.startswith("lab_w_") or k in ("lab_settings", "lab_url_notes", "lab_preset"))]:
        del st.session_state[key]
    st.switch_page(LAB_PATH, query_params={**query, **url_param()})


def projector_css(on: bool) -> None:
    if on:
        st.html("<style>.stMarkdown p, .stMarkdown li {font-size: 1.35rem !important}</style>")


def built_once(name: str, source: object, lang: str, build: Callable[[], Any]) -> Any:
    """build() for this session, again only when `source` (an immutable value, compared by
    identity) or the language changed since the last call under `name`.

    For figures a polling fragment draws from a read-out that changes every few seconds:
    building them (and their JSON, the digit grid's images) on every poll cost the server as
    much as several students' slider moves (docs/benchmarks.md)."""
    slot = f"_built_once_{name}"
    held = st.session_state.get(slot)
    if held is not None and held[0] is source and held[1] == lang:
        return held[2]
    value = build()
    st.session_state[slot] = (source, lang, value)
    return value
