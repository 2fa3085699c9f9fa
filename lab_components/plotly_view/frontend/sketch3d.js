/*
 * sketch3d: a still, 2-D canvas drawing of a figure's 3D scenes, shown while plotly.js loads
 * and draws its first WebGL frame (about 1.7 s on a software renderer; a new visitor would
 * otherwise look at an empty frame). It uses Plotly's own geometry, so the swap to the real,
 * interactive figure does not jump:
 *
 * - data -> box: an axis with a `range` is taken as is; an autoranged one spans the scene's
 *   data, padded by 1/32 of its extent on each side (gl3d's autorange). The box is centred on
 *   the origin with side `aspectratio` (aspectmode "manual"; "cube" gives 1, "data" the
 *   ranges' proportions).
 * - box -> view: lookAt(camera.eye, camera.center, z up), in box units: Plotly's turntable
 *   rotation, its default (a scene with another drag mode is not sketched). A centre other
 *   than the origin (only after a pan, when the figure is drawn already) is a few pixels off.
 * - view -> screen: perspective with fovy = pi/4, near 0.01, over the scene's domain within
 *   the plot area (the figure's margins, the right one widened for a colour bar outside).
 *
 * Drawn: each surface as quads (at most SKETCH_QUADS per side, far to near, coloured by
 * the trace's colorscale at the quad's mean z), the back walls of the box with a few grid
 * lines, scatter3d lines and markers on top, and the paper annotations (the panel titles).
 * Not drawn: ticks, axis titles, colour bars, lighting.
 *
 * Coordinates are arrays, typed arrays, or (a surface's z) rows of them.
 *
 * window.Sketch3d = {draw(figure, width, height, pixelRatio) -> canvas (its .drawn: counts of
 *                      surfaces, quads and points) or null (no 3D scene to sketch),
 *                    scenes(figure, width, height) -> [{id, box, project(x, y, z) -> [px, py]}]}
 */
(function () {
  "use strict";

  var FOVY = Math.PI / 4;
  var NEAR = 0.01;
  var AUTORANGE_PAD = 1 / 32;
  var SKETCH_QUADS = 48; // per side at most (a 121-point grid: every third point), ~40 ms
  var GRID_LINES = 4; // per wall and direction
  var LINE_SCALE = 0.6; // gl3d lines look this much thinner than their width in pixels
  var MARGIN = { l: 80, r: 80, t: 100, b: 80 }; // Plotly's defaults
  var COLORBAR_LABEL = 1.2; // a colour bar's tick labels' width, in font sizes
  var AXES = ["xaxis", "yaxis", "zaxis"];
  var KEYS = ["x", "y", "z"];
  var NAMED = { black: [0, 0, 0], white: [255, 255, 255], red: [255, 0, 0], green: [0, 128, 0],
    blue: [0, 0, 255], gray: [128, 128, 128], grey: [128, 128, 128], orange: [255, 165, 0] };
  var DEFAULT_SCALE = [[0, "rgb(5,10,172)"], [0.5, "rgb(190,190,190)"], [1, "rgb(178,10,28)"]];

  function parseColor(c, fallback) {
    if (typeof c !== "string") return fallback || [68, 68, 68];
    var s = c.trim().toLowerCase();
    var m = /^rgba?\(([^)]+)\)$/.exec(s);
    if (m) return m[1].split(",").slice(0, 3).map(function (v) { return Number(v); });
    if (s[0] === "#" && (s.length === 7 || s.length === 4)) {
      var hex = s.length === 4 ? s[1] + s[1] + s[2] + s[2] + s[3] + s[3] : s.slice(1);
      return [0, 2, 4].map(function (k) { return parseInt(hex.slice(k, k + 2), 16); });
    }
    return NAMED[s] || fallback || [68, 68, 68];
  }

  function css(rgb) {
    return "rgb(" + Math.round(rgb[0]) + "," + Math.round(rgb[1]) + "," + Math.round(rgb[2]) + ")";
  }

  // z -> "rgb(...)" along a Plotly colorscale [[fraction, colour], ...] between cmin and cmax.
  function colorscale(scale, cmin, cmax) {
    var stops = (Array.isArray(scale) && scale.length > 1 ? scale : DEFAULT_SCALE).map(
      function (s) { return [Number(s[0]), parseColor(s[1])]; });
    var span = cmax - cmin || 1;
    return function (z) {
      var f = Math.min(1, Math.max(0, (z - cmin) / span));
      var k = 1;
      while (k < stops.length - 1 && stops[k][0] < f) k++;
      var a = stops[k - 1];
      var b = stops[k];
      var t = b[0] > a[0] ? (f - a[0]) / (b[0] - a[0]) : 0;
      return css([0, 1, 2].map(function (j) { return a[1][j] + t * (b[1][j] - a[1][j]); }));
    };
  }

  // Every finite number of a value that may be a typed array, an array, or rows of them.
  function eachNumber(v, fn) {
    if (v === null || v === undefined) return;
    if (typeof v === "number") {
      if (isFinite(v)) fn(v);
      return;
    }
    if (typeof v.length !== "number") return;
    for (var i = 0; i < v.length; i++) eachNumber(v[i], fn);
  }

  // ---- geometry ----------------------------------------------------------------------

  function sub(a, b) { return [a[0] - b[0], a[1] - b[1], a[2] - b[2]]; }
  function dot(a, b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
  function cross(a, b) {
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  }
  function unit(a) {
    var n = Math.sqrt(dot(a, a)) || 1;
    return [a[0] / n, a[1] / n, a[2] / n];
  }
  function vec(v, fallback) {
    return v && isFinite(v.x) && isFinite(v.y) && isFinite(v.z) ? [+v.x, +v.y, +v.z] : fallback;
  }

  // The plot area after the margins, with a colour bar outside it pushing the right margin.
  function plotArea(figure, width, height) {
    var layout = figure.layout || {};
    var m = Object.assign({}, MARGIN, layout.margin || {});
    // A colour bar right of the plot area widens the right margin (Plotly's autoMargin) by
    // its offset, thickness, padding and tick labels (estimated: two digits).
    var font = (layout.font && layout.font.size) || 12;
    var push = 0;
    (figure.data || []).forEach(function (t) {
      if (t.type !== "surface" || t.showscale === false) return;
      var bar = t.colorbar || {};
      var x = bar.x === undefined ? 1.02 : Number(bar.x);
      if (x < 0.99) return;
      var xpad = bar.xpad === undefined ? 10 : bar.xpad;
      push = Math.max(push, (x - 1) * (width - m.l - m.r) + (bar.thickness || 30) + 2 * xpad +
        COLORBAR_LABEL * font);
    });
    var r = Math.max(m.r, push);
    return { x: m.l, y: m.t, w: Math.max(1, width - m.l - r), h: Math.max(1, height - m.t - m.b) };
  }

  function sceneIds(figure) {
    var ids = [];
    (figure.data || []).forEach(function (t) {
      if (t.type !== "surface" && t.type !== "scatter3d") return;
      var id = t.scene || "scene";
      if (ids.indexOf(id) < 0) ids.push(id);
    });
    return ids.sort();
  }

  // One scene: its box on screen, and a projection of data coordinates into it.
  function sceneOf(figure, id, area) {
    var sl = (figure.layout || {})[id] || {};
    var traces = (figure.data || []).filter(function (t) {
      return (t.scene || "scene") === id && (t.type === "surface" || t.type === "scatter3d");
    });
    var lo = [];
    var hi = [];
    KEYS.forEach(function (k, j) {
      var axis = sl[AXES[j]] || {};
      var range = axis.range;
      if (Array.isArray(range) && range.length === 2 && axis.autorange !== true &&
          isFinite(range[0]) && isFinite(range[1]) && range[0] !== range[1]) {
        lo[j] = Math.min(range[0], range[1]);
        hi[j] = Math.max(range[0], range[1]);
        return;
      }
      var a = Infinity;
      var b = -Infinity;
      traces.forEach(function (t) {
        eachNumber(t[k], function (v) {
          if (v < a) a = v;
          if (v > b) b = v;
        });
      });
      if (!(a <= b)) { a = -1; b = 1; }
      if (a === b) { a -= 1; b += 1; }
      var pad = (b - a) * AUTORANGE_PAD;
      lo[j] = a - pad;
      hi[j] = b + pad;
    });
    // "manual" takes aspectratio as it is; "data" (and "auto" unless an axis is over 4 times
    // another) the ranges' proportions, "cube" equal sides, both scaled to a volume of 1.
    var mode = sl.aspectmode || "auto";
    var aspect = vec(sl.aspectratio, [1, 1, 1]);
    if (mode !== "manual") {
      var ext = [0, 1, 2].map(function (j) { return hi[j] - lo[j]; });
      var uneven = Math.max.apply(null, ext) / Math.min.apply(null, ext) > 4;
      aspect = mode === "cube" || (mode === "auto" && uneven) ? [1, 1, 1] : ext;
      var volume = Math.cbrt(aspect[0] * aspect[1] * aspect[2]);
      aspect = aspect.map(function (a) { return a / volume; });
    }
    var cam = sl.camera || {};
    var eye = vec(cam.eye, [1.25, 1.25, 1.25]);
    var center = vec(cam.center, [0, 0, 0]);
    // Turntable rotation (Plotly's default drag mode) keeps z up whatever camera.up says.
    // The other modes use camera.up in ways not copied here: such a scene is not sketched.
    var turntable = (sl.dragmode || "turntable") === "turntable";
    var up = [0, 0, 1];
    var back = unit(sub(eye, center)); // the view's +z (the camera looks down -z)
    var right = unit(cross(up, back));
    var top = cross(back, right);
    var dom = sl.domain || {};
    var dx = Array.isArray(dom.x) ? dom.x : [0, 1];
    var dy = Array.isArray(dom.y) ? dom.y : [0, 1];
    var box = {
      x: area.x + dx[0] * area.w, y: area.y + (1 - dy[1]) * area.h,
      w: (dx[1] - dx[0]) * area.w, h: (dy[1] - dy[0]) * area.h,
    };
    var f = 1 / Math.tan(FOVY / 2);
    // data -> box units (centred, side `aspect`)
    function model(x, y, z) {
      var v = [x, y, z];
      return [0, 1, 2].map(function (j) {
        return aspect[j] * ((v[j] - lo[j]) / (hi[j] - lo[j]) - 0.5);
      });
    }
    // box units -> [px, py, depth] (depth: distance in front of the camera)
    function view(p) {
      var d = sub(p, eye);
      var depth = -dot(d, back);
      var s = f / Math.max(depth, NEAR);
      return [box.x + box.w / 2 * (1 + s * dot(d, right) * box.h / box.w),
              box.y + box.h / 2 * (1 - s * dot(d, top)), depth];
    }
    return {
      id: id, box: box, lo: lo, hi: hi, aspect: aspect, eye: eye, traces: traces,
      turntable: turntable,
      model: model, view: view,
      project: function (x, y, z) { return view(model(x, y, z)); },
    };
  }

  function scenes(figure, width, height) {
    var area = plotArea(figure, width, height);
    return sceneIds(figure).map(function (id) { return sceneOf(figure, id, area); });
  }

  // ---- drawing -----------------------------------------------------------------------

  // The three walls of the box away from the eye, with a few grid lines each.
  function drawWalls(ctx, sc) {
    var a = sc.aspect.map(function (v) { return v / 2; });
    ctx.lineWidth = 1;
    [0, 1, 2].forEach(function (j) {
      // the wall perpendicular to axis j on the far side
      var side = sc.eye[j] > 0 ? -a[j] : a[j];
      var u = (j + 1) % 3;
      var v = (j + 2) % 3;
      function corner(su, sv) {
        var p = [0, 0, 0];
        p[j] = side;
        p[u] = su * a[u];
        p[v] = sv * a[v];
        return sc.view(p);
      }
      ctx.strokeStyle = "rgb(225,225,225)";
      ctx.beginPath();
      for (var k = 1; k < GRID_LINES; k++) {
        var t = -1 + 2 * k / GRID_LINES;
        var p0 = corner(t, -1);
        var p1 = corner(t, 1);
        var q0 = corner(-1, t);
        var q1 = corner(1, t);
        ctx.moveTo(p0[0], p0[1]);
        ctx.lineTo(p1[0], p1[1]);
        ctx.moveTo(q0[0], q0[1]);
        ctx.lineTo(q1[0], q1[1]);
      }
      ctx.stroke();
      ctx.strokeStyle = "rgb(190,190,190)";
      ctx.beginPath();
      [[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]].forEach(function (c, k) {
        var p = corner(c[0], c[1]);
        if (k === 0) ctx.moveTo(p[0], p[1]);
        else ctx.lineTo(p[0], p[1]);
      });
      ctx.stroke();
    });
  }

  // A surface as quads, far to near (the painter's algorithm), each a flat colour; the
  // number of quads drawn.
  function drawSurface(ctx, sc, t) {
    var z = t.z;
    if (!z || !z.length || !z[0] || typeof z[0].length !== "number") return 0;
    var ny = z.length;
    var nx = z[0].length;
    if (nx < 2 || ny < 2) return 0;
    var xs = t.x && t.x.length === nx ? t.x : null;
    var ys = t.y && t.y.length === ny ? t.y : null;
    var step = Math.max(1, Math.ceil((Math.max(nx, ny) - 1) / SKETCH_QUADS));
    var ix = [];
    var iy = [];
    for (var i = 0; i < nx - 1; i += step) ix.push(i);
    ix.push(nx - 1);
    for (var j = 0; j < ny - 1; j += step) iy.push(j);
    iy.push(ny - 1);
    var cmin = t.cmin;
    var cmax = t.cmax;
    if (!isFinite(cmin) || !isFinite(cmax)) { // the colour range is z's own: scan z for it
      var lo = Infinity;
      var hi = -Infinity;
      eachNumber(z, function (v) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      });
      cmin = isFinite(cmin) ? cmin : lo;
      cmax = isFinite(cmax) ? cmax : hi;
    }
    var color = colorscale(t.colorscale, cmin, cmax);
    if (t.reversescale) {
      var forward = color;
      color = function (v) { return forward(cmax - (v - cmin)); };
    }
    // projected grid
    var P = [];
    for (var b = 0; b < iy.length; b++) {
      var line = [];
      var zr = z[iy[b]];
      for (var a2 = 0; a2 < ix.length; a2++) {
        var x = xs ? xs[ix[a2]] : ix[a2];
        var y = ys ? ys[iy[b]] : iy[b];
        var v = zr[ix[a2]];
        line.push(isFinite(v) ? sc.project(x, y, v).concat([v]) : null);
      }
      P.push(line);
    }
    var quads = [];
    for (var q = 0; q < iy.length - 1; q++) {
      for (var r = 0; r < ix.length - 1; r++) {
        var c = [P[q][r], P[q][r + 1], P[q + 1][r + 1], P[q + 1][r]];
        if (!c[0] || !c[1] || !c[2] || !c[3]) continue;
        quads.push({
          c: c,
          depth: (c[0][2] + c[1][2] + c[2][2] + c[3][2]) / 4,
          z: (c[0][3] + c[1][3] + c[2][3] + c[3][3]) / 4,
        });
      }
    }
    quads.sort(function (m, n) { return n.depth - m.depth; });
    ctx.lineWidth = 1;
    ctx.lineJoin = "round";
    quads.forEach(function (qd) {
      var fill = color(qd.z);
      ctx.fillStyle = fill;
      ctx.strokeStyle = fill; // the stroke closes the hairline seams between quads
      ctx.beginPath();
      ctx.moveTo(qd.c[0][0], qd.c[0][1]);
      ctx.lineTo(qd.c[1][0], qd.c[1][1]);
      ctx.lineTo(qd.c[2][0], qd.c[2][1]);
      ctx.lineTo(qd.c[3][0], qd.c[3][1]);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    });
    return quads.length;
  }

  // A scatter3d trace's lines and markers; the number of points drawn.
  function drawScatter(ctx, sc, t) {
    var n = t.x && t.y && t.z ? Math.min(t.x.length, t.y.length, t.z.length) : 0;
    if (!n) return 0;
    var mode = t.mode || (n < 20 ? "lines+markers" : "lines");
    var pts = [];
    for (var i = 0; i < n; i++) {
      pts.push(isFinite(t.x[i]) && isFinite(t.y[i]) && isFinite(t.z[i]) ?
        sc.project(t.x[i], t.y[i], t.z[i]) : null);
    }
    if (mode.indexOf("lines") >= 0) {
      var ln = t.line || {};
      ctx.strokeStyle = css(parseColor(ln.color, [31, 119, 180]));
      ctx.lineWidth = (ln.width || 2) * LINE_SCALE;
      ctx.lineJoin = "round";
      ctx.beginPath();
      var open = false;
      pts.forEach(function (p) {
        if (!p) { open = false; return; }
        if (open) ctx.lineTo(p[0], p[1]);
        else ctx.moveTo(p[0], p[1]);
        open = true;
      });
      ctx.stroke();
    }
    if (mode.indexOf("markers") >= 0) {
      var mk = t.marker || {};
      var size = Array.isArray(mk.size) ? 6 : (mk.size || 6);
      var fill = css(parseColor(Array.isArray(mk.color) ? null : mk.color, [31, 119, 180]));
      var edge = mk.line && mk.line.width ? mk.line : null;
      pts.forEach(function (p) {
        if (!p) return;
        ctx.beginPath();
        ctx.arc(p[0], p[1], size / 2, 0, 2 * Math.PI);
        ctx.fillStyle = fill;
        ctx.fill();
        if (edge) {
          ctx.lineWidth = edge.width;
          ctx.strokeStyle = css(parseColor(edge.color, [0, 0, 0]));
          ctx.stroke();
        }
      });
    }
    return pts.filter(Boolean).length;
  }

  // Paper-referenced annotations (subplot titles).
  function drawAnnotations(ctx, figure, area) {
    var layout = figure.layout || {};
    var base = (layout.font && layout.font.size) || 12;
    var family = (layout.font && layout.font.family) || '"Open Sans", verdana, arial, sans-serif';
    (layout.annotations || []).forEach(function (a) {
      if (a.xref !== "paper" || a.yref !== "paper" || !a.text || a.visible === false) return;
      var size = (a.font && a.font.size) || base;
      ctx.font = size + "px " + family;
      ctx.fillStyle = css(parseColor(a.font && a.font.color, [68, 68, 68]));
      ctx.textAlign = { left: "left", right: "right" }[a.xanchor] || "center";
      ctx.textBaseline = { bottom: "bottom", top: "top" }[a.yanchor] || "middle";
      ctx.fillText(String(a.text).replace(/<[^>]*>/g, ""),
        area.x + Number(a.x) * area.w, area.y + (1 - Number(a.y)) * area.h);
    });
  }

  function draw(figure, width, height, pixelRatio) {
    var list = scenes(figure, width, height);
    if (!list.length || !list.every(function (sc) { return sc.turntable; })) return null;
    var ratio = pixelRatio || 1;
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    var ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    var drawn = { surfaces: 0, quads: 0, points: 0 }; // what the canvas shows, for tests
    list.forEach(function (sc) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(sc.box.x, sc.box.y, sc.box.w, sc.box.h);
      ctx.clip();
      drawWalls(ctx, sc);
      sc.traces.forEach(function (t) {
        if (t.type !== "surface" || t.visible === false) return;
        var quads = drawSurface(ctx, sc, t);
        drawn.surfaces += quads ? 1 : 0;
        drawn.quads += quads;
      });
      sc.traces.forEach(function (t) {
        if (t.type === "scatter3d" && t.visible !== false) drawn.points += drawScatter(ctx, sc, t);
      });
      ctx.restore();
    });
    drawAnnotations(ctx, figure, plotArea(figure, width, height));
    canvas.drawn = drawn;
    return canvas;
  }

  window.Sketch3d = { draw: draw, scenes: scenes };
})();
