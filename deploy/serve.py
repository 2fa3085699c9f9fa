"""Production start of Loss Surface Lab: `python deploy/serve.py [--port N] [--address A]`.

What `streamlit run app.py` does, with the settings a hosted demo needs, and two things it
cannot do: every module a page needs (`lab_components.preload`: torch, plotly, pandas, the
project's own modules) is imported before the server accepts a connection, so the first
student does not wait seconds for imports and no two first runs race on a half-imported
module; and Streamlit runs as an `st.App` beside the lab's path route
(`lab_components.lab_api`), which the lab's descent controls use to redraw without a rerun,
and whose static files (Streamlit's scripts, the lab's plotly.js) go out gzipped, each
compressed once (`deploy/gzip_cache.py`), not uncompressed or compressed per visitor; the
immutable ones (Streamlit's content-hashed files, and the frame's files, which it names by
their content and this start marks immutable) are answered from memory, and a browser keeps
the frame's 0.6 MB plotly.js instead of fetching it on every page load.

Production settings (PRODUCTION below; `.streamlit/config.toml` still applies for the rest):
- client.toolbarMode = viewer: no Deploy button, no developer menu (rerun, clear cache);
- client.showErrorDetails = none: a visitor sees a generic sentence, the traceback goes to
  the server log;
- server.enableXsrfProtection = true; server.maxMessageSize (outgoing messages, MB) and
  server.maxWidgetStateSize (what one client may send in one message, MB) bounded;
- server.headless, no usage statistics, no file watcher, no welcome banner with URLs;
- closed tabs' sessions are released once their reconnect time (60 s) has passed, and the
  memory they held goes back to the system (every 30 s, `housekeeping`); Streamlit itself
  drops an expired session only when another tab disconnects, so a quiet server kept them;
- what the start imported and built (torch, plotly's validators, ...) is moved out of the
  garbage collector's reach (gc.freeze): a full collection otherwise walks all of it and held
  every thread for up to 354 ms under 40 students (docs/benchmarks.md);
- the server runs on uvloop (Streamlit uses it when installed; less CPU per rerun);
- everything the process writes (Streamlit's log, uvicorn's, tracebacks, the app's own
  `loss_surface_lab` logger) goes to stdout, one line per record, as container hosts expect.

The health check is Streamlit's own: GET /_stcore/health answers 200 "ok".
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import gc
import logging
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

# Streamlit config option -> value; the names are those of streamlit/config.py (1.67).
PRODUCTION: dict[str, object] = {
    "client.toolbarMode": "viewer",
    "client.showErrorDetails": "none",
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,
    # Largest ForwardMsg the server sends (the lab's largest figure, 401 points per axis, is
    # about 4 MB); uvicorn also refuses incoming frames above it.
    "server.maxMessageSize": 16,
    # What one client may send in one message: a rerun with every widget is a few kB.
    "server.maxWidgetStateSize": 1,
    # A closed tab's session is kept this long for a reconnect (a phone changing networks),
    # then released (Streamlit's default is 120 s); LSL_SESSION_TTL_S overrides it.
    "server.disconnectedSessionTTL": 60,
    "server.headless": True,
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "server.allowRunOnSave": False,
    "browser.gatherUsageStats": False,
    "logger.level": "info",
    "logger.hideWelcomeMessage": False,
    "global.developmentMode": False,
    "runner.postScriptGC": False,  # as in .streamlit/config.toml: see its comment
}

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG = logging.getLogger("loss_surface_lab.serve")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8501")),
                        help="TCP port (default $PORT or 8501)")
    parser.add_argument("--address", default=os.environ.get("LSL_ADDRESS", "127.0.0.1"),
                        help="address to bind (default 127.0.0.1; 0.0.0.0 in a container)")
    parser.add_argument("--script", type=Path, default=APP,
                        help="the Streamlit script (default app.py; tests use others)")
    args = parser.parse_args(argv)
    args.script = args.script.resolve()  # before main() changes the working directory
    return args


def logs_to_stdout() -> None:
    """Every log record and traceback of this process to stdout, line by line.

    fd 2 becomes fd 1 (C extensions and uvicorn write to stderr too) and Python's sys.stderr
    follows, so handlers created later (Streamlit makes one per logger) write to stdout.
    """
    sys.stdout.reconfigure(line_buffering=True)
    os.dup2(sys.stdout.fileno(), sys.stderr.fileno())
    sys.stderr = sys.stdout
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format=LOG_FORMAT, force=True)


def preload() -> None:
    """Import every module a page needs, now, before any connection is accepted."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from lab_components import preload as modules  # noqa: PLC0415 - the point is when
    from lab_components import widget_guard

    widget_guard.install()  # before the first session, not at the router's first run

    failed = ", ".join(modules.FAILED) or "none"
    LOG.info("preloaded %d modules in %.1f s (failed: %s)", len(modules.MODULES),
             time.perf_counter() - started, failed)


def freeze_startup_heap() -> tuple[int, int]:
    """Collect once, then move every object alive now into the collector's permanent
    generation, which no collection walks. Call it after preload(): those objects (modules,
    plotly's validators, cached surfaces) live as long as the process anyway. Later
    collections walk only what sessions make. Returns (objects frozen, objects a full
    collection still walks)."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count(), len(gc.get_objects())


def release_closed_sessions() -> int:
    """Shut down and drop the sessions of closed tabs whose reconnect time
    (server.disconnectedSessionTTL) has passed; returns how many.

    Streamlit 1.67 keeps a closed tab's session in a TTL cache (MemorySessionStorage) that
    removes expired entries only when written to, i.e. when another tab disconnects: after
    a class has left, nothing is released. This reaps the cache under the session manager's
    own lock and shuts each session down as Streamlit does (its media files, its script
    runner). Streamlit's internals: where they are not what 1.67 has, nothing is done.
    """
    from streamlit import runtime  # noqa: PLC0415 - only once the server runs

    if not runtime.exists():
        return 0
    manager = getattr(runtime.get_instance(), "_session_mgr", None)
    lock = getattr(manager, "_storage_lock", None)
    cache = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    if lock is None or not callable(getattr(cache, "expire", None)):
        return 0
    with lock:
        expired = cache.expire()
    for _, info in expired:
        info.session.shutdown()
    return len(expired)


def housekeeping(every_s: float = 30.0) -> None:
    """Every `every_s` seconds: release expired sessions of closed tabs (then collect their
    garbage), and hand free heap pages back to the system (glibc keeps them otherwise)."""
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: no trimming
        trim = None

    def loop() -> None:
        while True:
            time.sleep(every_s)
            try:
                released = release_closed_sessions()
            except Exception:  # noqa: BLE001 - housekeeping must not stop; say why
                LOG.exception("releasing closed sessions failed")
                released = 0
            if released:
                gc.collect()
                LOG.info("released %d closed session(s)", released)
            if trim is not None:
                trim(0)

    threading.Thread(target=loop, name="lsl-housekeeping", daemon=True).start()


def event_loop_name(bootstrap) -> str:
    """The event loop the server will run on: uvloop when it is installed (a project
    dependency: Streamlit's choice for its own server and uvicorn's `loop="auto"` under
    st.App alike; about 7 % less server CPU per slider move than asyncio's loop,
    docs/benchmarks.md), else asyncio's."""
    pick = getattr(bootstrap, "_get_uvloop_loop_factory", None)  # Streamlit 1.67's own choice
    if pick is None:
        return "unknown (this Streamlit chooses differently)"
    if pick() is None:
        return "asyncio (uvloop not installed)"
    import uvloop  # noqa: PLC0415 - importable, as the factory showed

    return f"uvloop {uvloop.__version__}"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logs_to_stdout()
    os.chdir(ROOT)  # .streamlit/config.toml and the pages/ folder are found from here
    from streamlit import config
    from streamlit.web import bootstrap

    flags = {**PRODUCTION, "server.port": args.port, "server.address": args.address}
    if ttl := os.environ.get("LSL_SESSION_TTL_S"):
        flags["server.disconnectedSessionTTL"] = int(ttl)
    bootstrap.load_config_options(flag_options={k.replace(".", "_"): v for k, v in flags.items()})
    # Streamlit's loggers are built before the options are read; give them the level now.
    from streamlit import logger as st_logger

    st_logger.set_log_level(str(config.get_option("logger.level")).upper())
    preload()
    # The app registers its pages with st.navigation: Streamlit's automatic-pages mode (on
    # while a pages/ folder exists and no st.navigation has run in the process) is never
    # wanted. Off before the first request, a deep link as the first request resolves
    # through the router with no "page not found" detour (lab_components/navigation.py).
    from streamlit.runtime.pages_manager import PagesManager  # noqa: PLC0415

    PagesManager.uses_pages_directory = False
    # The MNIST trainings' fork server (a process that has imported torch) starts now, while
    # nobody waits, not at the first Train (surfaces.mnist.training_process).
    from surfaces.mnist import jobs  # noqa: PLC0415 - after preload() put ROOT on sys.path

    jobs.get_manager()
    frozen, walked = freeze_startup_heap()
    LOG.info("froze %d start-up objects; a full collection walks %d", frozen, walked)
    housekeeping(float(os.environ.get("LSL_HOUSEKEEPING_S", "30")))
    LOG.info("event loop: %s", event_loop_name(bootstrap))
    LOG.info("serving %s on http://%s:%d", args.script.name, args.address, args.port)
    # An st.App: Streamlit's routes and the lab's path route (lab_components.lab_api); its
    # static files go out gzipped, each compressed once, and the immutable ones from memory
    # (deploy/gzip_cache.py).
    import streamlit as st  # noqa: PLC0415
    from starlette.middleware import Middleware  # noqa: PLC0415

    from deploy.gzip_cache import (  # noqa: PLC0415 - after preload() put ROOT on sys.path
        GzipCache,
        MarkImmutable,
    )
    from lab_components import lab_api, plotly_view  # noqa: PLC0415

    # The frame's files are named by their content (?v=<tag>): immutable, so browsers keep
    # them and GzipCache (outside, listed first) answers them from memory.
    middleware = [Middleware(GzipCache),
                  Middleware(MarkImmutable, named_by_content=plotly_view.is_tagged_file)]
    st.App(args.script, routes=lab_api.routes(), middleware=middleware,
           lifespan=ready_log(args)).run(config=flags)


def ready_log(args: argparse.Namespace):
    """The st.App's lifespan: one log line once Streamlit's runtime has started; uvicorn
    serves requests only after the lifespan's start-up."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        LOG.info("accepting connections on http://%s:%d", args.address, args.port)
        yield None

    return lifespan


if __name__ == "__main__":
    main()
