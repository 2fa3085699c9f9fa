"""A training thread runs at a lower CPU priority than the server's other threads, so that on
a busy machine the students' page reruns are scheduled first (LSL_TRAINING_NICE)."""

from __future__ import annotations

import os
import threading
from types import SimpleNamespace

import pytest

from surfaces.mnist import jobs

pytestmark = pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no setpriority here")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _priority_seen_by_a_training(nice: str | None, monkeypatch) -> int:
    if nice is None:
        monkeypatch.delenv("LSL_TRAINING_NICE", raising=False)
    else:
        monkeypatch.setenv("LSL_TRAINING_NICE", nice)
    seen = []

    def trainer_factory(config, data):  # runs in the job's worker thread
        seen.append(_nice())
        raise RuntimeError("enough: the priority is all this test needs")

    data = SimpleNamespace(name="none", source="test", note="", y_train=(), y_test=())
    manager = jobs.JobManager(loader=lambda progress: data, trainer_factory=trainer_factory)
    try:
        manager.start("owner", config=SimpleNamespace(steps=10))
        manager._settled.acquire()
        manager._settled.wait_for(lambda: bool(seen) and not manager._running, timeout=10)
        manager._settled.release()
    finally:
        manager.shutdown()
    return seen[0]


def test_a_training_thread_is_reniced_by_ten_by_default_and_the_caller_is_not(monkeypatch):
    before = _nice()
    assert _priority_seen_by_a_training(None, monkeypatch) == min(19, before + 10)
    assert _nice() == before


def test_lsl_training_nice_zero_leaves_the_priority_alone(monkeypatch):
    assert _priority_seen_by_a_training("0", monkeypatch) == _nice()
