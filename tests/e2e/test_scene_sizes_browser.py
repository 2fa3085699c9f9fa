"""Plotly's 3-D scenes get their WebGL canvas at its final size from the start
(plotly_view.js, presizeScenes), in real headless Chromium on README's start.

Plotly creates a scene's canvas in a box that fills the whole figure, then shrinks the box
to the scene's domain, so without help each canvas is sized twice (software WebGL pays for
each size; bench/bench_browser.py has the time). What is checked here is the sizes the
canvases were given, wide and narrow (the scenes side by side and stacked), and that
nothing of the help is left once Plotly has drawn."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_until_idle
from tests.e2e.waiting import first_drawn
from tests.hosting.conftest import serve  # noqa: F401 - the production start, as a fixture

pytestmark = pytest.mark.e2e

# Every width and height given to a canvas in one of Plotly's scene boxes (div#scene...).
SIZES = """(() => { window.__sceneSizes = [];
  for (const name of ["width", "height"]) {
    const d = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, name);
    Object.defineProperty(HTMLCanvasElement.prototype, name, { configurable: true, get: d.get,
      set(v) { const box = this.parentNode;
        if (box && /^scene\\d*$/.test(box.id || "")) window.__sceneSizes.push([box.id, name, v]);
        d.set.call(this, v); } }); } })()"""


@pytest.mark.parametrize("viewport", [{"width": 1600, "height": 1000},
                                      {"width": 390, "height": 844}], ids=["wide", "narrow"])
def test_each_scene_canvas_is_sized_once_to_its_box(serve, browser, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport)
    try:
        context.add_init_script(SIZES)
        page = context.new_page()
        page.goto(serve().url + "/")
        frame = first_drawn(page)
        seen = frame.evaluate("""() => ({
          sizes: window.__sceneSizes,
          scenes: Array.from(document.querySelectorAll("#plot .gl-container > div")).map(box => {
            const canvas = box.querySelector("canvas");
            return { id: box.id, style: [box.style.width, box.style.height],
              box: [box.getBoundingClientRect().width, box.getBoundingClientRect().height],
              canvas: [canvas.width, canvas.height] };
          }),
          ratio: Math.min(2, Math.max(1, window.devicePixelRatio || 1)),
          rules: Array.from(document.querySelectorAll("style")).filter(
            s => s.textContent.includes(".gl-container")).length,
        })""")
        wait_until_idle(page, 30)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
    scenes = {s["id"]: s for s in seen["scenes"]}
    assert sorted(scenes) == ["scene", "scene2"], seen["scenes"]
    for sid, s in scenes.items():
        # the box is Plotly's own (its inline size), with no rule of ours left over it
        assert s["box"] == pytest.approx([float(s["style"][0][:-2]), float(s["style"][1][:-2])],
                                         abs=0.05), s
        for k, name in enumerate(["width", "height"]):
            given = [v for box, n, v in seen["sizes"] if box == sid and n == name]
            assert given == [s["canvas"][k]], (sid, name, given)
            assert s["canvas"][k] == pytest.approx(s["box"][k] * seen["ratio"], abs=1), s
    if viewport["width"] <= 640:  # stacked: each scene the panel's width
        assert scenes["scene"]["box"][0] == scenes["scene2"]["box"][0] > 0.9 * 390
    assert seen["rules"] == 0
