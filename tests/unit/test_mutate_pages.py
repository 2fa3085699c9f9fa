"""bench/mutate_pages.py, the pages' hand-written mutation test, is run by hand: these checks
keep its mutations in step with the code, so that a refactoring cannot leave it measuring
nothing (it once found 41 of its 48 texts gone from the files it mutates)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load():
    path = ROOT / "bench" / "mutate_pages.py"
    spec = importlib.util.spec_from_file_location("mutate_pages", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


MP = _load()


@pytest.mark.parametrize("mutation", MP.MUTATIONS, ids=lambda m: m.id)
def test_each_mutation_applies_once_and_gives_python(mutation):
    source = (ROOT / mutation.path).read_text(encoding="utf-8")
    assert source.count(mutation.old) == 1, f"{mutation.old!r} in {mutation.path}"
    mutated = source.replace(mutation.old, mutation.new)
    assert mutated != source
    compile(mutated, mutation.path, "exec")  # a mutant that does not parse measures nothing
    assert all((ROOT / test).is_file() for test in mutation.tests)


def test_mutation_ids_are_unique():
    ids = [m.id for m in MP.MUTATIONS]
    assert len(ids) == len(set(ids))
