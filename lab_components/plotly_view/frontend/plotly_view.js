/*
 * plotly_view frontend: one Plotly div that lives as long as its Streamlit element.
 *
 * Streamlit v1 component protocol (streamlit-component-lib, streamlit.ts), spoken by hand:
 *   iframe -> Streamlit  {isStreamlitMessage: true, type: "streamlit:componentReady", apiVersion: 1}
 *                        {isStreamlitMessage: true, type: "streamlit:setFrameHeight", height}
 *                        {isStreamlitMessage: true, type: "streamlit:setComponentValue", value, dataType: "json"}
 *   Streamlit -> iframe  {type: "streamlit:render", args, dfs, disabled, theme}
 * Streamlit sends `render` after componentReady and again whenever the JSON args change.
 *
 * args: {panels: [{figure, height, base, narrow}], blobs: {digest: JSON of traces},
 *   arrays: {name: base64} (long arrays the blobs share, named by "bref"), camera}.
 * Each panel is a div stacked in this one frame (one Plotly runtime for the page). A panel's
 * `base` names a blob: big traces (surfaces) parsed once, their arrays decoded once into
 * typed arrays, and handed to Plotly as the very same objects on every draw, so
 * Plotly.react finds them unchanged and only the panel's own small traces are new. A base
 * this frame does not hold is asked for (value.missing); the panel keeps its last drawing.
 *
 * Every figure is drawn with Plotly.react on the same div, with the cameras the user set put
 * back into its layout, so new data never resets the view. All 3D scenes of the first panel
 * share one camera. The value sent to Python is {cameras, missing, seq, click, figures
 * (the digests of the figures on screen), bases, controls, drawn}. A panel whose figure is
 * null and whose digest is the one on screen keeps its drawing.
 *
 * args.report_drawn: the page waits for the first drawing (it holds back work that would
 * take the page's one thread before the figures are on screen). Once every panel has been
 * drawn once, or drawing failed, `drawn` turns true and the value is sent (a rerun).
 *
 * args.controls: a row of inputs under the first panel (see the Python module's docstring);
 * a move asks controls.api for the panels and draws them, then reports the values.
 *
 * A panel with `clicks` reports a click on a point as value.click = {frame, n, panel, x, y,
 * curve, index, customdata}: (frame, n) names the click, so Python acts on each once; x and
 * y are the point's data coordinates (a heatmap cell's centre), index its point number (for
 * a heatmap [row, column]). The panel's div carries data-clicks (the count) for tests.
 *
 * plotly.min.js (preloaded by index.html) runs only once the first render is handled: until
 * Plotly has drawn the first panel, a still sketch of its 3D scenes (sketch3d.js: the same
 * camera and geometry, drawn on a 2-D canvas in about 40 ms) stands in for it under a busy
 * sign. Parsing plotly.js and its first WebGL drawing take over a second in software.
 *
 * For tests and debugging, #plot (the first panel; then #plot-1, ...) carries
 * data-render-count, data-camera (the live cameras), data-reported (the cameras last sent
 * to Python) and data-sketched (when the sketch was on screen); body[data-last-draw] is
 * performance.now() after the last draw; window.plotlyView exposes the state (.sketch:
 * sketchedAt and loadedAt, plotly.js run, in ms since the epoch; drawn, what it showed).
 */
(function () {
  "use strict";

  var REPORT_DELAY_MS = 400; // quiet time after the last camera change before telling Python
  var VECTORS = ["eye", "center", "up"];
  var GL3D = {
    surface: 1, scatter3d: 1, mesh3d: 1, cone: 1, streamtube: 1, volume: 1, isosurface: 1,
  };
  // Plotly draws a 3-D scene at twice the screen's pixels unless told (plotGlPixelRatio's
  // default is 2, whatever the screen): on a screen of one pixel per CSS pixel (projectors,
  // most monitors) that is four times the pixels to fill, and without a GPU (WebGL in
  // software) the first 3-D figure came about 0.25 s later for it (docs/benchmarks.md).
  // Drawn at the screen's own ratio, a scene is as sharp as the screen shows it.
  var GL_PIXEL_RATIO = Math.min(2, Math.max(1, window.devicePixelRatio || 1));
  var CONFIG = { responsive: true, displaylogo: false, plotGlPixelRatio: GL_PIXEL_RATIO };

  // Tells this frame's clicks from an earlier frame's (a page switch makes a new frame).
  var FRAME_ID = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var NARROW_PX = 640; // at most this wide, panels use their `narrow` layout
  var BLOB_MEMORY = 16; // parsed blobs kept (Python assumes fewer, so it errs on resending)
  var TYPED = {
    i1: Int8Array, u1: Uint8Array, u1c: Uint8ClampedArray, i2: Int16Array, u2: Uint16Array,
    i4: Int32Array, u4: Uint32Array, f4: Float32Array, f8: Float64Array,
  };

  var gd = document.getElementById("plot"); // the first panel: cameras live here
  var blobs = new Map(); // digest -> array of trace objects, oldest first
  var panels = []; // {div, figure, height, base, narrow, drawnKey, renders}

  // What the component remembers between render messages.
  var state = {
    figure: null, // the figure JSON last drawn
    height: null,
    cameras: {}, // sceneId -> {eye, center, up} to keep across redraws
    seen: {}, // sceneId -> the camera last seen on screen, to notice a change
    cameraArg: null, // stable JSON of the last `camera` argument seen
    applied: null, // stable JSON of the live cameras right after applying `camera`
    reported: null, // stable JSON of the cameras last sent to Python
    missing: [], // digests asked for in the last value sent
    seq: 0, // counts the values sent, so Python answers each request once
    click: null, // the last click on a panel with `clicks`, as sent
    clicks: 0, // clicks sent so far
    narrow: null,
    renders: 0,
    listening: false,
    timer: null,
    queue: Promise.resolve(), // renders run one after another
    drawn: false, // every panel has had its first drawing (or drawing failed)
    wantsDrawn: false, // the last render asked to be told (args.report_drawn)
    drawnSent: false, // a value with drawn = true has gone to Python
  };
  // The figure's controls (args.controls): a row of inputs under the first panel.
  var controls = {
    div: document.getElementById("controls"),
    spec: null, // args.controls of the last render
    inputs: {}, // field name -> {box, input, output, label}
    values: {}, // field name -> value (a JSON value, as Python takes it)
    moved: 0, // moves so far; a report's seq
    busy: false, // a route request is under way
    pending: false, // a move came in meanwhile: ask again when it answers
    failed: false, // the route failed once: moves go through Python from then on
    syncTimer: null,
    requests: 0,
    fastDraws: 0,
  };
  // plotly.js's loading, and the sketch shown meanwhile (times: ms since the epoch).
  var sketchState = { plotly: null, sketchedAt: 0, loadedAt: 0, drawn: null };
  // Plotly's WebGL programs linked ahead of it (warmShaders): the context, WebGL's renderer
  // (null before the first try), the programs asked for, when it was let go (ms since epoch).
  var warm = { gl: null, renderer: null, programs: 0, releasedAt: 0 };
  // The 3-D axes' text meshes handed to Plotly (handTextMeshes): whether the table's
  // fingerprint matched this browser's font (null before the first try), the texts handed.
  var texts = { matched: null, handed: 0 };
  window.plotlyView = { gd: gd, state: state, blobs: blobs, panels: panels, controls: controls,
    sketch: sketchState, warm: warm, texts: texts };

  function send(type, data) {
    var msg = Object.assign({ isStreamlitMessage: true, type: type }, data || {});
    window.parent.postMessage(msg, "*");
  }

  // ---- cameras -----------------------------------------------------------------------

  function round(v) {
    return Math.round(Number(v) * 1e6) / 1e6 + 0; // + 0 turns -0 into 0
  }

  // {eye, center, up} with rounded numbers in a fixed key order, so JSON compares by value.
  function tidy(cam) {
    var out = {};
    VECTORS.forEach(function (k) {
      var v = cam && cam[k];
      if (v) out[k] = { x: round(v.x), y: round(v.y), z: round(v.z) };
    });
    return out;
  }

  function stable(cams) {
    var out = {};
    Object.keys(cams).sort().forEach(function (id) {
      out[id] = tidy(cams[id]);
    });
    return JSON.stringify(out);
  }

  function sceneIdsOf(fig) {
    var ids = {};
    (fig.data || []).forEach(function (t) {
      if (GL3D[t.type]) ids[t.scene || "scene"] = 1;
    });
    return Object.keys(ids).sort();
  }

  function plottedScenes() {
    var fl = gd._fullLayout;
    return (fl && fl._subplots && fl._subplots.gl3d ? fl._subplots.gl3d.slice() : []).sort();
  }

  function liveCamera(id) {
    var sub = gd._fullLayout && gd._fullLayout[id];
    if (!sub) return null;
    var cam = sub._scene && sub._scene.getCamera ? sub._scene.getCamera() : sub.camera;
    return cam ? tidy(cam) : null;
  }

  function liveCameras() {
    var out = {};
    plottedScenes().forEach(function (id) {
      var cam = liveCamera(id);
      if (cam) out[id] = cam;
    });
    return out;
  }

  function sameCamera(a, b) {
    return JSON.stringify(tidy(a)) === JSON.stringify(tidy(b));
  }

  function publish() {
    state.seen = liveCameras();
    gd.dataset.camera = stable(state.seen);
    gd.dataset.renderCount = String(state.renders);
    gd.dataset.reported = state.reported || "";
  }

  // Tell Python once the camera has been still for REPORT_DELAY_MS, and only on real change.
  function scheduleReport() {
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      var cams = liveCameras();
      var json = stable(cams);
      publish();
      if (json === state.reported || json === "{}") return;
      // Before any interaction the value stays None, even after applying a `camera` argument.
      if (state.reported === null && json === state.applied) return;
      state.reported = json;
      gd.dataset.reported = json;
      sendValue();
    }, REPORT_DELAY_MS);
  }

  function sendValue() {
    state.seq += 1;
    var value = {
      cameras: state.reported ? JSON.parse(state.reported) : null,
      missing: state.missing,
      seq: state.seq,
      click: state.click,
      figures: panels.map(function (p) { return p.digest || null; }),
      // the bases under them (surfaces a route's answer brought are not sent again)
      bases: panels.map(function (p) { return p.base || null; }),
      controls: controls.moved ? {
        frame: FRAME_ID, seq: controls.moved, values: Object.assign({}, controls.values),
      } : null,
      drawn: state.drawn,
    };
    if (state.drawn) state.drawnSent = true;
    send("streamlit:setComponentValue", { value: value, dataType: "json" });
    if (value.controls) controls.div.dataset.reported = String(value.controls.seq);
  }

  // Give every 3D scene the camera of `source`; the relayouts come back here and settle,
  // because then every scene already has that camera. The source scene is relayouted too
  // when gd.layout lags behind what is on screen (a drag released outside its canvas).
  function syncFrom(source) {
    var cam = liveCamera(source);
    if (!cam) return;
    var update = {};
    plottedScenes().forEach(function (id) {
      state.cameras[id] = cam;
      state.seen[id] = cam;
      var have = id === source ? (gd.layout[id] || {}).camera : liveCamera(id);
      if (!have || !sameCamera(have, cam)) update[id + ".camera"] = cam;
    });
    if (Object.keys(update).length) Plotly.relayout(gd, update);
  }

  // Plotly reports a 3D camera change only when the mouse is released over that scene's
  // canvas; after any pointer release or wheel in the frame, look for a camera that moved.
  function checkCameras() {
    var moved = plottedScenes().filter(function (id) {
      var cam = liveCamera(id);
      return cam && !(state.seen[id] && sameCamera(state.seen[id], cam));
    });
    if (!moved.length) return;
    syncFrom(moved[0]);
    publish();
    scheduleReport();
  }

  function cameraScenesIn(eventData) {
    var ids = [];
    Object.keys(eventData || {}).forEach(function (k) {
      var m = /^(scene\d*)\.camera/.exec(k);
      if (m && ids.indexOf(m[1]) < 0) ids.push(m[1]);
    });
    return ids;
  }

  function onRelayout(eventData) {
    var ids = cameraScenesIn(eventData);
    if (!ids.length) return;
    syncFrom(ids[0]);
    publish();
    scheduleReport();
  }

  // While a drag is under way, turn the other scenes along without a full relayout.
  function onRelayouting(eventData) {
    var ids = cameraScenesIn(eventData);
    if (!ids.length) return;
    var cam = eventData[ids[0] + ".camera"];
    if (!cam || !cam.eye) return;
    plottedScenes().forEach(function (id) {
      var scene = id !== ids[0] && gd._fullLayout[id] && gd._fullLayout[id]._scene;
      if (!scene || !scene.camera || !scene.camera.lookAt) return;
      try {
        scene.camera.lookAt.call(scene.camera, xyz(cam.eye), xyz(cam.center), xyz(cam.up));
      } catch (err) {
        // Private gl-plot3d API; the relayout at the end of the drag syncs anyway.
      }
    });
  }

  function xyz(v) {
    return [v.x, v.y, v.z];
  }

  // ---- blobs -------------------------------------------------------------------------

  // Plotly's typed-array spec {dtype, bdata, shape} -> a typed array (rows of one for 2D).
  function decodeSpec(spec) {
    var Typed = TYPED[spec.dtype];
    if (!Typed) return spec;
    var bin = atob(spec.bdata);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var flat = new Typed(bytes.buffer);
    var shape = typeof spec.shape === "string" ? spec.shape.split(",").map(Number) : spec.shape;
    if (!shape || shape.length < 2) return flat;
    var rows = [];
    for (var r = 0; r < shape[0]; r++) rows.push(flat.subarray(r * shape[1], (r + 1) * shape[1]));
    return rows;
  }

  // Decode every typed-array spec in a trace once, so its arrays keep one identity.
  function decodeTree(value) {
    if (Array.isArray(value)) return value.map(decodeTree);
    if (!value || typeof value !== "object") return value;
    if (typeof value.bdata === "string" && value.dtype) return decodeSpec(value);
    var out = {};
    Object.keys(value).forEach(function (k) {
      out[k] = decodeTree(value[k]);
    });
    return out;
  }

  // A long array that several blobs of one message share comes once, in `arrays`; the
  // blobs name it: {"dtype", "bref": name, "shape"} (encoding.share_arrays).
  function withArrays(text, arrays) {
    if (!arrays || text.indexOf('"bref":"') < 0) return text;
    return text.replace(/"bref":"([0-9a-f]{16})"/g, function (all, name) {
      if (typeof arrays[name] !== "string") throw new Error("shared array " + name + " missing");
      return '"bdata":"' + arrays[name] + '"';
    });
  }

  function storeBlobs(given, arrays) {
    Object.keys(given || {}).forEach(function (digest) {
      if (blobs.has(digest)) return;
      try {
        var parsed = JSON.parse(withArrays(given[digest], arrays));
        var fig = Array.isArray(parsed) ? { data: parsed } : parsed;
        // The layout is kept as JSON: Plotly writes into the layout it is given.
        blobs.set(digest, {
          data: decodeTree(fig.data || []),
          layout: JSON.stringify(fig.layout || {}),
          narrow: fig.narrow || null,
        });
      } catch (err) {
        fail("A cached trace set is not valid JSON: " + err.message);
      }
    });
    while (blobs.size > BLOB_MEMORY) blobs.delete(blobs.keys().next().value);
  }

  function touch(digest) {
    var traces = blobs.get(digest);
    blobs.delete(digest);
    blobs.set(digest, traces);
  }

  // ---- controls --------------------------------------------------------------------

  var SYNC_DELAY_MS = 300; // quiet time after the last move before telling Python

  // A render reflects the last move when Python says it applied that move's report
  // (`applied` names the last report it took: {frame: null, seq: 0} before the first).
  function renderIsStale(spec) {
    if (!spec || !controls.moved) return false;
    var applied = spec.applied;
    if (!applied) return false; // this page does not read the reports: nothing to wait for
    return applied.frame !== FRAME_ID || applied.seq < controls.moved;
  }

  function shownField(f) {
    return !f.optimizers || f.optimizers.indexOf(controls.values.opt) >= 0;
  }

  function indexOf(f, value) {
    for (var k = 0; k < f.values.length; k++) {
      if (f.values[k] === value || Number(f.values[k]) === Number(value)) return k;
    }
    return 0;
  }

  // The value an input holds, as Python takes it, and as the link writes it.
  function inputValue(f, input) {
    if (f.kind === "range") return Number(input.value);
    return f.values[Number(input.value)];
  }

  function queryValue(f, value) {
    return f.kind === "range" ? String(value) : f.query[indexOf(f, value)];
  }

  function shownText(f, value) {
    if (f.kind === "range") return String(value);
    return f.labels[indexOf(f, value)];
  }

  function buildControl(f) {
    if (f.break_before) { // a new row for a new group (the surfaces' settings)
      var rowBreak = document.createElement("div");
      rowBreak.className = "break";
      controls.div.appendChild(rowBreak);
    }
    var box = document.createElement("div");
    box.className = "control";
    var label = document.createElement("label");
    var id = "control-" + f.name;
    label.htmlFor = id;
    var output = document.createElement("output");
    output.htmlFor = id;
    var input;
    if (f.kind === "select") {
      input = document.createElement("select");
      f.values.forEach(function (v, k) {
        var option = document.createElement("option");
        option.value = String(k);
        input.appendChild(option);
      });
    } else {
      input = document.createElement("input");
      input.type = "range";
    }
    input.id = id;
    input.name = f.name;
    var head = document.createElement("div");
    head.className = "head";
    head.appendChild(label);
    if (f.kind !== "select") head.appendChild(output);
    box.appendChild(head);
    box.appendChild(input);
    input.addEventListener("input", function () {
      onControl(f.name, inputValue(controls.spec.fieldsByName[f.name], input));
    });
    controls.div.appendChild(box);
    return { box: box, input: input, output: output, label: label };
  }

  // Labels, ranges and (unless the render is stale) values from the render's spec.
  function setControls(spec, stale, theme) {
    if (!spec || !Array.isArray(spec.fields) || !spec.fields.length) {
      controls.div.hidden = true;
      return;
    }
    var first = controls.spec === null;
    controls.spec = spec;
    spec.fieldsByName = {};
    controls.div.hidden = false;
    controls.div.classList.toggle("large", !!spec.large);
    if (theme && theme.textColor) document.body.style.color = theme.textColor;
    spec.fields.forEach(function (f) {
      spec.fieldsByName[f.name] = f;
      var c = controls.inputs[f.name] || (controls.inputs[f.name] = buildControl(f));
      c.label.textContent = f.label;
      c.box.title = f.help || "";
      var input = c.input;
      if (f.kind === "select") {
        Array.prototype.forEach.call(input.options, function (o, k) {
          o.textContent = f.labels[k];
        });
      } else if (f.kind === "range") {
        input.min = String(f.lo);
        input.max = String(f.hi);
        input.step = String(f.step);
      } else {
        input.min = "0";
        input.max = String(f.values.length - 1);
        input.step = "1";
      }
      if (first || !stale) controls.values[f.name] = f.value;
    });
    showValues();
  }

  function showValues() {
    controls.spec.fields.forEach(function (f) {
      var c = controls.inputs[f.name];
      var value = controls.values[f.name];
      var wanted = f.kind === "range" ? String(value) : String(indexOf(f, value));
      if (c.input.value !== wanted) c.input.value = wanted;
      c.output.textContent = shownText(f, value);
      c.box.hidden = !shownField(f);
    });
  }

  function onControl(name, value) {
    controls.values[name] = value;
    controls.moved += 1;
    showValues();
    clearTimeout(controls.syncTimer);
    if (controls.spec.api && !controls.failed) {
      requestPaths();
    } else {
      sendValue(); // no route: Python reruns the page and sends the new figures
    }
  }

  function routeUrl() {
    var spec = controls.spec;
    var query = Object.assign({}, spec.query);
    spec.fields.forEach(function (f) {
      query[f.name] = queryValue(f, controls.values[f.name]);
    });
    query.lang = spec.lang || "en";
    query.have = Array.from(blobs.keys()).join(",");
    return spec.api + "?" + new URLSearchParams(query).toString();
  }

  // Ask the route for the moved setting's figures; one request at a time, the latest wins.
  function requestPaths() {
    if (controls.busy) {
      controls.pending = true;
      return;
    }
    controls.busy = true;
    controls.requests += 1;
    controls.div.dataset.requests = String(controls.requests);
    var drawn = false;
    fetch(routeUrl(), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("the path route answered " + response.status);
        return response.json();
      })
      .then(function (payload) {
        // Drawn even when a newer move is waiting (a drag shows its way); the next request
        // goes once this drawing is done.
        drawn = drawPayload(payload);
        return state.queue;
      })
      .catch(function (err) {
        console.warn("plotly_view: " + (err && err.message ? err.message : err) +
          "; the controls go through Streamlit from now on");
        controls.failed = true;
      })
      .then(function () {
        controls.busy = false;
        if (controls.failed || (!drawn && !controls.pending)) {
          sendValue(); // Python draws this move (and sends what the frame lacks)
        } else if (controls.pending) {
          controls.pending = false;
          requestPaths();
        } else {
          // Python follows (the sidebar, the table, the link) once the moves have stopped.
          controls.syncTimer = setTimeout(sendValue, SYNC_DELAY_MS);
        }
      });
  }

  // The route's panels, drawn as a render's would be (new surfaces come in its blobs).
  // False when a base is still lacking (dropped from this frame's memory after it asked):
  // that move goes to Python; the route stays in use for the next.
  function drawPayload(payload) {
    storeBlobs(payload.blobs, null);
    var given = Array.isArray(payload.panels) ? payload.panels : [];
    var ready = given.length === panels.length && given.every(function (a) {
      return !a.base || blobs.has(a.base);
    });
    if (!ready) return false;
    given.forEach(function (a, i) {
      panels[i].figure = JSON.stringify(a.figure);
      panels[i].digest = a.digest || null;
      panels[i].base = a.base || null;
    });
    controls.fastDraws += 1;
    controls.div.dataset.fastDraws = String(controls.fastDraws);
    drawAll(false);
    return true;
  }

  // ---- plotly.js and the first sketch -------------------------------------------------

  // plotly.min.js runs once, when the first drawing needs it (index.html preloads it).
  function loadPlotly() {
    if (sketchState.plotly) return sketchState.plotly;
    sketchState.plotly = new Promise(function (resolve, reject) {
      if (typeof Plotly !== "undefined") {
        resolve();
        return;
      }
      var link = document.getElementById("plotly-js");
      var script = document.createElement("script");
      script.src = link ? link.href : "plotly.min.js";
      script.onload = function () {
        sketchState.loadedAt = performance.timeOrigin + performance.now();
        resolve();
      };
      script.onerror = function () {
        reject(new Error("plotly.min.js did not load."));
      };
      document.head.appendChild(script);
    });
    return sketchState.plotly;
  }

  // Before plotly.js has drawn the first panel, a still sketch of its 3D scenes
  // (sketch3d.js) stands in for it, under a busy sign; true when one was put up.
  function sketchFirst() {
    var p = panels[0];
    if (!p || p.renders || p.sketch || typeof Plotly !== "undefined" || !window.Sketch3d ||
        p.figure === undefined || (p.base && !blobs.has(p.base))) {
      return false;
    }
    var figure = figureOf(0);
    var canvas = null;
    try {
      if (figure) {
        // the base's traces are decoded already; the panel's own come as Plotly's specs
        var decoded = p.base ? blobs.get(p.base).data.length : 0;
        figure.data = figure.data.map(function (t, k) { return k < decoded ? t : decodeTree(t); });
        canvas = window.Sketch3d.draw(figure, document.documentElement.clientWidth,
          panelHeight(p), window.devicePixelRatio || 1);
      }
    } catch (err) {
      console.warn("plotly_view: no sketch: " + (err && err.message ? err.message : err));
    }
    if (!canvas) return false;
    var wrap = document.createElement("div");
    wrap.className = "sketch";
    wrap.style.top = gd.offsetTop + "px";
    wrap.appendChild(canvas);
    var busy = document.createElement("div");
    busy.className = "busy";
    wrap.appendChild(busy);
    document.body.appendChild(wrap);
    p.sketch = wrap;
    sketchState.drawn = canvas.drawn;
    requestAnimationFrame(function () { // stamped as the drawings are, once it can be seen
      sketchState.sketchedAt = performance.timeOrigin + performance.now();
      gd.dataset.sketched = String(sketchState.sketchedAt);
    });
    return true;
  }

  // ---- warming Plotly's WebGL programs -------------------------------------------------

  // Without a GPU (WebGL in software), Plotly's first drawing of a 3D panel waits on each of
  // its shader programs' links in turn: about 0.17 s for the lab's two scenes. So while
  // plotly.js is being parsed, a context of the frame's own asks for the same links
  // (warm_shaders.js, recorded from Plotly's calls by bundle/warm_shaders.py) and does not
  // wait for them: Chromium's GPU process links them meanwhile, and Plotly's links come from
  // its program cache. Only in Chromium's software WebGL (SwiftShader), where that was
  // measured: with a GPU the links are quick, and where the cache were not shared the
  // programs would be linked twice. Nothing here is needed to draw: any failure leaves
  // Plotly to link.
  function warmShaders() {
    var table = window.PlotlyViewWarmShaders;
    if (warm.gl || warm.renderer !== null || !table || typeof Plotly !== "undefined") return;
    try {
      var gl = document.createElement("canvas").getContext("webgl", table.context);
      warm.renderer = "";
      if (!gl) return;
      var info = gl.getExtension("WEBGL_debug_renderer_info");
      warm.renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
      if (!/SwiftShader/.test(warm.renderer)) {
        warm.gl = gl;
        releaseWarm();
        return;
      }
      // the extensions go into the cache's key: Plotly's contexts enable these
      table.extensions.forEach(function (name) { gl.getExtension(name); });
      var shaders = table.shaders.map(function (s) {
        var shader = gl.createShader(s[0] === 0 ? gl.VERTEX_SHADER : gl.FRAGMENT_SHADER);
        gl.shaderSource(shader, s[1]);
        gl.compileShader(shader);
        return shader;
      });
      table.programs.forEach(function (p) {
        var program = gl.createProgram();
        gl.attachShader(program, shaders[p[0]]);
        gl.attachShader(program, shaders[p[1]]);
        p[2].forEach(function (a) { gl.bindAttribLocation(program, a[0], a[1]); });
        gl.linkProgram(program); // no status asked: that would wait for the link
      });
      gl.flush();
      warm.gl = gl;
      warm.programs = table.programs.length;
    } catch (err) {
      console.warn("plotly_view: no shader warm-up: " + (err && err.message ? err.message : err));
    }
  }

  // Let the warm-up's context go before Plotly links: only programs of a context that is
  // gone were found in the cache (measured in Chromium 150; while it lived, none were).
  function releaseWarm() {
    if (!warm.gl) return;
    var lose = warm.gl.getExtension("WEBGL_lose_context");
    if (lose) lose.loseContext();
    warm.gl = null;
    warm.releasedAt = performance.timeOrigin + performance.now();
  }

  // ---- the 3D axes' text, made ahead ---------------------------------------------------

  // Plotly's 3D axes draw each tick label and title as a mesh that plotly.js makes on this
  // thread (vectorize-text: draw the text on a canvas, trace its outline, triangulate): about
  // 0.1 s of the first drawing of the lab's panel. gl-axes3d takes its cache of those meshes
  // from window.__TEXT_CACHE when plotly.js runs, so before it runs the frame puts there the
  // meshes Plotly made for the lab's panel (text_meshes.js, recorded by
  // bundle/text_meshes.py), but only where this browser draws the family in the same glyphs
  // as where they were recorded (the table's fingerprint of them): there each mesh is the one
  // Plotly would make. Elsewhere, and for any other text, Plotly makes its own.
  function handTextMeshes() {
    var table = window.PlotlyViewTextMeshes;
    if (texts.matched !== null || !table || typeof Plotly !== "undefined" ||
        window.__TEXT_CACHE) {
      return;
    }
    texts.matched = false;
    try {
      if (table.fingerprint(table.family, table.probe) !== table.print) return;
      var cache = {};
      cache[table.key] = table.meshes; // as gl-axes3d keeps them: it only reads them
      window.__TEXT_CACHE = cache;
      texts.matched = true;
      texts.handed = Object.keys(table.meshes).length;
    } catch (err) {
      console.warn("plotly_view: no text meshes: " + (err && err.message ? err.message : err));
    }
  }

  // ---- 3D scenes created at their size --------------------------------------------------

  // Plotly makes a 3D scene's box fill the whole figure, creates the scene's WebGL canvas
  // in it (sized to the whole figure), and only then shrinks the box to the scene's domain,
  // so the canvas is sized twice. Without a GPU each size costs its buffers: Plotly's first
  // drawing of the lab's two scenes took 50 ms less when their boxes had their size from the
  // start (0.1 s less in a page of their own; docs/benchmarks.md). So
  // while Plotly plots 3D scenes it has not created yet, a style rule gives their boxes
  // (Plotly's div#<scene id> in the panel's .gl-container) the size Plotly gives them a
  // moment later, by Plotly's own numbers (the plot area after its margins, the scene's
  // domain); the rule goes as soon as Plotly returns. Nothing here is needed to draw: where
  // the numbers were wrong, Plotly sizes the canvas again, as without it.
  var sceneSizes = document.createElement("style");
  var presized = false;
  function presizeScenes() {
    if (presized || typeof Plotly.register !== "function") return;
    presized = true;
    // A component of Plotly's own kind: Plotly calls it as it lays out any figure, with the
    // figure's plot modules known; the 3D one (gl3d) is wrapped the first time it is seen.
    Plotly.register({
      moduleType: "component",
      name: "plotlyViewSceneSizes",
      supplyLayoutDefaults: function (layoutIn, layoutOut) {
        (layoutOut._basePlotModules || []).forEach(function (m) {
          if (m.name === "gl3d" && !m.plotlyViewPresized) presizeIn(m);
        });
      },
    });
  }

  function presizeIn(gl3d) {
    var plot = gl3d.plot;
    gl3d.plot = function (div) {
      var rules = sceneRules(div);
      if (!rules) return plot.apply(this, arguments);
      sceneSizes.textContent = rules;
      document.head.appendChild(sceneSizes);
      try {
        return plot.apply(this, arguments);
      } finally {
        sceneSizes.remove();
      }
    };
    gl3d.plotlyViewPresized = true;
  }

  function sceneRules(div) {
    var fl = div._fullLayout;
    var size = fl && fl._size;
    var ids = (fl && fl._subplots && fl._subplots.gl3d) || [];
    if (!size || !div.id) return "";
    return ids.filter(function (id) {
      return fl[id] && !fl[id]._scene && fl[id].domain && /^scene\d*$/.test(id);
    }).map(function (id) {
      var d = fl[id].domain;
      return "#" + div.id + " .gl-container > #" + id + " { width: " +
        size.w * (d.x[1] - d.x[0]) + "px !important; height: " +
        size.h * (d.y[1] - d.y[0]) + "px !important; }";
    }).join("\n");
  }

  // Panel i has a 3D trace (its own traces are looked for in their JSON, not parsed again).
  var GL3D_TYPE = new RegExp('"type":\\s*"(' + Object.keys(GL3D).join("|") + ')"');
  function hasScenes(i) {
    var p = panels[i];
    var base = p.base && blobs.has(p.base) ? blobs.get(p.base).data : [];
    return base.some(function (t) { return GL3D[t.type]; }) ||
      (typeof p.figure === "string" && GL3D_TYPE.test(p.figure));
  }

  function dropSketch(p) {
    if (!p.sketch) return;
    p.sketch.remove();
    p.sketch = null;
  }

  // ---- drawing -----------------------------------------------------------------------

  function isNarrow() {
    return document.documentElement.clientWidth <= NARROW_PX;
  }

  function merge(target, patch) {
    Object.keys(patch || {}).forEach(function (k) {
      var v = patch[k];
      if (v && typeof v === "object" && !Array.isArray(v) && target[k] &&
          typeof target[k] === "object" && !Array.isArray(target[k])) {
        target[k] = merge(Object.assign({}, target[k]), v);
      } else {
        target[k] = v;
      }
    });
    return target;
  }

  // A panel's narrow layout: its own, else its base's.
  function narrowOf(p) {
    var base = p.base && blobs.get(p.base);
    return p.narrow || (base && base.narrow) || null;
  }

  function panelHeight(p) {
    var narrow = state.narrow && narrowOf(p);
    var h = narrow && narrow.height ? narrow.height : p.height;
    return Number(h) > 0 ? Math.round(Number(h)) : 520;
  }

  // Size the plots and the iframe; true when a height changed.
  function setHeights() {
    var total = controls.div.hidden ? 0 : controls.div.offsetHeight;
    var changed = false;
    panels.forEach(function (p) {
      var h = panelHeight(p);
      if (p.div.style.height !== h + "px") {
        p.div.style.height = h + "px";
        changed = true;
      }
      total += h;
    });
    if (total !== state.height) {
      state.height = total;
      send("streamlit:setFrameHeight", { height: total });
    }
    return changed;
  }

  // A click on a point of a panel that asks for clicks: tell Python at once.
  function onClick(i, eventData) {
    var pt = eventData && eventData.points && eventData.points[0];
    if (!pt) return;
    var index = pt.pointIndex !== undefined ? pt.pointIndex : pt.pointNumber;
    state.clicks += 1;
    state.click = {
      frame: FRAME_ID,
      n: state.clicks,
      panel: i,
      x: pt.x,
      y: pt.y,
      curve: pt.curveNumber,
      index: index === undefined ? null : index,
      customdata: pt.customdata === undefined ? null : pt.customdata,
    };
    panels[i].div.dataset.clicks = String(state.clicks);
    sendValue();
  }

  function fail(message) {
    if (panels[0]) dropSketch(panels[0]); // the message shows where the figure would be
    gd.dataset.error = message;
    console.error("plotly_view: " + message);
  }

  function panelDiv(i) {
    if (i === 0) return gd;
    var id = "plot-" + i;
    var div = document.getElementById(id);
    if (!div) {
      div = document.createElement("div");
      div.id = id;
      div.className = "panel";
      div.dataset.renderCount = "0";
      document.body.appendChild(div);
    }
    return div;
  }

  // A `camera` argument is applied when it is new, and neither an echo of what we reported
  // (a page may round it, or pass back only the eye) nor what is on screen already.
  // A partial camera changes only the vectors it gives.
  function takeCameraArg(camera) {
    if (!camera || typeof camera !== "object") return false;
    var json = stable(camera);
    if (json === state.cameraArg) return false;
    state.cameraArg = json;
    var given = Object.keys(camera).sort().filter(function (id) {
      return camera[id] && typeof camera[id] === "object";
    });
    if (!given.length) return false;
    var reported = state.reported ? JSON.parse(state.reported) : {};
    var scenes = plottedScenes().length ? plottedScenes() : given;
    var wants = {};
    var news = false;
    scenes.forEach(function (id) {
      // Scenes the argument leaves out follow its first scene (cameras are synchronised).
      var part = tidy(camera[id] || camera[given[0]]);
      var have = state.cameras[id] || state.seen[id] || {};
      wants[id] = Object.assign({}, have, part);
      if (!near(have, part) && !near(reported[id], part)) news = true;
    });
    if (news) Object.assign(state.cameras, wants);
    return news;
  }

  // Every vector of `part` is within 1e-3 of the same vector of `cam`.
  function near(cam, part) {
    if (!cam) return false;
    return Object.keys(part).every(function (k) {
      var a = cam[k];
      var b = part[k];
      return a && Math.abs(a.x - b.x) <= 1e-3 && Math.abs(a.y - b.y) <= 1e-3 &&
        Math.abs(a.z - b.z) <= 1e-3;
    });
  }

  // Panel i's figure over its base, with its narrow layout and (the first panel) the
  // cameras the user set: {data, layout, config}; null when its JSON is not valid.
  function figureOf(i) {
    var p = panels[i];
    var fig;
    try {
      fig = JSON.parse(p.figure);
    } catch (err) {
      fail("The figure is not valid JSON: " + err.message);
      return null;
    }
    var base = p.base ? blobs.get(p.base) : { data: [], layout: "{}" };
    var data = base.data.concat(fig.data || []);
    var layout = merge(JSON.parse(base.layout), fig.layout || {});
    var narrow = state.narrow && narrowOf(p);
    if (narrow) {
      if (narrow.layout) layout = merge(layout, narrow.layout);
      var patches = narrow.data || [];
      data = data.map(function (t, k) {
        return patches[k] && Object.keys(patches[k]).length ? Object.assign({}, t, patches[k]) : t;
      });
    }
    layout.height = panelHeight(p);
    layout.autosize = true;
    if (i === 0) {
      var ids = sceneIdsOf({ data: data });
      var shared = state.cameras[Object.keys(state.cameras).sort()[0]];
      ids.forEach(function (id) {
        var cam = state.cameras[id] || shared;
        if (!cam) return;
        state.cameras[id] = cam;
        layout[id] = Object.assign({}, layout[id]);
        layout[id].camera = Object.assign({}, layout[id].camera, cam);
      });
    }
    return { data: data, layout: layout, config: Object.assign({}, CONFIG, fig.config) };
  }

  // Draw panel i with its figure over its base; the first panel keeps the cameras.
  function draw(i, forceCameras) {
    var p = panels[i];
    p.startedAt = performance.timeOrigin + performance.now();
    var figure = figureOf(i);
    if (!figure) return Promise.resolve();
    var div = p.div;
    // What the last two draws were given: a benchmark replays them (bench/bench_browser.py).
    p.previous = p.last;
    p.last = figure;
    return Plotly.react(div, figure.data, figure.layout, figure.config).then(
      function () {
        p.renders += 1;
        div.dataset.renderCount = String(p.renders);
        // Stamped at the next frame, once the draw can be on screen; the sketch it replaces
        // goes in the same frame.
        requestAnimationFrame(function () {
          p.drawnAt = performance.timeOrigin + performance.now();
          document.body.dataset.lastDraw = String(p.drawnAt);
          dropSketch(p);
        });
        delete gd.dataset.error;
        if (p.clicks && !p.clickListening) {
          div.on("plotly_click", function (eventData) {
            if (p.clicks) onClick(i, eventData);
          });
          p.clickListening = true;
        }
        if (i !== 0) return null;
        state.renders = p.renders;
        if (!state.listening) {
          gd.on("plotly_relayout", onRelayout);
          gd.on("plotly_relayouting", onRelayouting);
          ["mouseup", "touchend", "wheel"].forEach(function (type) {
            window.addEventListener(type, function () {
              setTimeout(checkCameras, 50);
            }, { passive: true });
          });
          state.listening = true;
        }
        // Plotly's uirevision logic may prefer a camera set with the mouse over the one in
        // the new layout; if a scene does not show the camera it should, set it explicitly.
        var update = {};
        plottedScenes().forEach(function (id) {
          var want = state.cameras[id];
          if (want && !near(liveCamera(id), want)) update[id + ".camera"] = want;
        });
        var settle = Object.keys(update).length ? Plotly.relayout(gd, update) : null;
        return Promise.resolve(settle).then(function () {
          if (forceCameras) state.applied = stable(liveCameras());
          publish();
        });
      },
      function (err) {
        p.failed = true;
        fail("Plotly could not draw the figure: " + (err && err.message ? err.message : err));
      }
    );
  }

  // What a panel's drawing depends on; a panel is redrawn only when this changes.
  function drawKey(p) {
    return [p.figure, p.base, panelHeight(p), state.narrow && !!narrowOf(p)].join("\u0000");
  }

  // Resolves once the browser has painted what is drawn so far.
  function afterPaint() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () {
        setTimeout(resolve, 0);
      });
    });
  }

  function drawAll(newCamera) {
    setHeights();
    var jobs = [];
    panels.forEach(function (p, i) {
      var force = i === 0 && newCamera;
      if (p.base && !blobs.has(p.base)) return; // asked for; keep the last drawing
      if (p.figure === undefined) return; // sent as a digest to a new frame: asked for
      if (p.base) touch(p.base);
      var key = drawKey(p);
      if (key === p.drawnKey && !force) return;
      p.drawnKey = key;
      jobs.push(i);
    });
    if (!jobs.length) return;
    // One after another: the 3D panel first, as the lecture reads. Panels marked `later`
    // wait until the others are on screen: Plotly draws synchronously, so in one task they
    // would hold back the paint of the figures the class is watching.
    var first = jobs.filter(function (i) { return !panels[i].later; });
    var later = jobs.filter(function (i) { return panels[i].later; });
    // A panel's first drawing (Plotly.newPlot's work, 0.4 s for the maps in software WebGL)
    // also waits until the panels drawn before it are on screen: a new visitor sees the 3D
    // view without waiting for the maps. Redraws follow each other in one task.
    function chainOf(list) {
      return list.reduce(function (chain, i, k) {
        return chain.then(function () {
          var ready = k > 0 && panels[i].renders === 0 ? afterPaint() : Promise.resolve();
          return ready.then(function () {
            return draw(i, i === 0 && newCamera);
          });
        });
      }, Promise.resolve());
    }
    var sketched = sketchFirst();
    var scenes = typeof Plotly === "undefined" && jobs.some(hasScenes);
    state.queue = state.queue
      .then(function () {
        // A sketch is painted before plotly.js runs: parsing it holds the thread.
        return sketched ? afterPaint() : null;
      })
      .then(function () {
        if (scenes) {
          warmShaders();
          handTextMeshes();
        }
        return loadPlotly();
      })
      .then(function () {
        releaseWarm();
        presizeScenes();
        return chainOf(first);
      })
      .then(function () {
        if (!later.length) return null;
        return afterPaint().then(function () {
          return chainOf(later);
        });
      })
      .then(function () {
        if (newCamera) scheduleReport();
        firstDrawingDone(false);
      })
      .catch(function (err) {
        releaseWarm();
        fail(String(err && err.message ? err.message : err));
        firstDrawingDone(true);
      });
  }

  // Every panel drawn once (or drawing failed): tell Python if the page waits for it.
  function firstDrawingDone(failed) {
    if (!state.drawn) {
      if (!panels.length) return;
      if (!failed && !panels.every(function (p) { return p.renders > 0 || p.failed; })) return;
      state.drawn = true;
      gd.dataset.drawn = "1";
    }
    if (state.wantsDrawn && !state.drawnSent) sendValue();
  }

  function onRender(args, theme) {
    storeBlobs(args.blobs, args.arrays);
    var given = Array.isArray(args.panels) ? args.panels : [];
    // A render that does not yet reflect the controls' last move keeps that move's drawing.
    var stale = renderIsStale(args.controls);
    var lacking = false;
    setControls(args.controls, stale, theme);
    given.forEach(function (a, i) {
      var p = panels[i];
      if (!p) {
        p = panels[i] = { div: panelDiv(i), renders: 0, drawnKey: null };
      }
      p.height = a.height;
      if (stale && p.figure !== undefined) return;
      if (a.figure === null || a.figure === undefined) {
        // Sent as its digest: the figure on screen (else ask for it in full); its base and
        // the rest may still be new (a surface move that leaves the paths as they were).
        if (!a.digest || a.digest !== p.digest) {
          lacking = true;
          return;
        }
      } else {
        p.figure = typeof a.figure === "string" ? a.figure : JSON.stringify(a.figure);
        p.digest = a.digest || null;
      }
      p.base = a.base || null;
      p.narrow = a.narrow || null;
      p.clicks = !!a.clicks;
      p.later = !!a.later;
    });
    state.narrow = isNarrow();
    var missing = given.map(function (a) { return a.base; }).filter(function (d) {
      return d && !blobs.has(d);
    });
    if (lacking) {
      sendValue(); // its `figures` differ from the digests sent: Python sends them in full
    } else if (missing.length && missing.join() !== state.missing.join()) {
      state.missing = missing;
      sendValue();
    } else if (!missing.length) {
      state.missing = [];
    }
    var newCamera = takeCameraArg(args.camera);
    state.wantsDrawn = !!args.report_drawn;
    drawAll(newCamera);
    if (state.drawn) firstDrawingDone(false); // asked after the drawing was done
  }

  window.addEventListener("resize", function () {
    if (panels.length) setHeights(); // the controls' row may wrap differently
    if (!panels.length || isNarrow() === state.narrow) return;
    state.narrow = isNarrow();
    drawAll(false);
  });

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    var data = event.data;
    if (data && data.type === "streamlit:render") onRender(data.args || {}, data.theme);
  });

  send("streamlit:componentReady", { apiVersion: 1 });
})();
