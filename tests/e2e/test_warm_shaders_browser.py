"""The frame links Plotly's WebGL programs ahead of Plotly (plotly_view.js, warmShaders;
the table: frontend/warm_shaders.js, written by bundle/warm_shaders.py), in real headless
Chromium on README's start.

What makes it work is checked, not its timing (that is bench/bench_browser.py's): every
program Plotly links for a new visitor's first 3-D figure was asked for, with the same
sources, attribute locations and context extensions, on the frame's own context, before
plotly.js ran; that context was let go before Plotly's first link; and with a GPU, or on a
page without a 3-D figure, nothing is asked for."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from lab_components.plotly_view import bundle_version
from tests.e2e.conftest import wait_until_idle
from tests.e2e.waiting import first_drawn
from tests.hosting.conftest import serve  # noqa: F401 - the production start, as a fixture

pytestmark = pytest.mark.e2e

GENERATOR = (Path(__file__).resolve().parents[2] / "lab_components" / "plotly_view" / "bundle"
             / "warm_shaders.py")
_spec = importlib.util.spec_from_file_location("warm_shaders", GENERATOR)
warm_shaders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(warm_shaders)
RECORD = warm_shaders.RECORD  # every frame's contexts, links and contexts let go


def _program(event: dict) -> tuple:
    return event["vertex"], event["fragment"], tuple(sorted(event["attributes"].items()))


def _first_figure(page) -> dict:
    """A new visitor's frame, once its first panel is drawn: what RECORD saw."""
    frame = first_drawn(page)
    return frame.evaluate("() => Object.assign(window.__webgl,"
                          " {warm: Object.assign({}, window.plotlyView.warm, {gl: null})})")


def test_every_program_plotly_links_for_the_lab_was_linked_ahead_on_a_context_let_go_before(
        serve, page):  # noqa: F811
    page.context.add_init_script(RECORD)
    page.goto(serve().url + "/")
    seen = _first_figure(page)
    links = [e for e in seen["events"] if "vertex" in e]
    warmed = [e for e in links if not e["plotly"]]
    plotly = [e for e in links if e["plotly"]]
    assert warmed, "the frame linked nothing ahead of Plotly"
    assert plotly, "Plotly linked nothing: no 3-D figure?"
    ahead = {e["context"] for e in warmed}
    assert len(ahead) == 1, seen["contexts"]
    (context,) = ahead
    assert context not in {e["context"] for e in plotly}
    # the frame's context was let go before Plotly's first link
    order = [("lost", e["lost"]) if "lost" in e else ("link", e["plotly"])
             for e in seen["events"]]
    assert ("lost", context) in order
    assert order.index(("lost", context)) < order.index(("link", True))
    # every program Plotly linked was asked for ahead, and on a context like Plotly's
    asked = {_program(e) for e in warmed}
    missing = [e for e in plotly if _program(e) not in asked]
    assert not missing, f"{len(missing)} of Plotly's links were not warmed: rerun " \
        f"lab_components/plotly_view/bundle/warm_shaders.py (plotly.js {bundle_version()})"
    ours = seen["contexts"][context]
    for theirs in {e["context"] for e in plotly}:
        assert ours["attributes"] == seen["contexts"][theirs]["attributes"]
        assert set(ours["extensions"]) - {"WEBGL_lose_context", "WEBGL_debug_renderer_info"
                                          } == set(seen["contexts"][theirs]["extensions"])
    assert seen["warm"]["programs"] == len(warmed) and seen["warm"]["releasedAt"] > 0
    wait_until_idle(page, 30)
    assert page.locator('[data-testid="stException"]').count() == 0


# WebGL on a GPU, as a laptop's Chromium names it.
GPU = """(() => { const getParameter = WebGLRenderingContext.prototype.getParameter;
  WebGLRenderingContext.prototype.getParameter = function (name) {
    return name === 0x9246 ? "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)"
      : getParameter.apply(this, arguments); }; })()"""


def test_with_a_gpu_the_frame_links_nothing_ahead(serve, page):  # noqa: F811
    """Measured in software WebGL only; with a GPU, links are quick, and where Chromium's
    cache were not shared they would be made twice."""
    page.context.add_init_script(GPU)
    page.context.add_init_script(RECORD)
    page.goto(serve().url + "/")
    seen = _first_figure(page)
    links = [e for e in seen["events"] if "vertex" in e]
    assert links and all(e["plotly"] for e in links), "Plotly drew, and alone"
    assert seen["warm"]["programs"] == 0 and "NVIDIA" in seen["warm"]["renderer"]


def test_a_page_without_a_3d_figure_links_nothing_ahead(serve, page):  # noqa: F811
    page.context.add_init_script(RECORD)
    page.goto(serve().url + "/rates")
    seen = _first_figure(page)
    assert seen["contexts"] == [] and seen["events"] == [], seen
    assert seen["warm"]["programs"] == 0
