"""AppTest of the error-surface lab page: widgets, presets, figures, the URL, hostile links."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab_components.plotly_view.testing import decode, figures_in
from surfaces import settings as S
from surfaces.descent import HYPER_DEFAULTS

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "surface_lab.py")


def run(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def key(name: str) -> str:
    return f"lab_w_{name}"


def url(at: AppTest) -> dict:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def paths_3d(at: AppTest) -> dict[str, np.ndarray]:
    """name -> (n, 2) path points of the lines drawn on the two 3-D surfaces."""
    fig = figures_in(at)[0]
    out = {}
    for trace in fig["data"]:
        if trace["type"] == "scatter3d" and trace["name"].endswith("path"):
            out[trace["name"]] = np.column_stack([decode(trace["x"]), decode(trace["y"])])
    return out


def table(at: AppTest) -> dict[str, dict]:
    """The summary table (Markdown) as {loss: {column: cell}}."""
    text = next(m.value for m in at.markdown if m.value.startswith("| loss"))
    head, _, *rows = [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()]
    return {row[0]: dict(zip(head, row, strict=True)) for row in rows}


@pytest.fixture(scope="module")
def default_at() -> AppTest:
    return run()


def test_default_page_draws_both_surfaces_paths_and_curves(default_at):
    at = default_at
    figs = figures_in(at)
    assert len(figs) == 3  # 3-D surfaces, maps, curves
    surf3d, maps, curves = figs
    assert [t["type"] for t in surf3d["data"]].count("surface") == 2
    assert [t["type"] for t in maps["data"]].count("contour") == 2
    z_mse = decode(surf3d["data"][0]["z"])
    z_ce = decode(surf3d["data"][1]["z"])
    n = S.LabSettings().res
    assert z_mse.shape == z_ce.shape == (n, n)
    assert z_mse.dtype == np.float32  # half the bytes on the wire
    assert z_mse.max() > 1.99 and z_mse.max() <= 2.0
    assert z_ce.max() == pytest.approx(20, rel=1e-3)
    names = {t["name"] for t in curves["data"]}
    assert names == {"Mean square error", "Cross-entropy"}
    assert not at.warning  # a clean link gives no warning


def test_default_page_tells_the_lecture(default_at):
    rows = table(default_at)
    assert rows["Mean square error"]["steps to loss ≤ 0.01"] == "never in 200 steps"
    assert rows["Cross-entropy"]["steps to loss ≤ 0.01"].isdigit()
    paths = paths_3d(default_at)
    mse, ce = paths["Mean square error path"], paths["Cross-entropy path"]
    assert np.allclose(mse, [-8, 8], atol=1e-3)  # stuck on the plateau
    assert ce[-1, 0] > ce[-1, 1]  # walked down to the low corner
    assert np.allclose(ce.sum(axis=1), 0, atol=1e-9)  # the lecture's diagonal arrow
    text = " ".join(m.value for m in default_at.markdown)
    assert "y1 − y2 only" in text and "straight diagonal line" in text


def test_url_always_holds_the_full_state(default_at):
    q = url(default_at)
    expected = S.to_query(S.LabSettings())
    assert q == expected


def test_shared_link_reproduces_the_view():
    shared = S.LabSettings(target=2, y3=0.0, span=6.0, res=101, y1=3.0, y2=-2.0, opt="adam",
                           lr=0.3, steps=150, beta1=0.8, eps=1e-6, thr=0.05, projector=True)
    at = run(S.to_query(shared))
    assert url(at) == S.to_query(shared)
    assert at.radio(key=key("target")).value == 2
    assert at.selectbox(key=key("opt")).value == "adam"
    assert at.slider(key=key("beta1")).value == pytest.approx(0.8)
    z = decode(figures_in(at)[0]["data"][0]["z"])
    assert z.shape == (101, 101)
    path = paths_3d(at)["Cross-entropy path"]
    assert len(path) == 151 and np.allclose(path[0], [3, -2])
    assert not at.warning


@pytest.mark.parametrize(
    ("param", "raw", "fixed"),
    [("lr", "abc", "1"), ("y3", "nan", "-1000"), ("steps", "1e12", "2000"),
     ("target", "9", "3"), ("opt", "evil", "sgd"), ("res", "-4", "51"), ("cam", "1,2", None)],
)
def test_hostile_parameter_is_fixed_with_one_line(param, raw, fixed):
    at = run({param: raw})
    assert len(at.warning) == 1
    assert param in at.warning[0].value
    assert "Traceback" not in at.warning[0].value
    assert url(at).get(param) == fixed


def test_many_hostile_parameters_still_one_warning_line():
    at = run({"lr": "abc", "y3": "inf", "span": "-1e400", "y1": "<script>", "eps": "0"})
    assert len(at.warning) == 1
    for param in ("lr", "y3", "span", "y1", "eps"):
        assert f"{param}=" in at.warning[0].value


def test_warning_goes_once_the_user_moves_on():
    at = run({"lr": "abc"})
    at.slider(key=key("y1")).set_value(-7.0).run()
    assert not at.exception and not at.warning


def _other_value(widget, field: S.Field):
    if field.kind == "bool":
        return not widget.value
    if field.kind == "choice":
        options = list(field.choices)
        return options[(options.index(widget.value) + 1) % len(options)]
    return field.hi if widget.value != field.hi else field.lo


@pytest.mark.parametrize("opt", S.OPTIMIZER_LABELS)
def test_every_widget_moves_without_error_and_lands_in_the_url(opt):
    at = run({"opt": opt, "steps": "30", "res": "51"})
    # The optimiser last: changing it swaps the hyper-parameter widgets shown.
    fields = sorted((f for f in S.FIELDS if f.kind != "camera"), key=lambda f: f.name == "opt")
    moved = 0
    for field in fields:
        widgets = [w for w in at.sidebar if getattr(w, "key", None) == key(field.name)]
        if not widgets:  # hyper-parameters of other optimisers are not shown
            continue
        widget = widgets[0]
        value = _other_value(widget, field)
        if field.name == "res":
            value = 101
        if field.name == "steps":
            value = 40
        widget.set_value(value).run()
        assert not at.exception, (field.name, at.exception)
        assert url(at)[field.name] == field.format(value), field.name
        moved += 1
    assert moved >= 11 + len(HYPER_DEFAULTS[opt])  # every widget the sidebar showed


def test_start_slider_moves_the_paths(default_at):
    at = run()
    before = paths_3d(at)["Cross-entropy path"]
    at.slider(key=key("y2")).set_value(2.0).run()
    after = paths_3d(at)["Cross-entropy path"]
    assert np.allclose(after[0], [-8, 2])
    assert not np.allclose(before, after)


def test_presets_tell_the_story():
    at = run()
    at.button(key="lab_preset_adam").click().run()
    assert url(at)["opt"] == "adam"
    assert table(at)["Mean square error"]["steps to loss ≤ 0.01"].isdigit()  # rescued
    assert any("root mean square" in i.value for i in at.info)

    at.button(key="lab_preset_too_large").click().run()
    assert table(at)["Cross-entropy"]["diverged"].startswith("at step")
    assert "diverged" in " ".join(m.value for m in at.markdown)

    at.button(key="lab_preset_unpin").click().run()
    assert url(at)["y3"] == "0"
    ce = paths_3d(at)["Cross-entropy path"]
    assert not np.allclose(ce.sum(axis=1), ce[0].sum())  # no longer a diagonal line

    at.button(key="lab_preset_slide").click().run()
    assert url(at) == S.to_query(S.LabSettings())
    assert not at.exception


def test_target_class_three_with_pinned_y3_is_finite():
    at = run({"target": "3"})
    z = decode(figures_in(at)[0]["data"][1]["z"])  # cross-entropy
    assert np.isfinite(z).all() and z.min() > 990
    assert "finite because" in " ".join(m.value for m in at.markdown)
