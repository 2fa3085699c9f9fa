"""The figure frame's own descent controls: the path route's answer is the page's own
panels, bad queries are fixed as links are, and the page follows a move the frame reports
(sidebar widgets, the link, the table), once, with hostile values reported in one line."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from lab_components import lab_api, lab_paths
from lab_components.lab_surfaces import surface_blobs
from lab_components.plotly_view.testing import component_args
from surfaces import settings as S
from surfaces.descent import HYPER_DEFAULTS
from surfaces.i18n import tr
from tests.app.test_surface_lab import run, url

LINK = {"opt": "adam", "lr": "0.3", "steps": "120", "y1": "-6", "y2": "7", "beta1": "0.8"}


def report(at: AppTest, values: dict, seq: int, frame: str = "frame-a") -> AppTest:
    """What the frame sends after a move of its controls: its value, with the controls."""
    at.session_state["lab_figures"] = {"cameras": None, "missing": [], "seq": seq,
                                       "click": None,
                                       "controls": {"frame": frame, "seq": seq,
                                                    "values": values}}
    at.run()
    assert not at.exception, at.exception
    return at


def report_drawing(at: AppTest, seq: int, drawn: bool = True) -> AppTest:
    """The frame's value with no camera, move or click: once its panels' first drawing is
    done (drawn), or before it (a camera report, say)."""
    at.session_state["lab_figures"] = {"cameras": None, "missing": [], "seq": seq,
                                       "click": None, "figures": None, "bases": None,
                                       "controls": None, "drawn": drawn}
    at.run()
    assert not at.exception, at.exception
    return at


class Answer:
    def __init__(self, response) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self._body = response.body

    def json(self):
        return json.loads(self._body)


def get(params: dict | None = None, raw: str | None = None) -> Answer:
    """The path route's answer to GET /api/lab/paths?<params> (its handler, as the server
    calls it; the server itself is tested in tests/e2e/test_lab_controls_browser.py)."""
    query = raw if raw is not None else urlencode(params or {})
    scope = {"type": "http", "method": "GET", "path": lab_api.PATH, "headers": [],
             "query_string": query.encode()}
    return Answer(lab_api.paths(Request(scope)))


# --- the route answers what the page draws -----------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_the_route_answers_the_panels_the_page_sends_for_the_same_link(lang):
    at = run({**LINK, "lang": lang})
    page_panels = component_args(at)[0]["panels"]
    answer = get({**url(at), "lang": lang})
    assert answer.status_code == 200
    route_panels = answer.json()["panels"]
    assert len(route_panels) == len(page_panels) == 3
    for page_panel, route_panel in zip(page_panels, route_panels, strict=True):
        # the frame compares the two as JSON.stringify of the parsed figures: equal objects
        assert route_panel["figure"] == page_panel["figure"]
        assert route_panel["base"] == page_panel["base"]


def test_the_route_fixes_a_bad_query_as_a_link_is_fixed():
    answer = get({"y1": "abc", "steps": "1e9", "opt": "evil",
                                                "lang": "xx"})
    assert answer.status_code == 200
    query = answer.json()["query"]
    assert query["steps"] == "2000" and query["opt"] == "sgd" and query["y1"] == "-8"


def test_the_route_sends_the_bases_a_frame_lacks_and_only_those():
    payload = get(LINK).json()
    bases = [p["base"] for p in payload["panels"]]
    assert sorted(payload["blobs"]) == sorted(bases)
    again = get({**LINK, "have": ",".join(["x", *bases])}).json()
    assert again["blobs"] == {}
    assert len(json.dumps(again)) < 30_000  # a path move's answer: the small traces only
    # A surface move (a new range): the frame holds the curves' layout, not the new surfaces.
    moved = get({**LINK, "span": "12", "have": bases[2]}).json()
    new = [p["base"] for p in moved["panels"]]
    assert sorted(moved["blobs"]) == sorted(new[:2]) and not set(new[:2]) & set(bases)
    wide = S.TABLE.from_query({**LINK, "span": "12"})[0]
    page = surface_blobs(wide.span, wide.res, wide.y3, wide.target_index, False, "en")
    assert {b.digest: b.json for b in page} == moved["blobs"]  # the page's own surfaces


def test_the_route_says_a_sentence_when_it_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lab_api, "route_payload", broken)
    answer = get(LINK)
    assert answer.status_code == 500
    assert answer.json() == {"error": "could not compute the paths"}
    too_long = get(raw="y1=" + "1" * 3000)
    assert too_long.status_code == 414


def test_the_controls_are_the_descent_and_surface_fields_in_the_pages_language():
    specs = {s["name"]: s for s in lab_paths.control_specs(S.LabSettings(), "zh-Hans")}
    assert tuple(specs) == lab_paths.CONTROLS
    assert specs["y1"]["label"] == tr("lab.field.y1", "zh-Hans") != tr("lab.field.y1", "en")
    assert specs["opt"]["kind"] == "select" and specs["lr"]["kind"] == "ladder"
    assert specs["opt"]["labels"][specs["opt"]["values"].index("sgd")] == tr("opt.sgd",
                                                                            "zh-Hans")
    assert specs["lr"]["values"] == list(S.LR_CHOICES)
    for name in ("lr", "eps", "opt"):  # each choice as the link writes it reads back as it
        field = S.TABLE.field[name]
        assert [field.parse(q, None)[0] for q in specs[name]["query"]] == list(field.choices)
    assert specs["y1"]["optimizers"] is None
    assert set(specs["beta1"]["optimizers"]) == {o for o, h in HYPER_DEFAULTS.items()
                                                 if "beta1" in h}
    # The surfaces' settings: a row of their own, the class as a drop-down in the language.
    assert [n for n, f in specs.items() if f["break_before"]] == ["y3"]
    assert specs["target"]["kind"] == "select" and specs["res"]["kind"] == "ladder"
    assert specs["target"]["labels"][0] != tr_en("target")
    assert (specs["span"]["lo"], specs["span"]["hi"]) == (S.TABLE.field["span"].lo,
                                                         S.TABLE.field["span"].hi)


def tr_en(name: str) -> str:
    return S.TABLE.choice_text(name, S.TABLE.field[name].choices[0],
                               lambda key, **p: tr(key, "en", **p))


# --- the page follows the frame -------------------------------------------------------------

def test_a_move_of_the_frames_controls_moves_the_sidebar_the_link_and_the_table():
    at = run()
    controls = component_args(at)[0]["controls"]
    assert controls["api"] is None  # AppTest serves no route: moves go through the rerun
    assert controls["applied"] == {"frame": None, "seq": 0}  # no report taken yet
    table_before = next(m.value for m in at.markdown if m.value.startswith("| loss"))
    report(at, {"y1": -3, "opt": "adam", "beta1": 0.5, "lr": 0.3}, seq=1)
    assert at.slider(key="lab_w_y1").value == -3.0
    assert at.selectbox(key="lab_w_opt").value == "adam"
    assert at.slider(key="lab_w_beta1").value == 0.5
    assert {k: url(at)[k] for k in ("y1", "opt", "beta1", "lr")} == {
        "y1": "-3", "opt": "adam", "beta1": "0.5", "lr": "0.3"}
    assert next(m.value for m in at.markdown if m.value.startswith("| loss")) != table_before
    args = component_args(at)[0]
    assert args["controls"]["applied"] == {"frame": "frame-a", "seq": 1}
    assert {s["name"]: s["value"] for s in args["controls"]["fields"]}["y1"] == -3.0

    # A sidebar move afterwards sticks: the frame's old report is not taken again.
    at.slider(key="lab_w_y1").set_value(-5.0).run()
    assert url(at)["y1"] == "-5"
    # A new frame (a page switch) counts from 1 again: still a new report.
    report(at, {"y1": 2.5}, seq=1, frame="frame-b")
    assert url(at)["y1"] == "2.5"


SIDEBAR_WIDGETS = ("slider", "select_slider", "selectbox", "radio", "toggle", "number_input")


def sidebar_keys(at: AppTest) -> set[str]:
    return {w.key for kind in SIDEBAR_WIDGETS for w in getattr(at.sidebar, kind)
            if w.key and w.key.startswith("lab_w_")}


def test_where_the_route_serves_the_frames_controls_they_are_the_only_ones(route_served):
    """No second, slower slider for a setting: the sidebar keeps the display settings and
    says where the others are; the frame's moves, the presets and the link still set every
    field."""
    at = run({"y1": "-6", "opt": "adam", "span": "12"})
    report_drawing(at, seq=0)  # until then the sidebar waits (tests/app/test_first_view.py)
    assert sidebar_keys(at) == {"lab_w_thr", "lab_w_projector"}
    assert any("3-D" in c.value for c in at.sidebar.caption)
    args = component_args(at)[0]["controls"]
    assert args["api"] == lab_api.PATH
    values = {f["name"]: f["value"] for f in args["fields"]}
    assert (values["y1"], values["opt"], values["span"]) == (-6.0, "adam", 12.0)

    report(at, {"y1": -3, "beta1": 0.5, "res": 101}, seq=1)
    assert {k: url(at)[k] for k in ("y1", "opt", "beta1", "span", "res")} == {
        "y1": "-3", "opt": "adam", "beta1": "0.5", "span": "12", "res": "101"}
    at.sidebar.selectbox(key="lab_w_thr").set_value(0.5).run()  # a sidebar move after
    assert (url(at)["thr"], url(at)["y1"], url(at)["beta1"]) == ("0.5", "-3", "0.5")
    at.button(key="lab_preset_adam").click().run()
    assert url(at)["opt"] == "adam" and url(at)["y1"] != "-3"

    report(at, {"y1": "abc", "steps": 10**9}, seq=2)  # hostile: fixed, said in one line
    assert len(at.warning) == 1 and "y1" in at.warning[0].value
    assert url(at)["steps"] == "2000"


def test_without_the_route_the_sidebar_has_every_control():
    assert {"lab_w_y1", "lab_w_opt", "lab_w_span", "lab_w_target", "lab_w_thr"} <= (
        sidebar_keys(run()))


def test_hostile_values_from_the_frame_are_fixed_and_reported_in_one_line():
    at = report(run(), {"y1": "abc", "opt": "evil", "steps": 10**9, "span": 1e6,
                        "thr": 0.5, "nonsense": 1}, seq=1)
    assert at.slider(key="lab_w_y1").value == -8.0
    assert at.selectbox(key="lab_w_opt").value == "sgd"
    assert at.slider(key="lab_w_steps").value == 2000
    assert url(at)["span"] == "50"  # clamped to the slider's end
    assert url(at)["thr"] == "0.01"  # not a control: the frame cannot set it
    assert len(at.warning) == 1
    assert all(name in at.warning[0].value for name in ("y1", "opt", "span"))


def test_the_rerun_after_a_move_drawn_from_the_route_sends_no_figure_again():
    at = run()
    # The frame drew y1 = -3 from the route's answer and reports that answer's digests.
    answer = lab_paths.route_payload(S.TABLE.to_query(S.LabSettings(y1=-3.0)), "en")
    at.session_state["lab_figures"] = {
        "cameras": None, "missing": [], "seq": 1, "click": None,
        "figures": [p["digest"] for p in answer["panels"]],
        "controls": {"frame": "frame-a", "seq": 1, "values": {"y1": -3.0}}}
    at.run()
    panels = component_args(at)[0]["panels"]
    assert [p["digest"] for p in panels] == [p["digest"] for p in answer["panels"]]
    assert all(p["figure"] is None for p in panels)
    # A sidebar move: what the frame shows is no longer what the page draws.
    at.slider(key="lab_w_y1").set_value(-5.0).run()
    assert all(p["figure"] is not None for p in component_args(at)[0]["panels"])


def test_the_rerun_after_a_surface_move_drawn_from_the_route_sends_no_surface_again():
    """The route's answer brought the new surfaces; the frame reports the bases it shows,
    and the rerun sends neither them (about 500 kB of JSON) nor the figures again."""
    at = run()
    answer = lab_paths.route_payload(S.TABLE.to_query(S.LabSettings(span=12.0)), "en")
    at.session_state["lab_figures"] = {
        "cameras": None, "missing": [], "seq": 1, "click": None,
        "figures": [p["digest"] for p in answer["panels"]],
        "bases": [p["base"] for p in answer["panels"]],
        "controls": {"frame": "frame-a", "seq": 1, "values": {"span": 12.0}}}
    at.run()
    args = component_args(at)[0]
    assert [p["base"] for p in args["panels"]] == [p["base"] for p in answer["panels"]]
    assert all(p["figure"] is None for p in args["panels"])
    assert args["blobs"] == {}
    # Later renders know the frame has them: back and forth sends no surface either.
    at.slider(key="lab_w_y1").set_value(-5.0).run()
    assert component_args(at)[0]["blobs"] == {}
    # A frame that lost one asks for it, and gets it.
    at.session_state["lab_figures"] = {"cameras": None, "seq": 2, "click": None,
                                       "missing": [answer["panels"][0]["base"]]}
    at.run()
    assert list(component_args(at)[0]["blobs"]) == [answer["panels"][0]["base"]]


def test_a_figure_is_sent_again_when_the_screen_has_moved_on_since_the_frames_report():
    """The frame's report names what it showed then; later renders replaced it. A setting
    that comes back to the reported figures must send them in full, not as digests the
    frame no longer holds (that cost a second rerun per move)."""
    at = run()
    first = [p["digest"] for p in component_args(at)[0]["panels"]]
    at.session_state["lab_figures"] = {"cameras": None, "missing": [], "seq": 1,
                                       "click": None, "figures": first}
    at.run()  # the frame reported the default view
    at.slider(key="lab_w_y1").set_value(-5.0).run()  # the screen moves on ...
    at.slider(key="lab_w_y1").set_value(-8.0).run()  # ... and comes back
    panels = component_args(at)[0]["panels"]
    assert [p["digest"] for p in panels] == first
    assert all(p["figure"] is not None for p in panels)
