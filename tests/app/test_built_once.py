"""page_parts.built_once: a polling fragment rebuilds a figure only when its read-out or the
language changed."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = """
import streamlit as st
from lab_components.page_parts import built_once
st.session_state.setdefault("builds", 0)
sources = st.session_state.setdefault("sources", [["read-out"], ["read-out"]])  # equal, two
which = st.radio("which", [0, 1], key="which")
lang = st.radio("lang", ["en", "zh-Hans"], key="lang")

def build():
    st.session_state.builds += 1
    return f"figure {st.session_state.builds}"

st.write(built_once("fig", sources[which], lang, build))
"""


def test_a_figure_is_built_again_only_for_another_read_out_or_language():
    at = AppTest.from_string(SCRIPT).run()

    def shown() -> tuple[str, int]:
        assert not at.exception
        return at.markdown[0].value, at.session_state["builds"]

    assert shown() == ("figure 1", 1)
    at.run()  # a poll with nothing new
    assert shown() == ("figure 1", 1)
    at.radio(key="which").set_value(1).run()  # an equal read-out, but another one
    assert shown() == ("figure 2", 2)
    at.run()
    assert shown() == ("figure 2", 2)
    at.radio(key="lang").set_value("zh-Hans").run()
    assert shown() == ("figure 3", 3)
