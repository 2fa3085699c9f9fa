"""plotly_view: Plotly figures that keep the user's 3D camera across Streamlit reruns, drawn
by one copy of plotly.js per page, with big traces sent once.

Why: with Streamlit 1.67 and Plotly 7, `st.plotly_chart` remounts the chart whenever its data
changes, so a rotated 3D surface snaps back even with `layout.uirevision` and a `key`
(streamlit/streamlit#8882), and it loads Streamlit's own 4.7 MB Plotly bundle. Here the
charts live in one long-lived iframe and every new figure goes through `Plotly.react` on the
same divs, with the cameras the user set put back into the layout.

Why a v1 component (iframe) and not `st.components.v2`: v2 runs in the page itself, and a
plotly.min.js can only reach it through an `asset_dir` declared in an installed
package's manifest, which ties the app to how it was installed; a v1 component is served
from any directory we name, keeps Plotly's global and its WebGL contexts apart from
Streamlit's, and its message protocol (componentReady / render / setFrameHeight /
setComponentValue) has been stable since 2020. With a `key`, Streamlit keeps the same
iframe across reruns and only posts it new `render` messages.

The frame's plotly.min.js is a partial bundle of the plotly.js version the plotly package
ships: core and only the trace types in bundle/traces.json (1.9 MB instead of 4.8 MB, the
first visit's biggest script). A figure with any other trace type fails to draw: add the type
to traces.json and rebuild (bundle/build.mjs; tests/unit/test_plotly_bundle.py checks both).

A new visitor's first 3D figure: the frame preloads plotly.min.js but runs it only after the
first render, once a still sketch of the first panel's 3D scenes (frontend/sketch3d.js: the
same camera and geometry on a 2-D canvas, about 40 ms) is on screen; Plotly's drawing
replaces the sketch. In software WebGL, parsing plotly.js and the first drawing of two
scenes take over half a second; there, while plotly.js is parsed, the frame has Chromium link
the WebGL programs Plotly is about to link (frontend/warm_shaders.js, recorded by
bundle/warm_shaders.py; rerun it after changing plotly.js), and Plotly finds them cached.
Before plotly.js runs, the frame also puts the meshes of the 3D axes' text in gl-axes3d's
cache (frontend/text_meshes.js, recorded from Plotly by bundle/text_meshes.py), where this
browser's glyphs match the table's fingerprint; Plotly then makes none of the lab's.

Two entry points:
- `plotly_view(figure, key=..., height=...)`: one figure in its own frame (any page).
- `plotly_panels([Panel(...), ...], key=...)`: several figures stacked in one frame, one
  Plotly runtime. A panel's `base` is a `Blob`: big traces (surfaces) drawn under the
  panel's own small traces. A Blob goes over the websocket once per content (its digest is
  a hash of its JSON); later runs send only the digest. The frontend keeps the parsed
  traces by digest and hands Plotly the very same trace objects, so `Plotly.react` sees
  them unchanged. Python remembers, per component key in the session, the digests it sent;
  if the frame lacks one (a new iframe after a page switch, a render Streamlit skipped), it
  asks for it (`missing` in its value) and the next run sends it again.
- A panel's `narrow` ({"height", "layout"}) replaces parts of its layout when the frame is at
  most 640 px wide (e.g. two scenes stacked instead of side by side).

Controls: `plotly_panels(..., controls=Controls(...))` draws a row of sliders and drop-downs
under the first panel. A move asks `Controls.api` (GET, the link's query with the moved
values, `lang`) for the panels' new figures and draws them at once, with no rerun; then, and
straight away when there is no `api` or it fails, it reports the values (value.controls =
{frame, seq, values}) and Streamlit reruns. A page that draws controls reads the reports:
`moved_controls(key)` gives it each report once. Every render tells the frame which report
it reflects (`applied`; none yet: frame None, seq 0), so that a render started before a move
(the first view's rerun after the first drawing, say) neither draws over that move's figures
nor puts the controls back.

A panel given as a JSON string carries its digest; the frame reports the digests it has on
screen (value.figures) and the bases under them (value.bases), and a figure or base the
frame reported goes as its digest alone (the rerun after a move drawn from a route sends
neither the figures nor the surfaces that route's answer brought).

First drawing: `plotly_panels(..., report_drawn=True)` asks the frame to report (value.drawn
= true) once every panel's first drawing is done, or has failed; `has_drawn(key)` is True
from then on in that session. A page may leave out what its first view can wait for (work on
the browser's one thread before the figures are drawn) until then.

Camera protocol: the frontend reports `{"scene": {eye, center, up}, "scene2": {...}}` to
Python 400 ms after the last camera change, and only when it differs from what it last
reported; that value is what `plotly_view` returns. All 3D scenes of the first panel share
one camera (rotating one rotates the others). A `camera` argument is applied when it
differs from the previous argument and is neither an echo of the last report (within 1e-3,
so a page may round it or pass back only the eye) nor what is already on screen; a partial
camera changes only the vectors it gives. Once the user has interacted, an applied camera is
reported back too, so the return value always matches the screen.

Browser tests read the first panel's div `#plot` inside the iframe (the others are
`#plot-1`, `#plot-2`, ...): data-render-count (Plotly draws of that panel), data-camera
(live cameras, same shape as the return value), data-reported (last report); the body's
data-last-draw holds `performance.now()` at the end of the last draw of any panel.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import urllib.parse
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components
from streamlit import runtime

from lab_components.plotly_view.encoding import figure_json, share_arrays, traces_json

__all__ = ["COMPONENT_NAME", "Blob", "Click", "Controls", "Panel", "blob", "clicked",
           "has_drawn", "is_tagged_file", "moved_controls", "plotly_panels", "plotly_view"]

_FRONTEND = Path(__file__).parent / "frontend"
# plotly.min.js: plotly.js with only the trace types the app draws, built by bundle/build.mjs
# from bundle/traces.json and committed (the app never needs node).
# warm_shaders.js: the WebGL programs Plotly links for the lab's 3-D panel, recorded by
# bundle/warm_shaders.py from the same plotly.min.js; text_meshes.js: the meshes Plotly makes
# for that panel's axis text, recorded by bundle/text_meshes.py.
_SOURCES = ("index.html", "plotly_view.js", "sketch3d.js", "warm_shaders.js", "text_meshes.js",
            "plotly.min.js")
# declare_component prefixes the calling module's name.
COMPONENT_NAME = f"{__name__}.plotly_view"
_SCENE = re.compile(r"scene\d*")
_VECTORS = ("eye", "center", "up")
# Digests a frame is assumed to hold (the frontend keeps more, so this errs on resending).
SENT_MEMORY = 6
# Blobs of this process, by digest, for tests (testing.figures_in) to resolve digests: every
# Blob still alive (e.g. held by a page's cache), and the last _REGISTRY_SIZE made.
_ALIVE: weakref.WeakValueDictionary[str, Blob] = weakref.WeakValueDictionary()
_REGISTRY: OrderedDict[str, str] = OrderedDict()
_REGISTRY_SIZE = 64
_PARSE_BELOW = 200_000  # characters: smaller JSON-string figures are sent as objects


@dataclass(frozen=True, eq=False)
class Blob:
    """Big parts of a figure sent once per content: `json` is a JSON array of traces or a
    figure {"data": [...], "layout": {...}, "narrow": {...}} (a panel's `narrow` when the
    panel gives none); `digest` is its hash."""

    digest: str
    json: str


@dataclass(frozen=True)
class Panel:
    """One figure of a `plotly_panels` frame.

    figure: the small part (the traces that change often, layout changes); go.Figure, dict or
    JSON string. base: big traces (and a layout) drawn first, under `figure`'s; `figure`'s
    layout is merged over the base's. height: pixels. narrow: {"height": int, "layout": {...},
    "data": [per-trace patches]} applied when the frame is at most 640 px wide. clicks: report
    a click on a point (read it with `clicked`). later: drawn once the other panels are on
    screen (Plotly draws synchronously: a secondary panel would hold back their paint).
    """

    figure: go.Figure | dict | str
    height: int = 520
    base: Blob | None = None
    narrow: dict | None = None
    clicks: bool = False
    later: bool = False


def blob(content: go.Figure | dict | Sequence[Any] | str) -> Blob:
    """A Blob of a figure (go.Figure or dict) or of a list of traces; JSON strings as they are.
    Float arrays are packed as float32."""
    if isinstance(content, str):
        text = content
    elif isinstance(content, go.Figure | dict):
        text = json.dumps(json.loads(figure_json(content)), separators=(",", ":"))
    else:
        text = traces_json(content)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    _remember(digest, text)
    made = Blob(digest, text)
    _ALIVE[digest] = made
    return made


def figure_digest(figure: str) -> str:
    """The digest of a panel's figure given as a JSON string (what a route that answers
    panels sends with each, so that a frame can report what it has on screen); `lookup`
    finds the figure by it for a while (tests resolve figures sent as digests)."""
    digest = hashlib.sha256(figure.encode("utf-8")).hexdigest()[:20]
    _remember(digest, figure)
    return digest


def _remember(digest: str, text: str) -> None:
    _REGISTRY[digest] = text
    _REGISTRY.move_to_end(digest)
    while len(_REGISTRY) > _REGISTRY_SIZE:
        _REGISTRY.popitem(last=False)


def lookup(digest: str) -> str | None:
    """The JSON of a Blob made in this process that is still alive or among the last made,
    else None."""
    alive = _ALIVE.get(digest)
    return alive.json if alive is not None else _REGISTRY.get(digest)


def plotly_view(
    figure: go.Figure | dict | str,
    *,
    key: str,
    height: int = 520,
    camera: dict | None = None,
    clicks: bool = False,
) -> dict | None:
    """Draw a Plotly figure (go.Figure, dict or JSON string) in a component that survives reruns.

    Returns the cameras the user has set, {"scene": {...}, "scene2": {...}} (eye/center/up),
    or None before any interaction.
    `camera` (same shape), when given and different from the last one applied, is applied
    (e.g. restored from a shared URL); malformed entries in it are ignored, and a scene it
    leaves out follows its first scene. `height` is the plot's height in pixels and wins over
    the figure's layout.height. With `clicks`, a click on a point is reported: see `clicked`.
    """
    return plotly_panels([Panel(figure, height, clicks=clicks)], key=key, camera=camera)


@dataclass(frozen=True)
class Click:
    """A click on a point of a panel: its data coordinates, trace, point number (a heatmap's
    is (row, column)) and customdata."""

    panel: int
    x: Any
    y: Any
    curve: int | None
    index: Any
    customdata: Any


def clicked(key: str) -> Click | None:
    """The click on the frame `key` that this session has not seen yet, once; else None.

    Call it after the frame's `plotly_view` / `plotly_panels` call (or anywhere in the run
    the click arrived in): a click reaches Python as the frame's value, with a rerun.
    """
    value = st.session_state.get(key)
    click = value.get("click") if isinstance(value, dict) else None
    if not isinstance(click, dict) or not isinstance(click.get("n"), int):
        return None
    seen, name = f"_plotly_view_click_{key}", (str(click.get("frame")), click["n"])
    if st.session_state.get(seen) == name:
        return None
    st.session_state[seen] = name
    panel, curve = click.get("panel"), click.get("curve")
    return Click(
        panel=panel if isinstance(panel, int) else 0,
        x=click.get("x"),
        y=click.get("y"),
        curve=curve if isinstance(curve, int) else None,
        index=click.get("index"),
        customdata=click.get("customdata"),
    )


@dataclass(frozen=True)
class Controls:
    """A row of inputs drawn under a frame's first panel (see the module docstring).

    fields: one spec per input, {"name", "label", "help", "value", "kind": "range" (with
    "lo", "hi", "step") | "ladder" (a slider over "values", shown as "labels") | "select"
    (a drop-down of "values" shown as "labels"), "query" (each choice as the link writes it;
    range values are written as numbers), "optimizers" (shown only while the field named
    "opt" holds one of these; None: always), "break_before" (starts a new row)}. query:
    the link's query of the page's current settings; a move replaces the moved fields in it.
    api: the URL path that answers {"panels": [{"figure", "base"}], "blobs": {digest:
    JSON}} for such a query (with every base the frame does not `have`), or None. lang:
    sent with the query. large: bigger type (projector mode).
    """

    fields: list[dict]
    query: dict[str, str]
    api: str | None = None
    lang: str = "en"
    large: bool = False


NOTHING_APPLIED = {"frame": None, "seq": 0}  # no report of the frame's controls taken yet


def moved_controls(key: str) -> dict | None:
    """The values of the frame `key`'s controls that this session has not seen yet, once;
    else None. Call it before drawing the widgets that mirror them: the values are the
    frame's, untrusted (validate them)."""
    value = st.session_state.get(key)
    report = value.get("controls") if isinstance(value, dict) else None
    if not isinstance(report, dict) or not isinstance(report.get("seq"), int) \
            or not isinstance(report.get("values"), dict):
        return None
    name = {"frame": str(report.get("frame")), "seq": report["seq"]}
    seen = f"_plotly_view_controls_{key}"
    if st.session_state.get(seen) == name:
        return None
    st.session_state[seen] = name
    return dict(report["values"])


def has_drawn(key: str) -> bool:
    """True once the frame `key` of this session has reported its panels' first drawing
    (see `plotly_panels`' report_drawn); it stays True for the session, across page switches."""
    seen = f"_plotly_view_drawn_{key}"
    if st.session_state.get(seen):
        return True
    value = st.session_state.get(key)
    if isinstance(value, dict) and value.get("drawn") is True:
        st.session_state[seen] = True
        return True
    return False


def plotly_panels(panels: Sequence[Panel], *, key: str, camera: dict | None = None,
                  controls: Controls | None = None, report_drawn: bool = False) -> dict | None:
    """Draw several figures stacked in one frame (one Plotly runtime); cameras as plotly_view.

    The cameras are those of the first panel's 3D scenes. `controls`: see `Controls`.
    report_drawn: the frame reports once every panel's first drawing is done (`has_drawn`),
    which reruns the page.
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string. Got {key!r} instead.")
    if not panels:
        raise ValueError("panels must hold at least one Panel. Got none instead.")
    for panel in panels:
        h = panel.height
        if isinstance(h, bool) or not isinstance(h, int) or h < 1:
            raise ValueError(f"height must be a positive number of pixels. Got {h!r} instead.")
    value = st.session_state.get(key)
    value = value if isinstance(value, dict) else {}
    bases = {p.base.digest: p.base for p in panels if p.base is not None}
    sent_key = f"_plotly_view_sent_{key}"
    sent: list[str] = st.session_state.get(sent_key, [])
    missing = _asked_for(value, key)
    # Bases the frame reports on screen (a route's answer brought them) go as digests too.
    held = set(_reported(value, key, "bases") or ())
    blobs = {d: b.json for d, b in bases.items()
             if (d not in sent and d not in held) or d in missing}
    known = [*blobs, *(d for d in bases if d in held and d not in blobs)]
    st.session_state[sent_key] = ([d for d in sent if d not in known] + known)[-SENT_MEMORY:]
    blobs, arrays = share_arrays(blobs)
    # A figure the frame has on screen already (drawn from a route's answer, say) goes as
    # its digest alone.
    args = [_panel_args(p) for p in panels]
    on_screen = _reported(value, key, "figures")
    if on_screen is None:  # no new report: the frame has drawn what this session sent last
        on_screen = st.session_state.get(f"_plotly_view_screen_{key}", (None, []))[1]
    for i, a in enumerate(args):
        if a["digest"] is not None and i < len(on_screen) and on_screen[i] == a["digest"]:
            a["figure"] = None
    st.session_state[f"_plotly_view_screen_{key}"] = (value.get("seq"),
                                                     [a["digest"] for a in args])
    out = _component()(
        panels=args,
        blobs=blobs,
        arrays=arrays,
        camera=clean_cameras(camera),
        controls=None if controls is None else {
            **dataclasses.asdict(controls),
            # the frame's last report this run reflects
            "applied": st.session_state.get(f"_plotly_view_controls_{key}", NOTHING_APPLIED)},
        report_drawn=bool(report_drawn),
        key=key,
        default=None,
    )
    if isinstance(out, dict) and "cameras" in out:
        return out["cameras"] or None
    return out if isinstance(out, dict) else None


def _reported(value: dict, key: str, what: str) -> list | None:
    """The frame's report of what it shows (`what`: "figures" or "bases", a digest per
    panel) when the report is new since this session's last render, else None."""
    seq, _ = st.session_state.get(f"_plotly_view_screen_{key}", (None, []))
    reported = value.get(what)
    if value.get("seq") != seq and isinstance(reported, list):
        return [d if isinstance(d, str) else None for d in reported]
    return None


def _asked_for(value: dict, key: str) -> set[str]:
    """Digests the frame asked for in a report this session has not answered yet."""
    asked = value.get("missing")
    seq = value.get("seq")
    answered = f"_plotly_view_answered_{key}"
    if not isinstance(asked, list) or st.session_state.get(answered) == seq:
        return set()
    st.session_state[answered] = seq
    return {d for d in asked if isinstance(d, str)}


def _panel_args(panel: Panel) -> dict:
    # Built figures go as objects (JSON in JSON would escape every quote once more); a
    # JSON string, e.g. spliced from cached parts, goes as it is: parsing and re-dumping
    # on every rerun would cost more than the escaping.
    fig = panel.figure
    digest = figure_digest(fig) if isinstance(fig, str) else None
    if isinstance(fig, str) and len(fig) < _PARSE_BELOW:
        fig = json.loads(fig)  # a small figure as an object: no escaped quotes on the wire
    return {
        "figure": fig if isinstance(fig, str | dict) else json.loads(figure_json(fig)),
        "digest": digest,
        "height": panel.height,
        "base": panel.base.digest if panel.base is not None else None,
        "narrow": panel.narrow,
        "clicks": panel.clicks,
        "later": panel.later,
    }


def clean_cameras(camera: Any) -> dict | None:
    """The well-formed {sceneN: {eye, center, up: {x, y, z}}} part of `camera`, or None."""
    if not isinstance(camera, dict):
        return None
    cleaned = {}
    for scene, cam in camera.items():
        if not (isinstance(scene, str) and _SCENE.fullmatch(scene) and isinstance(cam, dict)):
            continue
        vectors = {name: _vector(cam.get(name)) for name in _VECTORS if name in cam}
        if vectors and all(v is not None for v in vectors.values()):
            cleaned[scene] = vectors
    return cleaned or None


def _vector(value: Any) -> dict | None:
    """{"x", "y", "z"} as finite floats, or None."""
    if not isinstance(value, dict):
        return None
    try:
        xyz = {axis: float(value[axis]) for axis in "xyz"}
    except (KeyError, TypeError, ValueError):
        return None
    return xyz if all(math.isfinite(v) for v in xyz.values()) else None


def bundle_version() -> str:
    """The plotly.js version in the header of the bundled frontend/plotly.min.js."""
    with open(_FRONTEND / "plotly.min.js", encoding="utf-8") as f:
        head = f.read(200)
    found = re.search(r"plotly\.js v(\S+)", head)
    if found is None:
        raise RuntimeError(f"{_FRONTEND / 'plotly.min.js'} has no plotly.js version header.")
    return found.group(1)


def _component() -> Any:
    """The component, declared once per Streamlit runtime (where it is registered).

    declare_component looks up its caller's module (inspect.getmodule: a walk over
    sys.modules with stat calls) and registers anew: a few milliseconds of the GIL that
    every run paid when the call was made per run."""
    registry = runtime.get_instance().component_registry if runtime.exists() else None
    held_registry, component = _DECLARED
    if component is None or held_registry is not registry:
        component = components.declare_component("plotly_view", path=str(_frontend_dir()))
        _DECLARED[:] = [registry, component]
    return component


# [the runtime's component registry (None in bare mode and AppTest), our component as
# declared there]: a server has one runtime, AppTest makes one per test
_DECLARED: list[Any] = [None, None]


@functools.cache
def _frontend_dir() -> Path:
    """A directory holding index.html, plotly_view.js and the bundled plotly.min.js."""
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update((_FRONTEND / name).read_bytes())
    # The URL of a v1 component does not change between versions, so the script names carry
    # a version tag: a browser must not run a cached plotly_view.js or plotly.min.js against a
    # new index.html.
    tag = f"{bundle_version()}-{digest.hexdigest()[:12]}"
    target = _cache_root() / tag
    if (target / "plotly.min.js").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build aside and rename: several server processes may start at once.
    staging = Path(tempfile.mkdtemp(prefix=f".{tag}-", dir=target.parent))
    html = (_FRONTEND / "index.html").read_text(encoding="utf-8").replace("__TAG__", tag)
    (staging / "index.html").write_text(html, encoding="utf-8")
    for name in _SOURCES[1:]:
        shutil.copyfile(_FRONTEND / name, staging / name)
    try:
        staging.rename(target)
    except OSError:  # another process won the race
        shutil.rmtree(staging, ignore_errors=True)
    return target


def is_tagged_file(path: str, query: str) -> bool:
    """Whether a request for `path` (from the server's root) with `query` names one of the
    frame's files by this frontend's tag, as index.html names its scripts
    (`/component/<COMPONENT_NAME>/plotly.min.js?v=<tag>`): the bytes under such a URL never
    change (the tag is a hash of the frontend, and its directory is written once), so a
    server may call them immutable. Streamlit's component route says only `public`: no
    freshness, no validator, so a browser fetched the 0.6 MB plotly.js again on every page
    load. A tag other than this server's (an old page during an upgrade) is not this file."""
    prefix = f"/component/{COMPONENT_NAME}/"
    tagged = _SOURCES[1:]  # index.html itself is named by no tag
    return (path.startswith(prefix) and path[len(prefix):] in tagged
            and urllib.parse.parse_qs(query).get("v") == [_frontend_dir().name])


def _cache_root() -> Path:
    """$LAB_COMPONENTS_CACHE, else ~/.cache/loss-surface-lab/plotly_view, else a temp dir."""
    if env := os.environ.get("LAB_COMPONENTS_CACHE"):
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    root = base / "loss-surface-lab" / "plotly_view"
    try:
        root.mkdir(parents=True, exist_ok=True)
        if os.access(root, os.W_OK):
            return root
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "loss-surface-lab-plotly_view"
