"""Writes ../frontend/text_meshes.js: the shapes Plotly makes for the axes' text of the lab's
3-D panel, for the frame to hand to Plotly instead of having them made again on each visit.

Why: Plotly's 3-D axes (gl-axes3d) draw each tick label and axis title as a mesh, which
vectorize-text makes in JavaScript on the page's one thread: it draws the text on a canvas at
64 px, traces the outline and triangulates it. For the 14 texts of the lab's default panel
that is about 0.1 s of Plotly's first drawing, in every new visitor's browser. gl-axes3d keeps
its meshes in a cache that it takes from `window.__TEXT_CACHE` when plotly.js runs, keyed by
font and text; plotly_view.js fills that cache from this table before plotly.js runs.

A mesh depends on the font the browser draws the text in, and "Open Sans", verdana, arial,
sans-serif (Plotly's default family) is a different font on different machines. So the table
carries a fingerprint of the glyphs it was made from: a hash of one canvas drawing of every
character in it, in that family at 64 px (`FINGERPRINT`, run here and by the frame alike).
The frame uses the table only where its browser draws the same pixels, and there each mesh is
the one Plotly would make; anywhere else Plotly makes its meshes itself, as before. Only
texts of ASCII characters and the minus sign are kept (a title in Chinese is left to Plotly,
in whatever font the reader's machine has for it).

Run it after changing the plotly.js pin (bundle/build.mjs), the lab's 3-D figure, or this
machine's fonts:

    python lab_components/plotly_view/bundle/text_meshes.py

It needs the test extras (playwright) and Chromium at /usr/bin/chromium.
tests/e2e/test_text_meshes_browser.py checks the table against Plotly's own meshes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FRONTEND = HERE.parent / "frontend"
OUT = FRONTEND / "text_meshes.js"
sys.path.insert(0, str(HERE))
from warm_shaders import CHROMIUM, CHROMIUM_ARGS, draw_all, lab_panel  # noqa: E402

# Kept: texts made of these characters only ("−" is the minus sign Plotly writes).
CHARACTERS = {chr(c) for c in range(32, 127)} | {"\u2212"}
DIGITS = 6  # decimals kept of each coordinate (a text is about 1 unit high)

# Every mesh gl-axes3d makes goes into this object (it takes it when plotly.js runs).
RECORD = "window.__TEXT_CACHE = window.__textMeshes = {};"

# The fingerprint of the glyphs a family is drawn with: one drawing of `probe` at 64 px, as
# vectorize-text draws (white on black, from the alphabetic baseline), hashed (FNV-1a over
# the red channel). Written into text_meshes.js as is, and run by the frame.
FINGERPRINT = """function (family, probe) {
  var canvas = document.createElement("canvas");
  canvas.width = 64 * probe.length + 128;
  canvas.height = 128;
  var context = canvas.getContext("2d", { willReadFrequently: true });
  context.fillStyle = "#000";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.font = "normal normal normal 64px " + family;
  context.textAlign = "start";
  context.textBaseline = "alphabetic";
  context.fillStyle = "#fff";
  context.fillText(probe, 32, 96);
  var pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  var hash = 0x811c9dc5;
  for (var i = 0; i < pixels.length; i += 4) {
    hash = Math.imul(hash ^ pixels[i], 0x01000193) >>> 0;
  }
  return hash;
}"""


def lab_panels() -> list[dict]:
    """The lab's 3-D panel at its default settings and at each preset, in English."""
    from surfaces.settings import PRESETS

    return [lab_panel(), *(lab_panel({k: str(v) for k, v in p.changes.items()})
                           for p in PRESETS.values())]


def record(figures: list[dict]) -> dict:
    """gl-axes3d's text cache after drawing the figures, and the fingerprint of each font."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return record_in(browser.new_page(), figures)
        finally:
            browser.close()


def record_in(page, figures: list[dict]) -> dict:
    """`record` in a page of a browser already open (tests/e2e/test_text_meshes_browser.py)."""
    draw_all(page, RECORD, figures)
    cache = page.evaluate("() => window.__textMeshes")
    prints = {key: page.evaluate(f"([family, probe]) => ({FINGERPRINT})(family, probe)",
                                 [family_of(key), probe_of(texts)])
              for key, texts in cache.items()}
    return {"cache": cache, "prints": prints}


def family_of(key: str) -> str:
    """gl-axes3d's font key is style_weight_variant_family."""
    style, weight, variant, family = key.split("_", 3)
    if (style, weight, variant) != ("normal", "normal", "normal"):
        raise ValueError(f"not a plain font: {key!r}")
    return family


def kept(texts: dict) -> dict:
    return {t: m for t, m in sorted(texts.items()) if t and set(t) <= CHARACTERS}


def probe_of(texts: dict) -> str:
    return "".join(sorted({c for t in kept(texts) for c in t} - {" "}))


def rounded(mesh: dict) -> dict:
    return {"positions": [[round(v, DIGITS) + 0.0 for v in p] for p in mesh["positions"]],
            "cells": mesh["cells"]}


def table(seen: dict) -> dict:
    """One font (the lab's 3-D axes use Plotly's default family): its texts' meshes, as
    gl-axes3d keeps them, with the fingerprint they are valid for."""
    if len(seen["cache"]) != 1:
        raise RuntimeError(f"the 3-D axes used several fonts: {sorted(seen['cache'])}")
    key, texts = next(iter(seen["cache"].items()))
    return {"key": key, "family": family_of(key), "probe": probe_of(texts),
            "print": seen["prints"][key],
            "meshes": {t: rounded(m) for t, m in kept(texts).items()}}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from lab_components.plotly_view import bundle_version

    made = {"plotly": bundle_version(), **table(record(lab_panels()))}
    data = json.dumps(made, ensure_ascii=False, separators=(",", ":"))
    OUT.write_text(
        "// Generated by bundle/text_meshes.py: do not edit. The meshes plotly.js "
        f"{made['plotly']}\n// makes for the axes' text of the lab's 3-D panel (positions "
        "[[x, y], ...] and cells [[a, b, c], ...]),\n// valid where `fingerprint` of "
        "`probe` in `family` gives `print`; handed to Plotly by plotly_view.js.\n"
        f"window.PlotlyViewTextMeshes = {data};\n"
        f"window.PlotlyViewTextMeshes.fingerprint = {FINGERPRINT};\n",
        encoding="utf-8")
    print(f"{OUT}: {len(made['meshes'])} texts for {made['key']!r}, "
          f"{OUT.stat().st_size / 1024:.0f} kB")


if __name__ == "__main__":
    main()
