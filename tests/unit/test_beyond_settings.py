"""What the pages beyond the slide carry over to the lab: a clicked start, snapped to the
lab's slider grid, and the lab's link built from a page's settings."""

from __future__ import annotations

import math
from types import SimpleNamespace as Point

import pytest

from surfaces import beyond_settings as B
from surfaces import settings as lab


@pytest.mark.parametrize(("x", "y", "start"), [
    (-5.2, 5.2, (-5.0, 5.0)),  # a 51-point grid's cell centre -> the slider's 0.5 grid
    (1.23, -3.74, (1.0, -3.5)),
    (10.0, -10.0, (10.0, -10.0)),  # the square's corner is still on it
])
def test_a_clicked_cell_becomes_a_start_on_the_labs_grid(x, y, start):
    got = B.clicked_start(Point(x=x, y=y), span=10.0)
    assert got == start
    step = lab.FIELD["y1"].step
    assert all(math.isclose(v / step, round(v / step)) for v in got)


@pytest.mark.parametrize("click", [
    None,
    Point(x=10.5, y=0.0),  # outside the square the map shows
    Point(x=0.0, y=-11.0),
    Point(x=float("nan"), y=0.0),
    Point(x="a", y=0.0),
    Point(x=None, y=1.0),
    object(),  # no coordinates at all
])
def test_no_start_for_a_missing_or_bad_click(click):
    assert B.clicked_start(click, span=10.0) is None


def test_the_labs_link_carries_the_clicked_start_and_the_shared_settings():
    s = B.ESCAPE.settings_cls(opt="momentum", lr=0.3, y3=-1000.0, target=1)
    query = B.lab_query(s, y1=-5.0, y2=5.0)
    settings, notes = lab.TABLE.from_query(query)
    assert not notes
    assert (settings.y1, settings.y2, settings.opt, settings.lr) == (-5.0, 5.0, "momentum", 0.3)
