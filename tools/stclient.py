"""A browserless Streamlit client: sessions speak Streamlit's websocket protocol (the protobufs the
streamlit package ships) as a browser tab would, so a load test or a test can drive many at once.

A session opens a page with query parameters, reads the elements each run sent (kind, widget id, key,
label, value, the fragment that drew it), sets widget values, presses buttons (a fragment run when the
button sits in an ``st.fragment``), and times every run until ``script_finished``, counting the bytes
received. Each run also lists what a visitor would call an error: an exception, an error box, "page not
found", a script that did not compile.

    async with Session.connect(url, cookies={"lao_session": value}) as s:
        await s.open("entry?lao=6300101&year=2569&domain=1")
        for box in s.find("text_input", label="1.01 ("):
            s.set(box, "10")
        run = await s.click(s.one("button", key="entry_save"))
        run.seconds, run.nbytes, run.errors

    summary = load("http://127.0.0.1:8080", sessions=50, steps=["overview", "lao?lao=2300101&year=2568"])

Like a browser that has just opened the page, a session reports no cached messages, so every run is
sent in full. Only ever point it at this machine (127.0.0.1); every wait has a time limit.
"""
from __future__ import annotations

import asyncio
import math
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.util import calc_hash

DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
# The WidgetState field a widget's value travels in (streamlit/elements/widgets: `value_type=`).
VALUE_FIELD = {"text_input": "string_value", "text_area": "string_value", "radio": "string_value",
               "selectbox": "string_value", "color_picker": "string_value", "checkbox": "bool_value",
               "number_input": "double_value", "multiselect": "string_array_value"}
TRIGGERS = ("button",)
LOCAL = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class Element:
    """One element a run drew: `kind` is its protobuf field (text_input, button, alert, markdown, ...)."""
    kind: str
    path: tuple[int, ...]          # where it sits on the page (the delta path)
    fragment: str                  # id of the st.fragment that drew it, "" outside fragments
    proto: Any                     # the element's own message (TextInput, Button, Alert, ...)

    @property
    def id(self) -> str:
        return getattr(self.proto, "id", "")

    @property
    def key(self) -> str | None:
        """The `key=` the app gave the widget, or None."""
        return user_key_from_element_id(self.id) if self.id else None

    @property
    def label(self) -> str:
        return getattr(self.proto, "label", "")

    @property
    def body(self) -> str:
        """The text of an alert, markdown, caption, heading or text element."""
        return getattr(self.proto, "body", "")

    @property
    def value(self) -> Any:
        """A widget's value as the server sent it: the one the script set (session state, a default it
        chose) or else the widget's default. What the visitor typed since is Session.value's."""
        p = self.proto
        if self.kind in ("radio", "selectbox"):
            if p.set_value or p.HasField("raw_value"):
                return p.raw_value
            return p.options[p.default] if p.HasField("default") and 0 <= p.default < len(p.options) else None
        if not hasattr(p, "value"):
            return None
        if self.forced:
            return p.value
        return p.default if _has(p, "default") else None

    @property
    def forced(self) -> bool:
        """The script set this widget's value in this run (it replaces whatever the visitor had typed)."""
        return bool(getattr(self.proto, "set_value", False))

    @property
    def error(self) -> bool:
        return self.kind == "exception" or (self.kind == "alert" and self.proto.format == Alert.ERROR)


def _has(proto, name: str) -> bool:
    try:
        return proto.HasField(name)
    except ValueError:          # not an optional field: always "set"
        return True


@dataclass
class Run:
    """One script run, as the client saw it: from sending the request to its script_finished."""
    page: str
    fragment: str = ""
    seconds: float = 0.0
    nbytes: int = 0
    deltas: int = 0                # elements and blocks sent
    status: int | None = None
    elements: list[Element] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def alerts(self, fmt: int) -> list[str]:
        """The bodies of this run's alerts of one kind (Alert.SUCCESS, Alert.ERROR, ...)."""
        return [e.body for e in self.elements if e.kind == "alert" and e.proto.format == fmt]


def _problem(element: Element) -> str | None:
    if element.kind == "exception":
        return f"exception: {element.proto.type}: {element.proto.message}"[:300]
    if element.error:
        return f"error box: {element.body}"[:300]
    return None


class Session:
    """One visitor's websocket connection. Open it with `Session.connect(...)`; every run waits for its
    end (Streamlit runs one script at a time per session)."""

    def __init__(self, ws, timeout: float):
        self.ws, self.timeout = ws, timeout
        self.page_hash = ""                         # the page shown, as the server named it (navigation)
        self.query = ""                             # its query string, as the script last left it
        self.elements: dict[tuple[int, ...], Element] = {}    # what the page shows now
        self._states: dict[str, WidgetState] = {}   # widget values set since the last run
        self._typed: dict[str, Any] = {}            # what this visitor gave each widget (a browser keeps it)

    @classmethod
    @asynccontextmanager
    async def connect(cls, url: str, cookies: dict[str, str] | None = None, headers: dict | None = None,
                      timeout: float = 120):
        """A session on the Streamlit server at `url` (this machine only); `cookies` go on the handshake,
        as a browser sends them (st.context.cookies reads them there)."""
        u = urlparse(url)
        if u.hostname not in LOCAL:
            raise ValueError(f"only this machine: {url}")
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        async with websockets.connect(f"ws://{u.netloc}{u.path.rstrip('/')}/_stcore/stream",
                                      subprotocols=["streamlit"], max_size=None, origin=f"http://{u.netloc}",
                                      additional_headers=headers or None, open_timeout=timeout) as ws:
            yield cls(ws, timeout)

    # --- reading the page -------------------------------------------------------------------------

    def find(self, kind: str | None = None, *, key: str | None = None, label: str | None = None) -> list[Element]:
        """Elements on the page now, in page order: of `kind`, with widget `key`, whose label starts with `label`."""
        return [e for _, e in sorted(self.elements.items())
                if (kind is None or e.kind == kind) and (key is None or e.key == key)
                and (label is None or e.label.startswith(label))]

    def value(self, widget: Element) -> Any:
        """A widget's value on this visitor's screen: what they gave it, unless the script set it since."""
        return self._typed.get(widget.id, widget.value)

    def one(self, kind: str | None = None, **how) -> Element:
        found = self.find(kind, **how)
        if len(found) != 1:
            raise LookupError(f"{len(found)} {kind or 'element'}(s) {how} on {self.page_hash or 'the page'}")
        return found[0]

    # --- acting -----------------------------------------------------------------------------------

    async def open(self, step: str) -> Run:
        """Go to a page: 'lao?lao=…&year=…' (a page's url path and query string), as a link would."""
        page, _, query = step.partition("?")
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        self.query = query                          # unless the script changes it (page_info_changed)
        run = await self._send(msg, page, "")
        # Streamlit names a page by the hash of its url path; when another page ran, the one asked for does
        # not exist, whether or not its page_not_found message was read within this run ("home" forwards).
        if page not in ("", "home") and self.page_hash != calc_hash(page) and \
                not any(e.startswith("page not found") for e in run.errors):
            run.errors.append(f"page not found: {page!r} (another page ran)")
        return run

    def set(self, widget: Element, value: Any) -> None:
        """Give a widget a value; it is sent with the next rerun or click, as a browser sends what was typed."""
        name = VALUE_FIELD.get(widget.kind)
        if name is None:
            raise TypeError(f"cannot set a {widget.kind}")
        state = WidgetState(id=widget.id)
        if name == "string_array_value":
            state.string_array_value.data.extend(value)
        else:
            setattr(state, name, value)
        self._states[widget.id] = state
        self._typed[widget.id] = value

    async def rerun(self, fragment: str = "") -> Run:
        """Rerun with the values set since the last run (only `fragment` when given, as a widget in a
        fragment does)."""
        return await self._rerun(fragment, [])

    async def click(self, button: Element) -> Run:
        """Press a button (with any values set since the last run): a fragment run when it sits in one."""
        if button.kind not in TRIGGERS:
            raise TypeError(f"cannot click a {button.kind}")
        return await self._rerun(button.fragment, [WidgetState(id=button.id, trigger_value=True)])

    async def _rerun(self, fragment: str, triggers: list[WidgetState]) -> Run:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query
        rs.page_script_hash = self.page_hash
        rs.fragment_id = fragment
        rs.widget_states.widgets.extend([*self._states.values(), *triggers])
        self._states.clear()
        return await self._send(msg, self.page_hash, fragment)

    async def _send(self, msg: BackMsg, page: str, fragment: str) -> Run:
        run = Run(page, fragment)
        start = time.perf_counter()
        deadline = start + self.timeout
        await self.ws.send(msg.SerializeToString())
        over = False
        while not over:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=max(0.1, deadline - time.perf_counter()))
            run.nbytes += len(raw)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            over = self._take(run, fm)
        run.seconds = time.perf_counter() - start
        self._show(run)
        return run

    def _take(self, run: Run, fm: ForwardMsg) -> bool:
        """Read one message of a run; True when it ends the run."""
        kind = fm.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = fm.new_session.page_script_hash
        elif kind == "navigation":                # with st.navigation, this names the page that ran
            self.page_hash = fm.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = fm.page_info_changed.query_string
        elif kind == "delta":
            run.deltas += 1
            if fm.delta.WhichOneof("type") == "new_element":
                what = fm.delta.new_element.WhichOneof("type")
                element = Element(what, tuple(fm.metadata.delta_path), fm.delta.fragment_id,
                                  getattr(fm.delta.new_element, what))
                run.elements.append(element)
                if (problem := _problem(element)) is not None:
                    run.errors.append(problem)
        elif kind == "page_not_found":            # the default page runs instead, as in a browser
            run.errors.append(f"page not found: {fm.page_not_found.page_name!r}")
        elif kind == "script_finished":
            run.status = fm.script_finished
            if run.status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                run.errors.append("script did not compile")
                return True
            return run.status in DONE             # FINISHED_EARLY_FOR_RERUN: the next run follows
        return False

    def _show(self, run: Run) -> None:
        """What the page shows after a run: a full run replaces it, a fragment run only its own part."""
        if run.fragment:
            self.elements = {p: e for p, e in self.elements.items() if e.fragment != run.fragment}
        else:
            self.elements = {}
        self.elements.update({e.path: e for e in run.elements})
        for e in run.elements:
            if e.forced:
                self._typed.pop(e.id, None)


# --- many sessions ------------------------------------------------------------------------------------

def percentile(xs: list[float], q: float) -> float | None:
    """The nearest-rank percentile (q in 0–1) of `xs`: a value some run really took."""
    if not xs:
        return None
    xs = sorted(xs)
    return xs[max(0, math.ceil(q * len(xs)) - 1)]


def summarise(runs: list[Run], wall_s: float | None = None) -> dict:
    """Seconds (p50, p95, max), mean KB and elements (deltas) per run, runs per second of `wall_s`, and
    every error seen."""
    secs = [r.seconds for r in runs]
    out = {"runs": len(runs), "p50_s": _r(percentile(secs, 0.5)), "p95_s": _r(percentile(secs, 0.95)),
           "max_s": _r(max(secs, default=None)),
           "mean_kb": round(statistics.mean(r.nbytes for r in runs) / 1024, 1) if runs else None,
           "mean_deltas": round(statistics.mean(r.deltas for r in runs)) if runs else None,
           "errors": [e for r in runs for e in r.errors]}
    if wall_s is not None:
        out = {"runs_per_s": round(len(runs) / wall_s, 2) if wall_s > 0 else None, "wall_s": round(wall_s, 2), **out}
    return out


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


async def visit(url: str, steps: list[str], cookies: dict | None = None, timeout: float = 120) -> list[Run]:
    """One visitor: connect, open each step in turn (the first a new page, the next ones links), disconnect."""
    async with Session.connect(url, cookies=cookies, timeout=timeout) as s:
        return [await s.open(step) for step in steps]


def in_thread(coro):
    """Run a coroutine to its end on a loop of its own thread (the caller may run one already:
    Playwright's sync API does)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def load(url: str, sessions: int, steps: list[str], timeout: float = 180) -> dict:
    """`sessions` visitors at once, each opening `steps`; a summary with every error seen (a session
    that failed to connect or timed out is one error)."""
    async def one() -> list[Run] | str:
        try:
            return await visit(url, steps, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - a failed session is a finding, reported
            return f"{type(exc).__name__}: {exc}"[:300]

    async def everyone():
        return await asyncio.wait_for(asyncio.gather(*(one() for _ in range(sessions))), timeout=timeout * 2)

    start = time.perf_counter()
    outcomes = in_thread(everyone())
    wall = time.perf_counter() - start
    runs = [r for o in outcomes if isinstance(o, list) for r in o]
    out = summarise(runs, wall)
    out["errors"] = [o for o in outcomes if isinstance(o, str)] + out["errors"]
    return {"sessions": sessions, "expected_runs": sessions * len(steps), **out}
