"""A new visitor's first view of the lab on README's start: the sidebar's widgets (the
language, the loss threshold, projector mode) and the text under the figures wait for the
figures' first drawing, which the frame reports; nothing waits under `streamlit run`, and
nothing is lost meanwhile.

The browser side (the frame reports, the widgets come after the drawing) is tested in
tests/e2e/test_production_browser.py."""

from __future__ import annotations

from pathlib import Path

from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from lab_components.plotly_view.testing import component_args
from tests.app.test_lab_controls import SIDEBAR_WIDGETS, report_drawing
from tests.app.test_router_runs import _NoPagesDirectory
from tests.app.test_surface_lab import run, table, url

ROOT = Path(__file__).resolve().parents[2]


def sidebar_widgets(at: AppTest) -> set[str]:
    """The keys of every widget in the sidebar (the lab's and the language picker)."""
    return {w.key for kind in SIDEBAR_WIDGETS for w in getattr(at.sidebar, kind)}


def asks_for_the_report(at: AppTest) -> bool:
    return component_args(at)[0]["report_drawn"]


def test_the_sidebar_s_widgets_come_once_the_frame_reports_its_first_drawing(route_served):
    at = run({"thr": "0.01", "projector": "0", "y1": "-6"})
    assert sidebar_widgets(at) == set()
    assert not at.sidebar.caption  # where the controls are: said with them
    assert not at.markdown  # the table and the text under the figures: with them too
    assert asks_for_the_report(at)
    assert url(at)["thr"] == "0.01" and url(at)["y1"] == "-6"  # the link is whole meanwhile

    report_drawing(at, seq=1, drawn=False)  # a camera report before the drawing: still waiting
    assert sidebar_widgets(at) == set() and asks_for_the_report(at)

    report_drawing(at, seq=2)
    assert sidebar_widgets(at) == {"lab_w_thr", "lab_w_projector"}
    assert at.sidebar.selectbox(key="lab_w_thr").value == 0.01  # the link's, not the default
    assert any("3-D" in c.value for c in at.sidebar.caption)
    assert set(table(at)) == {"Mean square error", "Cross-entropy"}
    assert any("cross-entropy" in m.value.lower() for m in at.markdown[1:])  # the explanation
    assert not asks_for_the_report(at)

    report_drawing(at, seq=3, drawn=False)  # a later frame (a page switch): the session has seen it
    assert sidebar_widgets(at) == {"lab_w_thr", "lab_w_projector"}
    at.sidebar.selectbox(key="lab_w_thr").set_value(0.5).run()
    assert url(at)["thr"] == "0.5"


def test_without_the_route_nothing_waits():
    at = run({"thr": "0.01"})
    assert {"lab_w_thr", "lab_w_projector", "lab_w_y1"} <= sidebar_widgets(at)
    assert not asks_for_the_report(at)


def test_a_language_picked_on_another_page_stays_through_the_lab_s_first_view(
        route_served, monkeypatch):
    # As on the server: app.py's st.navigation is in charge (see test_router_runs.py).
    monkeypatch.setattr(script_runner, "PagesManager", _NoPagesDirectory)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # the lab
    assert "lang" not in sidebar_widgets(at)
    at.switch_page("pages/logistic_1d.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="lang").set_value("zh-Hant").run()
    at.switch_page("pages/surface_lab.py").run()
    assert not at.exception, at.exception
    assert "lang" not in sidebar_widgets(at)  # the lab's first view: no picker yet
    at.run()  # any rerun before the drawing (a preset, a camera report)
    assert "誤差曲面" in at.title[0].value
    report_drawing(at, seq=1)
    assert at.sidebar.selectbox(key="lang").value == "zh-Hant"
