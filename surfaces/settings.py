"""Settings of the error-surface lab: its field table (see `surfaces.fields`) drives
validation, the widgets and the shareable URL.

``LabSettings(**values)`` validates with exact messages; ``from_query`` reads a URL's query
parameters, never raises, and returns one `Note` per parameter it clamped or replaced;
``to_query`` writes the full state back, so ``from_query(to_query(s)) == (s, [])``.
Labels, help texts, preset titles and stories are in the language tables under ``lab.*``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from surfaces.descent import HYPER_DEFAULTS, OPTIMIZERS
from surfaces.fields import Field, FieldTable, Note, Preset
from surfaces.palette import OPTIMIZER_LABELS

__all__ = ["FIELDS", "LR_CHOICES", "OPTIMIZER_LABELS", "PRESETS", "TABLE", "Field",
           "LabSettings", "Note", "from_query", "to_query"]

# Log-spaced choices: a lecturer drags through orders of magnitude, not decimals.
LR_CHOICES = tuple(float(f"{m}e{e}") for e in range(-3, 6) for m in (1, 3))[:-1]  # 1e-3..1e5
EPS_CHOICES = tuple(float(f"1e{e}") for e in range(-12, -1))  # 1e-12 .. 1e-2
THRESHOLD_CHOICES = (1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.5)
# Plotly draws a surface of fewer than 120 points per axis on a grid it interpolates to at
# least 120 (plotly.js surface/convert.js: 51 -> 205, 101 -> 203), so 121 is the smallest
# grid it draws as it is, and the cheapest: the default (docs/benchmarks.md).
RESOLUTIONS = (51, 101, 121, 151, 201, 301, 401)

FIELDS: tuple[Field, ...] = (
    Field("target", "choice", choices=(1, 2, 3), widget="radio", choice_labels="lab.class"),
    Field("y3", "float", lo=-1000.0, hi=20.0, step=1.0, fmt="%g"),
    Field("span", "float", lo=2.0, hi=50.0, step=1.0, fmt="%g"),
    Field("res", "choice", choices=RESOLUTIONS),
    Field("y1", "float", lo=-50.0, hi=50.0, step=0.5, fmt="%g"),
    Field("y2", "float", lo=-50.0, hi=50.0, step=0.5, fmt="%g"),
    Field("opt", "choice", choices=OPTIMIZERS, widget="selectbox", choice_labels="opt"),
    Field("lr", "choice", choices=LR_CHOICES),
    Field("steps", "int", lo=1, hi=2000, step=1, fmt="%d"),
    Field("momentum", "float", lo=0.0, hi=0.99, step=0.01),
    Field("beta1", "float", lo=0.0, hi=0.99, step=0.01),
    Field("beta2", "float", lo=0.9, hi=0.9999, step=0.0001, fmt="%.4f"),
    Field("alpha", "float", lo=0.5, hi=0.9999, step=0.0001, fmt="%.4f"),
    Field("eps", "choice", choices=EPS_CHOICES),
    # A select box, not a select slider: on README's start it is the lab's only Streamlit
    # control of its kind, and a select slider made a new visitor's page load Streamlit's
    # slider code (moment.js among it) before the figure's frame (docs/benchmarks.md).
    Field("thr", "choice", choices=THRESHOLD_CHOICES, widget="selectbox"),
    Field("projector", "bool"),
    Field("cam", "vector3", lo=-10.0, hi=10.0),
)
TABLE = FieldTable("lab", FIELDS)
FIELD = {f.name: f for f in FIELDS}


@TABLE.bind
@dataclass(frozen=True)
class LabSettings:
    """The full state of the error-surface lab; every field is in the URL."""

    target: int = 1  # 1-based class of the one-hot label
    y3: float = -1000.0  # the pinned third logit
    span: float = 10.0  # y1, y2 swept over [-span, span]
    res: int = 121  # grid points per axis
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
        TABLE.check(self)

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


def from_query(query: Mapping[str, Any]) -> tuple[LabSettings, list[Note]]:
    """URL query parameters -> (settings, notes); unknown keys are ignored, bad values fixed."""
    return TABLE.from_query(query)


def to_query(settings: LabSettings) -> dict[str, str]:
    """Settings -> the full query-parameter dict (the camera only once it is set)."""
    return TABLE.to_query(settings)


# The lecture's stories, one click each (titles and stories: lab.preset.<name>.* in the
# language tables).
_SLIDE = {"opt": "sgd", "lr": 1.0, "steps": 200, "y3": -1000.0, "target": 1, "y1": -8.0,
          "y2": 8.0, "span": 10.0}
PRESETS: dict[str, Preset] = {
    "slide": Preset(_SLIDE),
    "adam": Preset({**_SLIDE, "opt": "adam", "lr": 0.3, "beta1": 0.9, "beta2": 0.999,
                    "eps": 1e-8}),
    "too_large": Preset({**_SLIDE, "lr": 30000.0}),
    "unpin": Preset({**_SLIDE, "y3": 0.0}),
}
