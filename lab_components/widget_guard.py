"""Widget values a client sent that a widget cannot take: turned away before Streamlit reads them.

A browser only sends values its widgets can produce; anything that speaks the websocket
protocol can send anything. Streamlit 1.67 then either resets an out-of-range slider value to
the slider's default without a word, or, for a value of the wrong type (a string for a
slider), raises inside its own rerun preparation, before the page runs: the page cannot catch
it and the visitor sees an error box instead of the lab.

`install()` wraps `SessionState.set_widgets_from_proto`, the one place where fresh client
values enter a session. A value whose type is not the widget's (a number input takes an
int_value or a double_value: Streamlit registers it as the latter, its browser client sends
the former for an integer input), that the widget's own deserialiser rejects, that lies
outside a slider's or number input's range, or a fraction for an integer input is dropped
before Streamlit sees it, so the widget keeps its previous value; `rejected()` gives, for
the current run, each dropped widget's key and what was sent, so that the page can say so
in one line (`lab_components.settings_ui.PageState.current` does, through the field table's
notes).
"""

from __future__ import annotations

import functools
import logging
import math
import threading
from typing import Any

import streamlit as st
from streamlit.proto.NumberInput_pb2 import NumberInput as NumberInputProto
from streamlit.runtime.state.common import unpack_widget_state_value
from streamlit.runtime.state.session_state import SessionState

__all__ = ["DROPPED", "REJECTED_KEY", "check", "install", "rejected"]

DROPPED = "Dropped a client value"  # how each dropped value's log line begins
REJECTED_KEY = "_lsl_rejected_widgets"  # session state: {widget key: what was sent} this run
LOG = logging.getLogger("loss_surface_lab.widget_guard")
_TRIGGERS = {"trigger_value", "string_trigger_value", "json_trigger_value", "chat_input_value"}
# Streamlit registers every number_input as a double_value widget, and its browser client sends
# an int_value for an integer one: either number is the widget's to take.
_NUMBERS = {"int_value", "double_value"}
_lock = threading.Lock()


def check(metadata: Any, state: Any) -> str | None:
    """Why `state` (a WidgetState proto) cannot be this widget's value; None if it can."""
    kind = state.WhichOneof("value")
    expected = getattr(metadata, "value_type", None)
    if expected and kind != expected and not any(
            kind in same and expected in same for same in (_TRIGGERS, _NUMBERS)):
        return f"a {kind} where the widget takes a {expected}"
    try:
        metadata.deserializer(unpack_widget_state_value(state))
    except Exception as error:  # noqa: BLE001 - whatever it raises, the value is unusable
        return f"its deserialiser raised {type(error).__name__}"
    serde = getattr(metadata.deserializer, "__self__", None)
    lo, hi = getattr(serde, "min_value", None), getattr(serde, "max_value", None)
    if not (isinstance(lo, int | float) and isinstance(hi, int | float)):
        return None
    if kind in _NUMBERS:  # a number_input's; Streamlit would reset it to the default unsaid
        value = getattr(state, kind)
        if not (math.isfinite(value) and lo <= value <= hi):
            return f"outside [{lo:g}, {hi:g}]"
        if getattr(serde, "data_type", None) == NumberInputProto.INT and value != int(value):
            return "a fraction where the widget takes a whole number"
    if kind == "double_array_value":
        data = state.double_array_value.data
        single = getattr(serde, "single_value", None)
        if single is not None and len(data) != (1 if single else 2):
            return f"{len(data)} values where the slider takes {1 if single else 2}"
        if not all(math.isfinite(v) and lo <= v <= hi for v in data):
            return f"outside [{lo:g}, {hi:g}]"
    return None


def _guarded(original):
    @functools.wraps(original)
    def set_widgets_from_proto(self: SessionState, widget_states) -> None:
        keep, dropped = [], {}
        for state in widget_states.widgets:
            metadata = self._new_widget_state.widget_metadata.get(state.id)
            why = None if metadata is None else check(metadata, state)
            if why is None:
                keep.append(state)
                continue
            key = self._key_id_mapper.id_key_mapping.get(state.id, state.id)
            LOG.warning("%s for widget %s: %s", DROPPED, key, why)
            dropped[key] = _sent(state)
        if dropped:  # in place: the caller keeps this proto as the interaction's states
            del widget_states.widgets[:]
            widget_states.widgets.extend(keep)
        self._new_session_state[REJECTED_KEY] = dropped
        original(self, widget_states)

    set_widgets_from_proto.lsl_guarded = True
    return set_widgets_from_proto


def install() -> None:
    """Guard every session of this process (idempotent)."""
    with _lock:
        if not getattr(SessionState.set_widgets_from_proto, "lsl_guarded", False):
            SessionState.set_widgets_from_proto = _guarded(SessionState.set_widgets_from_proto)


def rejected() -> dict[str, str]:
    """{widget key: what the client sent} for the values dropped before this run."""
    return dict(st.session_state.get(REJECTED_KEY, {}))


def _sent(state: Any) -> str:
    """What a WidgetState carried, in at most 40 characters."""
    try:
        value = unpack_widget_state_value(state)
        value = list(value) if hasattr(value, "__len__") and not isinstance(value, str) else value
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = state.WhichOneof("value") or "nothing"
    return text if len(text) <= 40 else text[:37] + "..."
