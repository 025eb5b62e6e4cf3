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

import pandas as pd
from sqlalchemy import Engine, text

from scoring.errors import Problem, ValidationError

from scoring.catalogue import from_table

from . import catalogue_import, exports, imports, registry
from .access import Scope
from .dataset import log_change
from .upload import read_table

KINDS = ("submissions", "registry")
ROUND_STATES = ("open", "closed", "published")
# Allowed round changes: open -> closed -> published; a closed round may be reopened.
TRANSITIONS = {("open", "closed"), ("closed", "open"), ("closed", "published")}


class RoundError(ValueError):
    """A round change that is not allowed, with a message in Thai and English."""

    def __init__(self, th: str, en: str):
        super().__init__(en)
        self.message_th, self.message_en = th, en

    def text(self, lang: str = "th") -> str:
        return self.message_th if lang == "th" else self.message_en


@dataclass
class Check:
    """The outcome of checking (or committing) one file."""
    kind: str
    file_name: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: int = 0
    summary_th: str = ""
    summary_en: str = ""
    committed: bool = False
    facts: dict = field(default_factory=dict)     # figures for the page (LAOs, years, revisions, ...)

    @property
    def ok(self) -> bool:
        return not self.problems

    def table(self, lang: str = "th") -> pd.DataFrame:
        """Every problem (then every warning) by row and column, for display and download."""
        rows = [(p.row, p.column, p.message_th if lang == "th" else p.message_en, kind)
                for kind, items in (("problem", self.problems), ("warning", self.warnings)) for p in items]
        out = pd.DataFrame(rows, columns=["row", "column", "message", "kind"])
        out["row"] = out["row"].astype("Int64")
        return out


def _source(data: bytes, name: str) -> tuple[bytes, str]:
    return bytes(data), (name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255]


def _start(scope: Scope, action: str, kind: str, data: bytes, name: str) -> tuple[tuple[bytes, str], Check]:
    """Refuse non-administrators and unknown kinds before anything is read."""
    scope.require_admin(action)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    source = _source(data, name)
    return source, Check(kind, source[1])


def check_file(engine: Engine, scope: Scope, kind: str, data: bytes, name: str) -> Check:
    """Validate a file without changing anything (a dry run)."""
    source, out = _start(scope, "check files", kind, data, name)
    try:
        if kind == "submissions":
            rep = imports.import_submissions(engine, source, who=scope.user, dry_run=True)
            _from_import(out, rep)
        else:
            df = read_table(source)
            with engine.connect() as conn:
                laos, warnings = registry.parse_registry(conn, df)
                have = set(pd.read_sql(text("SELECT code FROM lao"), conn)["code"])
            codes = set(laos["code"])
            out.rows, out.warnings = len(df), list(warnings)
            out.facts = {"laos": len(codes), "new": len(codes - have), "known": len(codes & have),
                         "not_in_file": len(have - codes)}
            out.summary_th = (f"อ่านได้ {len(df):,} แถว เป็น อปท. {len(codes):,} แห่ง: ใหม่ {len(codes - have):,} แห่ง "
                              f"มีอยู่แล้ว {len(codes & have):,} แห่ง")
            out.summary_en = (f"{len(df):,} rows, {len(codes):,} LAOs: {len(codes - have):,} new, "
                              f"{len(codes & have):,} already known")
    except ValidationError as exc:
        out.problems = list(exc.problems)
    return out


def commit_file(engine: Engine, scope: Scope, kind: str, data: bytes, name: str) -> Check:
    """Validate again and write, all or nothing; the import logs the change in its transaction."""
    source, out = _start(scope, "import files", kind, data, name)
    try:
        if kind == "submissions":
            _from_import(out, imports.import_submissions(engine, source, who=scope.user))
        else:
            rep = registry.import_registry(engine, source, who=scope.user)
            out.rows, out.warnings = rep.rows, list(rep.warnings)
            out.facts = {"new": len(rep.inserted), "updated": len(rep.updated),
                         "not_in_file": len(rep.not_in_file)}
            out.summary_th = (f"นำเข้าทะเบียน อปท. แล้ว: เพิ่ม {len(rep.inserted):,} แห่ง ปรับปรุง {len(rep.updated):,} แห่ง "
                              f"ไม่อยู่ในไฟล์ (คงไว้) {len(rep.not_in_file):,} แห่ง")
            out.summary_en = (f"registry imported: {len(rep.inserted):,} added, {len(rep.updated):,} updated, "
                              f"{len(rep.not_in_file):,} not in the file (kept)")
        out.committed = True
    except ValidationError as exc:
        out.problems = list(exc.problems)
    return out


def _from_import(out: Check, rep) -> None:
    out.rows, out.warnings = rep.rows, list(rep.warnings)
    out.summary_th, out.summary_en = rep.summary_th(), rep.summary()
    out.facts = {"laos": rep.laos, "years": list(rep.years), "revisions": rep.revisions, "replaced": rep.replaced}


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
    At most one round is open at a time, so 'the open round' is never ambiguous."""
    scope.require_admin("change rounds")
    if state not in ROUND_STATES:
        raise ValueError(f"unknown round state {state!r}")
    with engine.begin() as conn:
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
        log_change(conn, scope.user, f"round-{state}", f"round {year}: {old} -> {state}")
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
    """A catalogue goes into a year whose round is not opened yet or not published: published results are
    the public record."""
    if not 2500 <= int(year) <= 2700:
        raise RoundError(f"{year} ไม่ใช่ปี พ.ศ.", f"{year} is not a B.E. year")
    with engine.connect() as conn:
        row = _round(conn, year)
    if row is not None and row[0] == "published":
        raise RoundError(f"รอบปี {year} เผยแพร่แล้ว จึงเปลี่ยนบัญชีตัวชี้วัดไม่ได้",
                         f"round {year} is published: its catalogue cannot change")


def check_catalogue(engine: Engine, scope: Scope, year: int, data: bytes, name: str) -> Check:
    """Validate an official catalogue file for a round without changing anything."""
    scope.require_admin("check catalogues")
    source = _source(data, name)
    out = Check("catalogue", source[1])
    try:
        _catalogue_round(engine, year)
        df = read_table(source)
        try:
            cat = from_table(df.reset_index(drop=True), int(year), source=source[1])
        except ValidationError as exc:       # from_table counts data rows from 1: show spreadsheet rows
            rows = list(df.index)
            raise ValidationError([Problem(rows[p.row - 1] if p.row and p.row <= len(rows) else p.row, p.column,
                                           p.message_th, p.message_en) for p in exc.problems]) from exc
        with engine.connect() as conn:
            before = conn.execute(text("SELECT COUNT(*) FROM indicator WHERE year = :y"), {"y": int(year)}).scalar_one()
        n = len(cat.indicators)
        out.rows, out.facts = len(df), {"indicators": n, "before": int(before)}
        out.summary_th = f"บัญชีตัวชี้วัดปี {year}: {n} ตัวชี้วัด (ปัจจุบันมี {before})"
        out.summary_en = f"catalogue {year}: {n} indicators (currently {before})"
    except ValidationError as exc:
        out.problems = list(exc.problems)
    except RoundError as exc:
        out.problems = [Problem(None, None, exc.message_th, exc.message_en)]
    return out


def commit_catalogue(engine: Engine, scope: Scope, year: int, data: bytes, name: str) -> Check:
    """Replace a round's catalogue and rescore it (store.catalogue_import logs the change)."""
    scope.require_admin("import catalogues")
    source = _source(data, name)
    out = Check("catalogue", source[1])
    try:
        _catalogue_round(engine, year)
        rep = catalogue_import.import_catalogue(engine, source, int(year), who=scope.user)
        out.rows, out.committed = rep.indicators, True
        out.facts = {"indicators": rep.indicators, "before": rep.replaced, "scored": rep.scored_rows}
        out.summary_th, out.summary_en = rep.summary_th(), rep.summary()
    except ValidationError as exc:
        out.problems = list(exc.problems)
    except RoundError as exc:
        out.problems = [Problem(None, None, exc.message_th, exc.message_en)]
    return out


def export_frame(engine: Engine, scope: Scope, what: str, year: int | None = None) -> pd.DataFrame:
    """The contract exports (store.exports) of every LAO, unpublished rounds included: administrators only."""
    scope.require_admin("export all data")
    return exports.frame(engine, what, year)


OPERATIONS = ("check_file", "commit_file", "check_catalogue", "commit_catalogue", "set_round_state", "set_window",
              "open_new_round", "open_round", "export_frame")
