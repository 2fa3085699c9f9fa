"""The visitor's language: from the link (`lang=`), else the one picked in the sidebar, else
the browser's (`st.context.locale`). `t(key, **params)` is the page-side `tr`."""

from __future__ import annotations

import streamlit as st

from surfaces.i18n import DEFAULT, LANGUAGES, from_link, negotiate, tr

__all__ = ["current", "keep", "picker", "t", "url_param"]

KEY = "lang"  # session state: the language of this tab
CHOSEN = "lang_chosen"  # session state: True once the link or the visitor named a language


def current() -> str:
    """This tab's language code (a key of surfaces.i18n.LANGUAGES)."""
    if KEY not in st.session_state:
        asked = from_link(st.query_params.get("lang"))
        if asked:
            st.session_state[KEY], st.session_state[CHOSEN] = asked, True
        else:
            try:
                locale = st.context.locale
            except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
                locale = None
            st.session_state[KEY], st.session_state[CHOSEN] = negotiate(locale), False
    lang = st.session_state[KEY]
    return lang if lang in LANGUAGES else DEFAULT


def t(key: str, /, **params: object) -> str:
    """The text of `key` in this tab's language."""
    return tr(key, current(), **params)


def _chosen() -> None:
    st.session_state[CHOSEN] = True


def picker() -> None:
    """The language picker (sidebar); a pick reruns the page in that language."""
    current()
    st.sidebar.selectbox(t("app.language"), list(LANGUAGES), format_func=LANGUAGES.get,
                         key=KEY, on_change=_chosen)


def keep() -> None:
    """For a run that does not draw the picker: Streamlit drops the value of a widget that a
    run leaves out, and the tab would fall back to its link's or its browser's language."""
    st.session_state[KEY] = current()


def url_param() -> dict[str, str]:
    """{'lang': code} when the link or the visitor named the language, else {} (a shared
    link then opens in each student's own browser language)."""
    return {"lang": current()} if st.session_state.get(CHOSEN) else {}
