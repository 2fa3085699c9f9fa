"""The widget guard (lab_components/widget_guard.py) under AppTest: every move the lab's
widgets can make is kept; a value no widget can produce is dropped and said in one line.

The hosting tests send the same bad values over the real websocket protocol
(tests/hosting/test_faults.py); this one is fast and checks that no legitimate move of any
widget is taken for a bad one.
"""

from __future__ import annotations

import pytest

from lab_components import widget_guard
from surfaces import settings as S
from tests.app.test_surface_lab import _other_value, key, run, url


@pytest.fixture(autouse=True, scope="module")
def guarded():
    widget_guard.install()  # what the router does at its first run (and deploy/serve.py)


@pytest.mark.parametrize("opt", ["sgd", "adam"])
def test_every_legitimate_move_is_kept(opt):
    at = run({"opt": opt, "steps": "30", "res": "51"})
    fields = sorted((f for f in S.FIELDS if f.kind != "camera"), key=lambda f: f.name == "opt")
    for field in fields:
        widgets = [w for w in at.sidebar if getattr(w, "key", None) == key(field.name)]
        if not widgets:
            continue
        value = {"res": 101, "steps": 40}.get(field.name, _other_value(widgets[0], field))
        widgets[0].set_value(value).run()
        assert not at.exception, (field.name, at.exception)
        assert at.session_state[widget_guard.REJECTED_KEY] == {}, field.name
        assert url(at)[field.name] == field.format(value), field.name
        assert not at.warning, (field.name, [w.value for w in at.warning])


def test_a_slider_value_out_of_range_is_dropped_and_said():
    at = run({"y1": "-6.5"})
    slider = next(w for w in at.sidebar if getattr(w, "key", None) == key("y1"))
    slider.set_value(1e6).run()
    assert not at.exception
    assert set(at.session_state[widget_guard.REJECTED_KEY]) == {key("y1")}
    [warning] = at.warning
    assert "y1" in warning.value and "-6.5" in warning.value
    assert url(at)["y1"] == "-6.5"  # kept, not Streamlit's silent reset to the slider's default
