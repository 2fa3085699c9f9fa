"""Hand-written mutation testing of the pages, run by hand: does the suite notice a mistake?

mutmut mutates functions; a Streamlit page is mostly module-level code, so mutmut leaves it
alone. This script applies each mutation below (one source replacement) to a temporary copy
of the working tree, runs the tests that should notice it there, and reports killed (a test
failed) or survived (all passed). The list is the mistakes issue 6 §4 names (the lab ignoring
a hyper-parameter, the range, the threshold, projector mode; the MNIST page passing a
constant instead of a widget's value) and a few more of the same kind.

    python bench/mutate_pages.py                 # every mutation
    python bench/mutate_pages.py lab.lr mnist.*  # some, by id or glob
    python bench/mutate_pages.py --list          # ids and descriptions only

Before the mutations, the unmutated copy must pass the same tests (else nothing is
measured) and a canary that raises at the top of each page must be killed (proving the
copy, not the checkout, is what the tests import). Results go to docs/testing.md by hand.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAB = "pages/surface_lab.py"
LAB_PATHS = "lab_components/lab_paths.py"  # the lab's figures, for its page and its path route
MNIST = "pages/mnist_training.py"
LAB_TESTS = ["tests/app/test_surface_lab.py", "tests/app/test_surface_lab_computes.py",
             "tests/app/test_lab_controls.py"]
TESTS = {
    LAB: LAB_TESTS,
    LAB_PATHS: LAB_TESTS,
    MNIST: ["tests/app/test_mnist_page.py"],
}


@dataclass(frozen=True)
class Mutation:
    id: str
    path: str  # file, relative to the repository root
    old: str  # must occur exactly once in the file
    new: str
    why: str  # the mistake, in words
    extra_tests: tuple[str, ...] = ()  # besides the page's own tests

    @property
    def tests(self) -> list[str]:
        return [*TESTS[self.path], *self.extra_tests]


def _lab(id_: str, old: str, new: str, why: str, extra: tuple[str, ...] = (),
         path: str = LAB) -> Mutation:
    return Mutation(f"lab.{id_}", path, old, new, why, extra)


def _figures(id_: str, old: str, new: str, why: str, extra: tuple[str, ...] = ()) -> Mutation:
    """A mistake in what the lab computes and draws (lab_paths.lab_figures)."""
    return _lab(id_, old, new, why, extra, path=LAB_PATHS)


def _mnist(id_: str, old: str, new: str, why: str) -> Mutation:
    return Mutation(f"mnist.{id_}", MNIST, old, new, why)


def _drop_hyper(name: str) -> Mutation:
    return _figures(
        f"hyper.{name}", "tuple(s.hyper().items()))",
        f"tuple((k, v) for k, v in s.hyper().items() if k != {name!r}))",
        f"the descent ignores the {name} control (the optimiser's default is used)",
    )


# What Train hands the job manager: the settings the widgets and the link give.
TRAIN_WITH = "start(owner(), state.current(), pace="


def _mnist_ignores(field: str, why: str) -> Mutation:
    """Train starts with the default of `field`, whatever its widget says."""
    return _mnist(field, TRAIN_WITH, "start(owner(), __import__('dataclasses').replace("
                  f"state.current(), {field}=C.TrainConfig().{field}), pace=", why)


TRAJ_CALL = "trajs = trajectories(s.opt, s.lr, s.steps, s.y3, s.target_index, (s.y1, s.y2),"
SURF_CALL = "surface_blobs(s.span, s.res, s.y3, s.target_index, s.projector, lang)"
CURVES_CALL = "F.curves(trajs, threshold=s.thr, projector=s.projector, lang=lang,"

MUTATIONS: tuple[Mutation, ...] = (
    # --- the lab: every setting must reach what is computed and drawn -------------------
    # Each constant below is the setting's default: the mistake of a setting that never
    # reaches the code, so the lab looks right until someone moves it.
    _figures("hyper.all", "tuple(s.hyper().items()))", "())",
             "the descent ignores every hyper-parameter besides lr"),
    *(_drop_hyper(name) for name in ("momentum", "beta1", "beta2", "alpha", "eps")),
    _figures("opt", TRAJ_CALL, TRAJ_CALL.replace("s.opt,", '"sgd",'),
             "the descent always uses plain gradient descent"),
    _figures("lr", TRAJ_CALL, TRAJ_CALL.replace("s.lr,", "1.0,"),
             "the descent ignores the learning rate"),
    _figures("steps", TRAJ_CALL, TRAJ_CALL.replace("s.steps,", "200,"),
             "the descent ignores the number of steps"),
    _figures("start", TRAJ_CALL, TRAJ_CALL.replace("(s.y1, s.y2),", "(-8.0, 8.0),"),
             "the descent ignores the start point"),
    _figures("traj.y3", TRAJ_CALL, TRAJ_CALL.replace("s.y3,", "-1000.0,"),
             "the descent ignores y3 (the surfaces do not)"),
    _figures("traj.target", TRAJ_CALL, TRAJ_CALL.replace("s.target_index,", "0,"),
             "the descent ignores the target class"),
    _figures("range.surface", SURF_CALL, SURF_CALL.replace("s.span,", "10.0,"),
             "the surfaces ignore the range"),
    _figures("range.clip", "F.ClippedPath(t, s.span,", "F.ClippedPath(t, 10.0,",
             "the paths are clipped to the default range, not the chosen one"),
    _figures("res", SURF_CALL, SURF_CALL.replace("s.res,", "121,"),
             "the surfaces ignore the resolution"),
    _figures("surf.y3", SURF_CALL, SURF_CALL.replace("s.y3,", "-1000.0,"),
             "the surfaces ignore y3"),
    _figures("surf.target", SURF_CALL, SURF_CALL.replace("s.target_index,", "0,"),
             "the surfaces ignore the target class"),
    _figures("thr.curves", CURVES_CALL, CURVES_CALL.replace("threshold=s.thr,", "threshold=0.01,"),
             "the curves' threshold line ignores the threshold"),
    _lab("thr.table", "summary(figs.trajs, left_at, s.thr, lang)",
         "summary(figs.trajs, left_at, 0.01, lang)",
         "the steps-to-threshold table ignores the threshold"),
    _figures("projector.surfaces", SURF_CALL, SURF_CALL.replace("s.projector,", "False,"),
             "projector mode does not enlarge the surfaces' type"),
    _figures("projector.paths3d", "F.path_traces_3d(paths, projector=s.projector",
             "F.path_traces_3d(paths, projector=False",
             "projector mode does not thicken the 3-D paths"),
    _figures("projector.curves", CURVES_CALL,
             CURVES_CALL.replace("projector=s.projector,", "projector=False,"),
             "projector mode does not enlarge the curves"),
    _lab("projector.text", "    st.html(PROJECTOR_CSS)", "    pass",
         "projector mode does not enlarge the page's text"),
    _figures("projector.height", "HEIGHT_3D[s.projector]),", "HEIGHT_3D[False]),",
             "projector mode does not size the 3-D view for the projector"),
    _lab("camera.in", "camera=camera_in,", "camera=None,",
         "a shared link's camera is not applied to the 3-D view"),
    _lab("camera.out", "settings = settings.with_(cam=cam)", "settings = settings",
         "the camera the lecturer set does not reach the link"),
    _lab("left_at", "left_at = {loss: path.left_at for loss, path in figs.paths.items()}",
         "left_at = {loss: None for loss in figs.paths}",
         "the table never says a path left the plotted range"),
    _lab("explanation", "st.markdown(explanation(settings, figs.trajs, lang))", "pass",
         "the lecture's reading of the view is not shown"),
    _lab("notes", "state.notes_banner()", "pass",
         "a fixed parameter of a shared link is not reported"),
    _figures("lang", CURVES_CALL, CURVES_CALL.replace("lang=lang,", 'lang="en",'),
             "the curves are always in English", ("tests/app/test_languages.py",)),
    # --- the MNIST page: every widget must reach the trainer ----------------------------
    _mnist_ignores("model", "the model picker is ignored"),
    _mnist_ignores("activation", "the activation picker is ignored"),
    _mnist_ignores("optimizer", "the optimiser picker is ignored"),
    _mnist_ignores("lr", "the learning rate is ignored"),
    _mnist_ignores("batch_size", "the batch size is ignored"),
    _mnist_ignores("steps", "the number of steps is ignored"),
    _mnist_ignores("init", "the weight initialisation is ignored"),
    _mnist_ignores("init_scale", "the initial weight scale is ignored"),
    _mnist_ignores("eval_every", "the evaluation interval is ignored"),
    _mnist_ignores("seed", "the seed is ignored"),
    _mnist("resume", "on_click=on_resume,", "on_click=on_train, args=(state,),",
           "Resume silently restarts training"),
    _mnist("stop", "on_click=on_stop,", "on_click=lambda: None,", "Stop does nothing"),
    _mnist("train.unlocked", "args=(state,), disabled=busy,", "args=(state,), disabled=False,",
           "Train stays enabled while a training runs"),
    _mnist("notes", "state.notes_banner()", "pass",
           "a fixed parameter of a shared link is not reported"),
    _mnist("grid.shift", "digit_grid(images=evaluation.images, labels=evaluation.labels,",
           "digit_grid(images=evaluation.images[1:], labels=evaluation.labels[:-1],",
           "the digit grid's labels are shifted by one image"),
    _mnist("grid.swap",
           "predictions=evaluation.predictions,",
           "predictions=dict(zip(evaluation.predictions, "
           "reversed(list(evaluation.predictions.values())))),",
           "the digit grid shows each run's predictions under the other run"),
    _mnist("confusion.swap", "confusion=evaluation.confusion,",
           "confusion=dict(zip(evaluation.confusion, "
           "reversed(list(evaluation.confusion.values())))),",
           "the confusion matrices are swapped between the runs"),
    _mnist("curves.steps", "total_steps=view.total_steps, lang=lang)",
           "total_steps=C.NOTES_STEPS, lang=lang)",
           "the curves' x axis ignores the run's length"),
    _mnist("progress", "st.progress(view.fraction,", "st.progress(0.0,",
           "the progress bar never moves"),
    _mnist("fallback", "if info.note:", "if False:",
           "a fallback to the subset is not said"),
)


def copy_tree(dest: Path) -> None:
    """The working tree as git sees it (tracked and untracked, not ignored) into dest."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def run_tests(tree: Path, tests: list[str], timeout: float) -> tuple[bool, float, str]:
    """(passed, seconds, last lines) of pytest on `tests` inside `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
           "--tb=line", "-m", "not e2e", *tests]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, time.perf_counter() - start, "timeout"
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-3:])
    return proc.returncode == 0, time.perf_counter() - start, tail


def apply(tree: Path, m: Mutation) -> str:
    """Apply m in tree; return the original text to restore."""
    path = tree / m.path
    text = path.read_text(encoding="utf-8")
    count = text.count(m.old)
    if count != 1:
        raise SystemExit(f"{m.id}: the text to replace occurs {count} times in {m.path}; "
                         "update the mutation list to the current page.")
    path.write_text(text.replace(m.old, m.new), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="mutation ids or globs (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per test run")
    args = parser.parse_args(argv)

    chosen = [m for m in MUTATIONS
              if not args.ids or any(fnmatch.fnmatch(m.id, pat) for pat in args.ids)]
    if args.list:
        for m in chosen:
            print(f"{m.id:24} {m.why}")
        return 0
    if not chosen:
        raise SystemExit("no mutation matches")

    with tempfile.TemporaryDirectory(prefix="lsl-mutate-") as tmp:
        tree = Path(tmp)
        copy_tree(tree)
        for m in chosen:  # fail fast on a stale list, before any test runs
            (tree / m.path).write_text(apply(tree, m), encoding="utf-8")
        for page in sorted({m.path for m in chosen}):
            tests = sorted({t for m in chosen if m.path == page for t in m.tests})
            passed, secs, tail = run_tests(tree, tests, args.timeout)
            if not passed:
                raise SystemExit(f"the unmutated {page} fails its tests ({secs:.0f} s):\n{tail}")
            original = (tree / page).read_text(encoding="utf-8")
            (tree / page).write_text(original + '\nraise RuntimeError("canary")\n',
                                     encoding="utf-8")
            passed, _, _ = run_tests(tree, tests, args.timeout)
            (tree / page).write_text(original, encoding="utf-8")
            if passed:
                raise SystemExit(f"a page that raises passed {tests}: the tests do not "
                                 "import the copy")
            print(f"baseline {page}: passes in {secs:.0f} s; canary killed", flush=True)

        survived = []
        for m in chosen:
            original = apply(tree, m)
            try:
                passed, secs, tail = run_tests(tree, m.tests, args.timeout)
            finally:
                (tree / m.path).write_text(original, encoding="utf-8")
            verdict = "SURVIVED" if passed else "killed"
            print(f"{verdict:8} {m.id:24} {secs:5.0f} s  {m.why}", flush=True)
            if passed:
                survived.append(m)
            elif tail == "timeout":
                print("         (killed by the timeout)")

    print(f"\n{len(chosen) - len(survived)} of {len(chosen)} killed; "
          f"{len(survived)} survived: {', '.join(m.id for m in survived) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
