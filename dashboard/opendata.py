"""Open data described once: the export columns' types and Thai/English descriptions, a round's download
(the four exports as CSV plus a Frictionless `datapackage.json`) and the API's OpenAPI document.

No web framework here (dashboard/api.py serves these); the CSVs are the bytes `python -m dashboard
export WHAT --year Y` writes, read through the same store.exports.Query.
"""
from __future__ import annotations

import io
import json
import time
import zipfile

from sqlalchemy import Engine

from scoring.catalogue import CODE_RE
from scoring.laotypes import TYPE_CODES
from scoring.rules import OUTCOMES
from store.exports import CONTRACT, FILTERS, Query, rows
from store.spreadsheet import to_csv_bytes

from .i18n import t

TABLES = tuple(CONTRACT)
MEASURES = ("ratio", "count", "yesno")
SUMMARY_DOMAINS = (*map(str, range(1, 9)), "all")
LAO_PATTERN, PROVINCE_PATTERN, DISTRICT_PATTERN = r"^\d{7}$", r"^\d{2}$", r"^\d{4}$"
INDICATOR_PATTERN = CODE_RE.pattern
LIMIT_DEFAULT, LIMIT_MAX = 100, 10_000


def _string(pattern: str | None = None, enum=None, required: bool = True) -> dict:
    f = {"type": "string", "constraints": {"required": required}}
    if pattern:
        f["constraints"]["pattern"] = pattern
    if enum:
        f["constraints"]["enum"] = list(enum)
    return f


def _number(kind: str = "number", low=None, high=None, required: bool = False) -> dict:
    f = {"type": kind, "constraints": {"required": required}}
    if low is not None:
        f["constraints"]["minimum"] = low
    if high is not None:
        f["constraints"]["maximum"] = high
    return f


# Frictionless field types and constraints of each export column (the OpenAPI schemas follow them).
FIELDS = {
    "laos": {"lao_code": _string(LAO_PATTERN), "name_th": _string(), "type": _string(enum=TYPE_CODES),
             "province_code": _string(PROVINCE_PATTERN), "district_code": _string(DISTRICT_PATTERN, required=False)},
    "catalogue": {"indicator_code": _string(INDICATOR_PATTERN), "domain": _number("integer", 1, 8, True),
                  "measure": _string(enum=MEASURES), "target": _number(), "applies_to": _string()},
    "results": {"lao_code": _string(LAO_PATTERN), "year": _number("integer", required=True),
                "indicator_code": _string(INDICATOR_PATTERN), "pct": _number(low=0),
                "outcome": _string(enum=OUTCOMES)},
    "summary": {"lao_code": _string(LAO_PATTERN), "year": _number("integer", required=True),
                "domain": _string(enum=SUMMARY_DOMAINS),
                **{c: _number("integer", 0, required=True) for c in ("n_pass", "n_fail", "n_not_done", "n_no_service")},
                "pass_rate": _number(low=0, high=100)},
}
PRIMARY_KEYS = {"laos": ["lao_code"], "catalogue": ["indicator_code"],
                "results": ["lao_code", "year", "indicator_code"], "summary": ["lao_code", "year", "domain"]}


def both(key: str, **fmt) -> str:
    """Thai, then English: the data package and the API speak to both audiences at once."""
    return f"{t(key, 'th', **fmt)} / {t(key, 'en', **fmt)}"


def file_name(year: int) -> str:
    return f"lao-standards-{year}.zip"


def methodology_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/methodology"


def datapackage(year: int, base_url: str, synthetic: bool) -> dict:
    """The Frictionless (tabular) data package descriptor of one published round."""
    description = both("od_package_description", year=year)
    if synthetic:
        description = f"{both('od_synthetic')}. {description}"
    resources = []
    for what in TABLES:
        fields = [{"name": c, **spec, "description": both(f"od_field_{c}")}
                  for c, spec in FIELDS[what].items()]
        schema = {"fields": fields, "primaryKey": PRIMARY_KEYS[what], "missingValues": [""]}
        refs = [("lao_code", "laos"), ("indicator_code", "catalogue")] if what == "results" else \
            [("lao_code", "laos")] if what == "summary" else []
        if refs:
            schema["foreignKeys"] = [{"fields": f, "reference": {"resource": r, "fields": f}} for f, r in refs]
        resources.append({"name": what, "path": f"{what}.csv", "profile": "tabular-data-resource",
                          "title": what, "description": both(f"od_table_{what}"), "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8", "schema": schema})
    return {"profile": "tabular-data-package", "name": f"lao-standards-{year}",
            "title": both("od_package_title", year=year, ce=year - 543), "description": description,
            "homepage": methodology_url(base_url),
            "sources": [{"title": both("od_methodology"), "path": methodology_url(base_url)}],
            "keywords": ["Thailand", "local government", "public services", "ODLOC", f"{year}"],
            "resources": resources}


def round_zip(engine: Engine, year: int, base_url: str, synthetic: bool) -> bytes:
    """The four exports of a published round as CSV (the command line's bytes) plus datapackage.json."""
    files = {f"{what}.csv": to_csv_bytes(rows(engine, Query(what, year, published_only=True))) for what in TABLES}
    files["datapackage.json"] = json.dumps(datapackage(year, base_url, synthetic), ensure_ascii=False,
                                           indent=2).encode("utf-8")
    buf, now = io.BytesIO(), time.localtime()[:6]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=now)
            info.external_attr = 0o644 << 16          # readable once unpacked
            zf.writestr(info, content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --- OpenAPI ----------------------------------------------------------------------------------------
PARAM_SCHEMAS = {
    "year": {"type": "integer", "minimum": 1000, "maximum": 9999},
    "province": {"type": "string", "pattern": PROVINCE_PATTERN},
    "lao": {"type": "string", "pattern": LAO_PATTERN},
    "type": {"type": "string", "enum": list(TYPE_CODES)},
    "domain": {"type": "string", "enum": list(SUMMARY_DOMAINS)},
    "indicator": {"type": "string", "pattern": INDICATOR_PATTERN},
    "limit": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": LIMIT_DEFAULT},
    "offset": {"type": "integer", "minimum": 0, "default": 0},
    "format": {"type": "string", "enum": ["json", "csv"], "default": "json"},
}


def table_params(what: str) -> tuple[str, ...]:
    return ("year", *FILTERS[what], "limit", "offset", "format")


def _param(name: str, where: str = "query", schema: dict | None = None) -> dict:
    return {"name": name, "in": where, "required": where == "path",
            "description": both(f"od_param_{name}"), "schema": schema or PARAM_SCHEMAS[name]}


def _json_schema(spec: dict) -> dict:
    kind = spec["type"]
    s = {"type": kind if spec["constraints"]["required"] else [kind, "null"]}
    c = spec["constraints"]
    for k in ("pattern", "enum", "minimum", "maximum"):
        if k in c:
            s[k] = c[k]
    return s


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi() -> dict:
    """OpenAPI 3.1 description of every route (relative server URL: it works behind any host name)."""
    paths, schemas = {}, {}
    for what in TABLES:
        name = what.capitalize()
        schemas[name] = {"type": "object", "description": both(f"od_table_{what}"), "required": CONTRACT[what],
                         "properties": {c: {**_json_schema(s), "description": both(f"od_field_{c}")}
                                        for c, s in FIELDS[what].items()}}
        params = [_param(p) for p in table_params(what)]
        if what != "summary":
            params = [p if p["name"] != "domain" else {**p, "schema": {"type": "string", "enum": list(SUMMARY_DOMAINS[:-1])}}
                      for p in params]
        page = {"type": "object", "required": ["rows", "total", "limit", "offset"],
                "properties": {"rows": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
                               "total": {"type": "integer"}, "limit": {"type": "integer"},
                               "offset": {"type": "integer"}}}
        paths[f"/api/v1/{what}"] = {"get": {
            "summary": both(f"od_table_{what}"), "operationId": what, "parameters": params,
            "responses": {"200": {"description": "JSON page, or CSV (UTF-8 with BOM) of every matching row",
                                  "content": {"application/json": {"schema": page},
                                              "text/csv": {"schema": {"type": "string"}}}},
                          "304": {"description": "Not modified (If-None-Match matched the ETag)"},
                          "400": _error("A malformed or unknown parameter"),
                          "404": _error("The year is not a published round")}}}
    paths["/report/{lao}/{year}.pdf"] = {"get": {
        "summary": "Council report (PDF) of one LAO in a published round", "operationId": "report",
        "parameters": [_param("lao", "path"), _param("year", "path"),
                       _param("lang", schema={"type": "string", "enum": ["th", "en"], "default": "th"})],
        "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}},
                      "400": _error("A malformed parameter"), "404": _error("No such LAO or published round")}}}
    paths["/data/{year}.zip"] = {"get": {
        "summary": "One published round: the four tables as CSV with a Frictionless datapackage.json",
        "operationId": "round_download", "parameters": [_param("year", "path")],
        "responses": {"200": {"description": "ZIP", "content": {"application/zip": {}}},
                      "404": _error("The year is not a published round")}}}
    paths["/healthz"] = {"get": {"summary": "200 when the database answers, 503 otherwise", "operationId": "health",
                                 "responses": {"200": {"description": "healthy"}, "503": {"description": "unhealthy"}}}}
    paths["/metrics"] = {"get": {"summary": "Prometheus metrics of this server process", "operationId": "metrics",
                                 "responses": {"200": {"description": "Prometheus text format"}}}}
    schemas["Error"] = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "message", "message_th"],
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                       "message_th": {"type": "string"}, "parameter": {"type": "string"}}}}}
    return {"openapi": "3.1.0",
            "info": {"title": both("od_title"), "description": both("od_description"), "version": "1"},
            "servers": [{"url": "/"}], "paths": paths, "components": {"schemas": schemas}}
