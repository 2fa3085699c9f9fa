"""Lab settings: exact validation messages, a lossless URL round trip, and hostile URLs that are
repaired with one note each instead of raising."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surfaces.descent import HYPER_DEFAULTS, OPTIMIZERS
from surfaces.settings import (
    DEFAULTS,
    EPS_CHOICES,
    FIELDS,
    LR_CHOICES,
    PRESETS,
    RESOLUTIONS,
    THRESHOLD_CHOICES,
    LabSettings,
    to_query,
)
from surfaces.settings import from_query as notes_from_query


def from_query(query):
    """from_query with its notes as the English sentences they print."""
    settings, notes = notes_from_query(query)
    return settings, [str(n) for n in notes]

NAMES = [f.name for f in FIELDS]


def grid(lo: int, hi: int, denominator: int):
    """Values on a slider's grid, k / denominator for k in [lo, hi]: what the widgets produce."""
    return st.integers(lo, hi).map(lambda k: k / denominator)


valid_settings = st.builds(
    LabSettings,
    target=st.sampled_from((1, 2, 3)),
    y3=grid(-1000, 20, 1),
    span=grid(2, 50, 1),
    res=st.sampled_from(RESOLUTIONS),
    y1=grid(-100, 100, 2),
    y2=grid(-100, 100, 2),
    opt=st.sampled_from(OPTIMIZERS),
    lr=st.sampled_from(LR_CHOICES),
    steps=st.integers(1, 2000),
    momentum=grid(0, 99, 100),
    beta1=grid(0, 99, 100),
    beta2=grid(9000, 9999, 10000),
    alpha=grid(5000, 9999, 10000),
    eps=st.sampled_from(EPS_CHOICES),
    thr=st.sampled_from(THRESHOLD_CHOICES),
    projector=st.booleans(),
    # the page rounds the camera eye to 3 decimals before it goes into the settings
    cam=st.none() | st.tuples(*[grid(-10_000, 10_000, 1000)] * 3),
)


@settings(max_examples=100, deadline=None)
@given(valid_settings)
def test_url_round_trip_is_lossless(s):
    query = to_query(s)
    assert all(isinstance(v, str) for v in query.values())
    back, notes = from_query(query)
    assert notes == []
    assert back == s


def test_url_round_trip_of_the_defaults_and_every_preset():
    for s in [DEFAULTS, *(DEFAULTS.with_(**p.changes) for p in PRESETS.values())]:
        assert from_query(to_query(s)) == (s, [])


def test_to_query_writes_every_field_and_the_camera_once_set():
    query = to_query(DEFAULTS)
    assert set(query) == set(NAMES) - {"cam"}
    assert query["lr"] == "1" and query["eps"] == "1e-08" and query["projector"] == "0"
    assert to_query(DEFAULTS.with_(cam=(1.25, -0.5, 2.0)))["cam"] == "1.25,-0.5,2"


hostile_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "-1e400", "1e-400", "5e-324", "1e308",
                     "0", "-0", "1,2", "1,2,3,4", "nan,0,0", "true", "0x10", " ", ",,"]),
    st.floats().map(str),
    st.integers().map(str),
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([*NAMES, "evil", "__class__", ""]),
                       hostile_text | st.lists(hostile_text, max_size=3)))
def test_from_query_never_raises_and_notes_name_their_parameter(query):
    s, notes = from_query(query)
    assert isinstance(s, LabSettings)  # validated by its constructor
    named = [n.split("=", 1)[0] for n in notes]
    assert len(named) == len(set(named))  # at most one note per parameter
    assert set(named) <= set(query) & set(NAMES)


HOSTILE = [  # (parameter, raw URL value, the note); steps and target are clamped
    ("lr", "abc", "lr='abc' is not valid; using 1."),
    ("y3", "nan", "y3='nan' is not valid; using -1000."),
    ("y3", "-1e400", "y3='-1e400' is not valid; using -1000."),
    ("steps", "1e12", "steps=1e12 is out of range; using 2000."),
    ("target", "9", "target=9 is not offered; using 3."),
    ("opt", "evil", "opt='evil' is unknown; using sgd."),
    ("cam", "1,2", "cam='1,2' is not valid; using None."),
    ("cam", "11,0,0", "cam='11,0,0' is not valid; using None."),
    ("cam", "nan,0,0", "cam='nan,0,0' is not valid; using None."),
    ("projector", "yes", "projector='yes' is not valid; using False."),
    ("lr", "1e400", "lr='1e400' is not valid; using 1."),
    ("res", ["301", "abc"], "res='abc' is not valid; using 121."),
    ("lr", [], "lr='' is not valid; using 1."),
    ("span", None, "span='None' is not valid; using 10."),
]


@pytest.mark.parametrize(("name", "raw", "note"), HOSTILE,
                         ids=[f"{n}={r!r}" for n, r, _ in HOSTILE])
def test_hostile_parameter_gives_the_default_and_one_exact_note(name, raw, note):
    s, notes = from_query({name: raw})
    assert notes == [note]
    repaired = {"steps": 2000, "target": 3}.get(name, getattr(DEFAULTS, name))
    assert s == DEFAULTS.with_(**{name: repaired})


def test_hostile_parameters_at_once_give_one_note_each():
    query = {"lr": "abc", "y3": "nan", "steps": "1e12", "target": "9", "opt": "evil",
             "cam": "1,2", "span": "", "projector": ["1", "maybe"], "evil": "1", "x": ["a"]}
    s, notes = from_query(query)
    bad = [name for name in NAMES if name in query]  # field-table order
    assert len(notes) == len(bad)
    for name, note in zip(bad, notes, strict=True):
        assert note.startswith(f"{name}=")
    assert s == DEFAULTS.with_(steps=2000, target=3)


@pytest.mark.parametrize("name", NAMES)
def test_empty_string_gives_the_default_and_one_note(name):
    s, notes = from_query({name: ""})
    assert s == DEFAULTS
    assert len(notes) == 1 and notes[0].startswith(f"{name}=''")


def test_unknown_keys_are_ignored_silently():
    assert from_query({"evil": "1", "__class__": "x", "LR": "0.3", "": ""}) == (DEFAULTS, [])


def test_list_values_take_the_last_one_as_st_query_params_does():
    assert from_query({"lr": ["abc", "0.3"], "steps": ("7",)}) == (
        DEFAULTS.with_(lr=0.3, steps=7), [])


@pytest.mark.parametrize(
    ("name", "raw", "value", "note"),
    [
        ("y3", "-5000", -1000.0, "y3=-5000 is out of range; using -1000."),
        ("y3", "50", 20.0, "y3=50 is out of range; using 20."),
        ("y1", "-7.3", -7.5, "y1=-7.3 is out of range; using -7.5."),
        ("y1", "-7.5", -7.5, None),
        ("span", "1", 2.0, "span=1 is out of range; using 2."),
        ("steps", "0", 1, "steps=0 is out of range; using 1."),
        ("steps", "12.6", 13, "steps=12.6 is out of range; using 13."),
        ("steps", "12", 12, None),
        ("momentum", "1.5", 0.99, "momentum=1.5 is out of range; using 0.99."),
        ("beta2", "0.5", 0.9, "beta2=0.5 is out of range; using 0.9."),
        ("beta2", "0.99995", 0.9999, "beta2=0.99995 is out of range; using 0.9999."),
        ("alpha", "0.91234", 0.9123, "alpha=0.91234 is out of range; using 0.9123."),
        ("lr", "0.25", 0.3, "lr=0.25 is not offered; using 0.3."),  # nearest in log scale
        ("lr", "2e-3", 3e-3, "lr=2e-3 is not offered; using 0.003."),
        ("lr", "1e9", 1e5, "lr=1e9 is not offered; using 100000."),
        ("lr", "-1", 1e-3, "lr=-1 is not offered; using 0.001."),
        ("lr", " 3e-1 ", 0.3, None),
        ("res", "100", 101, "res=100 is not offered; using 101."),
        ("res", "301.0", 301, None),
        ("eps", "0", 1e-12, "eps=0 is not offered; using 1e-12."),
        ("thr", "0.02", 0.01, "thr=0.02 is not offered; using 0.01."),
        ("target", "0", 1, "target=0 is not offered; using 1."),
        ("target", "2", 2, None),
        ("projector", "TRUE", True, None),
        ("projector", "1", True, None),
        ("projector", "false", False, None),
        ("cam", " 1, -2.5,3", (1.0, -2.5, 3.0), None),
        ("opt", "adam", "adam", None),
    ],
)
def test_out_of_range_values_are_clamped_or_snapped_with_a_note(name, raw, value, note):
    s, notes = from_query({name: raw})
    assert getattr(s, name) == value and type(getattr(s, name)) is type(value)
    assert notes == ([] if note is None else [note])


def test_every_preset_builds_valid_settings():
    from surfaces.i18n import LANGUAGES, TABLES

    assert {"slide", "adam", "too_large", "unpin"} <= set(PRESETS)
    for name, preset in PRESETS.items():
        assert set(preset.changes) <= set(NAMES)
        for lang in LANGUAGES:  # every preset has a title and a story in every language
            assert TABLES[lang][f"lab.preset.{name}.title"]
            assert TABLES[lang][f"lab.preset.{name}.story"]
        LabSettings(**preset.changes)
        s = DEFAULTS.with_(**preset.changes)
        for key, value in preset.changes.items():
            assert getattr(s, key) == value
    assert DEFAULTS.with_(**PRESETS["slide"].changes) == DEFAULTS  # the slide is the default


def test_hyper_parameters_follow_the_optimizer():
    assert DEFAULTS.hyper() == {}
    assert DEFAULTS.with_(opt="adam", beta1=0.5).hyper() == {"beta1": 0.5, "beta2": 0.999,
                                                            "eps": 1e-8}
    assert DEFAULTS.with_(opt="nesterov", momentum=0.3).hyper() == {"momentum": 0.3}
    for opt in OPTIMIZERS:
        assert set(DEFAULTS.with_(opt=opt).hyper()) == set(HYPER_DEFAULTS[opt])
        assert set(HYPER_DEFAULTS[opt]) <= set(NAMES)  # every hyper-parameter has a widget
    assert [DEFAULTS.with_(target=t).target_index for t in (1, 2, 3)] == [0, 1, 2]


LR_LIST = ", ".join(f"{c:g}" for c in LR_CHOICES)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": 0}, "target must be one of 1, 2, 3. Got 0 instead."),
        # True == 1, but it is no class number, and its URL form "True" would not read back
        ({"target": True}, "target must be one of 1, 2, 3. Got True instead."),
        ({"lr": True}, f"lr must be one of {LR_LIST}. Got True instead."),
        ({"opt": "evil"},
         "opt must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam. Got 'evil' instead."),
        ({"lr": 0.5}, f"lr must be one of {LR_LIST}. Got 0.5 instead."),
        ({"res": 100}, "res must be one of 51, 101, 121, 151, 201, 301, 401. Got 100 instead."),
        ({"y3": math.nan}, "y3 must be a finite float. Got nan instead."),
        ({"y3": 21.0}, "y3 must be between -1000 and 20. Got 21 instead."),
        ({"y1": "1"}, "y1 must be a finite float. Got '1' instead."),
        ({"span": True}, "span must be a finite float. Got True instead."),
        ({"steps": 1.5}, "steps must be a finite int. Got 1.5 instead."),
        ({"steps": 0}, "steps must be between 1 and 2000. Got 0 instead."),
        ({"beta2": 0.5}, "beta2 must be between 0.9 and 0.9999. Got 0.5 instead."),
        ({"projector": 1}, "projector must be True or False. Got 1 instead."),
        ({"cam": (1.0, 2.0)},
         "cam must be None or three finite numbers in [-10, 10]. Got (1.0, 2.0) instead."),
        ({"cam": (0.0, 0.0, 11.0)},
         "cam must be None or three finite numbers in [-10, 10]. Got (0.0, 0.0, 11.0) instead."),
    ],
)
def test_bad_values_raise_exact_messages(changes, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        LabSettings(**changes)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        DEFAULTS.with_(**changes)
