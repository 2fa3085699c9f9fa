"""No module is imported for the first time inside a page run (issue 6 §2).

A module first imported inside a rerun is half-initialised in `sys.modules` until that import
returns, and an overlapping rerun that looks it up without importing it (plotly's
`get_module("pandas", should_load=False)`) gets the half-built module: the first visitor's
`AttributeError: partially initialized module 'pandas' has no attribute 'NaT'`. The router
imports `lab_components.preload` before any page code; this test runs, in a fresh
interpreter, every page with links that exercise every branch (a camera in the link, which
sends a dict through the component call that first imported pandas; every optimiser;
presets; languages) and fails naming every module that a page run imported first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(r"""
    import json, sys
    from streamlit.testing.v1 import AppTest

    # AppTest's own machinery, imported by a throwaway run, is not the app's business.
    AppTest.from_string("import streamlit as st\nst.write(1)").run()
    import contextlib
    with contextlib.suppress(ImportError):  # what the router imports first (absent before the fix)
        import lab_components.navigation  # noqa: F401
    before = set(sys.modules)

    links = json.loads(sys.argv[1])
    for page, query in links:
        at = AppTest.from_file(page, default_timeout=120)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, (page, query, at.exception)
    print(json.dumps(sorted(set(sys.modules) - before)))
""")

LINKS = [
    ("pages/surface_lab.py", {}),
    ("pages/surface_lab.py", {"cam": "-2,0.5,1.5", "opt": "adam", "projector": "1"}),
    *[("pages/surface_lab.py", {"opt": opt, "y3": "0", "target": "3", "lang": lang})
      for opt, lang in (("momentum", "zh-Hans"), ("nesterov", "zh-Hant"), ("adagrad", "en"),
                        ("rmsprop", "en"), ("sgd", "en"))],
    ("pages/surface_lab.py", {"lr": "30000", "res": "51", "span": "3"}),
    ("pages/mnist_training.py", {}),
    ("pages/mnist_training.py", {"lang": "zh-Hans"}),
    ("pages/escape_map.py", {}),
    ("pages/escape_map.py", {"opt": "adam", "y3": "0", "res": "51", "lang": "zh-Hant"}),
    ("pages/gradient_anatomy.py", {"naive": "1", "f32": "1", "target": "3", "lang": "zh-Hans"}),
    ("pages/simplex.py", {"y3": "0", "projector": "1"}),
    ("pages/logistic_1d.py", {}),
    ("pages/learning_rates.py", {}),
]
# Modules a page run may import first: none of these can be half-seen by other code.
HARMLESS_PREFIXES = ("encodings.",)


def test_no_page_run_imports_a_module_for_the_first_time():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(LINKS)], cwd=ROOT, capture_output=True,
        text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    new = [m for m in json.loads(out.stdout.strip().splitlines()[-1])
           if not m.startswith(HARMLESS_PREFIXES)]
    assert not new, (
        f"{len(new)} modules were first imported inside a page run; add them to "
        f"lab_components/preload.py: {new[:40]}"
    )
