"""What every run of the router costs beyond the page: the pages are not looked up on the
disk again and the figure component is not declared again on every run (each of these let go
of the GIL, which a busy server then waits to get back); the pages still carry the tab's
language, and each run gets page objects of its own."""

from __future__ import annotations

import pathlib
from pathlib import Path

import pytest
import streamlit as st
from streamlit.components.v1.custom_component import CustomComponent
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = {(ROOT / "pages").resolve()}


class _NoPagesDirectory:
    uses_pages_directory = False


@pytest.fixture
def spies(monkeypatch):
    """Count of page-file path resolutions; st.navigation's page lists (titles, objects),
    while the real functions run."""
    counts = {"resolve": 0}
    navigations: list[list[tuple[str, object]]] = []  # the pages kept alive: ids stay unique
    resolve, navigation = pathlib.Path.resolve, st.navigation

    def counting_resolve(self, *args, **kwargs):
        out = resolve(self, *args, **kwargs)
        if out.parent in PAGE_FILES:
            counts["resolve"] += 1
        return out

    def recording_navigation(pages, *args, **kwargs):
        navigations.append([(p.title, p) for p in pages])
        return navigation(pages, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "resolve", counting_resolve)
    # As on the server (deploy/serve.py): app.py's st.navigation is in charge from the start.
    # AppTest resets Streamlit's automatic-pages mode before every run, which would send
    # each run through Streamlit's own page discovery; the script runner is told it is off.
    monkeypatch.setattr(script_runner, "PagesManager", _NoPagesDirectory)
    monkeypatch.setattr(st, "navigation", recording_navigation)
    return counts, navigations


def test_a_rerun_resolves_no_page_file(spies):
    counts, _ = spies
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    at.run()  # build whatever a first run of this process builds
    assert not at.exception
    before = dict(counts)
    at.slider(key="lab_w_y1").set_value(-1.5).run()
    at.slider(key="lab_w_y1").set_value(-1.0).run()
    assert not at.exception
    assert counts == before, f"a rerun looked pages up: {counts}"


def test_pages_speak_the_tab_language_and_are_new_objects_each_run(spies):
    _, navigations = spies
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.run()
    at.selectbox(key="lang").set_value("zh-Hans").run()
    assert not at.exception
    english, chinese = navigations[-3], navigations[-1]
    assert english[0][0] == "Error-surface lab"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese[0][0]), chinese[0][0]
    # two runs in one language: equal titles, distinct objects (st.navigation marks the page
    # it returns as runnable; a shared object would let one session run another's mark)
    assert [t for t, _ in navigations[-3]] == [t for t, _ in navigations[-2]]
    assert not {id(p) for _, p in navigations[-3]} & {id(p) for _, p in navigations[-2]}


def test_the_component_is_declared_once_per_runtime(monkeypatch):
    from lab_components import plotly_view

    class FakeRuntime:
        def __init__(self):
            self.component_registry = object()

    server = FakeRuntime()
    made = []
    monkeypatch.setattr(plotly_view.runtime, "exists", lambda: True)
    monkeypatch.setattr(plotly_view.runtime, "get_instance", lambda: server)
    monkeypatch.setattr(CustomComponent, "__init__", _recording(CustomComponent.__init__, made))
    monkeypatch.setattr(plotly_view, "_DECLARED", [None, None])
    first = plotly_view._component()
    assert plotly_view._component() is first and len(made) == 1
    assert first.name == plotly_view.COMPONENT_NAME  # the caller's module, as before
    server = FakeRuntime()  # another runtime (AppTest makes one per run): declared there
    assert plotly_view._component() is not first and len(made) == 2


def _recording(init, made):
    def wrapper(self, *args, **kwargs):
        made.append(kwargs.get("name"))
        return init(self, *args, **kwargs)

    return wrapper
