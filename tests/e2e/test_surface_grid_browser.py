"""The lab's default grid is the one Plotly draws cheapest, in real headless Chromium.

Plotly draws a surface of fewer than 120 points per axis on a finer grid it interpolates
(plotly.js surface/convert.js, `estimateScale`), so a smaller choice costs the browser more
triangles, not fewer. Read from Plotly itself: the grid each of the lab's resolutions is
drawn on (gl-surface3d's shape after Plotly's refinement)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab_components.lab_paths import route_payload
from surfaces.settings import RESOLUTIONS, LabSettings

pytestmark = pytest.mark.e2e

BUNDLE = (Path(__file__).resolve().parents[2] / "lab_components" / "plotly_view" / "frontend"
          / "plotly.min.js")

DRAWN = """async ({data, layout}) => {
  const div = document.createElement("div");
  document.body.appendChild(div);
  await Plotly.newPlot(div, data, Object.assign({}, layout, {width: 800, height: 400}),
                       {plotGlPixelRatio: 1});
  const shapes = [];
  for (const id of ["scene", "scene2"]) {
    for (const o of div._fullLayout[id]._scene.glplot.objects) {
      if (o.shape && o._field) shapes.push(o.shape.slice());
    }
  }
  Plotly.purge(div);
  div.remove();
  return shapes;
}"""


def _drawn_grid(page, res: int) -> list[list[int]]:
    payload = route_payload({"res": str(res)}, "en")
    panel = payload["panels"][0]
    base = json.loads(payload["blobs"][panel["base"]])
    shapes = page.evaluate(DRAWN, {"data": base["data"], "layout": base["layout"]})
    assert len(shapes) == 2, shapes  # the two losses' surfaces
    return shapes


def test_the_default_resolution_is_the_grid_plotly_draws_with_the_fewest_points(page):
    page.set_content("<!doctype html><html><body style='margin:0'></body></html>")
    page.add_script_tag(path=str(BUNDLE))
    drawn = {res: _drawn_grid(page, res) for res in RESOLUTIONS}
    default = LabSettings().res
    # drawn as it is: res points per axis
    assert drawn[default] == [[default, default]] * 2
    # and no choice is drawn on fewer points (those below 120 are drawn on more)
    points = {res: max(a * b for a, b in shapes) for res, shapes in drawn.items()}
    assert points[default] == min(points.values()), points
    assert all(points[res] > default ** 2 for res in RESOLUTIONS if res < 120), points
