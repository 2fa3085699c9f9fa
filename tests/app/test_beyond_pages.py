"""AppTest of the five pages beyond the slide: every widget moved (and in the URL), the URL
round trip, hostile links fixed in one line, presets, and the charts carrying the backend's
numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab_components.plotly_view.testing import component_args, decode, figures_in
from surfaces import beyond_settings as B
from surfaces import settings as S
from surfaces.escape import escape_map
from surfaces.fields import FieldTable
from surfaces.logistic import descend_1d
from surfaces.rates import label_run

ROOT = Path(__file__).resolve().parents[2]
PAGES = {  # file -> (field table, presets, number of figures)
    "pages/escape_map.py": (B.ESCAPE, B.ESCAPE_PRESETS, 1),
    "pages/gradient_anatomy.py": (B.ANATOMY, B.ANATOMY_PRESETS, 3),
    "pages/simplex.py": (B.SIMPLEX, B.SIMPLEX_PRESETS, 1),
    "pages/logistic_1d.py": (B.LOGISTIC, {}, 1),
    "pages/learning_rates.py": (B.RATES, {}, 3),
}
HIDDEN = {"momentum", "beta1", "beta2", "alpha", "eps"}  # shown only for their optimiser


def run(file: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / file), default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def url(at: AppTest) -> dict:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def moved(field, value):
    """Another allowed value next to `value`: one step or the neighbouring choice."""
    if field.kind == "bool":
        return not value
    if field.kind == "choice":
        i = field.choices.index(value)
        return field.choices[i + 1 if i + 1 < len(field.choices) else i - 1]
    step = field.step or 1
    new = value + step if value + step <= field.hi else value - step
    return int(new) if field.kind == "int" else round(new, 10)


def widget(at: AppTest, table: FieldTable, name: str):
    key = f"{table.name}_w_{name}"
    kind = table.field[name].widget_kind
    getter = {"slider": at.slider, "select_slider": at.select_slider, "radio": at.radio,
              "selectbox": at.selectbox, "toggle": at.toggle}[kind]
    return getter(key=key)


@pytest.mark.parametrize("file", PAGES)
def test_default_page_draws_its_figures_and_a_clean_url(file):
    table, _, n_figures = PAGES[file]
    at = run(file)
    assert len(figures_in(at)) == n_figures
    assert not at.get("plotly_chart")  # one plotly.js per page: no Streamlit chart bundle
    assert not at.warning
    assert url(at) == table.to_query(table.defaults)


@pytest.mark.parametrize("file", PAGES)
def test_every_widget_moves_and_lands_in_the_url_and_back(file):
    table, _, _ = PAGES[file]
    at = run(file)
    values = table.defaults
    for field in table.fields:
        if field.name in HIDDEN:
            continue
        new = moved(field, getattr(values, field.name))
        widget(at, table, field.name).set_value(new).run()
        assert not at.exception, (field.name, at.exception)
        assert url(at)[field.name] == field.format(new), field.name
    shared = url(at)
    # the link reproduces every widget
    again = run(file, shared)
    assert not again.warning
    linked, notes = table.from_query(shared)
    assert not notes
    for field in table.fields:
        if field.name not in HIDDEN:
            assert widget(again, table, field.name).value == getattr(linked, field.name)
    assert url(again) == shared


@pytest.mark.parametrize("file", PAGES)
def test_hostile_link_is_fixed_and_reported_in_one_line(file):
    table, _, n_figures = PAGES[file]
    hostile = {}
    for field in table.fields[:4]:
        hostile[field.name] = {"bool": "maybe", "choice": "1e999", "int": "-1e9",
                               "float": "nan"}[field.kind]
    at = run(file, {**hostile, "unknown": "x"})
    assert len(at.warning) == 1
    for name in hostile:
        assert f"{name}=" in at.warning[0].value
    assert len(figures_in(at)) == n_figures
    # the fixed values are what the URL now holds
    fixed, notes = table.from_query(hostile)
    assert len(notes) == len(hostile)
    for name in hostile:
        assert url(at)[name] == table.field[name].format(getattr(fixed, name))


@pytest.mark.parametrize("file", [f for f in PAGES if PAGES[f][1]])
def test_presets_set_their_fields(file):
    table, presets, _ = PAGES[file]
    at = run(file)
    for name, preset in presets.items():
        at.button(key=f"{table.name}_preset_{name}").click().run()
        assert not at.exception
        for field, value in preset.changes.items():
            assert url(at)[field] == table.field[field].format(value), (name, field)
        assert at.info  # the preset's story


def test_escape_map_shows_the_backends_map_and_links_the_lab():
    at = run("pages/escape_map.py", {"res": "51", "opt": "adam", "lr": "0.3", "steps": "150"})
    fig = figures_in(at)[0]
    s = B.EscapeSettings(res=51, opt="adam", lr=0.3, steps=150)
    heatmaps = [t for t in fig["data"] if t["type"] == "heatmap"]
    for trace, loss in zip(heatmaps, ("mse", "cross_entropy"), strict=True):
        expected = escape_map(loss, optimizer="adam", lr=0.3, steps=150, threshold=s.thr,
                              lo=-10, hi=10, n=51, **s.hyper())
        np.testing.assert_array_equal(decode(trace["customdata"]), expected)
    link = next(m.value for m in at.markdown if "](./?" in m.value)
    query = dict(p.split("=") for p in link.split("](./?")[1].rstrip(")").split("&"))
    opened, notes = S.from_query(query)
    assert not notes
    assert (opened.opt, opened.lr, opened.steps, opened.y1, opened.y2) == ("adam", 0.3, 150, -8.0,
                                                                           8.0)


def test_anatomy_point_moves_its_markers_and_the_maps_are_sent_once():
    at = run("pages/gradient_anatomy.py", {"y1": "-6", "y2": "4", "res": "51"})
    args = component_args(at)[0]
    assert len(args["blobs"]) == 1  # the two norm maps and the stall zone, once
    at.slider(key="anatomy_w_y1").set_value(-5.5).run()
    assert not at.exception
    args = component_args(at)[0]
    assert args["blobs"] == {}  # the point moved: the maps are not sent again
    norms = figures_in(at)[0]
    marks = [(t["x"], t["y"], t.get("xaxis")) for t in norms["data"] if t["type"] == "scatter"]
    assert marks == [([-5.5], [4.0], "x"), ([-5.5], [4.0], "x2")]
    heatmaps = [t for t in norms["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2 and decode(heatmaps[0]["z"]).shape == (51, 51)


# page -> (a field a lecturer nudges that leaves the big figure parts as they are, the traces
# that must follow it, read from the merged figures as (figure, trace type))
NUDGES = {
    "pages/escape_map.py": ("y1", (0, "scatter")),
    "pages/simplex.py": ("y2", (0, "scatterternary")),
    "pages/logistic_1d.py": ("w0", (0, "scatter")),
    "pages/learning_rates.py": ("w0", (0, "scatter")),
    "pages/gradient_anatomy.py": ("y1", (0, "scatter")),
}


@pytest.mark.parametrize("file", NUDGES)
def test_a_nudge_resends_no_big_figure_part_and_redraws_what_follows_it(file):
    table = PAGES[file][0]
    name, (index, kind) = NUDGES[file]
    at = run(file)
    before = [t for t in figures_in(at)[index]["data"] if t["type"] == kind]
    assert any(args["blobs"] for args in component_args(at))  # the first run sends them
    control = widget(at, table, name)
    control.set_value(moved(table.field[name], control.value)).run()
    assert not at.exception
    assert all(args.get("blobs", {}) == {} for args in component_args(at))
    after = [t for t in figures_in(at)[index]["data"] if t["type"] == kind]
    assert len(after) == len(before) and after != before


def test_escape_map_share_sentence_matches_the_maps():
    at = run("pages/escape_map.py", {"res": "51"})
    grids = {loss: escape_map(loss, optimizer="sgd", lr=1.0, steps=200, threshold=0.01, lo=-10,
                              hi=10, n=51) for loss in ("mse", "cross_entropy")}
    text = next(m.value for m in at.markdown if "**" in m.value and "%" in m.value)
    assert f"**{(grids['mse'] >= 0).mean():.0%}**" in text
    assert f"**{(grids['cross_entropy'] >= 0).mean():.0%}**" in text


def test_logistic_page_draws_the_descents():
    at = run("pages/logistic_1d.py", {"w0": "-4", "lr": "1", "steps": "20"})
    fig = figures_in(at)[0]
    dots = [t for t in fig["data"] if t.get("mode") == "markers+lines"]
    run_ce = descend_1d("cross_entropy", -4.0, lr=1.0, steps=20)
    np.testing.assert_allclose(decode(dots[0]["x"]), run_ce.weights)
    assert fig["data"][0]["line"]["color"] == "#000000"  # cross-entropy in black


def test_rates_page_labels_each_curve():
    at = run("pages/learning_rates.py")
    fig = figures_in(at)[0]
    names = [t["name"] for t in fig["data"]]
    assert names[:4] == ["rate 0.01: too small", "rate 0.3: right", "rate 1: too large",
                         "rate 5: diverging"]
    for trace in fig["data"][:4]:
        label = trace["name"].split(": ")[1].replace(" ", "_")
        assert label_run(decode(trace["y"]), best=4.319301386697706) == label


def test_chinese_pages_use_the_course_terms():
    at = run("pages/escape_map.py", {"lang": "zh-Hans"})
    assert at.title[0].value == "逃离图：哪些起点能走出来？"
    assert any("均方误差" in m.value and "交叉熵" in m.value for m in at.markdown)
    at = run("pages/learning_rates.py", {"lang": "zh-Hant"})
    assert at.title[0].value == "學習率"



def test_the_lab_links_to_the_pages_with_its_settings():
    at = run("pages/surface_lab.py", {"opt": "adam", "lr": "0.3", "y1": "-6", "res": "401",
                                      "steps": "1500"})
    text = next(m.value for m in at.markdown if "](./escape?" in m.value)
    links = dict(re.findall(r"\]\(\./([a-z-]+)\?([^)]*)\)", text))
    assert set(links) == {"escape", "anatomy", "triangle"}
    escape, notes = B.ESCAPE.from_query(dict(p.split("=") for p in links["escape"].split("&")))
    assert not notes  # 401 and 1500 are not offered there: that page's defaults instead
    assert (escape.opt, escape.lr, escape.y1, escape.res, escape.steps) == ("adam", 0.3, -6.0,
                                                                            101, 200)
    anatomy, _ = B.ANATOMY.from_query(dict(p.split("=") for p in links["anatomy"].split("&")))
    assert (anatomy.y1, anatomy.y2) == (-6.0, 8.0)
