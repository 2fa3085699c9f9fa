"""Fixtures for tests/hosting: the production start and nginx replicas, on loopback.

serve(script=None, env=None) -> Server   the production start (deploy/serve.py) on a free
                                         port, stdout and stderr kept apart in files
prod                                     module-scoped: one production server for app.py
nginx_binary                             Debian's nginx; skips locally, fails when $CI is set
arun(coro)                               asyncio.run, for the websocket client
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.cluster import _stop, find_nginx, free_port, healthy

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "deploy" / "serve.py"
# Small bounds so the fault tests see a training stop within seconds.
TEST_ENV = {"LSL_MNIST_SOURCE": "subset", "LSL_JOB_IDLE_SECONDS": "3",
            "LSL_MAX_TRAININGS": "1"}


def arun(coro):
    """asyncio.run in a thread of its own: in a whole-suite run the e2e tests' Playwright
    (sync API) keeps an event loop running in the main thread, where asyncio.run refuses."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def missing(reason: str) -> None:
    """Skip locally; fail when $CI is set, where a missing tool is a broken setup."""
    if os.environ.get("CI"):
        pytest.fail(reason + " CI is set, so this is an error, not a skip.")
    pytest.skip(reason)


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    stdout: Path
    stderr: Path

    def log(self) -> str:
        return self.stdout.read_text(errors="replace")

    def errors(self) -> str:
        return self.stderr.read_text(errors="replace")


def start_server(directory: Path, script: Path | None = None, env: dict | None = None) -> Server:
    port = free_port()
    out, err = directory / f"{port}.out", directory / f"{port}.err"
    cmd = [sys.executable, str(SERVE), "--port", str(port)]
    if script is not None:
        cmd += ["--script", str(script)]
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, **TEST_ENV, **(env or {})})
    server = Server(f"http://127.0.0.1:{port}", proc, out, err)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if healthy(server.url):
            return server
        time.sleep(0.25)
    _stop(proc)
    raise RuntimeError(f"deploy/serve.py did not become healthy:\n{server.log()[-3000:]}"
                       f"\n{server.errors()[-3000:]}")


@pytest.fixture
def serve():
    started: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="lsl-serve-") as directory:

        def start(script: Path | None = None, env: dict | None = None) -> Server:
            server = start_server(Path(directory), script, env)
            started.append(server)
            return server

        yield start
        for server in started:
            _stop(server.proc)


@pytest.fixture(scope="module")
def prod():
    with tempfile.TemporaryDirectory(prefix="lsl-prod-") as directory:
        server = start_server(Path(directory))
        yield server
        _stop(server.proc)


@pytest.fixture(scope="session")
def nginx_binary() -> str:
    found = find_nginx()
    if found is None:
        missing("the load-balancer tests need nginx (apt-get install nginx-light).")
    return found
