"""plotly_panels' protocol under AppTest: a base is sent once per content, and again when the
frame asks for it."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from lab_components.plotly_view import Panel, blob, plotly_panels
from lab_components.plotly_view.testing import component_args, decode, figures_in

SCRIPT = """
import numpy as np, plotly.graph_objects as go, streamlit as st
from lab_components.plotly_view import Panel, blob, plotly_panels
shift = st.slider("shift", 0, 3, 0, key="shift")
y = st.slider("y", 0, 3, 0, key="y")
base = blob(go.Figure(go.Surface(z=np.arange(16.0).reshape(4, 4) + shift),
                      layout={"title": {"text": "bowl"}}))
plotly_panels([Panel(go.Figure(go.Scatter3d(x=[0, 1], y=[y, y], z=[0, 1])), 300, base),
               Panel(go.Figure(go.Scatter(y=[y, 2 * y])), 200)], key="view")
"""


def run(at: AppTest) -> dict:
    at.run(timeout=30)
    assert not at.exception, [e.value for e in at.exception]
    (args,) = component_args(at)
    return args


def test_base_goes_once_per_content_and_small_traces_every_run():
    at = AppTest.from_string(SCRIPT)
    first = run(at)
    assert len(first["blobs"]) == 1
    digest = first["panels"][0]["base"]
    assert list(first["blobs"]) == [digest]
    assert first["panels"][1]["base"] is None

    at.slider(key="y").set_value(2)
    second = run(at)
    assert second["blobs"] == {}  # the frame has it
    assert second["panels"][0]["base"] == digest
    surface, path = figures_in(at)[0]["data"]
    np.testing.assert_array_equal(decode(surface["z"]), np.arange(16.0).reshape(4, 4))
    assert path["y"] == [2, 2] or list(decode(path["y"])) == [2, 2]
    assert figures_in(at)[0]["layout"]["title"]["text"] == "bowl"  # the base's layout

    at.slider(key="shift").set_value(1)
    third = run(at)
    (new,) = third["blobs"]
    assert new != digest  # new content, new digest, sent
    np.testing.assert_array_equal(decode(json.loads(third["blobs"][new])["data"][0]["z"]),
                                  np.arange(16.0).reshape(4, 4) + 1)

    at.slider(key="shift").set_value(0)
    assert run(at)["blobs"] == {}  # still held by the frame: not sent again


def test_a_base_the_frame_asks_for_is_sent_again_once():
    at = AppTest.from_string(SCRIPT)
    digest = run(at)["panels"][0]["base"]
    assert run(at)["blobs"] == {}
    # The frame (e.g. a new iframe after a page switch) reports that it lacks the base.
    at.session_state["view"] = {"cameras": None, "missing": [digest], "seq": 1}
    assert list(run(at)["blobs"]) == [digest]
    assert run(at)["blobs"] == {}  # that request is answered; the same value is not a new one
    at.session_state["view"] = {"cameras": None, "missing": [digest], "seq": 2}
    assert list(run(at)["blobs"]) == [digest]


def test_blob_digest_is_the_content():
    a = blob([go.Scatter(y=np.arange(20.0))])
    b = blob([go.Scatter(y=np.arange(20.0))])
    c = blob([go.Scatter(y=np.arange(20.0) + 1)])
    assert a.digest == b.digest != c.digest
    (trace,) = json.loads(a.json)
    assert trace["y"]["dtype"] == "f4"  # packed as float32


def test_bad_panels_are_refused_with_exact_messages():
    with pytest.raises(ValueError, match="panels must hold at least one Panel. Got none"):
        plotly_panels([], key="k")
    with pytest.raises(ValueError, match="height must be a positive number of pixels. Got 0"):
        plotly_panels([Panel(go.Figure(), 0)], key="k")


def test_a_blob_still_held_is_found_however_many_were_made_since():
    """A page's cached Blob outlives the last-made list: tests must still resolve it (an
    AppTest run after many other pages' blobs could not: 'no longer known')."""
    from lab_components.plotly_view import _REGISTRY_SIZE, blob, lookup

    held = blob('[{"type": "scatter", "y": [1, 2, 3]}]')
    for k in range(_REGISTRY_SIZE + 5):
        blob(f'[{{"type": "scatter", "y": [{k}]}}]')
    assert lookup(held.digest) == held.json


SHARED = """
import numpy as np, plotly.graph_objects as go, streamlit as st
from lab_components.plotly_view import Panel, blob, plotly_panels
z = np.sin(np.arange(101 * 101.0)).reshape(101, 101) + st.slider("shift", 0, 3, 0, key="s")
plotly_panels([Panel(go.Figure(), 300, blob(go.Figure(go.Surface(z=z)))),
               Panel(go.Figure(), 200, blob(go.Figure(go.Heatmap(z=z, showscale=False))))],
              key="view")
"""


def test_an_array_two_bases_share_goes_once_per_message():
    """The lab's 3-D view and its maps draw the same surfaces: one copy on the wire."""
    at = AppTest.from_string(SHARED)
    args = run(at)
    assert len(args["blobs"]) == 2 and len(args["arrays"]) == 1
    (data,) = args["arrays"].values()
    assert len(data) > 101 * 101 * 4  # the float32 surface, base64
    wire = json.dumps(args)
    assert wire.count(data) == 1
    surface, heat = (fig["data"][0]["z"] for fig in figures_in(at))
    np.testing.assert_array_equal(decode(surface), decode(heat))
    assert decode(surface).shape == (101, 101)
    at.slider(key="s").set_value(1)
    again = run(at)  # new surfaces: both bases again, the array once
    assert len(again["blobs"]) == 2 and len(again["arrays"]) == 1
    assert run(at)["arrays"] == {}  # nothing new to send
