"""deploy/gzip_cache.py: static answers gzipped once, not per visitor, with the inner app's
own status and caching headers kept. Driven as ASGI with Starlette's StaticFiles (what
Streamlit serves its scripts with) and a plain app like Streamlit's component route."""

from __future__ import annotations

import asyncio
import gzip
import os
import re

import pytest
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from deploy.gzip_cache import GzipCache, accepts_gzip
from tests.hosting.conftest import arun  # asyncio.run in a thread of its own

SCRIPT = b"function f(x){return x*x}\n" * 400  # 10 kB of compressible JavaScript


def request(app, path="/static/app.js", *, method="GET", headers=None, root_path=""):
    """(status, headers dict, body, all header pairs) of one request through app."""
    hdrs = {"accept-encoding": "gzip, deflate, br", **(headers or {})}
    scope = {"type": "http", "method": method, "path": path, "root_path": root_path,
             "raw_path": path.encode(), "query_string": b"", "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in hdrs.items()],
             "http_version": "1.1", "asgi": {"version": "3.0"}}
    sent = []

    receive = one_request()

    async def send(message):
        sent.append(message)

    arun(app(scope, receive, send))
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    pairs = [(k.decode(), v.decode()) for k, v in start["headers"]]
    return start["status"], dict(pairs), body, pairs


def one_request():
    """An ASGI receive: the request, then nothing until the app is done with it."""
    calls = []

    async def receive():
        calls.append(1)
        if len(calls) == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()

    return receive


@pytest.fixture
def static(tmp_path):
    (tmp_path / "app.js").write_bytes(SCRIPT)
    (tmp_path / "tiny.js").write_bytes(b"x=1")
    (tmp_path / "logo.png").write_bytes(os.urandom(4000))
    (tmp_path / "index.html").write_bytes(b"<!doctype html><title>lab</title>" * 40)
    return tmp_path


def files_app(directory):
    """StaticFiles under /static, index.html at /, as Streamlit mounts them."""
    files = StaticFiles(directory=directory, html=True)

    async def app(scope, receive, send):
        scope = dict(scope)
        if scope["path"].startswith("/static/"):
            scope["path"] = scope["path"][len("/static"):]
        try:
            await files(scope, receive, send)
        except HTTPException as exc:  # what Starlette's exception middleware answers
            await Response(exc.detail, status_code=exc.status_code)(scope, receive, send)

    return app


def test_a_script_is_served_gzipped_and_decompresses_to_the_file(static):
    status, headers, body, _ = request(GzipCache(files_app(static)))
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == SCRIPT
    assert int(headers["content-length"]) == len(body) < len(SCRIPT) / 5
    assert headers["content-type"].startswith("text/javascript")
    assert "Accept-Encoding" in headers["vary"]
    assert headers["etag"].startswith('W/"')  # the same file in another encoding


def test_each_content_is_compressed_once_for_every_visitor(static):
    cache = GzipCache(files_app(static))
    bodies = {request(cache)[2] for _ in range(5)}
    assert len(bodies) == 1 and cache.compressions == 1
    request(cache, "/")  # another file is another compression
    assert cache.compressions == 2
    (static / "app.js").write_bytes(SCRIPT + b"// changed\n")
    assert gzip.decompress(request(cache)[2]).endswith(b"// changed\n")
    assert cache.compressions == 3


def test_concurrent_first_visitors_share_one_compression(static):
    cache = GzipCache(files_app(static))
    bodies = []

    async def visit():
        hdrs = [(b"accept-encoding", b"gzip")]
        scope = {"type": "http", "method": "GET", "path": "/static/app.js", "root_path": "",
                 "query_string": b"", "headers": hdrs, "http_version": "1.1"}
        sent = []

        receive = one_request()

        async def send(m):
            sent.append(m)

        await cache(scope, receive, send)
        bodies.append(b"".join(m.get("body", b"") for m in sent[1:]))

    async def room():
        await asyncio.gather(*(visit() for _ in range(8)))

    arun(room())
    assert cache.compressions == 1
    assert all(gzip.decompress(b) == SCRIPT for b in bodies)


@pytest.mark.parametrize("accept", ["", "identity", "gzip;q=0", "br, deflate", "*;q=0"])
def test_a_client_that_does_not_accept_gzip_gets_the_plain_file(static, accept):
    status, headers, body, _ = request(GzipCache(files_app(static)),
                                       headers={"accept-encoding": accept})
    assert status == 200 and body == SCRIPT and "content-encoding" not in headers


@pytest.mark.parametrize("header, expected", [
    ("gzip", True), ("GZIP", True), ("deflate, gzip;q=0.5", True), ("*", True),
    ("gzip;q=0", False), ("gzip; q=0.0", False), ("gzip;q=nonsense", False),
    ("br", False), ("", False), ("x-gzip", False),
])
def test_accept_encoding_is_read_with_its_weights(header, expected):
    assert accepts_gzip(header) is expected


def test_the_inner_apps_answers_other_than_200_pass_through(static):
    cache = GzipCache(files_app(static))
    _, headers, _, _ = request(cache)
    status, _, body, _ = request(cache, headers={"if-none-match": headers["etag"]})
    assert status == 304 and body == b""  # a revalidation with the weak tag still matches
    status, headers, body, _ = request(cache, "/static/missing.js")
    assert status == 404 and "content-encoding" not in headers


def test_ranges_heads_images_small_files_and_other_paths_are_left_alone(static):
    cache = GzipCache(files_app(static))
    status, headers, body, _ = request(cache, headers={"range": "bytes=0-9"})
    assert status == 206 and body == SCRIPT[:10] and "content-encoding" not in headers
    status, headers, body, _ = request(cache, method="HEAD")
    assert status == 200 and body == b"" and "content-encoding" not in headers
    assert request(cache, "/static/logo.png")[2] == (static / "logo.png").read_bytes()
    assert request(cache, "/static/tiny.js")[2] == b"x=1"

    async def api(scope, receive, send):  # e.g. the path route: not a static file
        assert any(k == b"accept-encoding" for k, _ in scope["headers"])
        await Response(SCRIPT, media_type="application/json")(scope, receive, send)

    status, headers, body, _ = request(GzipCache(api), "/api/lab/paths")
    assert body == SCRIPT and "content-encoding" not in headers
    assert cache.compressions == 0


def test_an_already_encoded_answer_is_not_encoded_twice():
    packed = gzip.compress(SCRIPT)

    async def app(scope, receive, send):
        await Response(packed, media_type="text/javascript",
                       headers={"content-encoding": "gzip"})(scope, receive, send)

    _, headers, body, pairs = request(GzipCache(app), "/component/x/plotly.min.js")
    assert body == packed and [k for k, _ in pairs].count("content-encoding") == 1


def test_the_inner_app_does_not_see_accept_encoding_so_it_cannot_compress_per_visit():
    seen = []

    async def component(scope, receive, send):  # like Streamlit's component route
        seen.append(dict(scope["headers"]).get(b"accept-encoding"))
        await Response(SCRIPT, media_type="text/javascript",
                       headers={"cache-control": "public"})(scope, receive, send)

    cache = GzipCache(component)
    status, headers, body, _ = request(cache, "/component/lab.plotly_view/plotly.min.js")
    assert seen == [None]
    assert status == 200 and gzip.decompress(body) == SCRIPT
    assert headers["cache-control"] == "public" and "etag" not in headers


def test_an_existing_vary_keeps_its_fields_and_gains_accept_encoding():
    async def app(scope, receive, send):
        await Response(SCRIPT, media_type="text/css",
                       headers={"vary": "Origin"})(scope, receive, send)

    _, headers, _, pairs = request(GzipCache(app), "/static/a.css")
    assert headers["vary"] == "Origin, Accept-Encoding"
    assert [k for k, _ in pairs].count("vary") == 1


def test_the_cache_is_bounded_in_bytes_least_recently_used_first(tmp_path):
    for name in "abc":
        (tmp_path / f"{name}.js").write_bytes(os.urandom(3000).hex().encode())  # ~3.3 kB gz
    cache = GzipCache(files_app(tmp_path), max_bytes=8000)
    for name in "abab":
        request(cache, f"/static/{name}.js")
    assert cache.compressions == 2
    request(cache, "/static/c.js")  # evicts a (least recently used), keeps b
    request(cache, "/static/b.js")
    assert cache.compressions == 3
    request(cache, "/static/a.js")
    assert cache.compressions == 4


def test_a_mount_under_a_root_path_is_matched_relative_to_it(static):
    inner = files_app(static)

    async def mounted(scope, receive, send):
        scope = dict(scope, path=scope["path"][len("/lab"):])
        await inner(scope, receive, send)

    status, headers, body, _ = request(GzipCache(mounted), "/lab/static/app.js",
                                       root_path="/lab")
    assert status == 200 and gzip.decompress(body) == SCRIPT


# --- immutable answers, kept whole ---------------------------------------------------------

IMMUTABLE = b"public, immutable, max-age=31536000"  # what Streamlit gives its hashed files


def counted(app, asked, *, mark=IMMUTABLE, extra=()):
    """app, with `mark` as the Cache-Control of its 200s (and `extra` headers), recording in
    `asked` each path it is asked for."""
    async def wrapped(scope, receive, send):
        asked.append(scope["path"] + ("?" + scope["query_string"].decode()
                                      if scope.get("query_string") else ""))

        async def marked(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message["headers"] if k != b"cache-control"]
                if mark is not None:
                    headers.append((b"cache-control", mark))
                message = {**message, "headers": headers + list(extra)}
            await send(message)

        await app(scope, receive, marked)

    return wrapped


def request_q(app, path, query=b"", headers=None):
    """request() with a query string."""
    hdrs = {"accept-encoding": "gzip", **(headers or {})}
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "",
             "query_string": query, "headers": [(k.encode(), v.encode()) for k, v in
                                                hdrs.items()], "http_version": "1.1"}
    sent = []

    async def send(message):
        sent.append(message)

    arun(app(scope, one_request(), send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_an_immutable_answer_is_given_to_later_visitors_without_asking_the_inner_app(static):
    asked = []
    cache = GzipCache(counted(files_app(static), asked))
    for path in ("/static/app.js", "/static/logo.png", "/static/tiny.js"):
        answers = [request(cache, path) for _ in range(4)]
        assert asked.count(path) == 1, asked
        assert all(a == answers[0] for a in answers)  # status, headers and bytes alike
        assert answers[0][0] == 200 and answers[0][1]["cache-control"] == IMMUTABLE.decode()
    assert gzip.decompress(request(cache)[2]) == SCRIPT
    assert request(cache, "/static/logo.png")[2] == (static / "logo.png").read_bytes()
    assert request(cache, "/static/tiny.js")[2] == b"x=1"
    assert cache.compressions == 1
    assert len(asked) == 3


def test_answers_not_marked_immutable_are_asked_for_every_time(static):
    for mark in (None, b"no-cache", b"public, max-age=60", b"immutable, no-store",
                 b"private, immutable"):
        asked = []
        cache = GzipCache(counted(files_app(static), asked, mark=mark))
        for _ in range(3):
            assert gzip.decompress(request(cache)[2]) == SCRIPT
        assert len(asked) == 3, mark


def test_a_conditional_request_is_answered_by_the_inner_app(static):
    asked = []
    cache = GzipCache(counted(files_app(static), asked))
    _, headers, _, _ = request(cache)
    status, _, body, _ = request(cache, headers={"if-none-match": headers["etag"]})
    assert status == 304 and body == b"" and len(asked) == 2
    assert request(cache)[0] == 200 and len(asked) == 2  # the kept answer is still there


def test_another_query_or_origin_is_another_answer(static):
    asked = []
    cache = GzipCache(counted(files_app(static), asked))
    request_q(cache, "/static/app.js")
    request_q(cache, "/static/app.js", b"v=2")
    request_q(cache, "/static/app.js", b"v=2")
    assert asked == ["/static/app.js", "/static/app.js?v=2"]
    for origin in ("http://127.0.0.1:8501", "http://elsewhere.example", "http://127.0.0.1:8501"):
        assert request_q(cache, "/static/app.js", headers={"origin": origin})[0] == 200
    assert asked == ["/static/app.js", "/static/app.js?v=2", "/static/app.js",
                     "/static/app.js"]


def test_answers_that_vary_set_a_cookie_or_are_not_200_are_not_kept(static):
    for extra in ([(b"vary", b"Origin")], [(b"vary", b"*")],
                  [(b"set-cookie", b"_streamlit_xsrf=2|secret; Path=/")]):
        asked = []
        cache = GzipCache(counted(files_app(static), asked, extra=extra))
        for _ in range(2):
            request(cache)
        assert len(asked) == 2, extra
    asked = []

    async def missing(scope, receive, send):  # a 404 that says immutable all the same
        await Response("no", status_code=404,
                       headers={"cache-control": IMMUTABLE.decode()})(scope, receive, send)

    cache = GzipCache(counted(missing, asked))
    assert [request(cache, "/static/gone.js")[0] for _ in range(2)] == [404, 404]
    assert len(asked) == 2


def test_a_body_sent_in_parts_is_kept_whole_and_a_huge_one_is_not(static, monkeypatch):
    picture = os.urandom(200_000)  # incompressible: it passes as Starlette sends it, in parts
    (static / "big.png").write_bytes(picture)
    asked = []
    cache = GzipCache(counted(files_app(static), asked))
    assert [request(cache, "/static/big.png")[2] for _ in range(3)] == [picture] * 3
    assert asked == ["/static/big.png"]
    monkeypatch.setattr("deploy.gzip_cache._KEEP_AT_MOST", 100_000)
    asked.clear()
    cache = GzipCache(counted(files_app(static), asked))
    assert [request(cache, "/static/big.png")[2] for _ in range(3)] == [picture] * 3
    assert len(asked) == 3


def test_kept_answers_are_bounded_in_bytes_least_recently_used_first(tmp_path):
    for name in "abc":
        (tmp_path / f"{name}.png").write_bytes(os.urandom(3000))
    asked = []
    cache = GzipCache(counted(files_app(tmp_path), asked), max_bytes=7000)
    for name in "abab":
        request(cache, f"/static/{name}.png")
    assert asked == ["/static/a.png", "/static/b.png"]
    request(cache, "/static/c.png")  # drops a (least recently used), keeps b
    request(cache, "/static/b.png")
    request(cache, "/static/a.png")
    assert asked == ["/static/a.png", "/static/b.png", "/static/c.png", "/static/a.png"]


# --- files named by their content: the lab's frame ----------------------------------------

def test_mark_immutable_marks_the_200s_of_the_files_it_is_told_of(static):
    from deploy.gzip_cache import MarkImmutable

    asked = []

    def named_by_content(path, query):
        asked.append((path, query))
        return query == "v=1"

    public = counted(files_app(static), [], mark=b"public")  # like Streamlit's component route
    app = MarkImmutable(public, named_by_content=named_by_content)

    def start_of(path, query=b"", method="GET"):
        sent = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": method, "path": path, "root_path": "",
                 "query_string": query, "headers": [], "http_version": "1.1"}
        arun(app(scope, one_request(), send))
        return sent[0]["status"], [v for k, v in sent[0]["headers"] if k == b"cache-control"]

    assert start_of("/static/app.js", b"v=1") == (200, [b"public, max-age=31536000, immutable"])
    assert start_of("/static/app.js", b"v=2") == (200, [b"public"])
    assert start_of("/static/app.js") == (200, [b"public"])
    assert start_of("/static/missing.js", b"v=1")[1] == []  # a 404 is not marked
    assert asked == [("/static/app.js", "v=1"), ("/static/app.js", "v=2"),
                     ("/static/app.js", ""), ("/static/missing.js", "v=1")]
    assert start_of("/static/app.js", b"v=1", method="POST")[0] == 405
    assert len(asked) == 4  # a POST is never asked about
    assert request_q(app, "/static/app.js", b"v=1") == (200, SCRIPT)  # the body untouched


def test_the_frame_s_tagged_files_are_immutable_and_kept_whole():
    from deploy.gzip_cache import MarkImmutable
    from lab_components.plotly_view import COMPONENT_NAME, _frontend_dir, is_tagged_file

    directory = _frontend_dir()
    html = (directory / "index.html").read_text(encoding="utf-8")
    named = re.findall(r'(?:src|href)="([^"/]+)\?([^"]+)"', html)
    assert {n for n, _ in named} == {"plotly.min.js", "sketch3d.js", "warm_shaders.js",
                                     "text_meshes.js", "plotly_view.js"}
    prefix = f"/component/{COMPONENT_NAME}/"
    for name, query in named:
        assert is_tagged_file(prefix + name, query), (name, query)
    assert not is_tagged_file(prefix + "index.html", "streamlitUrl=http%3A%2F%2Fx%2F")
    assert not is_tagged_file(prefix + "plotly.min.js", "")
    assert not is_tagged_file(prefix + "plotly.min.js", "v=4.1.1-000000000000")  # an old page
    assert not is_tagged_file(prefix + "../plotly.min.js", named[0][1])
    assert not is_tagged_file(f"/component/other.component/{named[0][0]}", named[0][1])
    assert not is_tagged_file("/static/" + named[0][0], named[0][1])

    asked = []

    async def component(scope, receive, send):  # Streamlit's component route: `public`
        asked.append(scope["path"])
        file = directory / scope["path"].rsplit("/", 1)[1]
        await Response(file.read_bytes(), media_type="text/javascript",
                       headers={"cache-control": "public"})(scope, receive, send)

    served = GzipCache(MarkImmutable(component, named_by_content=is_tagged_file))
    query = dict(named)["plotly.min.js"].encode()
    bodies = [request_q(served, prefix + "plotly.min.js", query)[1] for _ in range(3)]
    assert asked == [prefix + "plotly.min.js"]
    assert gzip.decompress(bodies[0]) == (directory / "plotly.min.js").read_bytes()
    assert bodies[0] == bodies[1] == bodies[2]
