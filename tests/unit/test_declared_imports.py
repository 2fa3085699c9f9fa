"""Every third-party module the project imports is declared in pyproject.toml.

A fresh machine installs only what pyproject.toml declares (`.ci/run` builds a new virtual
environment), so an import that only a hand-installed package satisfies breaks there. This
reads the imports of every Python file of the project with `ast` (and the module names the
router preloads by name) and maps each third-party top-level module to the distributions
that provide it. A module counts as declared only if one of those distributions is declared
directly: a dependency of a dependency may disappear in its next release.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {"build", "dist", "node_modules", "mutants", "__pycache__"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions(pyproject: Path) -> set[str]:
    """Normalised names of the distributions in dependencies and every optional extra."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return {_normalise(re.split(r"[<>=!~\[;@ ]", r, maxsplit=1)[0]) for r in requirements}


def python_files(root: Path) -> list[Path]:
    """The project's Python files: hidden folders (virtual environments) and build output out."""
    out = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(p.startswith(".") or p in SKIP_DIRS or "venv" in p for p in parts[:-1]):
            continue
        out.append(path)
    return out


def imported_modules(path: Path) -> set[str]:
    """Top-level names of the absolute imports in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def local_names(root: Path) -> set[str]:
    """Modules that are the project's own: top-level packages and any file's stem (bench/
    and test helpers import their neighbours by file name)."""
    return {p.name for p in root.iterdir() if p.is_dir()} | {p.stem for p in python_files(root)}


def undeclared_imports(root: Path, extra_modules: dict[str, str] | None = None) -> list[str]:
    """'module (file)' for each third-party module imported but not declared, sorted."""
    declared = declared_distributions(root / "pyproject.toml")
    local = local_names(root)
    providers = md.packages_distributions()
    found: dict[str, str] = dict(extra_modules or {})
    for path in python_files(root):
        for name in imported_modules(path):
            found.setdefault(name, str(path.relative_to(root)))
    problems = []
    for module, where in sorted(found.items()):
        if module in sys.stdlib_module_names or module in local or module == "__future__":
            continue
        dists = {_normalise(d) for d in providers.get(module, [module])}
        if not dists & declared:
            problems.append(f"{module} ({where})")
    return problems


def preloaded_modules() -> dict[str, str]:
    """Modules the router imports by name (lab_components/preload.py), top-level -> file."""
    from lab_components import preload

    return {name.split(".")[0]: "lab_components/preload.py" for name in preload.MODULES}


def test_every_third_party_import_is_declared():
    problems = undeclared_imports(ROOT, preloaded_modules())
    assert not problems, (
        "imported but not declared in pyproject.toml (a fresh machine will not have them): "
        + ", ".join(problems)
    )


def test_the_check_names_the_module_and_the_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["numpy>=1"]\n'
        '[project.optional-dependencies]\ntest = ["pytest"]\n'
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(
        "import os\nimport numpy as np\nimport pytest\nfrom pkg import b\nfrom . import c\n"
        "import hypothesis.strategies\n"
    )
    (tmp_path / "pkg" / "b.py").write_text("from torch import nn\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "ignored.py").write_text("import plotly\n")
    assert undeclared_imports(tmp_path) == ["hypothesis (pkg/a.py)", "torch (pkg/b.py)"]


def test_a_dependency_of_a_dependency_does_not_count(tmp_path):
    # pandas comes with streamlit, but a page importing pandas must declare it itself.
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["streamlit"]\n'
    )
    (tmp_path / "app.py").write_text("import streamlit\nimport pandas\n")
    assert undeclared_imports(tmp_path) == ["pandas (app.py)"]


@pytest.mark.parametrize("spec, name", [
    ("torch>=2.2,<3", "torch"), ("Pillow >= 10", "pillow"),
    ("typing_extensions", "typing-extensions"),
    ("foo[bar]>=1; python_version<'3.12'", "foo"),
])
def test_requirement_names_are_normalised(tmp_path, spec, name):
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\ndependencies = ["{spec}"]\n')
    assert declared_distributions(tmp_path / "pyproject.toml") == {name}
