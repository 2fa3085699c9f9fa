// Builds ../frontend/plotly.min.js: plotly.js core plus only the trace types in traces.json
// (the types the app's figures use; tests/unit/test_plotly_bundle.py checks the list).
// Run `npm ci && npm run build` here after changing traces.json or the plotly.js pin; commit
// the output. The app itself never needs node.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const traces = JSON.parse(readFileSync(join(here, "traces.json"), "utf8"));
const version = require("plotly.js/package.json").version;
const outfile = join(here, "..", "frontend", "plotly.min.js");

// The entry: core (which registers scatter itself) and each trace module, as plotly.js's own
// lib/index-*.js partial bundles do.
const scratch = mkdtempSync(join(tmpdir(), "plotly-view-"));
const entry = join(scratch, "entry.js");
writeFileSync(entry, [
  "var Plotly = require('plotly.js/lib/core');",
  `Plotly.register([${traces.map((t) => `require('plotly.js/lib/${t}')`).join(", ")}]);`,
  "module.exports = Plotly;",
  "",
].join("\n"));

// The header of plotly.js's own dist files, with the trace list added.
const banner = `/**
* plotly.js v${version}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Partial bundle for plotly_view (lab_components/plotly_view/bundle): ${traces.join(", ")}
*/`;

try {
  // As plotly.js's esbuild-config.js, less its plugins: no trace here loads GLSL sources,
  // and the only CSS (maplibre's, for map traces) is left out.
  await esbuild.build({
    entryPoints: [entry],
    nodePaths: [join(here, "node_modules")],
    outfile,
    format: "iife",
    globalName: "Plotly",
    bundle: true,
    minify: true,
    legalComments: "eof",
    banner: { js: banner },
    footer: { js: "window.Plotly = Plotly;" },
    alias: { regl: "@plotly/regl", stream: "stream-browserify" },
    define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
    loader: { ".css": "empty" },
    target: "es2016",
    logLevel: "info",
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
