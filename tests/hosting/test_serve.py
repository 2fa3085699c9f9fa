"""The production start (deploy/serve.py), checked from the outside: HTTP, websocket, logs."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from streamlit.proto.NewSession_pb2 import Config

from deploy.student import XSRF_COOKIE, Tab, http_get
from tests.hosting.conftest import arun

pytestmark = pytest.mark.hosting
RAISES = Path(__file__).parent / "apps" / "raises.py"


def test_health_answers_ok_and_sets_the_xsrf_cookie(prod):
    status, _, cookies, body = http_get(prod.url + "/_stcore/health")
    assert (status, body) == (200, b"ok")
    assert XSRF_COOKIE in cookies


def test_static_files_go_out_gzipped_and_each_is_compressed_once(prod):
    """Streamlit serves its own scripts uncompressed and compresses a component's files on
    every request, in the event loop; the production start gzips both once
    (deploy/gzip_cache.py)."""
    import gzip

    from streamlit.file_util import get_static_dir

    from lab_components.plotly_view import COMPONENT_NAME

    async def visit():  # the lab's first run registers its component
        tab = Tab(prod.url)
        await tab.open()
        await tab.close()

    arun(visit())
    _, _, _, index = http_get(prod.url + "/")
    scripts = re.findall(rb'src="\./(static/js/[^"]+\.js)"', gzip.decompress(index))
    assert scripts, "index.html names no script"
    script = scripts[0].decode()
    frontend = Path(__file__).parents[2] / "lab_components/plotly_view/frontend"
    for path, on_disk in [
        ("/" + script, Path(get_static_dir()) / script),
        (f"/component/{COMPONENT_NAME}/plotly.min.js", frontend / "plotly.min.js"),
    ]:
        answers = [http_get(prod.url + path) for _ in range(2)]
        for status, headers, _, body in answers:
            assert status == 200 and headers.get("content-encoding") == "gzip", (path, headers)
            assert gzip.decompress(body) == on_disk.read_bytes()
            assert len(body) < on_disk.stat().st_size / 2
        assert answers[0][3] == answers[1][3]


def test_streamlits_hashed_files_are_marked_immutable_and_answered_alike(prod):
    """deploy/gzip_cache.py answers later visitors from memory only what the inner app marks
    immutable: Streamlit must still mark its content-hashed scripts, styles and fonts so,
    or a new visitor's 60-odd requests queue behind the inner app again."""
    import gzip

    _, _, _, index = http_get(prod.url + "/")
    page = gzip.decompress(index)
    files = [m.decode() for m in re.findall(rb'(?:src|href)="\./(static/[^"]+)"', page)]
    kinds = {path.rsplit(".", 1)[-1] for path in files}
    assert {"js", "css"} <= kinds, files
    for path in files:
        answers = [http_get(prod.url + "/" + path) for _ in range(3)]
        for status, headers, _, _ in answers:
            assert status == 200, (path, headers)
            assert "immutable" in headers.get("cache-control", ""), (path, headers)
        assert len({a[3] for a in answers}) == 1, path
        alike = [{k: v for k, v in a[1].items() if k != "date"} for a in answers]
        assert alike[0] == alike[1] == alike[2], path


def test_modules_are_imported_before_the_server_accepts_connections(prod):
    log = prod.log()
    preloaded = re.search(r"preloaded (\d+) modules in [\d.]+ s \(failed: none\)", log)
    started = log.find("accepting connections on")
    assert preloaded, log[-2000:]
    assert 0 <= preloaded.start() < started, "the server listened before the preload ended"


def test_the_start_up_heap_is_out_of_the_collectors_way(prod):
    """A full garbage collection walked everything the start imported (hundreds of
    thousands of objects: torch, plotly's validators) and held every session for up to
    354 ms; frozen after the preload, it walks a small fraction of that."""
    found = re.search(r"froze (\d+) start-up objects; a full collection walks (\d+)", prod.log())
    assert found, prod.log()[-2000:]
    frozen, walked = map(int, found.groups())
    assert frozen > 100_000
    assert walked < frozen / 20


def test_the_server_runs_on_uvloop(prod):
    """uvloop (a dependency): Streamlit serves on it when installed, with less server CPU
    per slider move; an install that lost it falls back to asyncio's loop silently."""
    assert re.search(r"event loop: uvloop \d", prod.log()), prod.log()[-2000:]
    maps = Path(f"/proc/{prod.proc.pid}/maps").read_text()
    assert "/uvloop/loop." in maps  # the extension is loaded in the server process


def test_the_browser_is_told_viewer_toolbar_no_usage_stats_no_run_on_save(prod):
    async def config():
        tab = Tab(prod.url)
        run = await tab.open()
        await tab.close()
        return tab.config, run

    config, run = arun(config())
    assert config.toolbar_mode == Config.VIEWER  # no Deploy button, no developer menu
    assert config.gather_usage_stats is False
    assert config.allow_run_on_save is False
    assert run.exceptions == [] and run.errors == []


def test_an_uncaught_error_shows_a_generic_box_and_logs_the_traceback_to_stdout(serve):
    server = serve(RAISES)

    async def run_page():
        tab = Tab(server.url)
        run = await tab.open()
        await tab.close()
        return tab, run

    tab, run = arun(run_page())
    [exception] = [e.exception for e in tab.elements.values()
                   if e.WhichOneof("type") == "exception"]
    assert "secret detail" not in exception.message
    assert "ValueError" not in exception.type + exception.message
    assert not exception.stack_trace
    log = server.log()
    assert "Traceback" in log and "secret detail 4242" in log
    assert server.errors() == ""  # everything went to stdout


def _put_upload(url: str, cookies: dict, header_token: str | None) -> int:
    request = urllib.request.Request(url + "/_stcore/upload_file/nosession/nofile",
                                     data=b"x", method="PUT")
    request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if header_token is not None:
        request.add_header("X-Xsrftoken", header_token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_xsrf_protection_refuses_a_write_without_the_token(prod):
    _, _, cookies, _ = http_get(prod.url + "/_stcore/health")
    assert _put_upload(prod.url, cookies, None) == 403
    assert _put_upload(prod.url, cookies, "2|00000000|forged|1") == 403
    # With the token the request passes the XSRF check and fails later (no such session).
    assert _put_upload(prod.url, cookies, cookies[XSRF_COOKIE]) == 400


def test_an_oversized_message_closes_that_connection_only(prod):
    async def scenario():
        hostile, other = Tab(prod.url), Tab(prod.url)
        await hostile.open()
        await other.open()
        await hostile.send_raw(b"\x00" * 2_000_000)  # over server.maxWidgetStateSize (1 MB)
        code = await hostile.wait_closed(10)
        _, run = await other.move_frame({"y1": -6.0})
        await other.close()
        return code, run

    code, run = arun(scenario())
    assert code == 1009  # Message Too Big
    assert run.exceptions == [] and run.errors == []


def test_closed_tabs_sessions_are_released_once_their_reconnect_time_is_over(serve):
    """Streamlit drops an expired session of a closed tab only when another tab disconnects;
    the production start's housekeeping releases them on a quiet server too."""
    server = serve(env={"LSL_SESSION_TTL_S": "2", "LSL_HOUSEKEEPING_S": "1"})

    async def scenario():
        tabs = [Tab(server.url) for _ in range(3)]
        for tab in tabs:
            await tab.open()
        for tab in tabs:
            await tab.close()

    arun(scenario())
    deadline = time.monotonic() + 30
    released = 0
    while time.monotonic() < deadline and released < 3:
        released = sum(int(n) for n in re.findall(r"released (\d+) closed session", server.log()))
        time.sleep(0.5)
    assert released == 3, server.log()[-3000:]
    assert "releasing closed sessions failed" not in server.log()
