"""plotly_view: a Plotly chart that keeps the user's 3D camera across Streamlit reruns.

Why: with Streamlit 1.67 and Plotly 7, `st.plotly_chart` remounts the chart whenever its data
changes, so a rotated 3D surface snaps back even with `layout.uirevision` and a `key`
(streamlit/streamlit#8882). Here the chart lives in one long-lived element and every new
figure goes through `Plotly.react` on the same div, with the cameras the user set put back
into the layout.

Why a v1 component (iframe) and not `st.components.v2`: v2 runs in the page itself, and a
4.8 MB plotly.min.js can only reach it through an `asset_dir` declared in an installed
package's manifest, which ties the app to how it was installed; a v1 component is served
from any directory we name, keeps Plotly's global and its WebGL contexts apart from
Streamlit's own bundled Plotly, and its message protocol (componentReady / render /
setFrameHeight / setComponentValue) has been stable since 2020. With a `key`, Streamlit
keeps the same iframe across reruns and only posts it new `render` messages.

The frontend is hand-written (no npm): `frontend/index.html` and `frontend/plotly_view.js`
are copied, with the installed plotly package's own plotly.min.js, into a per-version cache
directory at first use; the component is declared on that directory.

Camera protocol: the frontend reports `{"scene": {eye, center, up}, "scene2": {...}}` to
Python 400 ms after the last camera change, and only when it differs from what it last
reported; that value is what `plotly_view` returns. All 3D scenes of one figure share
one camera (rotating one rotates the others). A `camera` argument is applied when it
differs from the previous argument and is neither an echo of the last report (within 1e-3,
so a page may round it or pass back only the eye) nor what is already on screen; a partial
camera changes only the vectors it gives. Once the user has interacted, an applied camera is
reported back too, so the return value always matches the screen.

Browser tests read the plot div `#plot` inside the iframe: data-render-count (Plotly draws),
data-camera (live cameras, same shape as the return value), data-reported (last report).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import streamlit.components.v1 as components

from lab_components.plotly_view.encoding import figure_json

__all__ = ["plotly_view", "COMPONENT_NAME"]

_FRONTEND = Path(__file__).parent / "frontend"
_SOURCES = ("index.html", "plotly_view.js")
# declare_component prefixes the calling module's name.
COMPONENT_NAME = f"{__name__}.plotly_view"
_SCENE = re.compile(r"scene\d*")
_VECTORS = ("eye", "center", "up")


def plotly_view(
    figure: go.Figure | dict | str,
    *,
    key: str,
    height: int = 520,
    camera: dict | None = None,
) -> dict | None:
    """Draw a Plotly figure (go.Figure, dict or JSON string) in a component that survives reruns.

    Returns the cameras the user has set, {"scene": {...}, "scene2": {...}} (eye/center/up),
    or None before any interaction.
    `camera` (same shape), when given and different from the last one applied, is applied
    (e.g. restored from a shared URL); malformed entries in it are ignored, and a scene it
    leaves out follows its first scene. `height` is the plot's height in pixels and wins over
    the figure's layout.height.
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string. Got {key!r} instead.")
    if isinstance(height, bool) or not isinstance(height, int) or height < 1:
        raise ValueError(f"height must be a positive number of pixels. Got {height!r} instead.")
    component = components.declare_component("plotly_view", path=str(_frontend_dir()))
    return component(
        # Built figures go as objects (JSON in JSON would escape every quote once more); a
        # JSON string, e.g. spliced from cached parts, goes as it is: parsing and re-dumping
        # a few hundred kB on every rerun would cost more than the escaping.
        figure=figure if isinstance(figure, str) else json.loads(figure_json(figure)),
        height=height,
        camera=clean_cameras(camera),
        key=key,
        default=None,
    )


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


@functools.cache
def _frontend_dir() -> Path:
    """A directory holding index.html, plotly_view.js and the installed plotly.min.js."""
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update((_FRONTEND / name).read_bytes())
    # The URL of a v1 component does not change between versions, so the script names carry
    # a version tag: a browser must not run a cached plotly_view.js against a new index.html.
    tag = f"{plotly.__version__}-{digest.hexdigest()[:12]}"
    target = _cache_root() / tag
    if (target / "plotly.min.js").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build aside and rename: several server processes may start at once.
    staging = Path(tempfile.mkdtemp(prefix=f".{tag}-", dir=target.parent))
    html = (_FRONTEND / "index.html").read_text(encoding="utf-8").replace("__TAG__", tag)
    (staging / "index.html").write_text(html, encoding="utf-8")
    shutil.copyfile(_FRONTEND / "plotly_view.js", staging / "plotly_view.js")
    shutil.copyfile(plotly_js, staging / "plotly.min.js")
    try:
        staging.rename(target)
    except OSError:  # another process won the race
        shutil.rmtree(staging, ignore_errors=True)
    return target


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
