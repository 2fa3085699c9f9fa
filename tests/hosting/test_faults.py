"""Broken and hostile clients against the production server: the others keep being served.

Every client here is `deploy.student.Tab`, which speaks Streamlit's websocket protocol the
way a browser tab does; the hostile ones then send what no browser would.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from deploy.student import QUEUED, TRAIN, Tab, choose_long_training, training
from tests.hosting.conftest import arun

pytestmark = pytest.mark.hosting


async def _working(url: str) -> None:
    """A fresh tab opens the lab and moves a slider (the figure frame's) without an error."""
    tab = Tab(url)
    run = await tab.open()
    assert run.exceptions == [] and run.errors == []
    _, run = await tab.move_frame({"y1": -7.5})
    assert run.exceptions == [] and run.errors == []
    assert parse_qs(tab.query)["y1"] == ["-7.5"]
    await tab.close()


@pytest.mark.parametrize(("payload", "code"), [
    (b"\x0a\xff\xff\xff\xff\x0fnot a protobuf", 1002),  # a BackMsg that does not parse
    ("a text frame", None),  # Streamlit speaks binary frames only
])
def test_a_malformed_message_closes_that_connection_only(prod, payload, code):
    async def scenario():
        hostile = Tab(prod.url)
        await hostile.open()
        await hostile.send_raw(payload)
        closed = await hostile.wait_closed(10)
        await _working(prod.url)
        return closed

    closed = arun(scenario())
    assert closed is not None
    if code is not None:
        assert closed == code


@pytest.mark.parametrize("value", [
    {"double_array_value": {"data": [1e6]}},  # out of range
    {"double_array_value": {"data": [float("nan")]}},
    {"double_array_value": {"data": [1.0, 2.0]}},  # a range where the slider has one value
    {"string_value": "x"},  # wrong types: Streamlit itself would raise before the page runs
    {"double_value": 3.0},
    {"bool_value": True},
    {"trigger_value": True},
])
def test_a_widget_value_the_slider_cannot_take_is_dropped_and_said(prod, value):
    # the simplex page: its start point is a Streamlit slider
    tab, run = _bad_value_after_a_good_one(
        prod, "triangle", lambda tab: tab.set_slider("Start y1", -6.5), "slider", "Start y1",
        value)
    _said_and_kept(tab, run, "y1", "-6.5")  # the previous value, not the default


def _bad_value_after_a_good_one(prod, path: str, hold, kind: str, label: str, value: dict):
    """A tab on `path` holds a good value (`hold(tab)`) and reruns, then sends `value` for the
    `kind` widget `label` and reruns: the tab, and that last run."""
    async def scenario():
        tab = Tab(prod.url, path=path)
        await tab.open()
        hold(tab)
        await tab.rerun()
        tab.set_state(WidgetState(id=tab.widget(kind, label).id, **value))
        run = await tab.rerun()
        await tab.close()
        return tab, run

    return arun(scenario())


def _said_and_kept(tab: Tab, run, field: str, kept: str) -> None:
    """The run raised nothing, said in one warning which setting and the value kept, and the
    link keeps that value."""
    assert run.exceptions == [] and run.errors == []
    [warning] = run.warnings
    assert field in warning and kept in warning
    assert parse_qs(tab.query)[field] == [kept]


def test_numbers_typed_on_the_mnist_page_are_taken_as_a_browser_sends_them(prod):
    """A browser sends an integer number input's value as an int_value, where Streamlit
    registers every number input as a double_value: the page takes it, with no warning
    (it was dropped and reported as a bad value on every Train press)."""
    async def scenario():
        tab = Tab(prod.url, path="mnist")
        await tab.open()
        for label, value in (("Steps", 3000), ("Test every … steps", 20), ("Seed", 7)):
            tab.set_number(label, value)
        run = await tab.rerun()
        await tab.close()
        return tab, run

    tab, run = arun(scenario())
    assert run.exceptions == [] and run.errors == [] and run.warnings == []
    query = parse_qs(tab.query)
    assert (query["steps"], query["eval_every"], query["seed"]) == (["3000"], ["20"], ["7"])


@pytest.mark.parametrize("value", [
    {"int_value": 70_000},  # above the input's maximum: Streamlit would reset it unsaid
    {"int_value": 0},  # below its minimum
    {"double_value": 2500.5},  # a fraction for a whole number
    {"double_value": float("nan")},
    {"double_value": float("inf")},
    {"string_value": "3000"},
])
def test_a_number_the_input_cannot_take_is_dropped_and_said(prod, value):
    tab, run = _bad_value_after_a_good_one(
        prod, "mnist", lambda tab: tab.set_number("Steps", 4000), "number_input", "Steps",
        value)
    _said_and_kept(tab, run, "steps", "4000")


def test_a_rerun_flood_from_one_client_does_not_stop_the_others(prod):
    async def scenario():
        flood = Tab(prod.url, path="triangle")
        await flood.open()
        slider = flood.widget("slider", "Start y1").id
        for i in range(300):  # as fast as the socket takes them, never waiting for a run
            state = WidgetState(id=slider)
            state.double_array_value.data.append(-9.5 + (i % 10) / 2)
            flood.set_state(state)
            await flood._send(flood.request())
        others = await asyncio.gather(*(_working(prod.url) for _ in range(3)))
        last = await flood.rerun(timeout=60)  # and the flooder still gets its page
        await flood.close()
        return others, last

    _, last = arun(scenario())
    assert last.exceptions == [] and last.errors == []


def _alerts(tab: Tab) -> str:
    return " | ".join(tab.texts("alert") + tab.texts("progress"))


async def _poll(tab: Tab, until, timeout: float, what: str) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = _alerts(tab)
        if until(text):
            return text
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}: {_alerts(tab)}")


@pytest.mark.parametrize("leave", ["abort", "close"])
def test_a_training_whose_tab_went_away_stops_and_frees_its_slot(prod, leave):
    """LSL_MAX_TRAININGS=1, LSL_JOB_IDLE_SECONDS=3: B waits behind A's training until A's
    tab (dropped, or closed) has stopped polling for 3 s; then A's run stops and B trains."""

    async def scenario():
        a = Tab(prod.url, path="mnist")
        await a.open()
        choose_long_training(a)
        await a.rerun()
        await a.rerun(triggers=[a.press(TRAIN)])
        await _poll(a, lambda _: training(a), 30, "A to train")
        a_trains = niced_descendants(prod.proc.pid)
        b = Tab(prod.url, path="mnist")
        await b.open()
        await b.rerun(triggers=[b.press(TRAIN)])
        queued = await _poll(b, lambda s: QUEUED in s, 10, "B to wait in the queue")
        left = time.monotonic()
        a.abort() if leave == "abort" else await a.close()
        await _poll(b, lambda s: training(b) or "Finished" in s, 30, "B to get the slot")
        waited = time.monotonic() - left
        b_trains = niced_descendants(prod.proc.pid)
        await b.close()
        return queued, waited, a_trains, b_trains

    queued, waited, a_trains, b_trains = arun(scenario())
    assert "number 1 in the queue" in queued
    assert waited >= 2.5  # A's run held the slot until its tab had been silent ~3 s
    # Each training ran in a process of its own, 10 nicer than the server; A's has ended.
    assert len(a_trains) == 1 and len(b_trains) <= 1 and not set(a_trains) & set(b_trains)


def niced_descendants(root: int) -> list[int]:
    """Processes under root (any depth) whose nice value is the server's + 10 (Linux /proc)."""
    def stat(pid: int) -> list[str]:
        text = Path(f"/proc/{pid}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on

    parents, nice = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = stat(int(entry.name))
            except (OSError, ValueError):
                continue  # gone meanwhile
            parents[int(entry.name)], nice[int(entry.name)] = int(fields[1]), int(fields[16])
    under, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - under
        under |= frontier
    return sorted(pid for pid in under if nice[pid] == min(19, nice.get(root, 0) + 10))
