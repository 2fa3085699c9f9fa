"""The figures of the pages beyond the slide: the traces they should carry, and no non-finite
value anywhere in any figure at any setting (hypothesis sweeps the settings, extremes
included)."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surfaces import figures_beyond as FB
from surfaces.anatomy import anatomy_at, gradient_maps, naive_cross_entropy
from surfaces.descent import OPTIMIZERS, descend_many
from surfaces.escape import escape_map
from surfaces.grid import error_surfaces
from surfaces.logistic import LOSSES as LOGISTIC_LOSSES
from surfaces.logistic import descend_1d, loss_and_grad
from surfaces.rates import quadratic_descent, quadratic_loss, rate_sweep
from surfaces.simplex import path_on_simplex, square_on_simplex

LANGS = st.sampled_from(["en", "zh-Hans", "zh-Hant"])
SPAN = st.sampled_from([2.0, 10.0, 50.0])
Y3 = st.sampled_from([-1000.0, -50.0, 0.0, 20.0])
TARGET = st.integers(0, 2)
LR = st.sampled_from([1e-3, 0.3, 1.0, 30.0, 3e4, 1e5])
FAST = settings(max_examples=20, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True, scope="module")
def validated():
    """Figures here are built with plotly.py's validation on (pages build some without)."""
    before, FB.VALIDATE = FB.VALIDATE, True
    yield
    FB.VALIDATE = before


def test_escape_maps_unvalidated_are_the_validated_figure():
    grids = {loss: escape_map(loss, optimizer="sgd", lr=1.0, steps=60, threshold=0.01,
                              lo=-10, hi=10, n=21, y3=0.0, target=1)
             for loss in ("mse", "cross_entropy")}
    axis = np.linspace(-10, 10, 21)
    checked = FB.escape_maps(grids, axis, steps=60, start=(-8.0, 8.0), lang="zh-Hans")
    FB.VALIDATE = False
    try:
        fast = FB.escape_maps(grids, axis, steps=60, start=(-8.0, 8.0), lang="zh-Hans")
    finally:
        FB.VALIDATE = True
    assert json.loads(fast.to_json()) == json.loads(checked.to_json())
    assert [t.type for t in checked.data] == ["heatmap", "heatmap", "scatter", "scatter"]
    assert (checked.data[1].xaxis, checked.data[1].yaxis) == ("x2", "y2")


def non_finite(obj, path="") -> list[str]:
    """Paths of every NaN, inf or None number in a figure's JSON-able dict."""
    bad = []
    if isinstance(obj, dict) and "bdata" in obj and "dtype" in obj:  # plotly's packed array
        values = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
        return [path] if values.dtype.kind == "f" and not np.isfinite(values).all() else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            bad += non_finite(v, f"{path}.{k}")
    elif isinstance(obj, list | tuple):
        numbers = [v for v in obj if not isinstance(v, str | dict | list | tuple)]
        if numbers and any(v is None or not math.isfinite(v) for v in numbers
                           if not isinstance(v, bool)):
            bad.append(path)
        for v in obj:
            if isinstance(v, dict | list | tuple):
                bad += non_finite(v, path + "[]")
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc" and not np.isfinite(obj).all():
            bad.append(path)
        if obj.dtype == object:
            bad += non_finite(obj.tolist(), path)
    elif isinstance(obj, float) and not math.isfinite(obj):
        bad.append(path)
    return bad


def assert_finite(fig: go.Figure) -> None:
    bad = non_finite(fig.to_plotly_json())
    assert not bad, bad[:5]


def test_the_checker_finds_a_nan():
    fig = go.Figure(go.Scatter(x=[0, 1], y=np.array([1.0, np.nan])))
    assert non_finite(fig.to_plotly_json())


@FAST
@given(span=SPAN, y3=Y3, target=TARGET, lr=LR, opt=st.sampled_from(OPTIMIZERS),
       steps=st.sampled_from([1, 30]), lang=LANGS)
def test_escape_maps_finite_and_never_is_grey(span, y3, target, lr, opt, steps, lang):
    maps = {loss: escape_map(loss, optimizer=opt, lr=lr, steps=steps, threshold=0.01, lo=-span,
                             hi=span, n=11, y3=y3, target=target)
            for loss in ("mse", "cross_entropy")}
    fig = FB.escape_maps(maps, np.linspace(-span, span, 11), steps=steps, start=(0.0, 0.0),
                         lang=lang)
    assert_finite(fig)
    heat = [t for t in fig.data if t.type == "heatmap"]
    for trace, loss in zip(heat, ("mse", "cross_entropy"), strict=True):
        np.testing.assert_array_equal(trace.customdata, maps[loss])
        # a never cell sits on the grey top bin, every other one below it
        assert (np.asarray(trace.z)[maps[loss] < 0] == trace.zmax).all()
        assert trace.zmax > steps + 0.5
        assert (np.asarray(trace.z)[maps[loss] >= 0] <= steps).all()
        assert trace.colorscale[-1][1] == FB.NEVER_GREY


@FAST
@given(span=SPAN, y3=Y3, target=TARGET, frac=st.sampled_from([1e-3, 0.5]),
       point=st.tuples(st.floats(-50, 50), st.floats(-50, 50)), naive_on=st.booleans(),
       f32=st.booleans(), lang=LANGS)
def test_anatomy_figures_finite(span, y3, target, frac, point, naive_on, f32, lang):
    maps = gradient_maps(lo=-span, hi=span, n=11, y3=y3, target=target, fraction=frac)
    assert_finite(FB.gradient_maps_figure(maps, point=point, lang=lang))
    assert_finite(FB.anatomy_factors(anatomy_at(*point, y3, target), lang=lang))
    dtype = np.float32 if f32 else np.float64
    naive = naive_cross_entropy(lo=-span, hi=span, n=11, y3=y3, target=target, dtype=dtype)
    stable = error_surfaces(lo=-span, hi=span, n=11, y3=y3, target=target, dtype=dtype)
    fig = FB.naive_map(naive, stable.z["cross_entropy"], naive_on=naive_on, lang=lang)
    assert_finite(fig)
    undefined = [t for t in fig.data if t.name == FB.tr("anatomy.undefined", lang)]
    assert len(undefined) == (1 if naive_on and naive.undefined.any() else 0)
    if undefined:
        np.testing.assert_array_equal(undefined[0].z, naive.undefined.astype(np.float32))


@FAST
@given(span=SPAN, y3=Y3, target=TARGET, lr=LR, opt=st.sampled_from(OPTIMIZERS), lang=LANGS)
def test_simplex_figure_finite(span, y3, target, lr, opt, lang):
    cloud = square_on_simplex(lo=-span, hi=span, n=11, y3=y3, target=target)
    trajs = descend_many(["mse", "cross_entropy"], (-span, span), optimizer=opt, lr=lr,
                         steps=20, y3=y3, target=target)
    paths = {k: path_on_simplex(t.points, y3) for k, t in trajs.items()}
    fig = FB.simplex_figure(cloud.probs, cloud.loss, paths, lang=lang)
    assert_finite(fig)
    assert sum(t.type == "scatterternary" for t in fig.data) == 6


@FAST
@given(w0=st.floats(-10, 10), lr=st.sampled_from([0.01, 1.0, 10.0]), wspan=st.floats(2, 20),
       steps=st.sampled_from([1, 300]), lang=LANGS)
def test_logistic_figure_finite(w0, lr, wspan, steps, lang):
    ws = np.linspace(-wspan, wspan, 101)
    curves = {n: loss_and_grad(n, ws) for n in LOGISTIC_LOSSES}
    runs = {}
    for n in LOGISTIC_LOSSES:
        r = descend_1d(n, w0, lr=lr, steps=steps)
        runs[n] = (r.weights, r.losses, r.grads)
    fig = FB.logistic_view(ws, curves, runs, lang=lang)
    assert_finite(fig)
    assert fig.data[0].line.color == FB.LECTURE_COLORS["cross_entropy"]


@FAST
@given(w0=st.floats(-10, 10), rates=st.lists(st.sampled_from([0.01, 0.3, 1.0, 10.0]),
                                              min_size=1, max_size=4, unique=True),
       s2=st.floats(1, 10), qlr=st.sampled_from([0.001, 1.5]), lang=LANGS)
def test_rates_figures_finite(w0, rates, s2, qlr, lang):
    sweep = rate_sweep(rates, w0=w0, steps=50)
    curves = {n: [(lr, r.losses, label) for lr, (r, label) in zip(rates, runs, strict=True)]
              for n, runs in sweep.items()}
    assert_finite(FB.rate_curves(curves, lang=lang))
    ada = quadratic_descent((1.0, s2), (-2.0, 3.0), optimizer="adagrad", lr=qlr, steps=40)
    assert_finite(FB.adagrad_rates(ada.rates, lr=qlr, lang=lang))
    gd = quadratic_descent((1.0, s2), (-2.0, 3.0), optimizer="sgd", lr=qlr, steps=40)
    grid = np.linspace(-3, 4, 21)
    w = np.stack(np.meshgrid(grid, grid), axis=-1)
    panels = [("a", quadratic_loss(w, (1.0, s2)), gd.points),
              ("b", quadratic_loss(w, (1.0, 1.0)), ada.points)]
    assert_finite(FB.scaling_paths(grid, panels, lang=lang))
