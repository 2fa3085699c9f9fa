"""The settings framework itself (surfaces/fields.py), on a small table of its own: a table that
is declared wrong fails at import with an exact message, and a right one drives validation
and the URL round trip. (The lab's table is tested in test_settings.py.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from surfaces.fields import Field, FieldTable
from surfaces.settings import DEFAULTS, TABLE, to_query


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "x", "kind": "text"},
     "kind must be one of float, int, choice, bool, vector3. Got 'text' instead."),
    ({"name": "x", "kind": "bool", "widget": "knob"},
     "widget must be one of slider, select_slider, radio, selectbox, toggle, number, none. "
     "Got 'knob' instead."),
    ({"name": "x", "kind": "float", "hi": 1.0},
     "x: a float field needs lo <= hi. Got lo=None, hi=1.0 instead."),
    ({"name": "x", "kind": "int", "lo": 0},
     "x: a int field needs lo <= hi. Got lo=0, hi=None instead."),
    ({"name": "x", "kind": "int", "lo": 2, "hi": 1},
     "x: a int field needs lo <= hi. Got lo=2, hi=1 instead."),
    ({"name": "x", "kind": "choice"}, "x: a choice field needs choices. Got none instead."),
])
def test_a_wrongly_declared_field_is_an_exact_error(kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Field(**kwargs)


@pytest.mark.parametrize("kwargs", [
    {"name": "x", "kind": "float", "lo": 1.0, "hi": 1.0},  # a single allowed value
    {"name": "x", "kind": "bool"},  # no range needed
    {"name": "x", "kind": "vector3"},  # an unbounded camera
    {"name": "x", "kind": "choice", "choices": (1,), "widget": "radio"},
    {"name": "x", "kind": "int", "lo": 0, "hi": 3, "widget": None},
])
def test_a_rightly_declared_field_is_accepted(kwargs):
    assert Field(**kwargs).name == "x"


@dataclass(frozen=True)
class Tiny:
    n: int = 2
    on: bool = False


TINY_FIELDS = (Field("n", "int", lo=1, hi=5), Field("on", "bool"))


def test_a_table_binds_its_dataclass_and_round_trips_its_url():
    table = FieldTable("tiny", TINY_FIELDS)
    assert table.bind(Tiny) is Tiny
    assert (table.name, table.fields) == ("tiny", TINY_FIELDS)
    assert table.field["on"] is TINY_FIELDS[1]
    assert table.defaults == Tiny()
    assert table.label_key("n") == "tiny.field.n" and table.help_key("n") == "tiny.field.n.help"
    assert table.to_query(Tiny(n=4, on=True)) == {"n": "4", "on": "1"}
    assert table.from_query({"n": "9", "on": "1"})[0] == Tiny(n=5, on=True)
    with pytest.raises(ValueError, match="^n must be between 1 and 5. Got 7 instead.$"):
        table.check(Tiny(n=7))


def test_a_table_that_disagrees_with_its_dataclass_is_an_exact_error():
    with pytest.raises(ValueError, match="^tiny: field names must be unique.$"):
        FieldTable("tiny", (TINY_FIELDS[0], TINY_FIELDS[0]))
    table = FieldTable("tiny", TINY_FIELDS[::-1])
    with pytest.raises(ValueError, match=re.escape(
            "tiny: the field table must list the dataclass's fields in order. "
            "Got ['on', 'n'] for ['n', 'on'].")):
        table.bind(Tiny)


def test_the_camera_goes_into_the_link_to_three_decimals():
    # Short links: a dragged camera has 16 digits, three are plenty for the view.
    assert to_query(DEFAULTS.with_(cam=(1.23456, -0.5, 2.0)))["cam"] == "1.235,-0.5,2"


# ---- coerce: a widget's state or a hand-sent message, never trusted --------------------------

@pytest.mark.parametrize(("name", "value", "expected"), [
    ("span", 12.0, (12.0, None)),  # allowed: kept as it is
    ("span", 99.0, (50.0, "out_of_range")),  # clamped to hi
    ("span", None, (10.0, "invalid")),  # the default
    ("span", True, (10.0, "invalid")),  # a bool is not a number here
    ("span", "abc", (10.0, "invalid")),
    ("steps", 12.7, (13, "out_of_range")),  # an int field rounds
    ("lr", 0.5, (0.3, "not_offered")),  # the nearest choice on a log scale
    ("opt", "sgd", ("sgd", None)),
    ("opt", "lbfgs", ("sgd", "unknown")),
    ("projector", None, (False, "invalid")),
    ("projector", "1", (True, None)),
    ("cam", (20.0, 0.0, 0.0), (None, "invalid")),  # outside [-10, 10]
    ("cam", [1.0, 2.0, 3.0], ((1.0, 2.0, 3.0), None)),  # a list from JSON becomes the tuple
])
def test_coerce_keeps_an_allowed_value_and_fixes_any_other(name, value, expected):
    field = next(f for f in TABLE.fields if f.name == name)
    assert field.coerce(value, getattr(DEFAULTS, name)) == expected


def test_choice_keys_name_the_language_table_entry():
    assert TABLE.choice_key("opt", "adam") == "opt.adam"
    assert TABLE.choice_key("target", 2) == "lab.class.2"
    assert TABLE.choice_key("lr", 0.1) is None  # numbers need no translation
