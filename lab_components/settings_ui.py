"""A page's field table on the Streamlit side: widgets, session state and the URL.

The flow of one run (STYLE.md): the link is read once per session; every run each widget
gets its value back from the settings (a widget not drawn in a run loses its state); the
widgets' values, repaired if a value arrived that the field cannot take (a message sent by
hand, a stale state), become the page's settings; the page computes and draws; `commit`
writes the settings back to the session and the full state to the URL.

Session-state keys, per table name N: `N_settings` (last valid settings), `N_url_notes`
(what was wrong with the link), `N_preset` (the last preset pressed), `N_w_<field>` (widgets).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from lab_components import widget_guard
from lab_components.lang import t, url_param
from surfaces.fields import Field, FieldTable, Note, Preset, fmt

__all__ = ["PageState"]


class PageState:
    """Binds one page's FieldTable (and presets) to widgets, session state and the URL."""

    def __init__(self, table: FieldTable, presets: Mapping[str, Preset] | None = None) -> None:
        if table.settings_cls is None:
            raise ValueError(f"{table.name}: bind the table to its settings class first.")
        self.table = table
        self.presets = dict(presets or {})
        self._state = f"{table.name}_settings"
        self._notes = f"{table.name}_url_notes"
        self._preset = f"{table.name}_preset"
        self._taken = f"{table.name}_taken_notes"

    # --- keys -----------------------------------------------------------------------------
    def key(self, name: str) -> str:
        return f"{self.table.name}_w_{name}"

    @property
    def previous(self) -> Any:
        """The settings of this session's last run (or of its link)."""
        return st.session_state[self._state]

    @property
    def preset(self) -> str | None:
        name = st.session_state.get(self._preset)
        return name if name in self.presets else None

    # --- the flow ---------------------------------------------------------------------------
    def load(self) -> None:
        """Once per session read the link; every run give each widget its value back."""
        if self._state not in st.session_state:
            settings, notes = self.table.from_query(st.query_params.to_dict())
            st.session_state[self._state] = settings
            st.session_state[self._notes] = notes
        settings = st.session_state[self._state]
        for field in self.table.fields:
            if field.widget_kind != "none" and self.key(field.name) not in st.session_state:
                st.session_state[self.key(field.name)] = getattr(settings, field.name)

    def take(self, values: Mapping[str, Any], *, only: tuple[str, ...]) -> None:
        """Set the widgets of the fields in `only` to `values` (from outside the widgets: a
        frame's own controls), before the widgets are drawn. A value a field cannot take is
        replaced as in `current` and reported in the page's one warning line."""
        settings = st.session_state[self._state]
        notes = []
        for name, raw in values.items():
            field = self.table.field.get(name)
            if name not in only or field is None or field.widget_kind == "none":
                continue
            if field.kind == "float" and type(raw) is int:  # JSON writes 7.0 as 7
                raw = float(raw)
            value, reason = field.coerce(raw, getattr(settings, name))
            if reason:
                notes.append(Note(name, _short(raw), fmt(value), "value"))
            st.session_state[self.key(name)] = value
        if notes:
            st.session_state[self._taken] = notes

    def current(self, **extra: Any) -> Any:
        """The widgets' values as validated settings; `extra` sets fields without a widget.

        A value a field cannot take (sent over the websocket by hand, say) is replaced by the
        nearest allowed one or the last good one, and the page says so in one line."""
        previous = st.session_state[self._state]
        values, notes = {}, []
        dropped = widget_guard.rejected()  # values Streamlit never saw: the widget kept its own
        notes.extend(st.session_state.pop(self._taken, []))  # from `take`, this run
        for field in self.table.fields:
            if field.widget_kind == "none":
                continue
            key = self.key(field.name)
            if key in dropped:
                notes.append(Note(field.name, dropped[key], fmt(st.session_state.get(key)),
                                  "value"))
            value, reason = field.coerce(st.session_state.get(key),
                                         getattr(previous, field.name))
            if reason:
                notes.append(Note(field.name, _short(st.session_state.get(key)),
                                  fmt(value), "value"))
                st.session_state[key] = value
            values[field.name] = value
        settings = self.table.settings_cls(**{**values, **extra})
        if notes:
            st.session_state[self._notes] = notes
        elif settings != previous:
            st.session_state[self._notes] = []  # the user has moved on from the link's problems
        return settings

    def commit(self, settings: Any) -> None:
        """Remember the settings and put the full state (and the language) in the URL."""
        st.session_state[self._state] = settings
        st.query_params.from_dict({**self.table.to_query(settings), **url_param()})

    # --- what the page draws ----------------------------------------------------------------
    def notes_banner(self) -> None:
        """One warning line listing what was wrong with the link (or a value sent by hand)."""
        notes: list[Note] = st.session_state.get(self._notes, [])
        if not notes:
            return
        text = "; ".join(self.note_text(n) for n in notes)
        st.warning(t("note.many" if len(notes) > 1 else "note.one", notes=text), icon="⚠️")

    def note_text(self, note: Note) -> str:
        field = self.table.field.get(note.field)
        used = note.used
        if field is not None and field.choice_labels:  # "sgd" -> "Gradient descent" / "梯度下降"
            used = next((self._formatter(field)(c) for c in field.choices if fmt(c) == used),
                        used)
        return t(f"note.{note.reason}", field=note.field, raw=note.raw, used=used)

    def widget(self, name: str, *, container: Any = None, **overrides: Any) -> Any:
        """The widget a field's table entry asks for, bound to its session-state key."""
        field = self.table.field[name]
        where = container if container is not None else st
        key = self.key(name)
        kw = {"key": key, "help": self.table.help_text(name, t), **overrides}
        label = t(self.table.label_key(name))
        show = self._formatter(field)
        kind = field.widget_kind
        if kind == "toggle":
            return where.toggle(label, **kw)
        if kind == "radio":
            return where.radio(label, field.choices, horizontal=True, format_func=show, **kw)
        if kind == "selectbox":
            return where.selectbox(label, field.choices, format_func=show, **kw)
        if kind == "select_slider":
            return where.select_slider(label, field.choices, format_func=show, **kw)
        if kind == "number":
            return where.number_input(label, min_value=field.lo, max_value=field.hi,
                                      step=field.step, format=field.fmt, **kw)
        return where.slider(label, field.lo, field.hi, step=field.step, format=field.fmt, **kw)

    def _formatter(self, field: Field) -> Callable[[Any], str]:
        return lambda value: self.table.choice_text(field.name, value, t)

    def apply_preset(self, name: str) -> None:
        """Button callback: set the preset's fields in the widgets before the run."""
        for field, value in self.presets[name].changes.items():
            st.session_state[self.key(field)] = value
        st.session_state[self._preset] = name

    def preset_buttons(self) -> None:
        """One button per preset, in a row."""
        if not self.presets:
            return
        cols = st.columns(len(self.presets))
        for col, name in zip(cols, self.presets, strict=True):
            col.button(t(f"{self.table.name}.preset.{name}.title"),
                       key=f"{self.table.name}_preset_{name}", on_click=self.apply_preset,
                       args=(name,), help=t(f"{self.table.name}.preset.{name}.story"),
                       width="stretch")

    def preset_story(self) -> None:
        """The story of the last preset pressed, as an info line."""
        if self.preset:
            st.info(t(f"{self.table.name}.preset.{self.preset}.story"), icon="💡")


def _short(value: Any) -> str:
    """A value as the warning shows it, never more than 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
