"""requirements.txt (what Streamlit Community Cloud installs) pins what pyproject.toml
declares, and every place that installs torch pins the same CPU build."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        [spec] = requirement.specifier  # exactly one specifier: ==
        assert spec.operator == "==", line
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def test_requirements_pin_every_runtime_dependency_within_its_declared_range():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = _pins()
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])
    assert set(pins) == {canonicalize_name(Requirement(r).name) for r in declared}


def test_torch_is_the_same_cpu_build_in_requirements_dockerfile_and_ci():
    requirements = (ROOT / "requirements.txt").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in requirements
    assert re.search(r"--index-url https://download\.pytorch\.org/whl/cpu torch==", dockerfile)
    versions = {re.search(r"torch==([\d.]+)", text).group(1)
                for text in (requirements, dockerfile, ci)}
    assert len(versions) == 1, versions
    assert _pins()["torch"] == versions.pop() + "+cpu"


def test_the_image_runs_the_production_start_as_a_non_root_user_with_a_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK .*\n.*/_stcore/health", dockerfile, re.M)
    assert 'CMD ["python", "deploy/serve.py"]' in dockerfile
