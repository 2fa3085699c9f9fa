"""Static files gzipped once, not per visitor: an ASGI middleware for `deploy/serve.py`.

Streamlit 1.67 on Starlette serves its own scripts (`/static/...`, about 3 MB on a first
visit) uncompressed on purpose, because its gzip middleware would compress them again on
every request; and it does compress a component's files (`/component/...`: the lab's
1.9 MB plotly.js) on every request, at level 9, in the event loop (about 100 ms of this
machine's CPU per visitor, during which no other student's rerun is answered).

This middleware keeps the compressed bytes of each file's content: a file is compressed
once (in a worker thread), and every later visitor gets the same bytes, as nginx's
`gzip_static` would give them. What the inner app answers stays its answer (status,
caching headers, 304s): only the body of a 200 is swapped for its gzip, the ETag becomes
weak (the same file in another encoding) and `Vary: Accept-Encoding` is added.

Which requests: GET of `/`, `/static/...` and `/component/...` (relative to the ASGI
root path) from a client that accepts gzip, without a Range header. Which answers: 200s
of a compressible type (scripts, styles, HTML, JSON, SVG, source maps, WebAssembly) of at
least `minimum_size` bytes, not already encoded. Anything else passes through untouched.

An answer the inner app itself marks immutable (`Cache-Control: immutable`: Streamlit's
content-hashed scripts, styles and fonts under `/static/`) is also kept whole, as it went
out, and later requests for it are answered from memory without asking the inner app. A
new visitor's page asks for about 60 such files at once, six at a time over HTTP/1.1, and
the inner app's answer (Starlette's file handling, in the event loop) was the queue's pace:
about 2 ms each here, so Streamlit's scripts were all in only about 0.2 s after the page.
Only answers that vary on nothing but Accept-Encoding and set no cookie are kept, each
under its path, query and Origin; a conditional request (If-None-Match, ...) always goes
to the inner app, which decides between 200 and 304.
"""

from __future__ import annotations

import asyncio
import collections
import gzip
import hashlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["GzipCache", "MarkImmutable", "accepts_gzip"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_PREFIXES = ("/static/", "/component/")
# Request headers that make a kept answer not apply: the inner app decides (200 or 304).
_CONDITIONAL = (b"if-none-match", b"if-modified-since", b"if-match", b"if-unmodified-since",
                b"if-range")
# What MarkImmutable gives a file named by its content: a year, never revalidated.
_IMMUTABLE = b"public, max-age=31536000, immutable"
_KEEP_AT_MOST = 8 * 2**20  # bytes of one kept answer's body (Streamlit's largest is ~1 MB)
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml",
                 "application/manifest+json", "application/wasm", "image/svg+xml")


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header value allows gzip (`gzip;q=0` does not)."""
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


class GzipCache:
    """ASGI middleware: serve the eligible static answers of `app` gzipped from a cache
    keyed by their content (at most `max_bytes` of compressed bytes, least recently used
    dropped first)."""

    def __init__(self, app: Callable, *, level: int = 9, minimum_size: int = 500,
                 max_bytes: int = 64 * 2**20) -> None:
        self.app = app
        self.level = level
        self.minimum_size = minimum_size
        self.max_bytes = max_bytes
        self._cache: collections.OrderedDict[bytes, bytes] = collections.OrderedDict()
        self._cached_bytes = 0
        self._pending: dict[bytes, asyncio.Future] = {}
        self.compressions = 0  # how many times a body was compressed (for the tests)
        # immutable answers as they went out: key -> (response start, body)
        self._kept: collections.OrderedDict[tuple, tuple[Message, bytes]] = (
            collections.OrderedDict())
        self._kept_bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", ())) if scope["type"] == "http" else {}
        if not self._eligible(scope, headers):
            await self.app(scope, receive, send)
            return
        key = _answer_key(scope, headers)
        if key is not None and (kept := self._kept.get(key)) is not None:
            self._kept.move_to_end(key)
            start, body = kept
            await send(dict(start))
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        inner = dict(scope)
        # Streamlit's own gzip middleware must leave these answers alone: this one caches.
        inner["headers"] = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        responder = _Responder(self, send)
        await self.app(inner, receive, responder.send)
        if key is not None and responder.immutable is not None:
            self._keep(key, *responder.immutable)

    def _eligible(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        if scope["type"] != "http" or scope.get("method") != "GET":
            return False
        path = _relative_path(scope)
        if path != "/" and not path.startswith(_PREFIXES):
            return False
        if b"range" in headers:
            return False
        return accepts_gzip(headers.get(b"accept-encoding", b"").decode("latin-1"))

    async def compressed(self, body: bytes) -> bytes:
        """body gzipped, from the cache or compressed once in a worker thread (concurrent
        askers for the same content wait for that one compression)."""
        key = hashlib.blake2b(body, digest_size=20).digest() + len(body).to_bytes(8, "big")
        if (hit := self._cache.get(key)) is not None:
            self._cache.move_to_end(key)
            return hit
        if (pending := self._pending.get(key)) is not None:
            return await asyncio.shield(pending)
        future = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            data = await asyncio.to_thread(gzip.compress, body, self.level, mtime=0)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        finally:
            del self._pending[key]
        self.compressions += 1
        future.set_result(data)
        self._store(key, data)
        return data

    def _keep(self, key: tuple, start: Message, body: bytes) -> None:
        if (old := self._kept.pop(key, None)) is not None:
            self._kept_bytes -= len(old[1])
        if len(body) > self.max_bytes:
            return
        self._kept[key] = (start, body)
        self._kept_bytes += len(body)
        while self._kept_bytes > self.max_bytes:
            _, (_, dropped) = self._kept.popitem(last=False)
            self._kept_bytes -= len(dropped)

    def _store(self, key: bytes, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        self._cache[key] = data
        self._cached_bytes += len(data)
        while self._cached_bytes > self.max_bytes:
            _, old = self._cache.popitem(last=False)
            self._cached_bytes -= len(old)


class MarkImmutable:
    """ASGI middleware: a 200 answer to a GET or HEAD whose path (relative to the ASGI root
    path) and query `named_by_content` accepts gets `Cache-Control: public,
    max-age=31536000, immutable` in place of the inner app's: for files whose URL changes
    with their content (the lab's frame names its scripts `?v=<tag>`), which a browser may
    then keep for a year without asking again, and GzipCache (placed outside this one) keeps
    whole."""

    def __init__(self, app: Callable, *, named_by_content: Callable[[str, str], bool]) -> None:
        self.app = app
        self.named_by_content = named_by_content

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        if not self.named_by_content(_relative_path(scope), query):
            await self.app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message.get("headers", ())
                           if k.lower() != b"cache-control"]
                headers.append((b"cache-control", _IMMUTABLE))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, marked)


class _Responder:
    """The `send` handed to the inner app: holds a compressible 200 until its body is
    complete, then sends it gzipped; everything else goes out as it comes."""

    def __init__(self, cache: GzipCache, send: Send) -> None:
        self.cache, self.outer = cache, send
        self.start: Message | None = None  # a held response start
        self.body: list[bytes] = []
        self.passing = False
        # (start, body) as sent, once a whole 200 marked immutable has gone out
        self.immutable: tuple[Message, bytes] | None = None
        self._passed: Message | None = None  # the start of a passing answer being recorded
        self._parts: list[bytes] = []  # its body so far
        self._size = 0  # bytes in _parts

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = _with_vary(list(message.get("headers", ())))
            message = {**message, "headers": headers}
            if self._compressible(message["status"], headers):
                self.start = message
            else:
                self.passing = True
                if _replayable(message["status"], headers):
                    self._passed = message
                await self.outer(message)
            return
        if message["type"] != "http.response.body" or self.passing or self.start is None:
            if message["type"] == "http.response.body" and self._passed is not None:
                self._record(message)
            await self.outer(message)
            return
        self.body.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(self.body)
        headers = self.start["headers"]
        if len(body) >= self.cache.minimum_size:
            body = await self.cache.compressed(body)
            headers = [(k, _weak(v) if k == b"etag" else v) for k, v in headers
                       if k != b"content-length"]
            headers += [(b"content-encoding", b"gzip"),
                        (b"content-length", str(len(body)).encode())]
        start = {**self.start, "headers": headers}
        await self.outer(start)
        await self.outer({"type": "http.response.body", "body": body, "more_body": False})
        if _replayable(start["status"], headers):
            self.immutable = (start, body)

    def _record(self, message: Message) -> None:
        """Keeps the body of a passing immutable answer as it goes out (up to _KEEP_AT_MOST
        bytes; a longer one is not kept)."""
        part = message.get("body", b"")
        self._parts.append(part)
        self._size += len(part)
        if self._size > _KEEP_AT_MOST:
            self._passed, self._parts = None, []
        elif not message.get("more_body", False):
            self.immutable = (self._passed, b"".join(self._parts))
            self._passed, self._parts = None, []

    def _compressible(self, status: int, headers: list[tuple[bytes, bytes]]) -> bool:
        if status != 200:
            return False
        fields = {k.lower(): v for k, v in headers}
        if b"content-encoding" in fields:
            return False
        kind = fields.get(b"content-type", b"").decode("latin-1").lower()
        return kind.startswith(_COMPRESSIBLE)


def _relative_path(scope: Scope) -> str:
    """The request's path relative to the ASGI root path (a mount under a prefix)."""
    path, root = scope.get("path", ""), scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):] or "/"
    return path


def _answer_key(scope: Scope, headers: dict[bytes, bytes]) -> tuple | None:
    """What a kept answer is filed under (path, query, Origin), or None for a conditional
    request, which the inner app must answer itself."""
    if any(name in headers for name in _CONDITIONAL):
        return None
    return (scope.get("root_path", ""), scope.get("path", ""), scope.get("query_string", b""),
            headers.get(b"origin"))


def _tokens(value: bytes) -> set[str]:
    return {t.strip().lower() for t in value.decode("latin-1").split(",") if t.strip()}


def _replayable(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    """A 200 its server marked immutable (Cache-Control; not private or no-store), varying
    on nothing but Accept-Encoding and setting no cookie: the same bytes are the right
    answer to every later request."""
    if status != 200:
        return False
    control: set[str] = set()
    vary: set[str] = set()
    for k, v in headers:
        name = k.lower()
        if name == b"cache-control":
            control |= _tokens(v)
        elif name == b"vary":
            vary |= _tokens(v)
        elif name == b"set-cookie":  # one visitor's cookie is not for the next
            return False
    return ("immutable" in control and not control & {"no-store", "private"}
            and vary <= {"accept-encoding"})


def _with_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """headers with Accept-Encoding in Vary (the answer depends on it)."""
    for i, (k, v) in enumerate(headers):
        if k.lower() == b"vary":
            if b"accept-encoding" in v.lower() or v.strip() == b"*":
                return headers
            headers[i] = (k, v + b", Accept-Encoding")
            return headers
    return [*headers, (b"vary", b"Accept-Encoding")]


def _weak(etag: bytes) -> bytes:
    return etag if etag.startswith(b"W/") else b"W/" + etag
