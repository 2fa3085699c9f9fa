"""The still sketch a new visitor sees while plotly.js loads and draws its first WebGL frame
(`plotly_view/frontend/sketch3d.js`), in real headless Chromium.

Its geometry is checked against Plotly's own: the same figure is drawn by Plotly in the same
page, and each data point is projected with the matrices of Plotly's live scene; its colours
against the trace's colorscale; in the lab on README's start, it is on screen before
plotly.js has run and gone once Plotly has drawn; and when plotly.js cannot load, the
frame's message is not hidden under it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from lab_components.lab_paths import route_payload
from tests.e2e.conftest import wait_until_idle
from tests.e2e.waiting import first_drawn, lab_frame, poll
from tests.hosting.conftest import serve  # noqa: F401 - the production start, as a fixture

pytestmark = pytest.mark.e2e

FRONTEND = Path(__file__).resolve().parents[2] / "lab_components" / "plotly_view" / "frontend"
APP = "app.py"

# Each scene's box corners and every scatter3d point: [Plotly's pixel, the sketch's pixel].
# Plotly's: its live scene's model, view and projection matrices (gl-plot3d's cameraParams,
# column-major) applied to the data scaled by the scene's dataScale, over its canvas' box.
COMPARE = """async ({figure, width, height}) => {
  const div = document.createElement("div");
  div.style.width = width + "px"; div.style.height = height + "px";
  document.body.appendChild(div);
  const copy = JSON.parse(JSON.stringify(figure));
  copy.layout.width = width; copy.layout.height = height;
  await Plotly.newPlot(div, copy.data, copy.layout);
  const frame = div.getBoundingClientRect();
  const mul = (m, v) => [0, 1, 2, 3].map(r =>
    m[r] * v[0] + m[4 + r] * v[1] + m[8 + r] * v[2] + m[12 + r] * v[3]);
  const out = [];
  for (const sc of Sketch3d.scenes(figure, width, height)) {
    const scene = div._fullLayout[sc.id]._scene;
    const cp = scene.glplot.cameraParams, ds = scene.dataScale;
    const box = scene.container.getBoundingClientRect();
    const points = [];
    for (const x of [sc.lo[0], sc.hi[0]]) for (const y of [sc.lo[1], sc.hi[1]])
      for (const z of [sc.lo[2], sc.hi[2]]) points.push([x, y, z]);
    for (const t of sc.traces) if (t.type === "scatter3d")
      for (let i = 0; i < t.x.length; i++) points.push([t.x[i], t.y[i], t.z[i]]);
    for (const p of points) {
      const v = mul(cp.projection, mul(cp.view, mul(cp.model, [p[0] * ds[0], p[1] * ds[1],
                                                               p[2] * ds[2], 1])));
      const plotly = [box.left - frame.left + (v[0] / v[3] + 1) / 2 * box.width,
                      box.top - frame.top + (1 - v[1] / v[3]) / 2 * box.height];
      out.push({scene: sc.id, point: p, plotly, sketch: sc.project(p[0], p[1], p[2])});
    }
  }
  return out;
}"""


def _plain(value):
    """A figure's JSON with Plotly's typed-array specs {dtype, bdata, shape} as lists."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("bdata"), str) and "dtype" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(s) for s in shape.split(",")]
        return (flat.reshape(shape) if shape else flat).astype(float).tolist()
    return {k: _plain(v) for k, v in value.items()}


def _merge(target: dict, patch: dict) -> dict:
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(target.get(k), dict):
            target[k] = _merge(dict(target[k]), v)
        else:
            target[k] = v
    return target


def lab_figure(query: dict | None = None, narrow: bool = False) -> dict:
    """The lab's 3-D panel as the frame draws it: the surfaces' base under the paths."""
    payload = route_payload(query or {}, "en")
    panel = payload["panels"][0]
    base = json.loads(payload["blobs"][panel["base"]])
    data = _plain(base["data"]) + _plain(panel["figure"]["data"])
    layout = base["layout"]
    if narrow:  # as the frame applies a panel's narrow layout at most 640 px wide
        layout = _merge(layout, base["narrow"]["layout"])
        data = [{**t, **patch} for t, patch in zip(data, base["narrow"]["data"], strict=False)
                ] + data[len(base["narrow"]["data"]):]
    return {"data": data, "layout": layout}


@pytest.fixture
def sketch_page(page):
    page.set_content("<!doctype html><html><body style='margin:0'></body></html>")
    page.add_script_tag(path=str(FRONTEND / "plotly.min.js"))
    page.add_script_tag(path=str(FRONTEND / "sketch3d.js"))
    return page


def _turned() -> dict:
    """Another start, range and camera (a turntable's: z up, the centre at the origin)."""
    fig = lab_figure({"y1": "3", "y2": "-4", "span": "6"})
    for scene in ("scene", "scene2"):
        fig["layout"][scene]["camera"] = {"eye": {"x": 1.9, "y": -0.6, "z": 0.5}}
    return fig


def _plain_surface() -> dict:
    """Plotly's defaults throughout: autoranged axes, aspectmode "auto", default camera."""
    x = np.linspace(0.0, 3.0, 31)
    y = np.linspace(-1.0, 1.0, 21)
    z = np.sin(x)[None, :] * np.cos(2 * y)[:, None] + 4.0
    # (no colour bar: the margin one takes outside the plot is estimated, see the lab's case)
    fig = go.Figure([go.Surface(x=x, y=y, z=z, showscale=False),
                     go.Scatter3d(x=[0.5, 2.5], y=[-0.5, 0.5], z=[4.5, 3.2], mode="lines")])
    return json.loads(fig.to_json())


@pytest.mark.parametrize(("figure", "width", "height"), [
    (lab_figure(), 1000, 540),
    (lab_figure(narrow=True), 390, 1080),
    (_turned(), 1000, 540),
    (_plain_surface(), 700, 500),
], ids=["lab", "lab-narrow", "turned-camera", "plotly-defaults"])
def test_the_sketch_puts_every_point_where_plotly_draws_it(sketch_page, figure, width, height):
    figure = _plain(figure)
    points = sketch_page.evaluate(COMPARE, {"figure": figure, "width": width, "height": height})
    assert len(points) >= 10
    worst = max(points, key=lambda p: np.hypot(p["plotly"][0] - p["sketch"][0],
                                               p["plotly"][1] - p["sketch"][1]))
    error = np.hypot(worst["plotly"][0] - worst["sketch"][0],
                     worst["plotly"][1] - worst["sketch"][1])
    assert error <= 2.0, worst  # pixels


def test_a_scene_plotly_turns_otherwise_than_as_a_turntable_gets_no_sketch(sketch_page):
    """Orbit and table rotation honour camera.up in ways the sketch does not copy: rather
    than a sketch that jumps, none (Plotly's first drawing comes as before)."""
    drawn = sketch_page.evaluate(
        "(f) => [Sketch3d.draw(f, 1000, 540, 1) !== null, Sketch3d.draw(Object.assign({}, f,"
        " {layout: Object.assign({}, f.layout, {scene2: Object.assign({}, f.layout.scene2,"
        " {dragmode: 'orbit'})})}), 1000, 540, 1) !== null]", _plain(_turned()))
    assert drawn == [True, False]


# The sketch's pixel at the projection of a grid point inside a flat, tilted plane seen from
# above (nothing hides it), and the colour the trace's colorscale gives that point's z.
SAMPLE = """({figure, width, height, points}) => {
  const canvas = Sketch3d.draw(figure, width, height, 1);
  const ctx = canvas.getContext("2d");
  const sc = Sketch3d.scenes(figure, width, height)[0];
  return points.map(p => {
    const q = sc.project(p[0], p[1], p[2]);
    return Array.from(ctx.getImageData(Math.round(q[0]), Math.round(q[1]), 1, 1).data);
  });
}"""


@pytest.mark.parametrize("given_range", [True, False], ids=["cmin-cmax", "z-own-range"])
def test_the_sketch_colours_a_surface_by_its_colorscale(sketch_page, given_range):
    x = np.linspace(0.0, 1.0, 21)
    y = np.linspace(0.0, 1.0, 21)
    z = np.repeat(x[None, :], len(y), axis=0)  # z = x: the colour runs along x
    scale = [[0.0, "rgb(0,0,255)"], [0.5, "rgb(0,255,0)"], [1.0, "rgb(255,0,0)"]]
    # without cmin and cmax the colour range is z's own, 0 to 1 here: the same colours
    fig = go.Figure(go.Surface(x=x, y=y, z=z, colorscale=scale, showscale=False,
                               **({"cmin": 0, "cmax": 1} if given_range else {})))
    fig.update_layout(scene_camera={"eye": {"x": 0.2, "y": -1.2, "z": 2.0}},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0})
    # the middle of quads (on the sketch's own grid: every point at 21 points a side); a
    # plane hides no part of itself
    points = [[0.125, 0.525, 0.125], [0.525, 0.525, 0.525], [0.875, 0.375, 0.875]]
    got = sketch_page.evaluate(SAMPLE, {"figure": _plain(json.loads(fig.to_json())),
                                        "width": 500, "height": 500, "points": points})

    def expected(v: float) -> np.ndarray:
        stops = [(0.0, (0, 0, 255)), (0.5, (0, 255, 0)), (1.0, (255, 0, 0))]
        for (f0, c0), (f1, c1) in zip(stops, stops[1:], strict=False):
            if v <= f1:
                t = (v - f0) / (f1 - f0)
                return np.array(c0) + t * (np.array(c1) - np.array(c0))
        return np.array(stops[-1][1])

    for p, rgba in zip(points, got, strict=True):
        assert rgba[3] == 255, (p, rgba)
        assert np.abs(np.array(rgba[:3]) - expected(p[2])).max() <= 8, (p, rgba)


# --- in the lab --------------------------------------------------------------------------

SKETCH = """() => ({sketched: window.plotlyView.sketch.sketchedAt,
  loaded: window.plotlyView.sketch.loadedAt, drawn: window.plotlyView.panels[0].drawnAt || 0,
  showed: window.plotlyView.sketch.drawn, left: document.querySelectorAll('.sketch').length})"""


def _path_points(query: dict) -> int:
    """The points of the lab's 3-D panel's own traces (paths, starts, ends) for a link."""
    data = _plain(route_payload(query, "en")["panels"][0]["figure"]["data"])
    return sum(len(t["x"]) for t in data if t["type"] == "scatter3d")


def test_a_new_visitor_sees_the_sketch_before_plotly_js_runs_and_the_figure_after(
        serve, page):  # noqa: F811
    page.goto(serve().url + "/")
    frame = first_drawn(page)
    page.wait_for_timeout(200)  # the sketch goes in the frame after the first draw
    seen = frame.evaluate(SKETCH)
    # painted before plotly.min.js ran, which was before Plotly's first drawing
    assert 0 < seen["sketched"] < seen["loaded"] < seen["drawn"], seen
    # both surfaces, and every point of both paths with their starts and ends
    assert seen["showed"]["surfaces"] == 2 and seen["showed"]["quads"] >= 2 * 30 * 30, seen
    assert seen["showed"]["points"] == _path_points({}) > 10, seen
    assert seen["left"] == 0, seen  # replaced by the figure
    assert frame.evaluate("() => document.getElementById('plot')._fullLayout.scene2"
                          " !== undefined")
    wait_until_idle(page, 30)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_when_plotly_js_cannot_load_the_frame_says_so_and_no_sketch_hides_it(
        page, streamlit_server, wait_for_streamlit):
    page.route("**/plotly.min.js*", lambda route: route.abort())
    page.goto(streamlit_server(APP))
    wait_for_streamlit(page, timeout_s=60)
    frame = lab_frame(page)
    error = poll(lambda: frame.locator("#plot").get_attribute("data-error"), bool,
                 timeout_s=30, what="the frame's message")
    assert error == "plotly.min.js did not load."
    assert frame.locator(".sketch").count() == 0
