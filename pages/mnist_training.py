"""Live MNIST training: one network trained twice, with cross-entropy and with MSE, side by side.

Reads top to bottom like the lecture: the notes' experiments as presets, the settings (one
field table, surfaces/mnist/config.py, shared with the engine and the CLI, and in the URL),
Train / Stop / Resume / Replay and the pace, then the live curves per step, the margins (the
lab's y1 - y2) and the test-set read-out, and the notes-style PyTorch code.

Training runs in a worker thread owned by the server-wide job manager (surfaces/mnist/jobs.py);
this page only submits, paces, stops and resumes its own session's job. Fragments read the job
through the manager and this tab's session state, never module-level variables; no worker
thread calls Streamlit.
"""

from __future__ import annotations

import time
import uuid

import streamlit as st

from lab_components.lang import current as current_language
from lab_components.lang import t
from lab_components.navigation import ensure_routed
from lab_components.page_parts import built_once, open_in_lab
from lab_components.plotly_view import clicked, plotly_view
from lab_components.plotly_view.encoding import figure_json
from lab_components.settings_ui import PageState
from surfaces.mnist import config as C
from surfaces.mnist import curves, figures, jobs, margins, story
from surfaces.mnist.code import notes_code

ensure_routed(__file__)  # first: a direct run (automatic page discovery) goes via the router

LIVE_EVERY_S = 0.4  # curves and progress: 2.5 redraws a second, at least 2 with jitter
RESULTS_EVERY_S = 2.0  # the read-out fragment's poll (an unchanged figure is not resent)
PACES = (None, 2000, 1000, 500, 200, 100, 50)  # steps per second at most; None: full speed
REPLAY_SECONDS = 20.0  # a replay at full speed shows the whole run in this long
OWNER = "mnist_owner"  # session state: this tab's private job id
PACE = "mnist_pace"  # session state: the pace widget
REPLAY = "mnist_replay_clock"  # session state: (clock at start, steps per second) of a replay


def owner() -> str:
    return st.session_state.setdefault(OWNER, uuid.uuid4().hex)


def pace_label(pace: float | None) -> str:
    return t("mnist.pace.full") if pace is None else t("mnist.pace.steps", n=pace)


# -- callbacks (run before the script, with the widgets' new values) -------------------------


def on_train(state: PageState) -> None:
    jobs.get_manager().start(owner(), state.current(), pace=st.session_state.get(PACE))
    st.session_state.pop(REPLAY, None)


def on_stop() -> None:
    jobs.get_manager().stop(owner(), wait=1.0)  # the rerun after the click shows "Stopped"


def on_resume() -> None:
    jobs.get_manager().resume(owner())


def on_pace() -> None:
    jobs.get_manager().set_pace(owner(), st.session_state.get(PACE))


def on_replay(total_steps: int) -> None:
    pace = st.session_state.get(PACE) or total_steps / REPLAY_SECONDS
    st.session_state[REPLAY] = (time.monotonic(), float(pace))


def replay_step(view: jobs.JobView) -> int | None:
    """The step a running replay has reached (None: no replay, or it has ended)."""
    replay = st.session_state.get(REPLAY)
    if replay is None or view.active:
        return None
    started, pace = replay
    step = int((time.monotonic() - started) * pace)
    return step if step < view.step else None


# -- what the fragments draw -----------------------------------------------------------------


def data_caption(info: jobs.DatasetInfo | None) -> None:
    """Which images the runs train on; a fallback to the subset is a warning, with its reason."""
    if info is None:
        st.caption(t("mnist.data.unknown"))
        return
    st.caption(t("mnist.data.name", name=info.name))
    if info.note:
        st.warning(t("mnist.data.fallback", note=info.note), icon=":material/info:")


def status(view: jobs.JobView, n_train: int | None) -> None:
    c = view.config
    images = view.step * c.batch_size
    epochs = "" if not n_train else t("mnist.status.epochs", e=f"{images / n_train:.1f}")
    where = t("mnist.status.where", step=f"{view.step:,}", total=f"{view.total_steps:,}",
              images=f"{images:,}") + epochs
    if view.state == jobs.QUEUED:
        st.info(t("mnist.status.queued", k=view.queue_position, busy=view.running_jobs,
                  slots=view.max_running))
    elif view.state == jobs.LOADING:
        if view.download is not None and view.download[1] > 0:
            done, total = view.download
            st.progress(min(1.0, done / total), text=t(
                "mnist.status.download", done=f"{done / 1e6:.1f}", total=f"{total / 1e6:.1f}"))
        else:
            st.progress(0.0, text=t("mnist.status.loading"))
    elif view.state in (jobs.RUNNING, jobs.STOPPING):
        eta = "" if view.eta_seconds is None else t("mnist.status.eta",
                                                     s=f"{view.eta_seconds:.0f}")
        stopping = view.state == jobs.STOPPING
        verb = t("mnist.status.stopping" if stopping else "mnist.status.training")
        st.progress(view.fraction, text=f"{verb}: {where}{eta}")
    elif view.state == jobs.STOPPED:
        st.info(t("mnist.status.stopped", where=where, s=f"{view.seconds:.1f}") + " "
                + view.message)
    elif view.state == jobs.DONE:
        st.success(t("mnist.status.done", where=where, s=f"{view.seconds:.1f}"))
    elif view.state == jobs.FAILED:
        st.error(t("mnist.status.failed", message=view.message))


def clipped(view: jobs.JobView, step: int | None) -> tuple:
    """(log, history) of the job, up to `step` during a replay."""
    if step is None:
        return view.log, view.history
    return view.log.head(step), tuple(r for r in view.history if r.step <= step)


def notes_table(preset: str | None, history: tuple) -> None:
    """The notes' numbers (full MNIST) beside ours (the data in use) for the current preset."""
    if preset is None:
        return
    rows = []
    for result in C.NOTES_RESULTS.get(preset, ()):
        ours = {loss: next((r.metrics[loss]["test_acc"] for r in history
                            if r.step >= result.step), None) for loss in C.LOSSES}
        rows.append({
            t("mnist.notes.step"): f"{result.step:,}",
            t("mnist.notes.theirs"): "—" if result.test_acc is None else f"{result.test_acc:.3f}",
            t("mnist.notes.ours_ce"): "…" if ours["cross_entropy"] is None
            else f"{ours['cross_entropy']:.3f}",
            t("mnist.notes.ours_mse"): "…" if ours["mse"] is None else f"{ours['mse']:.3f}",
        })  # fmt: skip
    if rows:
        st.caption(t("mnist.notes.caption"))
        st.table(rows)
    else:
        st.caption(t("mnist.notes.none"))


def live_panel(was_busy: bool, preset: str | None) -> None:
    """Progress, the per-step curves of both runs and the lecture's reading; asks for a full
    rerun when the job starts or settles, to enable the right buttons."""
    manager = jobs.get_manager()
    view = manager.view(owner())
    if view is not None and view.active != was_busy:
        st.rerun()
    info = view.dataset if view is not None else manager.dataset_info()
    data_caption(info)
    if view is None:
        st.info(t("mnist.press_train"))
        return
    status(view, info.n_train if info else None)
    if view.log is None:
        return
    step = replay_step(view)
    if step is None and REPLAY in st.session_state:  # the replay just ended: stop polling
        st.session_state.pop(REPLAY)
        st.rerun()
    log, history = clipped(view, step)
    if step is not None:
        st.caption(t("mnist.replaying", step=f"{step:,}"))
    lang = current_language()
    fig = figures.training_curves(curves=curves.live_curves(log, history, C.LOSSES),
                                  total_steps=view.total_steps, lang=lang)
    plotly_view(fig, key="mnist_curves", height=430)
    for key, params in story.reading(history):
        st.markdown(t(key, **params))
    notes_table(preset, history)


def results_panel() -> None:
    """Margins (the lab's y1 - y2), predicted digits, confusion matrices, per-digit accuracy."""
    view = jobs.get_manager().view(owner())
    if view is None or not view.history:
        return
    lang = current_language()
    record = view.history[-1]
    st.subheader(t("mnist.margins.title"))
    shares = {loss: f"{100 * record.metrics[loss]['flat_share']:.1f}" for loss in C.LOSSES}
    st.markdown(t("mnist.margins.explain", step=f"{record.step:,}", ce=shares["cross_entropy"],
                  mse=shares["mse"]))
    plotly_view(built_once("margins", record, lang, lambda: figure_json(
        figures.margin_histograms(counts=record.margin_counts, edges=margins.MARGIN_BINS,
                                  lang=lang))), key="mnist_margins", height=340)
    evaluation = view.evaluation
    if evaluation is None:
        return
    st.subheader(t("mnist.readout.title", step=f"{evaluation.step:,}"))
    digits, matrices, per_digit = st.tabs([t("mnist.tab.digits"), t("mnist.tab.confusion"),
                                           t("mnist.tab.per_digit")])
    with digits:
        run = st.radio(t("mnist.lab_run"), ("mse", "cross_entropy"), horizontal=True,
                       key="mnist_lab_run", format_func=lambda loss: t(f"loss.{loss}"))
        st.caption(t("mnist.click_digit"))
        grid, height = built_once("grid", evaluation, lang, lambda: _json_and_height(
            figures.digit_grid(images=evaluation.images, labels=evaluation.labels,
                               predictions=evaluation.predictions, lang=lang)))
        plotly_view(grid, key="mnist_grid", height=height, clicks=True)
        click = clicked("mnist_grid")
        picked = click.customdata if click is not None else None
        if isinstance(picked, int) and 0 <= picked < len(evaluation.labels):
            open_in_lab(evaluation.lab_link(run, picked))
    with matrices:
        fig, height = built_once("confusion", evaluation, lang, lambda: _json_and_height(
            figures.confusion_matrices(confusion=evaluation.confusion, lang=lang)))
        plotly_view(fig, key="mnist_confusion", height=height)
    with per_digit:
        fig, height = built_once("per_class", evaluation, lang, lambda: _json_and_height(
            figures.per_class_accuracy(accuracy=evaluation.per_class_accuracy(), lang=lang)))
        plotly_view(fig, key="mnist_per_class", height=height)


def _json_and_height(fig) -> tuple[str, int]:
    return figure_json(fig), fig.layout.height


# -- the page ----------------------------------------------------------------------------------

state = PageState(C.TABLE, C.PRESETS)
state.load()
view = jobs.get_manager().view(owner())
busy = view is not None and view.active

st.title(t("mnist.title"))
st.markdown(t("mnist.caption"))
state.preset_buttons()
state.preset_story()

with st.sidebar:
    st.header(t("mnist.settings"))
    for name in ("model", "activation", "optimizer", "lr", "batch_size", "steps", "init",
                 "init_scale", "eval_every", "seed"):
        disabled = busy or (name == "activation" and
                            st.session_state[state.key("model")] == "softmax") or (
            name == "init_scale" and st.session_state[state.key("init")] == "torch")
        state.widget(name, disabled=disabled)

settings = state.current()
state.commit(settings)
state.notes_banner()
st.caption(t("mnist.length", steps=f"{settings.steps:,}", batch=settings.batch_size,
             images=f"{settings.steps * settings.batch_size:,}"))
if settings.init == "torch" and settings.model == "deep":
    st.caption(t("mnist.init_note"))
if settings.optimizer == "adam" and settings.lr >= 0.1:
    st.caption(t("mnist.adam_note"))

train, stop, resume, replay, pace = st.columns([1, 1, 1.2, 1.2, 2])
train.button(t("mnist.train"), type="primary", icon=":material/play_arrow:", key="mnist_train",
             on_click=on_train, args=(state,), disabled=busy, width="stretch",
             help=t("mnist.train.help"))
stop.button(t("mnist.stop"), icon=":material/stop:", key="mnist_stop", on_click=on_stop,
            disabled=not busy, width="stretch", help=t("mnist.stop.help"))
resume.button(t("mnist.resume"), icon=":material/resume:", key="mnist_resume",
              on_click=on_resume, disabled=view is None or not view.can_resume,
              width="stretch", help=t("mnist.resume.help"))
replay.button(t("mnist.replay"), icon=":material/replay:", key="mnist_replay",
              on_click=on_replay, args=(view.step if view else 0,),
              disabled=view is None or busy or view.log is None, width="stretch",
              help=t("mnist.replay.help"))
pace.selectbox(t("mnist.pace"), PACES, key=PACE, format_func=pace_label, on_change=on_pace,
               label_visibility="collapsed", required=True)  # full speed is None: no clearing

polling = busy or REPLAY in st.session_state
st.fragment(live_panel, run_every=LIVE_EVERY_S if polling else None)(busy, C.preset_of(settings))
st.fragment(results_panel, run_every=RESULTS_EVERY_S if busy else None)()
with st.expander(t("mnist.code")):
    st.code(notes_code(settings), language="python")
