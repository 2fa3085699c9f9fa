"""The lab on a projector and in a pocket (issue 7): bounding boxes in real Chromium.

Projector mode at 1280x720 and 1024x768: the sidebar is collapsed, and both 3-D scenes with
their paths and the preset buttons are inside the viewport without scrolling, in big type
with thick lines. At 390x844 the figures stack, each scene at least 90% of the width.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from .waiting import poll

pytestmark = pytest.mark.e2e

APP = "app.py"
FRAME = 'iframe[title="lab_components.plotly_view.plotly_view"]'
SCENES = """() => {
  const gd = document.getElementById("plot");
  const paths = gd._fullData.filter(t => t.type === "scatter3d" && t.mode.includes("lines"));
  return {font: gd._fullLayout.font.size, widths: paths.map(t => t.line.width),
          scenes: paths.map(t => t.scene)};
}"""


def open_lab(browser, streamlit_server, wait_for_streamlit, viewport, query="", scale=1):
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(streamlit_server(APP, query=query))
    wait_for_streamlit(page, timeout_s=60)
    page.locator(FRAME).first.wait_for()
    frame = page.locator(FRAME).first.element_handle().content_frame()
    for panel in ("plot", "plot-1"):
        poll(lambda p=panel: int(frame.locator(f"#{p}").get_attribute("data-render-count") or 0),
             lambda n: n >= 1, what=f"#{panel} drawn")
    wait_for_streamlit(page)
    return context, page, frame


def ink_at_the_edges(page, frame, name: str) -> dict[str, int]:
    """Dark pixels (text, lines) in the outer 3 px columns of a 3-D scene's canvas, with the
    figure's SVG layers (colour bars, titles) hidden: a scene draws its axis titles and tick
    labels on its own canvas, so what reaches its edge is cut off there."""
    frame.evaluate("() => document.querySelectorAll('#plot svg')"
                   ".forEach(s => { s.style.visibility = 'hidden'; })")
    try:
        box = frame.locator(f"#{name}").bounding_box()
        shot = page.screenshot(clip={k: box[k] for k in ("x", "y", "width", "height")})
    finally:
        frame.evaluate("() => document.querySelectorAll('#plot svg')"
                       ".forEach(s => { s.style.visibility = ''; })")
    grey = np.asarray(Image.open(io.BytesIO(shot)).convert("L"))
    return {"left": int((grey[:, :3] < 160).sum()), "right": int((grey[:, -3:] < 160).sum())}


def inside(box: dict, viewport: dict) -> bool:
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5
            and box["y"] + box["height"] <= viewport["height"] + 0.5)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 720},
                                      {"width": 1024, "height": 768}])
def test_projector_mode_fits_scenes_and_presets_in_the_viewport(
    browser, streamlit_server, wait_for_streamlit, viewport, tmp_path
):
    context, page, frame = open_lab(browser, streamlit_server, wait_for_streamlit, viewport,
                                    query="projector=1")
    try:
        assert page.evaluate("() => window.scrollY") == 0
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "true"
        boxes = {name: frame.locator(f"#{name}").bounding_box() for name in ("scene", "scene2")}
        for name in ("slide", "adam", "too_large", "unpin"):  # the preset buttons
            button = page.locator(f".st-key-lab_preset_{name} button").first
            boxes[f"preset {name}"] = button.bounding_box()
        page.screenshot(path=str(tmp_path / f"projector_{viewport['width']}.png"))
        outside = {k: b for k, b in boxes.items() if not inside(b, viewport)}
        assert not outside, f"outside the {viewport} viewport: {outside}"
        # The title is not under Streamlit's header bar (it was cut in half there).
        title = page.locator('[data-testid="stMainBlockContainer"] h1').first.bounding_box()
        header = page.locator('[data-testid="stHeader"]').first.bounding_box()
        assert title["y"] >= header["y"] + header["height"] - 1, (title, header)
        # Side by side, each a fair share of the width (two colour bars sit beside them).
        assert boxes["scene"]["x"] + boxes["scene"]["width"] <= boxes["scene2"]["x"] + 1
        assert min(boxes["scene"]["width"], boxes["scene2"]["width"]) > 0.35 * viewport["width"]
        drawn = frame.evaluate(SCENES)
        assert sorted(drawn["scenes"]) == ["scene", "scene2"]  # a path on each surface
        # Nothing of either scene is cut at its canvas's edges (the "loss" axis title was,
        # at 1024 px).
        cut = {name: ink_at_the_edges(page, frame, name) for name in ("scene", "scene2")}
        assert not any(sum(c.values()) for c in cut.values()), f"cut at a scene's edge: {cut}"
        assert drawn["font"] >= 20 and min(drawn["widths"]) >= 9  # big type, thick lines
    finally:
        context.close()


def test_narrow_screen_stacks_the_figures(browser, streamlit_server, wait_for_streamlit,
                                          tmp_path):
    viewport = {"width": 390, "height": 844}
    context, page, frame = open_lab(browser, streamlit_server, wait_for_streamlit, viewport)
    try:
        page.screenshot(path=str(tmp_path / "narrow.png"), full_page=True)
        a, b = (frame.locator(f"#{name}").bounding_box() for name in ("scene", "scene2"))
        for box in (a, b):
            assert box["width"] >= 0.9 * viewport["width"], box
        assert b["y"] >= a["y"] + a["height"] - 1  # the second scene below the first
        # The maps stack too: the two map plots one above the other, full width.
        maps = frame.evaluate("""() => {
            const gd = document.getElementById("plot-1");
            return ["xaxis", "xaxis2"].map(n => gd._fullLayout[n]._length);
        }""")
        assert min(maps) >= 0.6 * viewport["width"]
    finally:
        context.close()


@pytest.mark.parametrize("scale", [1, 2])
def test_3d_scenes_are_drawn_at_the_screens_pixel_ratio(browser, streamlit_server,
                                                        wait_for_streamlit, scale):
    """A 3-D scene's canvas has the screen's pixels, no more: Plotly's default drew it at
    twice a 1x screen's (four times the pixels to fill, without a GPU all in software)."""
    context, _, frame = open_lab(browser, streamlit_server, wait_for_streamlit,
                                 {"width": 1280, "height": 800}, scale=scale)
    try:
        sizes = frame.evaluate("""() => ["scene", "scene2"].map(id => {
            const canvas = document.querySelector(`#${id} canvas`);
            const box = canvas.getBoundingClientRect();
            return {id, pixels: [canvas.width, canvas.height], css: [box.width, box.height]};
        })""")
        for size in sizes:
            want = [round(c * scale) for c in size["css"]]
            assert all(abs(p - w) <= 1 for p, w in zip(size["pixels"], want, strict=True)), size
    finally:
        context.close()
