"""The HTTP routes beside the pages (docs/design.md "HTTP routes", a contract): the open-data API, council
reports, a round's download, health and metrics. Public, published rounds only; Starlette handlers,
served by Streamlit's own server (dashboard/routes.py hands them to st.App).

Every answer that depends on the data carries an ETag made from the data version (the newest change-log
id), so a repeat fetch costs one small query and a 304. Bodies are kept per data version within a
memory budget, so a popular download is built once per change, not once per visitor. At most
`BUILDERS` bodies are built at once per process, so downloads cannot starve the pages of the CPU.
Handlers are plain functions: Starlette runs them in worker threads, off the event loop that carries
the pages' websockets.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from typing import Callable

import pandas as pd
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from scoring.laotypes import TYPE_CODES
from scoring.texts import Bilingual
from store import queries, settings
from store.access import PUBLIC
from store.db import fault_kind, make_engine, sqlite_file
from store.exports import FILTERS, Query, count, rows
from store.spreadsheet import to_csv_bytes

from . import metrics, opendata
from .i18n import t

log = logging.getLogger(__name__)
REVISION = "1"                  # bump when a route's output format changes: old ETags then no longer match
BODY_BUDGET = 64 * 1024 * 1024  # bytes of response bodies kept per process (one data version)
BUILDERS = 2
OFFSET_MAX = 10**9
SUMMARY_DOMAINS = opendata.SUMMARY_DOMAINS
NO_STORE = {"Cache-Control": "no-store"}


class Refusal(Exception):
    """An answer other than 200: status, message key (dashboard/locale/opendata.yaml) and its fields
    (a Bilingual field is put in each language's message in that language)."""

    def __init__(self, status: int, key: str, parameter: str | None = None, **fmt):
        super().__init__(key)
        self.status, self.key, self.parameter, self.fmt = status, key, parameter, fmt

    def message(self, lang: str) -> str:
        return t(self.key, lang, **{k: v.text(lang) if isinstance(v, Bilingual) else v for k, v in self.fmt.items()})

    def response(self) -> JSONResponse:
        body = {"status": self.status, "message": self.message("en"), "message_th": self.message("th")}
        if self.parameter:
            body["parameter"] = self.parameter
        return JSONResponse({"error": body}, status_code=self.status,
                            headers={**NO_STORE, "Access-Control-Allow-Origin": "*"})


def _rule(key: str, **fmt) -> Bilingual:
    return Bilingual(t(key, "th", **fmt), t(key, "en", **fmt))


def _pattern(regex: str, rule: str, convert=str):
    compiled = re.compile(regex, re.ASCII)          # ASCII digits only: no Thai or other digits
    return lambda v: convert(v) if compiled.fullmatch(v) else _rule(rule)


def _choice(choices):
    return lambda v: v if v in choices else _rule("api_rule_one_of", choices=", ".join(choices))


def _integer(low: int, high: int):
    return lambda v: (int(v) if re.fullmatch(r"[0-9]{1,10}", v, re.ASCII) and low <= int(v) <= high
                      else _rule("api_rule_int", low=low, high=f"{high:,}"))


CHECKS = {   # parameter -> check(text) -> the parsed value, or the rule it breaks (Bilingual)
    "year": _pattern(r"[0-9]{4}", "api_rule_year", int),
    "province": _pattern(r"[0-9]{2}", "api_rule_province"),
    "lao": _pattern(r"[0-9]{7}", "api_rule_lao"),
    "type": _choice(TYPE_CODES),
    "domain": _choice(SUMMARY_DOMAINS[:-1]),
    "indicator": _pattern(r"[1-8]\.[0-9]{2}", "api_rule_indicator"),
    "limit": _integer(1, opendata.LIMIT_MAX),
    "offset": _integer(0, OFFSET_MAX),
    "format": _choice(("json", "csv")),
    "lang": _choice(("th", "en")),
}


def parse(request: Request, allowed: tuple[str, ...], checks: dict | None = None) -> dict:
    """The query parameters, each checked; anything unknown, repeated or malformed is a 400."""
    checks = {**CHECKS, **(checks or {})}
    out = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            raise Refusal(400, "api_err_unknown", name[:40], name=name[:40], route=request.url.path,
                          allowed=", ".join(allowed) or "–")
        if name in out:
            raise Refusal(400, "api_err_repeated", name, name=name)
        parsed = checks[name](value)
        if isinstance(parsed, Bilingual):
            raise Refusal(400, "api_err_bad_value", name, name=name, rule=parsed)
        out[name] = parsed
    return out


class Bodies:
    """Response bodies of one data version, least recently used dropped first beyond the budget.
    A new data version empties it: nothing stale is ever served."""

    def __init__(self, budget: int = BODY_BUDGET):
        self.budget, self.version, self.size = budget, None, 0
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: int, key: str, build: Callable[[], bytes]) -> bytes:
        with self.lock:
            if self.version is None or version > self.version:      # data versions only grow
                self.items.clear()
                self.version, self.size = version, 0
            elif version < self.version:        # a request that began before the change: answer, keep nothing
                return build()
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        body = build()
        if len(body) <= self.budget // 4:
            with self.lock:
                if version == self.version and key not in self.items:
                    self.items[key] = body
                    self.size += len(body)
                    while self.size > self.budget:
                        self.size -= len(self.items.popitem(last=False)[1])
        return body


def _etag(*parts) -> str:
    return 'W/"' + hashlib.sha256("|".join(map(str, (REVISION, *parts))).encode()).hexdigest()[:24] + '"'


def _not_modified(request: Request, etag: str) -> bool:
    sent = request.headers.get("if-none-match", "")
    return sent.strip() == "*" or etag in {tag.strip() for tag in sent.split(",")}


def _json_bytes(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: Python numbers and strings, null for a missing value."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def attachment(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


class OpenData:
    """The routes and what they share: the database, the published rounds per data version, the bodies."""

    def __init__(self, engine: Callable[[], Engine] | None = None):
        if engine is None:
            own = make_engine(pool_size=2, max_overflow=2)      # a small pool of its own, beside the pages'
            engine = lambda: own                                # noqa: E731
        self.engine = engine
        self.bodies = Bodies()
        self.builders = threading.BoundedSemaphore(BUILDERS)
        self._rounds: tuple[int, tuple[int, ...]] | None = None

    # --- shared steps ---------------------------------------------------------------------------
    @staticmethod
    def missing_file(engine: Engine) -> bool:
        """A SQLite file that is not there is a database that is down: connecting would make it, empty."""
        path = sqlite_file(engine)
        return path is not None and not path.exists()

    def published(self) -> tuple[int, tuple[int, ...]]:
        """(data version, the published years), the years read once per data version."""
        engine = self.engine()
        if self.missing_file(engine):
            raise Refusal(503, "api_err_database")
        version = queries.data_version(engine)
        if self._rounds is None or self._rounds[0] != version:
            years = tuple(int(y) for y in queries.rounds(engine, PUBLIC)["year"])
            self._rounds = (version, years)
        return self._rounds

    def published_year(self, year: int | None) -> tuple[int, tuple[int, ...]]:
        version, years = self.published()
        if year is not None and year not in years:
            raise Refusal(404, "api_err_unpublished", "year", year=year)
        return version, years

    def answer(self, request: Request, version: int, key: tuple, build: Callable[[], bytes | None],
               media_type: str, headers: dict | None = None, missing: Refusal | None = None) -> Response:
        """200 with the body (kept for this data version), or 304 when the client already has this
        version of it. `build` may return None for "nothing here": then `missing` is raised."""
        etag = _etag(version, *key)
        common = {"ETag": etag, "Cache-Control": "public, no-cache", "Access-Control-Allow-Origin": "*"}
        if _not_modified(request, etag):
            return Response(status_code=304, headers=common)

        def guarded() -> bytes:
            with self.builders:
                return build() or b""

        body = self.bodies.get(version, "|".join(map(str, key)), guarded)
        if not body and missing is not None:
            raise missing
        return Response(body, media_type=media_type, headers={**common, **(headers or {})})

    def observed(self, route: str, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        """The handler with refusals as JSON, database faults as 503, anything else as a logged 500, and
        every answer counted for /metrics."""
        def endpoint(request: Request) -> Response:
            start = time.perf_counter()
            try:
                response = handler(request)
            except Refusal as refusal:
                response = refusal.response()
            except Exception as exc:  # noqa: BLE001 - the visitor gets JSON; a bug is logged
                if fault_kind(exc) is None:
                    log.exception("%s failed", request.url.path)
                    response = Refusal(500, "api_err_internal").response()
                else:
                    self.engine().dispose()         # the next request connects afresh
                    response = Refusal(503, "api_err_database").response()
            metrics.HTTP_REQUESTS.labels(route, str(response.status_code)).inc()
            metrics.HTTP_SECONDS.labels(route).observe(time.perf_counter() - start)
            return response
        endpoint.__name__ = route
        return endpoint

    # --- /api/v1 --------------------------------------------------------------------------------
    def table(self, what: str) -> Callable[[Request], Response]:
        allowed = opendata.table_params(what)
        checks = {"domain": _choice(SUMMARY_DOMAINS)} if what == "summary" else None

        def handler(request: Request) -> Response:
            p = parse(request, allowed, checks)
            fmt = p.pop("format", "json")
            if fmt == "csv" and {"limit", "offset"} & set(p):
                raise Refusal(400, "api_err_csv_paging", "limit" if "limit" in p else "offset")
            limit, offset = p.pop("limit", opendata.LIMIT_DEFAULT), p.pop("offset", 0)
            version, _ = self.published_year(p.get("year"))
            q = Query(what, published_only=True, **p)
            key = (what, fmt, sorted(p.items()), limit, offset)
            if fmt == "csv":
                name = f"{what}-{p['year']}.csv" if "year" in p else f"{what}.csv"
                return self.answer(request, version, key, lambda: to_csv_bytes(rows(self.engine(), q)),
                                   "text/csv; charset=utf-8", attachment(name))

            def page() -> bytes:
                engine = self.engine()
                return _json_bytes({"rows": records(rows(engine, q, limit, offset)), "total": count(engine, q),
                                    "limit": limit, "offset": offset})
            return self.answer(request, version, key, page, "application/json")
        return handler

    def index(self, request: Request) -> Response:
        parse(request, ())
        version, years = self.published()
        doc = {"title": opendata.both("od_title"), "description": opendata.both("od_description"),
               "openapi": "/api/v1/openapi.json", "methodology": "/methodology",
               "tables": {w: {"url": f"/api/v1/{w}", "description": opendata.both(f"od_table_{w}"),
                              "parameters": list(opendata.table_params(w))} for w in opendata.TABLES},
               "published_rounds": list(years),
               "downloads": {str(y): f"/data/{y}.zip" for y in years},
               "report": "/report/{lao}/{year}.pdf"}
        return self.answer(request, version, ("index",), lambda: _json_bytes(doc), "application/json")

    def openapi(self, request: Request) -> Response:
        parse(request, ())
        return self.answer(request, 0, ("openapi",), lambda: _json_bytes(opendata.openapi()), "application/json")

    def not_found(self, request: Request) -> Response:
        raise Refusal(404, "api_err_not_found")

    # --- reports and downloads ------------------------------------------------------------------
    def report(self, request: Request) -> Response:
        from dashboard.report import build_pdf          # fpdf2 and fonts load on the first report only
        from scoring.scorecard import build
        from store.queries_lao import scorecard_inputs
        from store.steps import steps

        lao, year_text = request.path_params["lao"], request.path_params["year"]
        lang = parse(request, ("lang",)).get("lang", "th")
        if not (re.fullmatch(r"[0-9]{7}", lao, re.ASCII) and re.fullmatch(r"[0-9]{4}", year_text, re.ASCII)):
            raise Refusal(404, "api_err_no_report", lao=lao[:20], year=year_text[:10])
        year = int(year_text)
        version, years = self.published()
        missing = Refusal(404, "api_err_no_report", lao=lao, year=year)
        if year not in years:
            raise missing

        def pdf() -> bytes:
            inputs = scorecard_inputs(self.engine(), PUBLIC, lao, year)
            card = None if inputs is None else build(inputs)
            if card is None or not card.has_results:
                return None
            return build_pdf(card, lang, steps=steps(self.engine(), PUBLIC, lao, year))

        suffix = "" if lang == "th" else f"-{lang}"
        return self.answer(request, version, ("report", lao, year, lang), pdf, "application/pdf",
                           attachment(f"report-{lao}-{year}{suffix}.pdf"), missing=missing)

    def download(self, request: Request) -> Response:
        parse(request, ())
        year_text = request.path_params["year"]
        if not re.fullmatch(r"[0-9]{4}", year_text, re.ASCII):
            raise Refusal(404, "api_err_unpublished", year=year_text[:10])
        year = int(year_text)
        version, _ = self.published_year(year)
        base = settings.raw("LAO_PUBLIC_URL") or str(request.base_url)

        def build() -> bytes:
            engine = self.engine()
            return opendata.round_zip(engine, year, base, queries.meta(engine).get("synthetic") == "1")
        return self.answer(request, version, ("data", year, base), build, "application/zip",
                           attachment(opendata.file_name(year)))

    # --- operations -----------------------------------------------------------------------------
    def health(self, request: Request) -> Response:
        """200 when the database answers (a query, not only a connection), 503 otherwise. A missing
        SQLite file is down, and is never created by asking."""
        engine = self.engine()
        if self.missing_file(engine):
            return JSONResponse({"status": "unavailable", "reason": "missing"}, 503, headers=NO_STORE)
        try:
            version = queries.data_version(engine)
        except Exception as exc:  # noqa: BLE001 - any driver error means "not healthy"
            engine.dispose()
            return JSONResponse({"status": "unavailable", "reason": fault_kind(exc) or type(exc).__name__},
                                503, headers=NO_STORE)
        return JSONResponse({"status": "ok", "data_version": version}, headers=NO_STORE)

    def metrics(self, request: Request) -> Response:
        return Response(metrics.text(), media_type=metrics.CONTENT_TYPE, headers=NO_STORE)

    def routes(self) -> list[Route]:
        table_routes = [(f"/api/v1/{w}", self.table(w)) for w in opendata.TABLES]
        named = [*table_routes,
                 ("/api/v1/", self.index), ("/api/v1/openapi.json", self.openapi),
                 ("/report/{lao}/{year}.pdf", self.report), ("/data/{year}.zip", self.download),
                 ("/healthz", self.health), ("/metrics", self.metrics)]
        out = [Route(path, self.observed(path, fn), methods=["GET"]) for path, fn in named]
        out.append(Route("/api/v1", self.observed("/api/v1/", self.index), methods=["GET"]))
        # Anything else under these prefixes is a JSON 404, not the app's HTML page.
        out += [Route(f"/{prefix}/{{rest:path}}", self.observed(f"/{prefix}/*", self.not_found))
                for prefix in ("api", "report", "data")]
        return out
