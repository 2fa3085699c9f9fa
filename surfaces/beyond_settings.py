"""Settings of the five pages beyond the slide: one frozen dataclass and one `FieldTable`
each (validation, URL round trip, notes for bad values: `surfaces.fields`). Fields shared
with the lab keep the lab's names and ranges, so a link carries over both ways."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from surfaces import settings as lab
from surfaces.descent import HYPER_DEFAULTS
from surfaces.fields import Field, FieldTable, Preset
from surfaces.settings import FIELD

__all__ = ["ANATOMY", "ESCAPE", "LOGISTIC", "RATES", "SIMPLEX", "AnatomySettings",
           "EscapeSettings", "LogisticSettings", "RatesSettings", "SimplexSettings",
           "from_lab", "lab_query"]

ESCAPE_RESOLUTIONS = (51, 101, 151, 201)
SIMPLEX_RESOLUTIONS = (11, 21, 31, 41)
FRACTIONS = (1e-3, 1e-2, 0.1, 0.5)
LOGISTIC_LRS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 5.0, 10.0)
QUAD_LRS = (0.001, 0.003, 0.01, 0.015625, 0.03, 0.1, 0.3, 0.5, 1.0, 1.5)


def _lab(name: str) -> Field:
    """The lab's field of that name (same range, same URL format)."""
    return FIELD[name]


class _Hyper:
    """Mixin: the optimiser's hyper-parameters, as `descent` takes them."""

    opt: str

    @property
    def target_index(self) -> int:
        return self.target - 1  # type: ignore[attr-defined]

    def hyper(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in HYPER_DEFAULTS[self.opt]}


# --- escape map -------------------------------------------------------------------------------
ESCAPE = FieldTable("escape", (
    _lab("target"), _lab("y3"), _lab("span"),
    Field("res", "choice", choices=ESCAPE_RESOLUTIONS),
    _lab("opt"), _lab("lr"),
    Field("steps", "int", lo=1, hi=1000, step=1, fmt="%d"),
    _lab("momentum"), _lab("beta1"), _lab("beta2"), _lab("alpha"), _lab("eps"),
    _lab("thr"),  # the lab's: the same select box on both pages
    _lab("y1"), _lab("y2"), _lab("projector"),
))


@ESCAPE.bind
@dataclass(frozen=True)
class EscapeSettings(_Hyper):
    """The escape map: the square, the optimiser, the threshold, and a start to open."""

    target: int = 1
    y3: float = -1000.0
    span: float = 10.0
    res: int = 101
    opt: str = "sgd"
    lr: float = 1.0
    steps: int = 200
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    eps: float = 1e-8
    thr: float = 0.01
    y1: float = -8.0  # the start marked on the maps and opened in the lab
    y2: float = 8.0
    projector: bool = False

    def __post_init__(self) -> None:
        ESCAPE.check(self)


ESCAPE_PRESETS = {
    "slide": Preset({"opt": "sgd", "lr": 1.0, "steps": 200, "y3": -1000.0, "target": 1}),
    "adam": Preset({"opt": "adam", "lr": 0.3, "steps": 200, "eps": 1e-8, "y3": -1000.0,
                    "target": 1}),
    "unpin": Preset({"opt": "sgd", "lr": 1.0, "steps": 200, "y3": 0.0, "target": 1}),
}


# --- gradient anatomy -------------------------------------------------------------------------
ANATOMY = FieldTable("anatomy", (
    _lab("target"), _lab("y3"), _lab("span"),
    Field("res", "choice", choices=ESCAPE_RESOLUTIONS),
    Field("frac", "choice", choices=FRACTIONS),
    _lab("y1"), _lab("y2"),
    Field("naive", "bool"),
    Field("f32", "bool"),
    _lab("projector"),
))


@ANATOMY.bind
@dataclass(frozen=True)
class AnatomySettings(_Hyper):
    """Gradient anatomy: the square, the stall fraction, the point, naive or stable CE."""

    target: int = 1
    y3: float = -1000.0
    span: float = 10.0
    res: int = 101
    frac: float = 0.01  # stall: |grad MSE| < frac * |grad CE|
    y1: float = -8.0  # the point taken apart
    y2: float = 8.0
    naive: bool = False  # show the naive log(softmax(y)) cross-entropy
    f32: bool = False  # ... in float32, as most training runs
    projector: bool = False

    def __post_init__(self) -> None:
        ANATOMY.check(self)


ANATOMY_PRESETS = {
    "slide": Preset({"target": 1, "y3": -1000.0, "y1": -8.0, "y2": 8.0, "naive": False}),
    "class3": Preset({"target": 3, "y3": -1000.0, "naive": True}),
    "unpin": Preset({"target": 1, "y3": 0.0, "naive": True}),
}


# --- simplex ----------------------------------------------------------------------------------
SIMPLEX = FieldTable("simplex", (
    _lab("target"), _lab("y3"), _lab("span"),
    Field("res", "choice", choices=SIMPLEX_RESOLUTIONS),
    _lab("y1"), _lab("y2"), _lab("opt"), _lab("lr"),
    Field("steps", "int", lo=1, hi=1000, step=1, fmt="%d"),
    _lab("projector"),
))


@SIMPLEX.bind
@dataclass(frozen=True)
class SimplexSettings(_Hyper):
    """The simplex: the square mapped to (y1', y2', y3'), and the lab's paths on it."""

    target: int = 1
    y3: float = -1000.0
    span: float = 10.0
    res: int = 31
    y1: float = -8.0
    y2: float = 8.0
    opt: str = "sgd"
    lr: float = 1.0
    steps: int = 200
    projector: bool = False

    def __post_init__(self) -> None:
        SIMPLEX.check(self)


SIMPLEX_PRESETS = {
    "pinned": Preset({"y3": -1000.0}),
    "unpin": Preset({"y3": 0.0}),
}


# --- the 1-D view (seed 001) ------------------------------------------------------------------
LOGISTIC = FieldTable("logistic", (
    Field("w0", "float", lo=-10.0, hi=10.0, step=0.5, fmt="%g"),
    Field("lr", "choice", choices=LOGISTIC_LRS),
    Field("steps", "int", lo=1, hi=300, step=1, fmt="%d"),
    Field("wspan", "float", lo=2.0, hi=20.0, step=1.0, fmt="%g"),
    _lab("projector"),
))


@LOGISTIC.bind
@dataclass(frozen=True)
class LogisticSettings:
    """Logistic regression with one weight: the start, the rate, the view."""

    w0: float = -6.0
    lr: float = 0.3
    steps: int = 50
    wspan: float = 10.0  # w drawn over [-wspan, wspan]
    projector: bool = False

    def __post_init__(self) -> None:
        LOGISTIC.check(self)


# --- learning rates ---------------------------------------------------------------------------
RATES = FieldTable("rates", (
    Field("w0", "float", lo=-10.0, hi=10.0, step=0.5, fmt="%g"),
    Field("steps", "int", lo=5, hi=300, step=1, fmt="%d"),
    Field("lr1", "choice", choices=LOGISTIC_LRS),
    Field("lr2", "choice", choices=LOGISTIC_LRS),
    Field("lr3", "choice", choices=LOGISTIC_LRS),
    Field("lr4", "choice", choices=LOGISTIC_LRS),
    Field("s2", "float", lo=1.0, hi=10.0, step=0.5, fmt="%g"),
    Field("qlr", "choice", choices=QUAD_LRS),
    Field("alr", "choice", choices=QUAD_LRS),
    Field("qsteps", "int", lo=5, hi=200, step=1, fmt="%d"),
    _lab("projector"),
))


@RATES.bind
@dataclass(frozen=True)
class RatesSettings:
    """Several rates on the 1-D problem; gradient descent and Adagrad on a quadratic."""

    w0: float = -6.0
    steps: int = 50
    lr1: float = 0.01
    lr2: float = 0.3
    lr3: float = 1.0
    lr4: float = 5.0
    s2: float = 8.0  # feature 2's scale before scaling (feature 1's is 1)
    qlr: float = 0.015625  # gradient descent's rate on the quadratic (1/64: s2 = 8's limit)
    alr: float = 0.5  # Adagrad's rate
    qsteps: int = 60
    projector: bool = False

    def __post_init__(self) -> None:
        RATES.check(self)

    @property
    def rates(self) -> tuple[float, ...]:
        return tuple(sorted({self.lr1, self.lr2, self.lr3, self.lr4}))


def from_lab(lab_settings: Any, table: FieldTable) -> dict[str, str]:
    """The URL parameters of a page's `table` for the settings it shares with the lab; a lab
    value the page does not offer (a 401 grid, 2000 steps) leaves that page's default."""
    values = {}
    for f in table.fields:
        value = getattr(lab_settings, f.name, None)
        try:
            f.check(value)
        except ValueError:
            continue
        values[f.name] = value
    return table.to_query(table.settings_cls(**values))


def lab_query(s: Any, **overrides: Any) -> dict[str, str]:
    """The lab's URL parameters for the fields `s` shares with the lab (plus `overrides`)."""
    values = {f.name: getattr(s, f.name) for f in lab.FIELDS if hasattr(s, f.name)
              and f.name != "res"}
    values.update(overrides)
    return lab.TABLE.to_query(lab.LabSettings(**values))


def clicked_start(click: Any, span: float) -> tuple[float, float] | None:
    """The lab's start (y1, y2) at a click on a map whose x is y1 and y is y2 (a heatmap
    cell's centre), snapped to the lab's slider grid; None without a click, or for a point
    outside the square [-span, span]^2."""
    try:
        y1, y2 = float(click.x), float(click.y)
    except (AttributeError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) and abs(v) <= span for v in (y1, y2)):
        return None
    return FIELD["y1"].parse(repr(y1), y1)[0], FIELD["y2"].parse(repr(y2), y2)[0]


# The lab links to these pages with its settings: (language-table name, url path, table).
FROM_LAB = (("escape", "escape", ESCAPE), ("anatomy", "anatomy", ANATOMY),
            ("simplex", "triangle", SIMPLEX))
