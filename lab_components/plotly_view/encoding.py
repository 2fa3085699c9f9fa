"""Figure <-> wire JSON for plotly_view, without Streamlit.

Plotly's JSON encoder writes NumPy arrays in its binary form
``{"dtype": "f4", "bdata": <base64>, "shape": "R, C"}`` (plotly.py >= 6, plotly.js >= 2.28),
about a quarter of the size of a float list. We first narrow trace arrays to float32: a
surface needs no more than 7 significant digits on screen, and it halves the payload again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

# Plotly's typed-array dtypes (plotly.js `decodeTypedArraySpec`) -> little-endian NumPy dtypes.
_DTYPES = {
    "i1": "<i1", "u1": "<u1", "u1c": "<u1", "i2": "<i2", "u2": "<u2",
    "i4": "<i4", "u4": "<u4", "f4": "<f4", "f8": "<f8",
}  # fmt: skip

# share_arrays: base64 arrays at least this long that recur across the blobs of one message
# go once, as "arrays"; the blobs name them ("bref") instead.
_MIN_SHARED_CHARS = 4_096
_BDATA = re.compile(rf'"bdata":"([A-Za-z0-9+/=]{{{_MIN_SHARED_CHARS},}})"')
_BREF = re.compile(r'"bref":"([0-9a-f]{16})"')

# Lists shorter than this stay lists: short numeric lists in traces are often plotly
# "info arrays" (e.g. a domain [0, 0.5]) that plotly.js does not accept as typed arrays.
_MIN_LIST_TO_PACK = 16


def figure_json(figure: go.Figure | dict | str) -> str:
    """Plotly JSON for `figure`, trace arrays packed as float32 binary; strings pass through."""
    if isinstance(figure, str):
        return figure
    if isinstance(figure, dict):
        figure = go.Figure(figure)  # validates, as st.plotly_chart does
    if not isinstance(figure, go.Figure):
        raise TypeError(
            "figure must be a plotly go.Figure, a dict or a JSON string. "
            f"Got {type(figure).__name__} instead."
        )
    spec = figure.to_dict()  # NumPy arrays already come out as {"dtype", "bdata", "shape"}
    spec["data"] = [_pack(trace) for trace in spec.get("data", [])]
    return pio.to_json(spec, validate=False)


def traces_json(traces) -> str:
    """A JSON array of plotly traces (objects or dicts), packed as `figure_json` packs them."""
    spec = json.loads(figure_json(go.Figure(data=list(traces))))
    return json.dumps(spec.get("data", []), separators=(",", ":"))


def small_traces_json(traces) -> str:
    """A JSON array of plotly trace objects built unvalidated (the traces redrawn on every
    move), packed like `figure_json` without validating them again."""
    # json.dumps, not plotly's encoder: that one writes every "/" of base64 as \\u002f.
    return json.dumps([_pack(t.to_plotly_json()) for t in traces], separators=(",", ":"),
                      default=_plain)


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays left in a trace, as JSON-able Python values."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def encode(arr: np.ndarray) -> dict:
    """A float/int NumPy array as a Plotly typed-array spec (float32 or int32)."""
    arr = np.asarray(arr)
    dtype = "<f4" if arr.dtype.kind == "f" else "<i4"
    flat = np.ascontiguousarray(arr, dtype=dtype)
    spec = {"dtype": dtype[1:], "bdata": base64.b64encode(flat.tobytes()).decode("ascii")}
    if arr.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in arr.shape)
    return spec


def _pack(value: Any) -> Any:
    """Narrow the float arrays (and long numeric lists) inside one trace to float32."""
    if isinstance(value, dict):
        if value.get("dtype") == "f8" and "bdata" in value:
            return encode(decode(value))
        return {k: _pack(v) for k, v in value.items()}
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return encode(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.size >= 2:
        return encode(value) if np.abs(value).max() < 2**31 else value.tolist()
    if isinstance(value, (list, tuple)):
        packed = _numeric_array(value) if len(value) >= _MIN_LIST_TO_PACK else None
        return [_pack(v) for v in value] if packed is None else encode(packed)
    return value


def _numeric_array(values: list | tuple) -> np.ndarray | None:
    """`values` as an array when it is a rectangular list of finite-width numbers, else None."""
    try:
        arr = np.asarray(values)
    except ValueError:  # ragged nesting
        return None
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "iu" and arr.size and np.abs(arr).max() < 2**31:
        return arr
    return None


def decode(arr: Any) -> np.ndarray:
    """A Plotly array (plain list or {"dtype", "bdata", "shape"}) as a NumPy array."""
    if not (isinstance(arr, dict) and "bdata" in arr):
        return np.asarray(arr)
    dtype = _DTYPES.get(arr.get("dtype", "f8"))
    if dtype is None:
        raise ValueError(f"Unknown Plotly typed-array dtype {arr.get('dtype')!r}.")
    flat = np.frombuffer(base64.b64decode(arr["bdata"]), dtype=dtype)
    shape = arr.get("shape")
    if shape is None:
        return flat
    if isinstance(shape, str):  # plotly.py writes "R, C"
        shape = [int(s) for s in shape.split(",")]
    return flat.reshape([int(s) for s in np.atleast_1d(shape)])


def parse(spec: str) -> dict:
    """The figure dict of a Plotly JSON string."""
    return json.loads(spec)


def share_arrays(blobs: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(blobs, arrays): a long base64 array that appears more than once in the JSON of the
    blobs goes once in `arrays` (name -> base64) and each place holds {"bref": name} instead
    of {"bdata": ...} (e.g. the lab's 3-D view and its maps draw the same two surfaces).
    Blobs with no shared array are returned as they are."""
    counts: dict[str, int] = {}
    for text in blobs.values():
        for data in _BDATA.findall(text):
            counts[data] = counts.get(data, 0) + 1
    shared = {data: hashlib.sha1(data.encode("ascii")).hexdigest()[:16]
              for data, n in counts.items() if n > 1}  # fmt: skip
    if not shared:
        return blobs, {}

    def named(match: re.Match) -> str:
        name = shared.get(match.group(1))
        return match.group(0) if name is None else f'"bref":"{name}"'

    return ({digest: _BDATA.sub(named, text) for digest, text in blobs.items()},
            {name: data for data, name in shared.items()})  # fmt: skip


def resolve_arrays(text: str, arrays: dict[str, str]) -> str:
    """A blob's JSON with every {"bref": name} of share_arrays back to {"bdata": ...}."""
    return _BREF.sub(lambda m: f'"bdata":"{arrays[m.group(1)]}"', text) if arrays else text
