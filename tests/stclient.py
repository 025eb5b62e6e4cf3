"""A browserless Streamlit client for tests: sessions speak Streamlit's websocket protocol (the
protobufs the streamlit package ships), ask for a page with query parameters, and collect what each
run showed that a visitor would call an error (an exception, an error box, "page not found").

    summary = load("http://127.0.0.1:8080", sessions=50, steps=["overview", "lao?lao=2300101&year=2568"])

Only ever point it at this machine (127.0.0.1); every wait has a time limit.
"""
from __future__ import annotations

import asyncio
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlparse

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Run:
    page: str
    seconds: float
    nbytes: int
    errors: list[str] = field(default_factory=list)


def _problems(fm: ForwardMsg) -> list[str]:
    kind = fm.WhichOneof("type")
    if kind == "page_not_found":
        return [f"page not found: {fm.page_not_found.page_name!r}"]
    if kind == "script_finished" and fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
        return ["script did not compile"]
    if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
        element = fm.delta.new_element
        what = element.WhichOneof("type")
        if what == "exception":
            return [f"exception: {element.exception.type}: {element.exception.message}"[:300]]
        if what == "alert" and element.alert.format == Alert.ERROR:
            return [f"error box: {element.alert.body}"[:300]]
    return []


async def run_page(ws, step: str, timeout: float = 120) -> Run:
    """Ask for one page ('lao?lao=…&year=…') on an open connection; return when its run has finished."""
    page, _, query = step.partition("?")
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    run = Run(page, 0.0, 0)
    deadline = start + timeout
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.perf_counter()))
        run.nbytes += len(raw)
        fm = ForwardMsg()
        fm.ParseFromString(raw)
        run.errors += _problems(fm)
        if fm.WhichOneof("type") == "script_finished" and fm.script_finished in DONE:
            run.seconds = time.perf_counter() - start
            return run
        if fm.WhichOneof("type") == "page_not_found":
            run.seconds = time.perf_counter() - start
            return run


async def session(url: str, steps: list[str], headers: dict | None = None, timeout: float = 120) -> list[Run]:
    """One visitor: connect, run each step in turn, disconnect."""
    u = urlparse(url)
    assert u.hostname in ("127.0.0.1", "localhost"), "only this machine"
    async with websockets.connect(f"ws://{u.netloc}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                                  origin=f"http://{u.netloc}", additional_headers=headers,
                                  open_timeout=timeout) as ws:
        return [await run_page(ws, step, timeout) for step in steps]


def load(url: str, sessions: int, steps: list[str], timeout: float = 180) -> dict:
    """`sessions` visitors at once, each running `steps`; a summary with every error seen."""
    async def one() -> list[Run] | str:
        try:
            return await session(url, steps, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - a failed session is a finding, reported
            return f"{type(exc).__name__}: {exc}"[:300]

    async def everyone():
        return await asyncio.wait_for(asyncio.gather(*(one() for _ in range(sessions))), timeout=timeout * 2)

    start = time.perf_counter()
    # A thread of its own: the caller may already run an event loop (Playwright's sync API does).
    with ThreadPoolExecutor(1) as pool:
        outcomes = pool.submit(asyncio.run, everyone()).result()
    wall = time.perf_counter() - start
    runs = [r for o in outcomes if isinstance(o, list) for r in o]
    errors = [o for o in outcomes if isinstance(o, str)] + [e for r in runs for e in r.errors]
    secs = sorted(r.seconds for r in runs)
    return {"sessions": sessions, "runs": len(runs), "expected_runs": sessions * len(steps), "errors": errors,
            "wall_s": round(wall, 2), "p50_s": round(statistics.median(secs), 2) if secs else None,
            "max_s": round(secs[-1], 2) if secs else None}
