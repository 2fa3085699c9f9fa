"""The backend stays importable without Streamlit: nothing under surfaces/ imports it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import surfaces

ROOT = Path(surfaces.__file__).parent

# A fresh interpreter imports every module under surfaces/ and reports whether streamlit came
# along. It pays a cold torch import (seconds), so it starts when this file is collected and
# runs beside the other tests; the test below only collects its answer.
CHILD = subprocess.Popen(
    [sys.executable, "-c",
     "import importlib, pkgutil, sys, surfaces\n"
     "names = [m.name for m in pkgutil.walk_packages(surfaces.__path__, 'surfaces.')]\n"
     "for name in names:\n"
     "    importlib.import_module(name)\n"
     "print(' '.join(names), 'streamlit' in sys.modules)\n"],
    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
)


def streamlit_imports(source: str) -> list[int]:
    """Line numbers of `import streamlit...` / `from streamlit... import ...` in a module."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            lines.append(node.lineno)
    return lines


def test_the_ast_check_finds_streamlit_imports():
    source = "import os\nimport streamlit as st\nfrom streamlit.testing import v1\nimport stx"
    assert streamlit_imports(source) == [2, 3]


def test_no_module_under_surfaces_imports_streamlit():
    files = sorted(ROOT.rglob("*.py"))
    assert ROOT / "grid.py" in files and ROOT / "mnist" / "__init__.py" in files
    offenders = {str(f.relative_to(ROOT)): lines for f in files
                 if (lines := streamlit_imports(f.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_importing_every_surfaces_module_leaves_streamlit_unloaded():
    out, err = CHILD.communicate(timeout=120)
    assert CHILD.returncode == 0, err
    *imported, loaded = out.split()
    modules = {".".join(("surfaces", *f.relative_to(ROOT).with_suffix("").parts))
               .removesuffix(".__init__") for f in ROOT.rglob("*.py")}
    assert set(imported) == modules - {"surfaces"}  # every module under surfaces/ was imported
    assert loaded == "False"
