"""Page runs in progress in this server process, for work that should give way to them.

One Python process serves every student (Streamlit), and a training thread shares its GIL
with the script runs that answer slider moves. The operating system's priorities (the
training thread's nice value) cannot order the GIL; this counter lets the training thread
step aside while a page is being computed (surfaces.mnist.jobs). Pure Python, no Streamlit:
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

    @contextmanager
    def running(self) -> Iterator[None]:
        """Counts as one run in progress for the body of the with statement."""
        with self._lock:
            self._count += 1
        try:
            yield
        finally:
            with self._lock:
                self._count -= 1

    @property
    def count(self) -> int:
        return self._count

    def busy(self) -> bool:
        """True while at least one run is in progress."""
        return self._count > 0


PAGE_RUNS = Activity()  # every page and fragment run of this process
