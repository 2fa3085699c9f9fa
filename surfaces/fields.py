"""One settings framework for every page: a declarative field table drives validation, the
widgets and the shareable URL (after tensorflow/playground's ``state.ts``).

A page declares a frozen dataclass of its settings and a `FieldTable` of `Field`s, one per
dataclass field. Then:
- ``Settings(**values)`` validates (its ``__post_init__`` calls ``table.check(self)``) with
  exact messages;
- ``table.from_query(query)`` reads a URL's query parameters, never raises, and returns one
  `Note` per parameter it clamped or replaced (the page shows them in one line);
- ``table.to_query(settings)`` writes the full state back, so that
  ``from_query(to_query(s)) == (s, [])``.
Labels, help texts and choice names are not here: they live in the language tables
(`surfaces.i18n`) under keys derived from the table's name (`label_key`, `help_key`,
`choice_key`), and the Streamlit side (`lab_components.settings_ui`) draws the widgets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["Field", "FieldTable", "Note", "Preset", "fmt"]

KINDS = ("float", "int", "choice", "bool", "vector3")
# Which widget draws a field; the default follows the kind (see Field.widget_kind).
WIDGETS = ("slider", "select_slider", "radio", "selectbox", "toggle", "number", "none")
REASONS = ("invalid", "out_of_range", "not_offered", "unknown", "value")


@dataclass(frozen=True)
class Note:
    """What was wrong with one URL parameter and what the page used instead."""

    field: str
    raw: str
    used: str  # the value used, as `fmt` writes it
    reason: str  # one of REASONS

    def __str__(self) -> str:
        """The English sentence (the page shows the one of its language)."""
        return {
            "invalid": f"{self.field}={self.raw!r} is not valid; using {self.used}.",
            "out_of_range": f"{self.field}={self.raw} is out of range; using {self.used}.",
            "not_offered": f"{self.field}={self.raw} is not offered; using {self.used}.",
            "unknown": f"{self.field}={self.raw!r} is unknown; using {self.used}.",
            "value": f"{self.field} got a value it cannot take ({self.raw}); using {self.used}.",
        }[self.reason]


@dataclass(frozen=True)
class Field:
    """One setting: its type, allowed values and URL format; `widget` picks how it is drawn."""

    name: str
    kind: str  # one of KINDS; "vector3": None or three finite numbers in [lo, hi]
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    choices: tuple = ()
    fmt: str | None = None  # printf format of a slider's value, e.g. "%.4f"
    widget: str | None = None  # one of WIDGETS; None: the kind's default
    choice_labels: str | None = None  # i18n key prefix naming each choice ("opt" -> "opt.sgd")

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}. Got {self.kind!r} instead.")
        if self.widget is not None and self.widget not in WIDGETS:
            raise ValueError(
                f"widget must be one of {', '.join(WIDGETS)}. Got {self.widget!r} instead.")
        if self.kind in ("float", "int") and not (self.lo is not None and self.hi is not None
                                                  and self.lo <= self.hi):
            raise ValueError(f"{self.name}: a {self.kind} field needs lo <= hi. "
                             f"Got lo={self.lo!r}, hi={self.hi!r} instead.")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"{self.name}: a choice field needs choices. Got none instead.")

    @property
    def widget_kind(self) -> str:
        if self.widget:
            return self.widget
        return {"float": "slider", "int": "slider", "choice": "select_slider",
                "bool": "toggle", "vector3": "none"}[self.kind]

    @property
    def numeric_choices(self) -> bool:
        return self.kind == "choice" and all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in self.choices)

    def check(self, value: Any) -> None:
        """Raise ValueError with an exact message if `value` is not allowed."""
        if self.kind == "choice":
            # True == 1: without the bool test, target=True would pass and write "True" to the URL
            if isinstance(value, bool) or value not in self.choices:
                allowed = ", ".join(fmt(c) for c in self.choices)
                raise ValueError(f"{self.name} must be one of {allowed}. Got {value!r} instead.")
        elif self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{self.name} must be True or False. Got {value!r} instead.")
        elif self.kind == "vector3":
            if value is not None and not self._valid_vector(value):
                raise ValueError(
                    f"{self.name} must be None or three finite numbers in "
                    f"[{fmt(self.lo)}, {fmt(self.hi)}]. Got {value!r} instead."
                )
        else:
            number = int if self.kind == "int" else (int, float)
            if isinstance(value, bool) or not isinstance(value, number) or not math.isfinite(value):
                raise ValueError(
                    f"{self.name} must be a finite {self.kind}. Got {value!r} instead."
                )
            if not self.lo <= value <= self.hi:
                raise ValueError(
                    f"{self.name} must be between {fmt(self.lo)} and {fmt(self.hi)}. "
                    f"Got {fmt(value)} instead."
                )

    def coerce(self, value: Any, default: Any) -> tuple[Any, str | None]:
        """A value from anywhere (a widget's state, a message sent by hand) -> (allowed value,
        None), or (the nearest allowed value or the default, the reason) if it was not."""
        try:
            self.check(value)
            return value, None
        except ValueError:
            pass
        if value is None or isinstance(value, bool) and self.kind != "bool":
            return default, "invalid"
        return self.parse(self.format(value) if self.kind == "vector3" else str(value), default)

    def parse(self, raw: str, default: Any) -> tuple[Any, str | None]:
        """A URL string -> (value, None), or (a safe value, the reason) if it was bad."""
        raw = raw.strip()
        try:
            if self.kind == "bool":
                if raw.lower() not in ("1", "0", "true", "false"):
                    raise ValueError
                return raw.lower() in ("1", "true"), None
            if self.kind == "vector3":
                value = tuple(float(v) for v in raw.split(","))
                if not self._valid_vector(value):
                    raise ValueError
                return value, None
            if self.kind == "choice":
                return self._parse_choice(raw, default)
            value = float(raw)
        except (ValueError, OverflowError, TypeError):
            return default, "invalid"
        if not math.isfinite(value):
            return default, "invalid"
        clamped = min(max(value, self.lo), self.hi)
        if self.kind == "int":
            clamped = int(round(clamped))
        elif self.step:  # snap to the widget's grid so the slider can show it
            clamped = round(round((clamped - self.lo) / self.step) * self.step + self.lo, 10)
        if clamped != value:
            return clamped, "out_of_range"
        return clamped, None

    def _parse_choice(self, raw: str, default: Any) -> tuple[Any, str | None]:
        if not self.numeric_choices:
            if raw in self.choices:
                return raw, None
            return default, "unknown"
        value = float(raw)  # may raise: handled by the caller
        if not math.isfinite(value):
            raise ValueError
        nearest = min(self.choices, key=lambda c: abs(math.log(c / value)) if value > 0 and c > 0
                      else abs(c - value))
        if value in self.choices:
            return nearest, None
        return nearest, "not_offered"

    def format(self, value: Any) -> str:
        """The value as it goes into the URL."""
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "vector3":
            return ",".join(fmt(round(float(v), 3)) for v in value)
        return fmt(value)

    def _valid_vector(self, value: Any) -> bool:
        lo = -math.inf if self.lo is None else self.lo
        hi = math.inf if self.hi is None else self.hi
        return (
            isinstance(value, tuple)
            and len(value) == 3
            and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                    and lo <= v <= hi for v in value)
        )


def fmt(value: Any) -> str:
    """A number as a lecturer reads it and as the URL writes it."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Preset:
    """One click that tells one part of a lecture's story: the fields it sets. Its title and
    story are in the language tables under `<table>.preset.<name>.title` / `.story`."""

    changes: dict


class FieldTable:
    """The fields of one page's settings dataclass, with the URL round trip.

    `name` prefixes the page's keys: widget keys in session state and the language-table
    keys of its labels (`<name>.field.<field>`) and help texts (`<name>.field.<field>.help`).
    """

    def __init__(self, name: str, fields_: tuple[Field, ...]) -> None:
        self.name = name
        self.fields = fields_
        self.field = {f.name: f for f in fields_}
        if len(self.field) != len(fields_):
            raise ValueError(f"{name}: field names must be unique.")
        self.settings_cls: type | None = None

    def bind(self, settings_cls: type) -> type:
        """Class decorator: tie the table to its dataclass and check they agree."""
        names = [f.name for f in fields(settings_cls)]
        if names != [f.name for f in self.fields]:
            raise ValueError(f"{self.name}: the field table must list the dataclass's fields "
                             f"in order. Got {[f.name for f in self.fields]} for {names}.")
        self.settings_cls = settings_cls
        return settings_cls

    @property
    def defaults(self) -> Any:
        return self.settings_cls()

    def check(self, settings: Any) -> None:
        """Raise ValueError naming the first field whose value is not allowed."""
        for f in self.fields:
            f.check(getattr(settings, f.name))

    def label_key(self, name: str) -> str:
        return f"{self.name}.field.{name}"

    def help_key(self, name: str) -> str:
        return f"{self.name}.field.{name}.help"

    def choice_key(self, name: str, value: Any) -> str | None:
        prefix = self.field[name].choice_labels
        return None if prefix is None else f"{prefix}.{value}"

    def help_text(self, name: str, text: Callable[..., str]) -> str | None:
        """The help text of a field in the language of `text` (a language table's lookup,
        which gives a missing key back), or None when the field has none."""
        key = self.help_key(name)
        found = text(key)
        return None if found == key else found

    def choice_text(self, name: str, value: Any, text: Callable[..., str]) -> str:
        """How a choice is shown: its own entry ("opt" -> opt.sgd), else the prefix's
        entry with {c} filled in ("lab.class" -> "class 2"), else as the link writes it."""
        key = self.choice_key(name, value)
        if key is None:
            return fmt(value)
        found = text(key)
        return text(self.field[name].choice_labels, c=value) if found == key else found

    def from_query(self, query: Mapping[str, Any]) -> tuple[Any, list[Note]]:
        """URL query parameters -> (settings, notes); unknown keys are ignored, bad values fixed."""
        defaults = self.defaults
        values: dict[str, Any] = {}
        notes: list[Note] = []
        for f in self.fields:
            if f.name not in query:
                continue
            raw = query[f.name]
            if isinstance(raw, list | tuple):  # st.query_params.to_dict() gives the last value
                raw = raw[-1] if raw else ""
            raw = str(raw)
            value, reason = f.parse(raw, getattr(defaults, f.name))
            values[f.name] = value
            if reason:
                notes.append(Note(f.name, raw.strip(), fmt(value), reason))
        return replace(defaults, **values), notes

    def to_query(self, settings: Any) -> dict[str, str]:
        """Settings -> the full query-parameter dict (None fields left out)."""
        out = {}
        for f in self.fields:
            value = getattr(settings, f.name)
            if value is not None:
                out[f.name] = f.format(value)
        return out
