"""Administrator operations behind the admin page: check and commit uploaded files, manage rounds.

Every function takes the caller's Scope and refuses anyone but an administrator (PermissionDenied)
before it touches the database, whatever the UI showed. Every change is written to change_log in
the same transaction as the change itself (who, when, what, which file, how many rows); the newest
change_log id is the data version every cache is keyed on, so all pages show a change at once.

Files arrive as (bytes, original file name) and are read by store.upload (size limit, type sniffing,
zip-bomb limits, encodings); validation and writing belong to store.imports and store.registry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import pandas as pd
from sqlalchemy import Engine, text

from scoring.errors import Problem, ValidationError
from scoring.texts import Refusal

from . import catalogue_import, exports, imports, registry
from .access import Scope
from .dataset import import_transaction, log_change

KINDS = ("submissions", "registry")
ROUND_STATES = ("open", "closed", "published")
# Allowed round changes: open -> closed -> published; a closed round may be reopened.
TRANSITIONS = {("open", "closed"), ("closed", "open"), ("closed", "published")}


class RoundError(Refusal, ValueError):
    """A round change that is not allowed, with its message in Thai and English."""


class Report(Protocol):
    """What every import reports (ImportReport, RegistryReport, CatalogueReport)."""
    rows: int
    warnings: list[Problem]
    dry_run: bool

    def summary(self, lang: str = "th") -> str: ...


@dataclass
class Check:
    """The outcome of checking (or committing) one file: the problems, or the import's report."""
    kind: str
    file_name: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: int = 0
    report: Report | None = None
    committed: bool = False
    facts: dict = field(default_factory=dict)     # figures for the page (LAOs, years, revisions, ...)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self, lang: str = "th") -> str:
        """The import's report in words, or "" when the file was refused."""
        return "" if self.report is None else self.report.summary(lang)

    def table(self, lang: str = "th") -> pd.DataFrame:
        """Every problem (then every warning) by row and column, for display and download."""
        rows = [(p.row, p.column, p.message.text(lang), kind)
                for kind, items in (("problem", self.problems), ("warning", self.warnings)) for p in items]
        out = pd.DataFrame(rows, columns=["row", "column", "message", "kind"])
        out["row"] = out["row"].astype("Int64")
        return out


def _source(data: bytes, name: str) -> tuple[bytes, str]:
    return bytes(data), (name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255]


def _run(scope: Scope, action: str, kind: str, data: bytes, name: str, work) -> Check:
    """The one prelude and ending of every file operation: refuse non-administrators and unknown kinds
    before anything is read, run `work(source)` (which returns a report), and turn refusals into the
    Check's problems."""
    scope.require_admin(action)
    if kind not in KINDS + ("catalogue",):
        raise ValueError(f"unknown kind {kind!r}")
    source = _source(data, name)
    out = Check(kind, source[1])
    try:
        rep = work(source)
    except ValidationError as exc:
        out.problems, out.facts = list(exc.problems), dict(exc.facts)
        return out
    except RoundError as exc:
        out.problems = [Problem(None, None, exc.message)]
        return out
    out.report, out.rows, out.warnings = rep, rep.rows, list(rep.warnings)
    out.committed = not rep.dry_run
    out.facts = _facts(rep)
    return out


def _facts(rep) -> dict:
    if isinstance(rep, imports.ImportReport):
        return {"laos": rep.laos, "years": list(rep.years), "revisions": rep.revisions, "replaced": rep.replaced,
                "published": list(rep.published), "correction": rep.correction}
    if isinstance(rep, registry.RegistryReport):
        new = len(rep.inserted) - rep.bangkok_added
        return {"laos": rep.laos, "new": new, "known": rep.laos - new, "updated": len(rep.updated),
                "not_in_file": len(rep.not_in_file)}
    return {"indicators": rep.indicators, "before": rep.replaced, "scored": rep.scored_rows,
            "correction": rep.correction}


def _file_work(engine: Engine, scope: Scope, kind: str, dry_run: bool, correction: str | None):
    if kind == "submissions":
        return lambda source: imports.import_submissions(engine, source, who=scope.user, dry_run=dry_run,
                                                         correction=correction)
    return lambda source: registry.import_registry(engine, source, who=scope.user, dry_run=dry_run)


def check_file(engine: Engine, scope: Scope, kind: str, data: bytes, name: str, correction: str | None = None) -> Check:
    """Validate a file without changing anything (a dry run). `correction`: the reason, needed when a
    submissions file has rows for a published round (facts["published"] lists them, refused or not)."""
    return _run(scope, "check files", kind, data, name, _file_work(engine, scope, kind, True, correction))


def commit_file(engine: Engine, scope: Scope, kind: str, data: bytes, name: str,
                correction: str | None = None) -> Check:
    """Validate again and write, all or nothing; the import logs the change in its transaction."""
    return _run(scope, "import files", kind, data, name, _file_work(engine, scope, kind, False, correction))


# --- rounds ----------------------------------------------------------------------------------------

def _round(conn, year: int):
    return conn.execute(text("SELECT state, window_open, window_close FROM round WHERE year = :y"),
                        {"y": int(year)}).first()


def _check_window(window_open: date | None, window_close: date | None) -> None:
    if window_open is None or window_close is None:
        raise RoundError("ต้องระบุวันเปิดและวันปิดรับข้อมูล", "a round needs both window dates")
    if window_close < window_open:
        raise RoundError("วันปิดรับข้อมูลอยู่ก่อนวันเปิด", "the window closes before it opens")


def set_round_state(engine: Engine, scope: Scope, year: int, state: str) -> str:
    """Move a round to `state` (open, closed, published) along TRANSITIONS; returns the old state.
    At most one round is open at a time, so 'the open round' is never ambiguous. Takes the import
    lock, so a round is never published while an import into it is being written."""
    scope.require_admin("change rounds")
    if state not in ROUND_STATES:
        raise ValueError(f"unknown round state {state!r}")
    try:
        with import_transaction(engine, "round") as conn:
            old = _move(conn, year, state)
            log_change(conn, scope.user, f"round-{state}", f"round {year}: {old} -> {state}", year=year)
    except ValidationError as exc:        # the lock did not come free in time
        raise RoundError(exc.problems[0].message.th, exc.problems[0].message.en) from exc
    return old


def _move(conn, year: int, state: str) -> str:
    row = _round(conn, year)
    if row is None:
        raise RoundError(f"ไม่มีรอบปี {year}", f"no round {year}")
    old = row[0]
    if (old, state) not in TRANSITIONS:
        raise RoundError(f"รอบปี {year} เปลี่ยนจากสถานะ {old} เป็น {state} ไม่ได้",
                         f"round {year} cannot go from {old} to {state}")
    if state == "open":
        _only_open(conn, year)
    conn.execute(text("UPDATE round SET state = :s WHERE year = :y"), {"s": state, "y": int(year)})
    return old


def set_window(engine: Engine, scope: Scope, year: int, window_open: date, window_close: date) -> None:
    """Change a round's window dates (e.g. extend the deadline)."""
    scope.require_admin("change rounds")
    _check_window(window_open, window_close)
    with engine.begin() as conn:
        row = _round(conn, year)
        if row is None:
            raise RoundError(f"ไม่มีรอบปี {year}", f"no round {year}")
        conn.execute(text("UPDATE round SET window_open = :o, window_close = :c WHERE year = :y"),
                     {"o": window_open, "c": window_close, "y": int(year)})
        log_change(conn, scope.user, "round-window",
                   f"round {year}: window {row[1]} - {row[2]} -> {window_open} - {window_close}")


def open_new_round(engine: Engine, scope: Scope, year: int, window_open: date, window_close: date,
                   catalogue_source: str = "") -> None:
    """Create a round (state open) for a year that has none yet. Its indicator catalogue is imported
    separately; until then submissions for it are refused ('no catalogue for that year')."""
    scope.require_admin("open rounds")
    _check_window(window_open, window_close)
    if not 2500 <= int(year) <= 2700:
        raise RoundError(f"{year} ไม่ใช่ปี พ.ศ.", f"{year} is not a B.E. year")
    with engine.begin() as conn:
        if _round(conn, year) is not None:
            raise RoundError(f"มีรอบปี {year} อยู่แล้ว", f"round {year} exists already")
        _only_open(conn, year)
        conn.execute(text("INSERT INTO round (year, state, window_open, window_close, catalogue_source) "
                          "VALUES (:y, 'open', :o, :c, :s)"),
                     {"y": int(year), "o": window_open, "c": window_close, "s": catalogue_source[:200]})
        log_change(conn, scope.user, "round-new", f"round {year} opened, window {window_open} - {window_close}")


def open_round(engine: Engine, scope: Scope, year: int, window_open: date, window_close: date) -> str:
    """`round open YEAR`: start the round (its catalogue must be in the database: shipped or imported),
    reopen a closed one, or move the window of an open one. Returns what was done: new | reopened | window."""
    scope.require_admin("open rounds")
    _check_window(window_open, window_close)
    with engine.connect() as conn:
        row = _round(conn, year)
        n = conn.execute(text("SELECT COUNT(*) FROM indicator WHERE year = :y"), {"y": int(year)}).scalar_one()
        if row is None or row[0] == "closed":
            _only_open(conn, year)              # one round open at a time: said first, it is the likelier slip
    if n == 0:
        raise RoundError(f"ยังไม่มีบัญชีตัวชี้วัดของปี {year}: นำเข้าบัญชีก่อน แล้วจึงเปิดรอบ",
                         f"there is no indicator catalogue for {year}: import one, then open the round")
    if row is None:
        open_new_round(engine, scope, year, window_open, window_close, f"catalogue {year}")
        return "new"
    if row[0] == "published":
        raise RoundError(f"รอบปี {year} เผยแพร่แล้ว เปิดใหม่ไม่ได้", f"round {year} is published: it cannot be opened again")
    set_window(engine, scope, year, window_open, window_close)
    if row[0] == "closed":
        set_round_state(engine, scope, year, "open")
        return "reopened"
    return "window"


def _only_open(conn, year: int) -> None:
    other = conn.execute(text("SELECT year FROM round WHERE state = 'open' AND year <> :y"), {"y": int(year)}).first()
    if other is not None:
        raise RoundError(f"รอบปี {other[0]} ยังเปิดรับข้อมูลอยู่ ต้องปิดรอบนั้นก่อน",
                         f"round {other[0]} is still open: close it first")


# --- catalogue -------------------------------------------------------------------------------------

def _catalogue_round(engine: Engine, year: int) -> None:
    """A catalogue goes into a year whose round is not opened yet or not yet published (a published round's
    catalogue changes only as a correction with a reason: catalogue_import)."""
    if not 2500 <= int(year) <= 2700:
        raise RoundError(f"{year} ไม่ใช่ปี พ.ศ.", f"{year} is not a B.E. year")


def _catalogue_work(engine: Engine, scope: Scope, year: int, dry_run: bool, correction: str | None):
    def work(source):
        _catalogue_round(engine, year)
        return catalogue_import.import_catalogue(engine, source, int(year), who=scope.user, dry_run=dry_run,
                                                 correction=correction)
    return work


def check_catalogue(engine: Engine, scope: Scope, year: int, data: bytes, name: str,
                    correction: str | None = None) -> Check:
    """Validate an official catalogue file for a round without changing anything."""
    return _run(scope, "check catalogues", "catalogue", data, name,
                _catalogue_work(engine, scope, year, True, correction))


def commit_catalogue(engine: Engine, scope: Scope, year: int, data: bytes, name: str,
                     correction: str | None = None) -> Check:
    """Replace a round's catalogue and rescore it (store.catalogue_import logs the change)."""
    return _run(scope, "import catalogues", "catalogue", data, name,
                _catalogue_work(engine, scope, year, False, correction))


def export_frame(engine: Engine, scope: Scope, what: str, year: int | None = None) -> pd.DataFrame:
    """The contract exports (store.exports) of every LAO, unpublished rounds included: administrators only."""
    scope.require_admin("export all data")
    return exports.frame(engine, what, year)


OPERATIONS = ("check_file", "commit_file", "check_catalogue", "commit_catalogue", "set_round_state", "set_window",
              "open_new_round", "open_round", "export_frame")
