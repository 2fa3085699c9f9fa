"""Writes ../frontend/warm_shaders.js: the WebGL programs plotly.min.js links when it first
draws the lab's 3-D panel, for the frame to have Chromium link them ahead of Plotly.

Why: without a GPU (WebGL in software), Plotly's first drawing of the lab's two scenes waits
on about 116 program links, 44 of them distinct, one after another: about 0.17 s. The frame
asks for the same links on a context of its own while plotly.js is still being parsed
(plotly_view.js, "warming Plotly's WebGL programs"), and Plotly's own links then come from
Chromium's program cache. A program is found there only when everything that goes into the
cache's key matches: the shader sources, the attribute locations bound before linking, and
the extensions enabled on the context (Plotly's contexts enable WEBGL_draw_buffers, for
one); so they are recorded here from Plotly's own calls, not written by hand.

Run it after changing the plotly.js pin (bundle/build.mjs) or the lab's 3-D traces:

    python lab_components/plotly_view/bundle/warm_shaders.py

It needs the test extras (playwright) and Chromium at /usr/bin/chromium.
tests/e2e/test_warm_shaders_browser.py fails when Plotly links a program this file lacks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FRONTEND = HERE.parent / "frontend"
OUT = FRONTEND / "warm_shaders.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

# In a page or frame, in the order they happen: each WebGL context (its attributes and the
# extensions enabled on it), each program linked (on which context, its shader sources and
# the attribute locations bound, whether plotly.js had run) and each context let go. Also
# used by tests/e2e/test_warm_shaders_browser.py.
RECORD = """(() => {
  const P = WebGLRenderingContext.prototype;
  const rec = window.__webgl = { contexts: [], events: [] };
  const ids = new WeakMap(), source = new WeakMap(), kind = new WeakMap(),
        attached = new WeakMap(), bound = new WeakMap();
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, attributes) {
    const gl = getContext.apply(this, arguments);
    if (type === "webgl" && gl && !ids.has(gl)) {
      ids.set(gl, rec.contexts.length);
      rec.contexts.push({ attributes: attributes || {}, extensions: [] });
    }
    return gl;
  };
  const getExtension = P.getExtension;
  P.getExtension = function (name) {
    const ext = getExtension.apply(this, arguments);
    const id = ids.get(this);
    if (id !== undefined && !rec.contexts[id].extensions.includes(name)) {
      rec.contexts[id].extensions.push(name);
    }
    if (ext && name === "WEBGL_lose_context" && !ext.__recorded) {
      const lose = ext.loseContext;
      ext.loseContext = () => { rec.events.push({ lost: id }); return lose.call(ext); };
      ext.__recorded = true;
    }
    return ext;
  };
  const createShader = P.createShader;
  P.createShader = function (type) {
    const shader = createShader.apply(this, arguments);
    kind.set(shader, type);
    return shader;
  };
  const shaderSource = P.shaderSource;
  P.shaderSource = function (shader, text) {
    source.set(shader, text);
    return shaderSource.apply(this, arguments);
  };
  const attachShader = P.attachShader;
  P.attachShader = function (program, shader) {
    attached.set(program, (attached.get(program) || []).concat([shader]));
    return attachShader.apply(this, arguments);
  };
  const bind = P.bindAttribLocation;
  P.bindAttribLocation = function (program, location, name) {
    bound.set(program, Object.assign({}, bound.get(program), { [name]: location }));
    return bind.apply(this, arguments);
  };
  const link = P.linkProgram;
  P.linkProgram = function (program) {
    const shaders = attached.get(program) || [];
    const of = type => source.get(shaders.find(s => kind.get(s) === type));
    rec.events.push({ context: ids.get(this), plotly: typeof Plotly !== "undefined",
      vertex: of(this.VERTEX_SHADER), fragment: of(this.FRAGMENT_SHADER),
      attributes: Object.assign({}, bound.get(program)) });
    return link.apply(this, arguments);
  };
})()"""

DRAW = """async ({data, layout}) => {
  const div = document.createElement("div");
  div.style.width = layout.width + "px";
  div.style.height = layout.height + "px";
  document.body.appendChild(div);
  await Plotly.newPlot(div, data, layout, {plotGlPixelRatio: 1});
  await new Promise(r => requestAnimationFrame(() => r()));
  Plotly.purge(div);
  div.remove();
}"""


def lab_panel(query: dict[str, str] | None = None) -> dict:
    """The lab's 3-D panel as the frame draws it for a link's query (default: none): the
    surfaces' base under the paths. (The narrow layout and projector mode change sizes and
    widths, not the programs: recorded with them too, the table came out the same.)"""
    from lab_components.lab_paths import route_payload

    payload = route_payload(query or {}, "en")
    panel = payload["panels"][0]
    base = json.loads(payload["blobs"][panel["base"]])
    layout = {**base["layout"], "width": 1100, "height": 560}
    return {"data": base["data"] + panel["figure"]["data"], "layout": layout}


def record(figures: list[dict]) -> dict:
    """Plotly's WebGL calls while drawing each figure, one after another in one page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        draw_all(page, RECORD, figures)
        seen = page.evaluate("() => window.__webgl")
        browser.close()
    return seen


def draw_all(page, before: str, figures: list[dict]) -> None:
    """In a blank page: run `before`, then plotly.min.js, then draw each figure in turn."""
    page.set_content("<!doctype html><html><body style='margin:0'></body></html>")
    page.add_script_tag(content=before)
    page.add_script_tag(path=str(FRONTEND / "plotly.min.js"))
    for figure in figures:
        page.evaluate(DRAW, figure)


def table(seen: dict) -> dict:
    """The warm-up's table: each shader source once, each distinct program once."""
    contexts = {json.dumps(c["attributes"], sort_keys=True) for c in seen["contexts"]}
    if len(contexts) != 1:
        raise RuntimeError(f"Plotly's WebGL contexts differ in their attributes: {contexts}")
    extensions = list(dict.fromkeys(e for c in seen["contexts"] for e in c["extensions"]))
    shaders: list[list] = []
    programs: list[list] = []
    for p in (e for e in seen["events"] if "vertex" in e):
        ids = []
        for kind, text in ((0, p["vertex"]), (1, p["fragment"])):
            if [kind, text] not in shaders:
                shaders.append([kind, text])
            ids.append(shaders.index([kind, text]))
        entry = [*ids, sorted([loc, name] for name, loc in p["attributes"].items())]
        if entry not in programs:
            programs.append(entry)
    return {"context": json.loads(contexts.pop()), "extensions": extensions,
            "shaders": shaders, "programs": programs}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from lab_components.plotly_view import bundle_version

    warm = {"plotly": bundle_version(), **table(record([lab_panel()]))}
    OUT.write_text(
        "// Generated by bundle/warm_shaders.py: do not edit. The WebGL programs plotly.js\n"
        f"// {warm['plotly']} links for the lab's 3-D panel (shaders: [kind (0 vertex,"
        " 1 fragment), source];\n// programs: [vertex, fragment, [[location, attribute],"
        " ...]]), linked ahead of Plotly by plotly_view.js.\n"
        f"window.PlotlyViewWarmShaders = {json.dumps(warm, separators=(',', ':'))};\n",
        encoding="utf-8")
    print(f"{OUT}: {len(warm['programs'])} programs, {len(warm['shaders'])} shaders, "
          f"{OUT.stat().st_size / 1024:.0f} kB")


if __name__ == "__main__":
    main()
