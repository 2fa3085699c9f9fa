"""Page runs in progress in this server process, for work that should give way to them.

One Python process serves every student (Streamlit), and a training thread shares its GIL
with the script runs that answer slider moves. The operating system's priorities (the
training thread's nice value) cannot order the GIL; this counter lets the training thread
step aside while a page is being computed (surfaces.mnist.jobs). A training in a process
of its own reads the count through shared memory (`mirror_to`). Pure Python, no Streamlit:
lab_components.navigation counts each page and fragment run here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["PAGE_RUNS", "Activity"]


class Activity:
    """A thread-safe count of runs in progress."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()
        self._mirrors: list = []

    @contextmanager
    def running(self) -> Iterator[None]:
        """Counts as one run in progress for the body of the with statement."""
        self._add(1)
        try:
            yield
        finally:
            self._add(-1)

    def _add(self, change: int) -> None:
        with self._lock:
            self._count += change
            for mirror in self._mirrors:
                mirror.value = self._count

    def mirror_to(self, value) -> None:
        """Keep value.value (e.g. a multiprocessing.RawValue("i") that other processes read)
        equal to the count from now on."""
        with self._lock:
            self._mirrors.append(value)
            value.value = self._count

    @property
    def count(self) -> int:
        return self._count

    def busy(self) -> bool:
        """True while at least one run is in progress."""
        return self._count > 0


PAGE_RUNS = Activity()  # every page and fragment run of this process
