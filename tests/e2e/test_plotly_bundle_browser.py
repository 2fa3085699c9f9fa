"""The committed partial plotly.js bundle in real Chromium: its version, and one trace of each
type it registers drawn without error (a type it lacks is not drawn)."""

from __future__ import annotations

import json
from pathlib import Path

import plotly
import pytest

pytestmark = pytest.mark.e2e

VIEW = Path(__file__).resolve().parents[2] / "lab_components" / "plotly_view"
BUNDLE = VIEW / "frontend" / "plotly.min.js"
LISTED = json.loads((VIEW / "bundle" / "traces.json").read_text(encoding="utf-8"))
# One small trace of each type the app draws.
SAMPLES = {
    "bar": {"x": [1, 2], "y": [3, 4]},
    "contour": {"z": [[1, 2], [3, 4]]},
    "heatmap": {"z": [[1, 2], [3, 4]]},
    "image": {"z": [[[255, 0, 0], [0, 255, 0]]]},
    "scatter": {"y": [1, 3, 2]},
    "scatter3d": {"x": [1, 2], "y": [1, 2], "z": [1, 2]},
    "scatterternary": {"a": [1], "b": [1], "c": [1]},
    "surface": {"z": [[1, 2], [3, 4]]},
}
# Draws one trace in its own div; what Plotly made of it, or the error it threw.
DRAW = """async (trace) => {
    const div = document.createElement("div");
    div.style.width = "400px"; div.style.height = "300px";
    document.body.appendChild(div);
    try {
        await Plotly.newPlot(div, [trace]);
    } catch (e) {
        return {error: String(e)};
    }
    const full = div._fullData[0];
    return {type: full.type, visible: full.visible, layers: div.querySelectorAll(
        ".trace, canvas, .gl-container").length};
}"""


@pytest.fixture
def bundled(page):
    """A blank page running the committed bundle; page errors are collected."""
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(BUNDLE))
    return page, errors


def test_the_bundle_reports_the_plotly_packages_version(bundled):
    page, errors = bundled
    shipped = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8")[:200]
    assert f"plotly.js v{page.evaluate('Plotly.version')}\n" in shipped
    assert errors == []


def test_every_listed_trace_type_draws_and_an_unlisted_one_does_not(bundled):
    page, errors = bundled
    assert set(SAMPLES) == set(LISTED)
    for kind, sample in SAMPLES.items():
        drawn = page.evaluate(DRAW, {"type": kind, **sample})
        assert drawn.get("type") == kind and drawn["visible"] is True, (kind, drawn)
        assert drawn["layers"] >= 1, (kind, drawn)
    assert errors == []
    # The check can fail: a pie is not in the bundle.
    pie = page.evaluate(DRAW, {"type": "pie", "values": [1, 2]})
    assert pie.get("type") != "pie" or pie.get("visible") is not True, pie
