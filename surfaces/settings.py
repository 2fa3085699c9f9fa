"""Settings of the error-surface lab: one declarative field table drives validation, the
widgets and the shareable URL (after tensorflow/playground's ``state.ts``).

``LabSettings(**values)`` validates with exact messages; ``from_query`` reads a URL's query
parameters, never raises, and says in one line per parameter what it clamped or replaced;
``to_query`` writes the full state back, so ``from_query(to_query(s)) == s``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from surfaces.descent import HYPER_DEFAULTS, OPTIMIZERS

__all__ = ["FIELDS", "LR_CHOICES", "PRESETS", "Field", "LabSettings", "from_query", "to_query"]

# Log-spaced choices: a lecturer drags through orders of magnitude, not decimals.
LR_CHOICES = tuple(float(f"{m}e{e}") for e in range(-3, 6) for m in (1, 3))[:-1]  # 1e-3..1e5
EPS_CHOICES = tuple(float(f"1e{e}") for e in range(-12, -1))  # 1e-12 .. 1e-2
THRESHOLD_CHOICES = (1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.5)
RESOLUTIONS = (51, 101, 151, 201, 301, 401)
OPTIMIZER_LABELS = {
    "sgd": "Gradient descent",
    "momentum": "SGD + momentum",
    "nesterov": "Nesterov momentum",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}


@dataclass(frozen=True)
class Field:
    """One setting: its type, default and allowed values; `kind` picks the widget."""

    name: str
    kind: str  # "float", "int", "choice" (one of `choices`), "bool", "camera"
    label: str
    help: str = ""
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    choices: tuple = ()
    fmt: str | None = None  # printf format of the slider's value, e.g. "%.4f"

    def check(self, value: Any) -> None:
        """Raise ValueError with an exact message if `value` is not allowed."""
        if self.kind == "choice":
            # True == 1: without the bool test, target=True would pass and write "True" to the URL
            if isinstance(value, bool) or value not in self.choices:
                allowed = ", ".join(_fmt(c) for c in self.choices)
                raise ValueError(f"{self.name} must be one of {allowed}. Got {value!r} instead.")
        elif self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{self.name} must be True or False. Got {value!r} instead.")
        elif self.kind == "camera":
            if value is not None and not _valid_camera(value):
                raise ValueError(
                    f"{self.name} must be None or three finite numbers in [-10, 10]. "
                    f"Got {value!r} instead."
                )
        else:
            number = int if self.kind == "int" else (int, float)
            if isinstance(value, bool) or not isinstance(value, number) or not math.isfinite(value):
                raise ValueError(
                    f"{self.name} must be a finite {self.kind}. Got {value!r} instead."
                )
            if not self.lo <= value <= self.hi:
                raise ValueError(
                    f"{self.name} must be between {_fmt(self.lo)} and {_fmt(self.hi)}. "
                    f"Got {_fmt(value)} instead."
                )

    def parse(self, raw: str, default: Any) -> tuple[Any, str | None]:
        """A URL string -> (value, None), or (a safe value, one-line note) if it was bad."""
        raw = raw.strip()
        try:
            if self.kind == "bool":
                if raw.lower() not in ("1", "0", "true", "false"):
                    raise ValueError
                return raw.lower() in ("1", "true"), None
            if self.kind == "camera":
                value = tuple(float(v) for v in raw.split(","))
                if not _valid_camera(value):
                    raise ValueError
                return value, None
            if self.kind == "choice":
                return self._parse_choice(raw, default)
            value = float(raw)
        except (ValueError, OverflowError):
            return default, f"{self.name}={raw!r} is not valid; using {self.show(default)}."
        if not math.isfinite(value):
            return default, f"{self.name}={raw!r} is not valid; using {self.show(default)}."
        clamped = min(max(value, self.lo), self.hi)
        if self.kind == "int":
            clamped = int(round(clamped))
        elif self.step:  # snap to the widget's grid so the slider can show it
            clamped = round(round((clamped - self.lo) / self.step) * self.step + self.lo, 10)
        if clamped != value:
            return clamped, f"{self.name}={raw} is out of range; using {self.show(clamped)}."
        return clamped, None

    def _parse_choice(self, raw: str, default: Any) -> tuple[Any, str | None]:
        numeric = all(isinstance(c, int | float) for c in self.choices)
        if not numeric:
            if raw in self.choices:
                return raw, None
            return default, f"{self.name}={raw!r} is unknown; using {self.show(default)}."
        value = float(raw)  # may raise: handled by the caller
        if not math.isfinite(value):
            raise ValueError
        nearest = min(self.choices, key=lambda c: abs(math.log(c / value)) if value > 0 and c > 0
                      else abs(c - value))
        if value in self.choices:
            return nearest, None
        return nearest, f"{self.name}={raw} is not offered; using {self.show(nearest)}."

    def format(self, value: Any) -> str:
        """The value as it goes into the URL."""
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "camera":
            return ",".join(_fmt(round(v, 3)) for v in value)
        return _fmt(value)

    def show(self, value: Any) -> str:
        """The value as a lecturer reads it."""
        if self.name == "opt":
            return OPTIMIZER_LABELS.get(value, str(value))
        return _fmt(value)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _valid_camera(value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 3
        and all(isinstance(v, int | float) and math.isfinite(v) and abs(v) <= 10 for v in value)
    )


FIELDS: tuple[Field, ...] = (
    Field("target", "choice", "Target class", "The one-hot label ŷ: class 1 is [1, 0, 0].",
          choices=(1, 2, 3)),
    Field("y3", "float", "Pinned logit y3",
          "At -1000 class 3 gets probability 0 and the loss depends on y1 - y2 only.",
          lo=-1000.0, hi=20.0, step=1.0, fmt="%g"),
    Field("span", "float", "Logit range ±", "y1 and y2 are swept over [-span, span].",
          lo=2.0, hi=50.0, step=1.0, fmt="%g"),
    Field("res", "choice", "Grid points per axis",
          "More points: smoother surfaces, more bytes to the browser.", choices=RESOLUTIONS),
    Field("y1", "float", "Start y1", "Where descent starts (the lecture: top-left).",
          lo=-50.0, hi=50.0, step=0.5, fmt="%g"),
    Field("y2", "float", "Start y2", lo=-50.0, hi=50.0, step=0.5, fmt="%g"),
    Field("opt", "choice", "Optimiser", "The real torch.optim class, on both losses.",
          choices=OPTIMIZERS),
    Field("lr", "choice", "Learning rate", choices=LR_CHOICES),
    Field("steps", "int", "Steps", lo=1, hi=2000, step=1, fmt="%d"),
    Field("momentum", "float", "Momentum", lo=0.0, hi=0.99, step=0.01),
    Field("beta1", "float", "Adam β1", lo=0.0, hi=0.99, step=0.01),
    Field("beta2", "float", "Adam β2", lo=0.9, hi=0.9999, step=0.0001, fmt="%.4f"),
    Field("alpha", "float", "RMSprop α (smoothing)", lo=0.5, hi=0.9999, step=0.0001,
          fmt="%.4f"),
    Field("eps", "choice", "ε (adaptive methods)",
          "Added to the gradient's root mean square; larger than the plateau gradient "
          "(~1e-7), it stops Adam from rescuing MSE.", choices=EPS_CHOICES),
    Field("thr", "choice", "Loss threshold", "For 'steps to reach' in the table.",
          choices=THRESHOLD_CHOICES),
    Field("projector", "bool", "Projector mode", "Large type and thick lines."),
    Field("cam", "camera", "3-D camera", "Eye position of the 3-D view."),
)
FIELD = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class LabSettings:
    """The full state of the error-surface lab; every field is in the URL."""

    target: int = 1  # 1-based class of the one-hot label
    y3: float = -1000.0  # the pinned third logit
    span: float = 10.0  # y1, y2 swept over [-span, span]
    res: int = 151  # grid points per axis
    y1: float = -8.0  # descent start
    y2: float = 8.0
    opt: str = "sgd"  # one of descent.OPTIMIZERS
    lr: float = 1.0
    steps: int = 200
    momentum: float = 0.9  # momentum and nesterov
    beta1: float = 0.9  # adam
    beta2: float = 0.999  # adam
    alpha: float = 0.99  # rmsprop
    eps: float = 1e-8  # adagrad, rmsprop, adam
    thr: float = 0.01  # loss threshold for "steps to reach"
    projector: bool = False  # large type for a projector
    cam: tuple[float, float, float] | None = None  # 3-D camera eye

    def __post_init__(self) -> None:
        for f in FIELDS:
            f.check(getattr(self, f.name))

    @property
    def target_index(self) -> int:
        """0-based target class, as the backend takes it."""
        return self.target - 1

    def hyper(self) -> dict[str, float]:
        """The optimiser's hyper-parameters besides lr, as `descent.descend` takes them."""
        return {name: getattr(self, name) for name in HYPER_DEFAULTS[self.opt]}

    def with_(self, **changes: Any) -> LabSettings:
        return replace(self, **changes)


DEFAULTS = LabSettings()


def from_query(query: Mapping[str, Any]) -> tuple[LabSettings, list[str]]:
    """URL query parameters -> (settings, notes); unknown keys are ignored, bad values fixed."""
    values: dict[str, Any] = {}
    notes: list[str] = []
    for f in FIELDS:
        if f.name not in query:
            continue
        raw = query[f.name]
        if isinstance(raw, list | tuple):  # st.query_params.to_dict() gives the last value
            raw = raw[-1] if raw else ""
        value, note = f.parse(str(raw), getattr(DEFAULTS, f.name))
        values[f.name] = value
        if note:
            notes.append(note)
    return LabSettings(**values), notes


def to_query(settings: LabSettings) -> dict[str, str]:
    """Settings -> the full query-parameter dict (the camera only once it is set)."""
    out = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if value is not None:
            out[f.name] = FIELD[f.name].format(value)
    return out


@dataclass(frozen=True)
class Preset:
    """One click that tells one part of the lecture's story."""

    title: str
    story: str
    changes: dict


PRESETS: dict[str, Preset] = {
    "slide": Preset(
        "The slide",
        "Plain gradient descent from the top-left corner: MSE sits on its plateau for the "
        "whole run, cross-entropy walks down to the low corner.",
        {"opt": "sgd", "lr": 1.0, "steps": 200, "y3": -1000.0, "target": 1, "y1": -8.0,
         "y2": 8.0, "span": 10.0},
    ),
    "adam": Preset(
        "Adam rescues MSE",
        "Adam divides each step by the gradient's running root mean square, so the tiny "
        "MSE gradient on the plateau still gives full-size steps.",
        {"opt": "adam", "lr": 0.3, "steps": 200, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
         "y3": -1000.0, "target": 1, "y1": -8.0, "y2": 8.0, "span": 10.0},
    ),
    "too_large": Preset(
        "Learning rate too large",
        "A huge step throws cross-entropy's logits past ±10,000 in one update: the run is "
        "marked diverged. In a real network such logits overflow to inf and NaN.",
        {"opt": "sgd", "lr": 30000.0, "steps": 200, "y3": -1000.0, "target": 1, "y1": -8.0,
         "y2": 8.0, "span": 10.0},
    ),
    "unpin": Preset(
        "Unpin y3",
        "With y3 = 0 the third class competes: the surfaces are no longer a function of "
        "y1 - y2 alone and the paths bend.",
        {"opt": "sgd", "lr": 1.0, "steps": 200, "y3": 0.0, "target": 1, "y1": -8.0,
         "y2": 8.0, "span": 10.0},
    ),
}
