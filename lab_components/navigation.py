"""The app's pages and the one router that runs them.

`app.py` calls `run_app()`: it registers every page of `PAGES` with `st.navigation` and runs
the chosen one inside an error boundary, so that no exception reaches a visitor as a
traceback (a sentence on the page; the details go to the server log).

Deep links. With a `pages/` folder beside `app.py`, Streamlit starts every server process in
its old automatic-pages mode (`PagesManager.uses_pages_directory`), which lasts until the
first `st.navigation` call of the process. In that mode a first request whose path names a
file in `pages/` (say `/mnist_training`) runs that file directly and bypasses `app.py`.
Two guards close this:
- every page's `url_path` differs from every file name in `pages/`, so a link the app hands
  out never names a file;
- every page file calls `ensure_routed(__file__)` first: when Streamlit ran the file
  directly, it registers the app's pages and switches to the same page through the router,
  query parameters and all.
"""

from __future__ import annotations

import base64
import copy
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

import lab_components.preload  # noqa: F401 - every module a page needs, before any page runs
from lab_components import lab_api, widget_guard
from lab_components.lang import current as current_language
from lab_components.lang import keep, picker, t
from lab_components.plotly_view import has_drawn
from surfaces.activity import PAGE_RUNS

__all__ = ["LAB_FIGURES", "PAGES", "PageSpec", "ensure_routed", "error_boundary",
           "first_view_waits", "run_app"]

ROOT = Path(__file__).resolve().parents[1]
# The tab's icon, in the page itself (a data: URL, 5 kB): a Material icon as page_icon is an
# SVG that each browser fetches from fonts.gstatic.com, which a lecture hall's network (or
# China's) may not reach; and an icon served from /media/ (no caching headers there) was
# fetched again by Chromium after each change of the page's URL, that is after every move
# (8.6 kB a move). Given in a session's first run only: Streamlit's frontend sets the icon
# again from every run's page config, and later runs inherit it (page_icon=None), also
# across page switches.
ICON = "data:image/png;base64," + base64.b64encode(
    Path(__file__).with_name("icon.png").read_bytes()).decode("ascii")
ICON_GIVEN = "_tab_icon_given"  # session state: a run of this session gave the icon
LOG = logging.getLogger("loss_surface_lab")


@dataclass(frozen=True)
class PageSpec:
    """One page: its file under pages/, its URL path (never a file's name), the language-table
    key of its title and its icon; `first_view`: the key of the figure frame whose first
    drawing the page's sidebar waits for (`first_view_waits`)."""

    file: str
    url_path: str
    title_key: str
    icon: str
    default: bool = False
    first_view: str | None = None


LAB_FIGURES = "lab_figures"  # the lab's figure frame (its Streamlit key)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/surface_lab.py", "lab", "app.page.lab", ":material/landscape:",
             default=True, first_view=LAB_FIGURES),
    PageSpec("pages/mnist_training.py", "mnist", "app.page.mnist", ":material/model_training:"),
    PageSpec("pages/escape_map.py", "escape", "app.page.escape", ":material/grid_on:"),
    PageSpec("pages/gradient_anatomy.py", "anatomy", "app.page.anatomy", ":material/biotech:"),
    PageSpec("pages/simplex.py", "triangle", "app.page.simplex", ":material/change_history:"),
    PageSpec("pages/logistic_1d.py", "one-weight", "app.page.logistic", ":material/show_chart:"),
    PageSpec("pages/learning_rates.py", "rates", "app.page.rates", ":material/speed:"),
)



def _st_pages() -> dict[str, st.Page]:
    """file -> st.Page, in the order of PAGES: copies of pages built once per language and
    app folder.

    st.Page resolves its file on the disk: some 35 stat calls for the seven pages on every
    run, each of which lets go of the GIL, where a busy server then waits to get it back.
    Each run gets copies, because st.navigation marks the page it returns as runnable and
    its run() clears the mark: two sessions must not share one object."""
    ctx = get_script_run_ctx()
    folder = str(ctx.pages_manager.main_script_parent) if ctx is not None else ""
    key = (current_language(), folder)
    built = _PAGE_TEMPLATES.get(key)
    if built is None:
        built = {}
        for spec in PAGES:
            url_path = "" if spec.default else spec.url_path
            built[spec.file] = st.Page(spec.file, title=t(spec.title_key), icon=spec.icon,
                                       url_path=url_path or None, default=spec.default)
        _PAGE_TEMPLATES[key] = built
    return {file: copy.copy(page) for file, page in built.items()}


# (language, app folder) -> file -> st.Page, as _st_pages() built them (never run)
_PAGE_TEMPLATES: dict[tuple[str, str], dict[str, st.Page]] = {}


def run_app() -> None:
    """Register the pages and run the chosen one, errors turned into a sentence."""
    widget_guard.install()  # client values a widget cannot take are dropped, not raised
    st.set_page_config(page_title=t("app.name"), layout="wide",
                       page_icon=None if st.session_state.get(ICON_GIVEN) else ICON)
    st.session_state[ICON_GIVEN] = True
    pages = _st_pages()
    page = st.navigation(list(pages.values()))
    spec = next((s for s in PAGES if pages[s.file] is page), None)
    if spec and spec.first_view and first_view_waits(spec.first_view):
        keep()  # the picker comes with the rerun after the first drawing
    else:
        picker()
    with error_boundary():
        page.run()


def first_view_waits(frame: str) -> bool:
    """True while a page's sidebar widgets and the text under its figures wait for the first
    drawing of its figure frame `frame` (the frame's Streamlit key), in this session: on
    README's start (the process serves the path route) until the frame reports that drawing
    (`has_drawn`).

    Why: the first 3-D figure of a new visitor waits for the page's one thread, which is
    busy from Streamlit's start until Plotly has drawn it; rendering the sidebar's widgets
    (the language, the loss threshold, projector mode: drop-downs and a toggle, with their
    lazily loaded code) took 0.13-0.19 s of it, the text below the figures about 0.07 s
    (docs/benchmarks.md). There, the lab's other controls are in its frame, and these can
    wait for the rerun that the report brings (the maps and the curves are drawn after the
    3-D view, so about a second later). Under `streamlit run` (no route) the sidebar holds
    every control of the lab and nothing waits.
    """
    return lab_api.served_at() is not None and not has_drawn(frame)


def ensure_routed(page_file: str) -> None:
    """First call of every page file: if Streamlit's automatic page discovery ran the file
    directly (the server's first request named it), go through the router instead."""
    if not PagesManager.uses_pages_directory:
        return  # app.py's st.navigation is in charge
    relative = Path(page_file).resolve().relative_to(ROOT).as_posix()
    pages = _st_pages()
    st.navigation(list(pages.values()), position="hidden")  # leaves automatic-pages mode
    st.switch_page(pages.get(relative, next(iter(pages.values()))),
                   query_params=st.query_params.to_dict())


@contextmanager
def error_boundary() -> Iterator[None]:
    """Run a page (or a fragment) body; an exception becomes one sentence and a log entry.

    Streamlit's own control flow (st.rerun, st.stop, a new widget value) raises
    BaseException subclasses, which pass through untouched.
    """
    try:
        with PAGE_RUNS.running():  # a training thread gives way meanwhile (surfaces.activity)
            yield
    except Exception:
        LOG.exception("Page error")
        st.error(t("app.error"), icon=":material/error:")


def guarded(function: Callable) -> Callable:
    """Decorator form of `error_boundary`, for fragments (they rerun without the page)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with error_boundary():
            return function(*args, **kwargs)

    return wrapper
