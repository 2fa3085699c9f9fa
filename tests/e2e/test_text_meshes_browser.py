"""The frame hands Plotly the meshes of the 3-D axes' text (plotly_view.js, handTextMeshes;
the table: frontend/text_meshes.js, written by bundle/text_meshes.py), in real headless
Chromium.

What makes it right is checked, not its timing (that is bench/bench_browser.py's): the table
holds exactly the meshes Plotly makes for the lab's panel where the fingerprint matches; on
README's start a new visitor's frame hands them over and Plotly makes none of them; where the
browser's glyphs differ from the table's (its fingerprint does not match), the frame hands
nothing and Plotly makes every text itself, as without the table."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from lab_components.plotly_view import bundle_version
from tests.e2e.conftest import wait_until_idle
from tests.e2e.waiting import first_drawn
from tests.hosting.conftest import serve  # noqa: F401 - the production start, as a fixture

pytestmark = pytest.mark.e2e

BUNDLE = Path(__file__).resolve().parents[2] / "lab_components" / "plotly_view" / "bundle"
_spec = importlib.util.spec_from_file_location("text_meshes", BUNDLE / "text_meshes.py")
text_meshes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(text_meshes)
TABLE_JS = text_meshes.OUT

# The texts plotly.js makes itself: vectorize-text draws each one on its own 8192 x 1024
# canvas (the axes' texts, and the markers' symbols, which gl-scatter3d makes the same way
# and keeps where no page can reach them).
MADE = """(() => { window.__textsMade = [];
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text) {
    if (this.canvas.width === 8192 && this.canvas.height === 1024) {
      window.__textsMade.push(String(text).trim());
    }
    return fillText.apply(this, arguments); }; })()"""
# The table as a browser whose glyphs differ from the recording's sees it.
OTHER_GLYPHS = """(() => { let table;
  Object.defineProperty(window, "PlotlyViewTextMeshes", { configurable: true,
    get() { return table; },
    set(value) { table = Object.assign({}, value, { print: (value.print + 1) >>> 0 }); } });
})()"""


def _table() -> dict:
    text = TABLE_JS.read_text(encoding="utf-8")
    return json.loads(text.split("window.PlotlyViewTextMeshes = ", 1)[1].split(";\n", 1)[0])


def test_the_table_holds_the_meshes_plotly_makes_for_the_lab_here(page):
    table = _table()
    assert table["plotly"] == bundle_version(), "rerun bundle/text_meshes.py"
    seen = text_meshes.record_in(page, text_meshes.lab_panels())
    assert list(seen["cache"]) == [table["key"]]
    if seen["prints"][table["key"]] != table["print"]:
        pytest.skip("this browser draws the family in other glyphs than the table's: "
                    "the frame does not use the table here")
    made = seen["cache"][table["key"]]
    kept = text_meshes.kept(made)
    assert sorted(kept) == sorted(table["meshes"]), "rerun bundle/text_meshes.py"
    for text, mesh in kept.items():
        ours = table["meshes"][text]
        assert ours["cells"] == mesh["cells"], text
        assert len(ours["positions"]) == len(mesh["positions"]), text
        for p, q in zip(ours["positions"], mesh["positions"], strict=True):
            assert p == pytest.approx(q, abs=1e-6), text
    # texts outside the table's characters are left to Plotly (none in the English panel)
    assert set(made) == set(kept)


def test_a_new_visitor_s_frame_hands_plotly_every_text_of_the_lab(serve, page):  # noqa: F811
    page.context.add_init_script(MADE)
    page.goto(serve().url + "/")
    frame = first_drawn(page)
    texts = frame.evaluate("() => window.plotlyView.texts")
    assert texts == {"matched": True, "handed": len(_table()["meshes"])}
    made = frame.evaluate("() => window.__textsMade")
    assert made, "no marker symbol made: is the panel drawn?"
    assert not set(made) & set(_table()["meshes"]), f"Plotly made texts itself: {made}"
    wait_until_idle(page, 30)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_where_the_glyphs_differ_plotly_makes_every_text(serve, page):  # noqa: F811
    page.context.add_init_script(MADE)
    page.context.add_init_script(OTHER_GLYPHS)
    page.goto(serve().url + "/")
    frame = first_drawn(page)
    assert frame.evaluate("() => window.plotlyView.texts") == {"matched": False, "handed": 0}
    made = frame.evaluate("() => window.__textsMade")
    assert set(_table()["meshes"]) <= set(made)


def test_a_chinese_title_is_left_to_plotly(serve, page):  # noqa: F811
    page.context.add_init_script(MADE)
    page.goto(serve().url + "/?lang=zh_hans")
    frame = first_drawn(page)
    assert frame.evaluate("() => window.plotlyView.texts")["matched"] is True
    # the loss axis' title (损失): the numbers and y1, y2 come from the table
    made = frame.evaluate("() => window.__textsMade")
    assert "损失" in made and not set(made) & set(_table()["meshes"]), made


def test_the_fingerprint_tells_glyphs_apart(browser):
    """The same probe in another family, or another probe, prints differently."""
    table = _table()
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html><body></body></html>")
        page.add_script_tag(path=str(TABLE_JS))
        prints = page.evaluate("""([family, probe]) => {
          const f = window.PlotlyViewTextMeshes.fingerprint;
          return [f(family, probe), f(family, probe), f("monospace", probe),
                  f(family, probe + "9")]; }""", [table["family"], table["probe"]])
    finally:
        page.close()
    assert prints[0] == prints[1]
    assert len(set(prints[1:])) == 3
