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
 * Every figure is drawn with Plotly.react on the same div, with the cameras the user set put
 * back into its layout, so new data never resets the view. All 3D scenes share one camera.
 *
 * For tests and debugging, #plot carries data-render-count, data-camera (the live cameras)
 * and data-reported (the last value sent to Python); window.plotlyView exposes the state.
 */
(function () {
  "use strict";

  var REPORT_DELAY_MS = 400; // quiet time after the last camera change before telling Python
  var VECTORS = ["eye", "center", "up"];
  var GL3D = {
    surface: 1, scatter3d: 1, mesh3d: 1, cone: 1, streamtube: 1, volume: 1, isosurface: 1,
  };
  var CONFIG = { responsive: true, displaylogo: false };

  var gd = document.getElementById("plot");

  // What the component remembers between render messages.
  var state = {
    figure: null, // the figure JSON last drawn
    height: null,
    cameras: {}, // sceneId -> {eye, center, up} to keep across redraws
    seen: {}, // sceneId -> the camera last seen on screen, to notice a change
    cameraArg: null, // stable JSON of the last `camera` argument seen
    applied: null, // stable JSON of the live cameras right after applying `camera`
    reported: null, // stable JSON of the last value sent to Python
    renders: 0,
    listening: false,
    timer: null,
    queue: Promise.resolve(), // renders run one after another
  };
  window.plotlyView = { gd: gd, state: state };

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
      send("streamlit:setComponentValue", { value: JSON.parse(json), dataType: "json" });
    }, REPORT_DELAY_MS);
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

  // ---- drawing -----------------------------------------------------------------------

  // Size the plot and its iframe; true when the height changed.
  function setHeight(height) {
    var h = Number(height) > 0 ? Math.round(Number(height)) : 520;
    if (h === state.height) return false;
    state.height = h;
    gd.style.height = h + "px";
    send("streamlit:setFrameHeight", { height: h });
    return true;
  }

  function fail(message) {
    gd.dataset.error = message;
    console.error("plotly_view: " + message);
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

  function draw(figureJson, forceCameras) {
    var fig;
    try {
      fig = JSON.parse(figureJson);
    } catch (err) {
      fail("The figure is not valid JSON: " + err.message);
      return Promise.resolve();
    }
    var layout = fig.layout || {};
    var ids = sceneIdsOf(fig);
    var shared = state.cameras[Object.keys(state.cameras).sort()[0]];
    ids.forEach(function (id) {
      var cam = state.cameras[id] || shared;
      if (!cam) return;
      state.cameras[id] = cam;
      layout[id] = Object.assign({}, layout[id]);
      layout[id].camera = Object.assign({}, layout[id].camera, cam);
    });
    layout.height = state.height;
    layout.autosize = true;
    return Plotly.react(gd, fig.data || [], layout, Object.assign({}, CONFIG, fig.config)).then(
      function () {
        state.figure = figureJson;
        state.renders += 1;
        delete gd.dataset.error;
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
        fail("Plotly could not draw the figure: " + (err && err.message ? err.message : err));
      }
    );
  }

  function onRender(args) {
    var resized = setHeight(args.height);
    var newCamera = takeCameraArg(args.camera);
    var figure = typeof args.figure === "string" ? args.figure : JSON.stringify(args.figure);
    if (figure === state.figure && !newCamera && !resized) return;
    state.queue = state.queue
      .then(function () {
        return draw(figure, newCamera);
      })
      .then(function () {
        if (newCamera) scheduleReport();
      })
      .catch(function (err) {
        fail(String(err && err.message ? err.message : err));
      });
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    var data = event.data;
    if (data && data.type === "streamlit:render") onRender(data.args || {});
  });

  if (typeof Plotly === "undefined") {
    fail("plotly.min.js did not load.");
  }
  send("streamlit:componentReady", { apiVersion: 1 });
})();
