"""The project's .streamlit/config.toml, as Streamlit itself reads it for `streamlit run
app.py` from the repository root (development, Streamlit Community Cloud, the browser
tests; README's `deploy/serve.py` sets the same option itself)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _effective_config() -> str:
    out = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout


def test_streamlit_run_watches_no_files():
    """With the file watcher on, every new session (and every run that imports something)
    walked all of sys.modules on the event loop: a new visitor's first 3-D figure 2 s later,
    path moves 50-80 ms slower (docs/benchmarks.md)."""
    config = _effective_config()
    assert re.search(r'^fileWatcherType = "none"$', config, re.MULTILINE), (
        re.findall(r".*fileWatcherType.*", config))
