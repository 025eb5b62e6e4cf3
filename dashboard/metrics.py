"""What one server process has done, for `GET /metrics` (Prometheus text): page runs and their
durations per page, page errors, database faults, requests to the HTTP routes by route and status, and
the browser sessions connected (registered by dashboard/routes.py, which can see Streamlit's runtime).

Each process counts its own; behind nginx, scrape every process at its own port (README). Database
faults are counted where they happen, in SQLAlchemy, for every engine of the process: the pages', the
routes', a page's retry after a fault included.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from sqlalchemy import Engine, event

from store.db import fault_kind

disable_created_metrics()      # the *_created series only repeat the process start time
PAGE_RUNS = Histogram("lao_page_run_seconds", "Page script runs and how long each took, by page", ["page"],
                      buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16))
PAGE_ERRORS = Counter("lao_page_errors", "Page runs that stopped on an unexpected error (a bug), by page", ["page"])
DB_FAULTS = Counter("lao_database_faults", "Database faults (unreachable, locked, read_only), by kind", ["kind"])
HTTP_REQUESTS = Counter("lao_http_requests", "Requests to the HTTP routes (API, reports, downloads, health), "
                        "by route and status", ["route", "status"])
HTTP_SECONDS = Histogram("lao_http_request_seconds", "Time to answer a request to the HTTP routes, by route",
                         ["route"], buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10))
SESSIONS = Gauge("lao_sessions_active", "Browser sessions connected to this process")
CONTENT_TYPE = CONTENT_TYPE_LATEST


@contextmanager
def page_run(page: str):
    """Time one page run (dashboard/app.py). A database fault is counted by the engine hook below and
    shown to the visitor by the caller; any other exception is a page error."""
    start = time.perf_counter()
    try:
        yield
    except Exception as exc:
        if fault_kind(exc) is None:
            PAGE_ERRORS.labels(page).inc()
        raise
    finally:
        PAGE_RUNS.labels(page).observe(time.perf_counter() - start)


@event.listens_for(Engine, "handle_error")
def _count_fault(context) -> None:
    kind = fault_kind(context.sqlalchemy_exception or context.original_exception)
    if kind is not None:
        DB_FAULTS.labels(kind).inc()


def text() -> bytes:
    return generate_latest()
