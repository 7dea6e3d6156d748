"""A Streamlit client without a browser: it speaks the app's own websocket protocol (the BackMsg
and ForwardMsg protobufs shipped in the streamlit package), so a load test measures the server
and not a browser's rendering on the same cores.

It does what the browser's frontend does, no more: loads the page and `/_stcore/health` (which
sets the `_streamlit_xsrf` cookie), opens `/_stcore/stream` with the subprotocols
`streamlit, <xsrf token>` and the page's Origin and cookies (a sticky nginx route included), asks
for a run with the URL's query string, and keeps the page as the deltas build it: a tree of
elements keyed by delta path, each with the run and fragment that drew it; stale ones are dropped
when a run finishes, as the frontend drops them. Widgets are found by label or by key (the end of
their id), whatever page or fragment draws them; changing one sends every widget's value back with
the fragment it lives in, as the frontend's widget manager does. Messages the server has cached
are acknowledged by hash, so it sends references, as to a browser.

Blocking and single-threaded: under Locust (gevent) each simulated user holds one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import requests
import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.streamlit_widgets import TEXT_WIDGETS, VALUED, page_errors, page_texts, shown_value

XSRF_COOKIE = "_streamlit_xsrf"
FINISHED = ForwardMsg.ScriptFinishedStatus


class PageError(RuntimeError):
    """The page showed an exception, or the server did not answer in time."""


@dataclass
class Node:
    element: Element | None  # None for a block (a container, a column, a fragment's box)
    run_id: str  # the script run that drew it
    fragment_id: str  # the fragment it belongs to, "" outside fragments


class StreamlitClient:
    """One browser tab's Streamlit session. `open` a URL, then act on widgets by label or key."""

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.states: dict[str, WidgetState] = {}
        self.cache: dict[str, ForwardMsg] = {}
        self.query_string = ""
        self.page_hash = ""
        self.page_name = ""
        self.run_id = ""
        self.run_fragments: tuple[str, ...] = ()
        self.running = False
        self.ws: websocket.WebSocket | None = None

    # -- connecting --------------------------------------------------------------------------
    def open(self, url: str) -> None:
        """Load `url` (absolute, or a path with its query) as a browser does, and run its page."""
        parts = urlsplit(url)
        self.page_name, self.query_string = parts.path.strip("/"), parts.query
        page = f"{self.base}/{self.page_name}" + (f"?{parts.query}" if parts.query else "")
        self.http.get(page, timeout=self.timeout).raise_for_status()
        for path in ("/_stcore/health", "/_stcore/host-config"):
            self.http.get(self.base + path, timeout=self.timeout).raise_for_status()
        xsrf = self.http.cookies.get(XSRF_COOKIE)
        self.ws = websocket.create_connection(
            "ws" + self.base.removeprefix("http") + "/_stcore/stream",
            timeout=self.timeout,
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            origin=self.base,
            cookie="; ".join(f"{c.name}={c.value}" for c in self.http.cookies),
        )
        self._rerun()

    def fetch(self, url: str) -> str:
        """GET `url` (absolute, or a path with its query) as a browser does; its text."""
        parts = urlsplit(url)
        page = f"{self.base}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
        answer = self.http.get(page, timeout=self.timeout)
        answer.raise_for_status()
        return answer.text

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        self.http.close()

    # -- reading the page ---------------------------------------------------------------------
    def elements(self) -> Iterator[tuple[str, Element, Node]]:
        """Every element on the page in page order: (its type, the element, its node)."""
        for _, node in sorted(self.nodes.items()):
            if node.element is not None:
                yield str(node.element.WhichOneof("type")), node.element, node

    def texts(self) -> list[str]:
        """The text of headings, markdown, alerts and exceptions, in page order."""
        return page_texts((kind, element) for kind, element, _ in self.elements())

    def has_text(self, text: str) -> bool:
        return any(text in shown for shown in self.texts())

    def errors(self) -> list[str]:
        """Exceptions and error boxes on the page."""
        return page_errors((kind, element) for kind, element, _ in self.elements())

    def find(self, name: str, kind: str | None = None) -> tuple[Element, Node]:
        """The first widget whose label is `name` or whose key is (ids end in `-<key>`)."""
        for found_kind, element, node in self.elements():
            widget = getattr(element, found_kind)
            if kind not in (None, found_kind) or not hasattr(widget, "label") or not hasattr(widget, "id"):
                continue
            if widget.label == name or widget.id.endswith(f"-{name}"):
                return element, node
        raise PageError(f"no widget {name!r} on the page; texts: {self.texts()[:8]}")

    def has_widget(self, name: str, kind: str | None = None) -> bool:
        try:
            self.find(name, kind)
        except PageError:
            return False
        return True

    # -- acting --------------------------------------------------------------------------------
    def type(self, name: str, text: str) -> None:
        """Type into a text field and leave it (the frontend commits on blur)."""
        element, node = self._widget(name, TEXT_WIDGETS)
        self._set(element, node, WidgetState(string_value=text))

    def choose(self, name: str, option: str) -> None:
        element, node = self._widget(name, ("selectbox",))
        if option not in element.selectbox.options:
            options = list(element.selectbox.options)[:10]
            raise PageError(f"{option!r} is not an option of {name!r}: {options}")
        self._set(element, node, WidgetState(string_value=option))

    def tick(self, name: str, value: bool = True) -> None:
        element, node = self._widget(name, ("checkbox",))
        self._set(element, node, WidgetState(bool_value=value))

    def enter_date(self, name: str, day: date) -> None:
        element, node = self._widget(name, ("date_input",))
        state = WidgetState()
        state.string_array_value.data.append(day.strftime("%Y/%m/%d"))
        self._set(element, node, state)

    def click(self, name: str) -> None:
        """Press a button: its trigger is in this one rerun only."""
        element, node = self._widget(name, ("button",))
        self._rerun(fragment_id=node.fragment_id, trigger=element.button.id)

    def wait_for(self, done: object, *, timeout: float | None = None) -> float:
        """Read messages until `done()` holds (a callable) and return the seconds it took."""
        assert callable(done)
        started = time.perf_counter()
        deadline = started + (timeout or self.timeout)
        while not done():
            self._receive(deadline)
        return time.perf_counter() - started

    def settle(self) -> None:
        """Until the run the last action caused (and any rerun it asked for) is over."""
        self.wait_for(lambda: not self.running)
        if shown := [e for e in self.errors() if ":" in e and "Error" in e.split(":")[0]]:
            raise PageError(f"the page shows an exception: {shown[0][:300]}")

    # -- the protocol -----------------------------------------------------------------------
    def _widget(self, name: str, kinds: tuple[str, ...]) -> tuple[Element, Node]:
        self.settle()
        for kind in kinds:
            if self.has_widget(name, kind):
                return self.find(name, kind)
        return self.find(name, kinds[0])

    def _set(self, element: Element, node: Node, state: WidgetState) -> None:
        kind = str(element.WhichOneof("type"))
        widget = getattr(element, kind)
        state.id = widget.id
        self.states[widget.id] = state
        if not widget.form_id and not getattr(widget, "ignore_rerun", False):
            self._rerun(fragment_id=node.fragment_id)
            self.settle()

    def _rerun(self, *, fragment_id: str = "", trigger: str = "") -> None:
        assert self.ws is not None, "open() first"
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else self.page_name
        state.fragment_id = fragment_id
        state.cached_message_hashes.extend(self.cache)
        state.context_info.timezone = "Asia/Shanghai"
        state.context_info.timezone_offset = -480
        state.context_info.locale = "zh-CN"
        state.context_info.url = f"{self.base}/{self.page_name}?{self.query_string}"
        for widget_id, value in self.states.items():
            state.widget_states.widgets.append(value)
            assert value.id == widget_id
        if trigger:
            state.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        self.running = True
        self.ws.send_binary(message.SerializeToString())

    def _receive(self, deadline: float) -> None:
        assert self.ws is not None
        left = deadline - time.perf_counter()
        if left <= 0:
            raise PageError(f"no answer in {self.timeout:.0f} s; texts: {self.texts()[:8]}")
        self.ws.settimeout(left)
        try:
            data = self.ws.recv()
        except websocket.WebSocketTimeoutException as late:
            raise PageError(f"no answer in {self.timeout:.0f} s; texts: {self.texts()[:8]}") from late
        if not isinstance(data, bytes):
            raise PageError(f"a text frame from the server: {str(data)[:200]}")
        message = ForwardMsg()
        message.ParseFromString(data)
        self._handle(message)

    def _handle(self, message: ForwardMsg) -> None:
        if message.HasField("ref_hash"):  # a message we hold: the server sent only its hash
            cached = ForwardMsg()
            cached.CopyFrom(self.cache[message.ref_hash])
            cached.metadata.CopyFrom(message.metadata)
            message = cached
        elif message.metadata.cacheable and message.hash:
            self.cache[message.hash] = message
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self._start_run(message)
        elif kind == "delta":
            self._apply(message)
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "navigation" and message.navigation.page_script_hash:
            # The page st.navigation ran: a page opened by its URL path (`page_name`) is named by
            # its hash from now on, as the browser does; the session's own hash is the router's.
            self.page_hash = message.navigation.page_script_hash
        elif kind == "script_finished":
            self._finish(message.script_finished)

    def _start_run(self, message: ForwardMsg) -> None:
        session = message.new_session
        self.run_id = message.metadata.run.script_run_id
        self.run_fragments = tuple(message.metadata.run.fragment_ids)
        if not self.run_fragments and self.page_hash and session.page_script_hash != self.page_hash:
            self.nodes.clear()  # another page: nothing of the last one stays
        self.page_hash = session.page_script_hash
        self.running = True

    def _apply(self, message: ForwardMsg) -> None:
        path, delta = tuple(message.metadata.delta_path), message.delta
        if delta.WhichOneof("type") == "new_element":
            for other in [p for p in self.nodes if len(p) > len(path) and p[: len(path)] == path]:
                del self.nodes[other]  # an element replaces a block and all it held
            self.nodes[path] = Node(delta.new_element, self.run_id, delta.fragment_id)
            self._remember_default(delta.new_element)
        elif delta.WhichOneof("type") == "add_block":
            self.nodes[path] = Node(None, self.run_id, delta.fragment_id)

    def _remember_default(self, element: Element) -> None:
        """A widget reports its value from the moment it shows: the server's, else its default."""
        kind = str(element.WhichOneof("type"))
        if kind not in VALUED:
            return
        widget = getattr(element, kind)
        if widget.id in self.states and not widget.set_value:
            return
        state = shown_value(kind, widget)
        if state is not None:
            self.states[widget.id] = state

    def _finish(self, status: int) -> None:
        """A run is over: drop what it did not draw again (within its fragments), as the frontend
        does, and forget the values of widgets that are gone."""
        if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
            return  # another run follows at once
        whole = status != FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        stale = [
            path
            for path, node in self.nodes.items()
            if node.run_id != self.run_id and (whole or node.fragment_id in self.run_fragments)
        ]
        for path in stale:
            del self.nodes[path]
        present = {getattr(e, k).id for k, e, _ in self.elements() if k in VALUED}
        self.states = {i: s for i, s in self.states.items() if i in present}
        self.running = False
