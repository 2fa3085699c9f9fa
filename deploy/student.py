"""One browser tab without the browser: Streamlit's websocket protocol, spoken by asyncio.

A tab does what the browser's app does on the wire, and nothing it draws:
- GET / and /_stcore/health first (a load balancer's sticky cookie, the XSRF cookie), open
  `/_stcore/stream` with the subprotocols ["streamlit", xsrf token] and those cookies;
- send BackMsg.rerun_script with a ClientState: the URL's query and page, the widget values
  it holds (a moved slider keeps its value, a pressed button is a one-shot trigger), and the
  hashes of the big messages it has cached (the server then sends a `ref_hash` instead);
- read ForwardMsgs: `new_session` (a run starts; without fragment ids a full one: pages,
  config, the page drawn afresh), `delta` elements by
  their delta path (widget ids come from there), `auto_rerun` (a fragment with run_every:
  the tab reruns that fragment on its own timer, as the browser does), `page_info_changed`
  (the query the page wrote), `script_finished`.

Used by bench/load.py (simulated students) and tests/hosting (hostile and broken clients).
Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

XSRF_COOKIE = "_streamlit_xsrf"
FIGURES = "lab_components.plotly_view.plotly_view"  # the lab's figure frame (component name)
PATHS = "/api/lab/paths"  # the path route its controls ask (lab_components.lab_api)
FULL_RUN_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class Dropped(Exception):
    """The server closed the connection (or it broke) while the tab waited for a run."""


@dataclass
class Run:
    """What one script run cost and showed: seconds from request to script_finished."""

    seconds: float
    bytes: int  # websocket payload bytes received during the run
    messages: int
    exceptions: list[str]  # Exception elements (Streamlit's error boxes) drawn in the run
    errors: list[str]  # st.error alerts drawn in the run
    warnings: list[str]  # st.warning alerts drawn in the run


@dataclass
class Answer:
    """The path route's answer to one move of the figure frame's controls."""

    seconds: float
    bytes: int  # on the wire (gzipped)
    payload: dict


@dataclass
class _Waiter:
    done: set
    future: asyncio.Future
    started: float
    bytes0: int
    messages0: int
    exceptions: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def http_get(url: str, cookies: dict[str, str] | None = None,
             timeout: float = 30.0) -> tuple[int, dict[str, str], dict[str, str], bytes]:
    """GET url -> (status, headers with lower-case names, cookies set by the response,
    body). Blocking."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return (response.status, {k.lower(): v for k, v in response.headers.items()},
                {k: m.value for k, m in jar.items()}, response.read())


class Tab:
    """A browser tab on `base_url` (http://host:port) showing page `path` with `query`."""

    def __init__(self, base_url: str, *, path: str = "", query: str = "",
                 cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_name = path.strip("/")
        self.query = query.lstrip("?")
        self.cookies = dict(cookies or {})
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self.config = None  # NewSession.config of the last run
        self.handshake_headers: dict[str, str] = {}
        self.elements: dict[tuple, object] = {}  # delta path -> Element of the current run
        self.bytes = 0  # payload bytes received over the whole connection
        self.messages = 0
        self.closed_code: int | None = None
        self._values: dict[str, WidgetState] = {}  # widget id -> the value this tab holds
        self._cache: set[str] = set()  # hashes of cacheable messages received
        self._cached_types: dict[str, object] = {}  # hash -> Element (small ones kept)
        self._frame_moves = 0
        self._frame_bases: set[str] = set()  # digests of the surfaces the figure frame holds
        self._waiters: list[_Waiter] = []
        self._auto: dict[str, asyncio.Task] = {}  # fragment id -> its auto-rerun timer
        self._ws = None
        self._reader: asyncio.Task | None = None

    # -- connection ---------------------------------------------------------------------

    async def connect(self, timeout: float = 30.0) -> None:
        """GET / for the cookies (if none were given), then open the websocket."""
        if XSRF_COOKIE not in self.cookies:  # the page, then the health check that the
            for path in ("/", "/_stcore/health"):  # app pings first (it sets the XSRF cookie)
                _, _, set_cookies, _ = await asyncio.to_thread(
                    http_get, self.base_url + path, self.cookies, timeout)
                self.cookies.update(set_cookies)
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        protocols = ["streamlit"] + ([self.cookies[XSRF_COOKIE]] if XSRF_COOKIE in self.cookies
                                     else [])
        headers = {"Origin": self.base_url}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._ws = await connect(
            f"{scheme}://{parts.netloc}/_stcore/stream", subprotocols=protocols,
            additional_headers=headers, max_size=None, open_timeout=timeout,
            ping_interval=None, compression=None,
        )
        self.handshake_headers = dict(self._ws.response.headers.raw_items())
        self._reader = asyncio.create_task(self._read())

    async def open(self, timeout: float = 60.0) -> Run:
        """Connect and run the page once, as a browser does on load."""
        started = time.perf_counter()
        await self.connect(timeout)
        run = await self.rerun(timeout=timeout)
        run.seconds = time.perf_counter() - started
        return run

    async def close(self) -> None:
        """Close the tab politely (a close frame), as a browser closing a tab does."""
        self._stop_timers()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 5)
        if self._reader is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self._reader, 5)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (Wi-Fi gone, laptop lid shut)."""
        self._stop_timers()
        if self._ws is not None:
            self._ws.transport.abort()

    async def send_raw(self, payload: bytes | str) -> None:
        """Send anything as one websocket message (hostile-client tests)."""
        await self._ws.send(payload)

    async def wait_closed(self, timeout: float = 10.0) -> int | None:
        """Wait until the server has closed the connection; return its close code."""
        with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        return self.closed_code

    # -- widgets ------------------------------------------------------------------------

    def widget(self, kind: str, label: str):
        """The proto of the `kind` widget (e.g. "slider", "button") labelled `label`."""
        for element in self.elements.values():
            if element.WhichOneof("type") == kind and getattr(element, kind).label == label:
                return getattr(element, kind)
        raise KeyError(f"no {kind} labelled {label!r} on the page")

    def texts(self, kind: str = "alert") -> list[str]:
        """Bodies of the current run's elements of one kind (alert, markdown, ...)."""
        out = []
        for element in self.elements.values():
            if element.WhichOneof("type") == kind:
                proto = getattr(element, kind)
                out.append(getattr(proto, "body", "") or getattr(proto, "text", "")
                           or getattr(proto, "message", ""))
        return out

    def set_slider(self, label: str, value: float) -> str:
        """Hold `value` for the slider `label` (sent with every rerun from now on)."""
        slider = self.widget("slider", label)
        state = WidgetState(id=slider.id)
        state.double_array_value.data.append(float(value))
        self._values[slider.id] = state
        return slider.id

    def choose(self, kind: str, label: str, **value) -> str:
        """Hold a value for any widget, given as its WidgetState field, e.g.
        choose("selectbox", "Model", string_value="...")."""
        state = WidgetState(id=self.widget(kind, label).id, **value)
        self._values[state.id] = state
        return state.id

    def set_number(self, label: str, value: float) -> str:
        """Hold `value` for the number input `label`, as a browser sends it: an int_value for
        an integer input, else a double_value (Streamlit registers both as double_value)."""
        box = self.widget("number_input", label)
        if box.data_type == box.INT:
            return self.choose("number_input", label, int_value=int(value))
        return self.choose("number_input", label, double_value=float(value))

    def set_state(self, state: WidgetState) -> None:
        """Hold any raw widget state (hostile tests: wrong types, unknown ids)."""
        self._values[state.id] = state

    def press(self, label: str) -> WidgetState:
        """A one-shot trigger for the button `label`, to pass to rerun(triggers=...)."""
        return WidgetState(id=self.widget("button", label).id, trigger_value=True)

    # -- the lab's figure frame (its own controls, on README's start) ------------------------

    def frame_id(self) -> str:
        """The widget id of the lab's figure frame."""
        for element in self.elements.values():
            if (element.WhichOneof("type") == "component_instance"
                    and element.component_instance.component_name == FIGURES):
                return element.component_instance.id
        raise KeyError("no figure frame on the page")

    async def ask_paths(self, values: dict, timeout: float = 30.0) -> Answer:
        """What the frame does first when its controls move: GET the path route for the page's
        setting with `values`, naming the surfaces it holds (`have`). Blocking I/O in a
        thread."""
        query = {**dict(parse_qsl(self.query)), **{k: str(v) for k, v in values.items()},
                 "lang": "en",
                 "have": ",".join(sorted(self._frame_bases))}
        started = time.perf_counter()
        status, headers, _, body = await asyncio.to_thread(
            http_get, f"{self.base_url}{PATHS}?{urlencode(query)}", self.cookies, timeout)
        seconds = time.perf_counter() - started
        text = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
        payload = json.loads(text)
        if status != 200 or "panels" not in payload:
            raise Dropped(f"the path route answered {status}: {payload.get('error')}")
        self._frame_bases.update(payload["blobs"])
        return Answer(seconds, len(body), payload)

    def report_frame_move(self, values: dict, answer: Answer) -> None:
        """Then the frame tells Python (its component value, held for every rerun from now
        on): the controls' values, and the figures and surfaces it shows when it drew the
        route's `answer` (the rerun then sends neither again)."""
        self._frame_moves += 1
        panels = answer.payload["panels"]
        value = {"cameras": None, "missing": [], "seq": self._frame_moves, "click": None,
                 "figures": [p["digest"] for p in panels] or None,
                 "bases": [p["base"] for p in panels] or None,
                 "controls": {"frame": f"tab-{id(self)}", "seq": self._frame_moves,
                              "values": dict(values)}}
        state = WidgetState(id=self.frame_id(), json_value=json.dumps(value))
        self._values[state.id] = state

    async def move_frame(self, values: dict, timeout: float = 60.0) -> tuple[Answer, Run]:
        """A move of the figure frame's own controls, as the browser makes it: the route's
        answer (what the student sees drawn), then the rerun that brings the page up to
        date."""
        answer = await self.ask_paths(values, timeout=timeout)
        self.report_frame_move(values, answer)
        return answer, await self.rerun(timeout=timeout)

    # -- runs ---------------------------------------------------------------------------

    def request(self, *, triggers: Iterable[WidgetState] = (), fragment_id: str = "",
                auto: bool = False, page: str | None = None) -> BackMsg:
        """The BackMsg a browser sends for a rerun."""
        if page is not None:
            self.page_name = page.strip("/")
            self.page_hash = self.pages.get(self.page_name, "")
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.page_name = self.page_name
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.widget_states.widgets.extend(self._values.values())
        state.widget_states.widgets.extend(triggers)
        state.cached_message_hashes.extend(sorted(self._cache))
        return msg

    async def rerun(self, *, triggers: Iterable[WidgetState] = (), page: str | None = None,
                    timeout: float = 60.0) -> Run:
        """Send a full rerun and wait (at most `timeout`) for its script_finished."""
        waiter = self._wait(FULL_RUN_DONE)
        await self._send(self.request(triggers=triggers, page=page))
        return await self._finish(waiter, timeout)

    def _wait(self, done: set) -> _Waiter:
        waiter = _Waiter(done, asyncio.get_running_loop().create_future(),
                         time.perf_counter(), self.bytes, self.messages)
        self._waiters.append(waiter)
        return waiter

    async def _finish(self, waiter: _Waiter, timeout: float) -> Run:
        try:
            await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
        except TimeoutError:
            raise Dropped(f"no script_finished within {timeout:.0f} s") from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)
        return Run(time.perf_counter() - waiter.started, self.bytes - waiter.bytes0,
                   self.messages - waiter.messages0, waiter.exceptions, waiter.errors,
                   waiter.warnings)

    async def _send(self, msg: BackMsg) -> None:
        try:
            await self._ws.send(msg.SerializeToString())
        except ConnectionClosed as error:
            raise Dropped(f"connection closed ({error})") from None

    # -- what the server sends ------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for payload in self._ws:
                self.bytes += len(payload)
                self.messages += 1
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                self._handle(msg)
        except ConnectionClosed:
            pass
        finally:
            code = self._ws.close_code
            self.closed_code = 1006 if code is None else code
            self._stop_timers()
            for waiter in self._waiters:
                if not waiter.future.done():
                    waiter.future.set_exception(Dropped(f"closed ({self.closed_code})"))

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            if not msg.metadata.run.fragment_ids:  # a full run: the page is drawn afresh
                self.elements.clear()
                self._stop_timers()
            self.config = msg.new_session.config
            self.page_hash = msg.new_session.page_script_hash
            self.pages = {p.url_pathname or p.page_name: p.page_script_hash
                          for p in msg.new_session.app_pages}
        elif kind == "navigation":  # st.navigation's pages and the page this run shows
            self.page_hash = msg.navigation.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.metadata.cacheable and msg.hash:
                self._cache.add(msg.hash)
                self._cached_types[msg.hash] = _light(msg.delta.new_element)
            self._element(tuple(msg.metadata.delta_path), msg.delta.new_element)
        elif kind == "ref_hash":
            element = self._cached_types.get(msg.ref_hash)
            if element is not None:
                self._element(tuple(msg.metadata.delta_path), element)
        elif kind == "auto_rerun":
            fid = msg.auto_rerun.fragment_id
            if fid in self._auto:
                self._auto.pop(fid).cancel()
            self._auto[fid] = asyncio.create_task(self._auto_rerun(fid, msg.auto_rerun.interval))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids or list(self._auto):
                task = self._auto.pop(fid, None)
                if task is not None:
                    task.cancel()
        elif kind == "script_finished":
            for waiter in list(self._waiters):
                if msg.script_finished in waiter.done and not waiter.future.done():
                    waiter.future.set_result(msg.script_finished)
                    break

    def _element(self, path: tuple, element) -> None:
        self.elements[path] = element
        kind = element.WhichOneof("type")
        frame = element.component_instance if kind == "component_instance" else None
        if frame is not None and frame.component_name == FIGURES and frame.json_args:
            self._frame_bases.update(json.loads(frame.json_args).get("blobs", {}))
        for waiter in self._waiters:
            if kind == "exception":
                waiter.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            elif kind == "alert" and element.alert.format == element.alert.ERROR:
                waiter.errors.append(element.alert.body)
            elif kind == "alert" and element.alert.format == element.alert.WARNING:
                waiter.warnings.append(element.alert.body)

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """The browser's timer for a fragment with run_every: rerun it every `interval` s."""
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
            while True:
                await asyncio.sleep(interval)
                await self._ws.send(self.request(fragment_id=fragment_id,
                                                 auto=True).SerializeToString())

    def _stop_timers(self) -> None:
        for task in self._auto.values():
            task.cancel()
        self._auto.clear()


def _light(element):
    """What a cache keeps of a big element: its type and widget id, not its payload."""
    kind = element.WhichOneof("type")
    if element.ByteSize() < 65536:
        return element
    light = Element()
    if kind == "component_instance":
        light.component_instance.id = element.component_instance.id
        light.component_instance.component_name = element.component_instance.component_name
    elif kind == "plotly_chart":
        light.plotly_chart.id = element.plotly_chart.id
    else:
        getattr(light, kind).SetInParent()
    return light


# -- what a student does on this app (labels in English, the default language) -------------

PRESETS = ("The slide", "Adam rescues MSE", "Unpin y3")
TRAIN = "Train"
QUEUED = "Waiting for a free training slot"


def choose_long_training(tab: Tab) -> None:
    """On the MNIST page, hold the deeper MLP and a long run (so it trains for minutes)."""
    model = tab.widget("selectbox", "Model")
    deep = next((o for o in model.options if "deep" in o.lower()), None)
    if deep is not None:
        tab.choose("selectbox", "Model", string_value=deep)
    for label, value in (("Epochs", 50), ("Steps", 60_000)):
        with contextlib.suppress(KeyError):  # the page counts epochs or steps
            tab.set_number(label, value)


def training(tab: Tab) -> bool:
    """Whether the tab's MNIST page shows a training in progress."""
    return any(text.startswith("Training") for text in tab.texts("progress"))
