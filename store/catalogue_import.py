"""Importing an official indicator catalogue (CSV/XLSX) for one year, all or nothing.

The table is validated by scoring.catalogue.from_table (the same validator as the YAML files). The
year's indicator rows are replaced (the replaced rows are kept in row_history under the import's
change_log id) and the year is rescored; a catalogue may come before its round is opened
(`round open`).
Refused when current submissions of that year use indicator codes the new catalogue lacks: their
figures would silently stop counting. That check and the write run in one transaction under the
import lock, so a submissions import cannot slip figures for a dropped indicator in between.

A published round's catalogue changes only by a correction with a reason (`correction=`), logged
with the year and reason like a submissions correction.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, text

from scoring.catalogue import Catalogue, from_table
from scoring.errors import Problem, ValidationError
from scoring.texts import Bilingual

from .dataset import import_transaction, keep_history, log_change, write_catalogue
from .imports import correction_reason
from .materialise import rescore_in
from .upload import Limits, read_table

MAX_ROWS = 1000            # codes run from 1.01 to 8.99: a catalogue has fewer than 800 indicators


@dataclass
class CatalogueReport:
    file_name: str
    year: int
    rows: int               # rows read from the file
    indicators: int
    replaced: int           # indicators the year had before
    round_created: bool
    scored_rows: int
    seconds: float = 0.0
    dry_run: bool = False
    correction: str | None = None
    warnings: list[Problem] = field(default_factory=list)

    def summary(self, lang: str = "th") -> str:
        if self.dry_run:
            return Bilingual(f"บัญชีตัวชี้วัดปี {self.year} จาก {self.file_name}: {self.indicators} ตัวชี้วัด "
                             f"(ปัจจุบันมี {self.replaced})",
                             f"catalogue {self.year} from {self.file_name}: {self.indicators} indicators "
                             f"(currently {self.replaced})").text(lang)
        created = Bilingual("; สร้างรอบประเมินใหม่ (เปิด)", "; new round created (open)") if self.round_created else None
        lines = [Bilingual(f"บัญชีตัวชี้วัดปี {self.year} จาก {self.file_name}: {self.indicators} ตัวชี้วัด "
                           f"(แทน {self.replaced})", f"catalogue {self.year} from {self.file_name}: {self.indicators} "
                           f"indicators (replacing {self.replaced})").text(lang)
                 + (created.text(lang) if created else "")
                 + Bilingual(f"; คำนวณผลใหม่ {self.scored_rows:,} แถว",
                             f"; rescored {self.scored_rows:,} rows in {self.seconds:.1f} s").text(lang)]
        if self.correction:
            lines.append(Bilingual(f"แก้ไขผลที่เผยแพร่แล้ว เหตุผล: {self.correction}",
                                   f"correction of a published round, reason: {self.correction}").text(lang))
        return "\n".join(lines)


def read_catalogue(source, year: int) -> tuple[Catalogue, int, str]:
    """(catalogue, rows read, file name) from a CSV/XLSX, with problems at spreadsheet rows."""
    df = read_table(source, Limits.from_settings(rows=MAX_ROWS))
    name = source[1] if isinstance(source, tuple) else Path(source).name
    try:
        return from_table(df.reset_index(drop=True), int(year), source=name), len(df), name
    except ValidationError as exc:       # from_table counts data rows from 1; report spreadsheet rows
        rows = list(df.index)
        raise ValidationError([Problem(rows[p.row - 1] if p.row and p.row <= len(rows) else p.row, p.column,
                                       p.message) for p in exc.problems], "catalogue") from exc


def _round_state(conn: Connection, year: int, correction: str | None) -> str | None:
    """The round's state (None: no round yet); a published one needs a correction's reason."""
    state = conn.execute(text("SELECT state FROM round WHERE year = :y"), {"y": year}).scalar()
    if state == "published" and correction_reason(correction) is None:
        raise ValidationError([Problem(None, None, Bilingual(
            f"รอบปี {year} เผยแพร่แล้ว: การเปลี่ยนบัญชีตัวชี้วัดจะแก้ไขผลที่เผยแพร่ต่อสาธารณะ ต้องระบุเหตุผลของการแก้ไข",
            f"round {year} is published: changing its catalogue corrects public results and needs a reason"))],
            "catalogue")
    return state


def _check_used(conn: Connection, year: int, cat: Catalogue) -> None:
    used = pd.read_sql(text(
        "SELECT v.indicator_code, COUNT(DISTINCT s.lao_code) AS n FROM indicator_value v "
        "JOIN submission s ON s.id = v.submission_id WHERE s.year = :y AND (s.is_current OR s.counted) "
        "GROUP BY v.indicator_code ORDER BY v.indicator_code"), conn, params={"y": year})
    lost = used[~used["indicator_code"].isin(cat.codes)]
    if len(lost):
        raise ValidationError([
            Problem(None, "code", Bilingual(f"ปี {year} มีข้อมูลของตัวชี้วัด {c} จาก {n:,} อปท. แต่บัญชีใหม่ไม่มีตัวชี้วัดนี้",
                                            f"year {year} has submissions for indicator {c} from {n:,} LAO(s), "
                                            "but the new catalogue lacks it"))
            for c, n in lost.itertuples(index=False)], "catalogue")


def import_catalogue(engine: Engine, source, year: int, who: str = "command line", dry_run: bool = False,
                     correction: str | None = None) -> CatalogueReport:
    """`source` is a path or (bytes, name); `correction` is the reason when the round is published."""
    t0 = time.perf_counter()
    year = int(year)
    with engine.connect() as conn:           # before the file is read (and again under the lock)
        _round_state(conn, year, correction)
    cat, n_rows, name = read_catalogue(source, year)
    if dry_run:
        with engine.connect() as conn:
            _check_used(conn, year, cat)
            before = conn.execute(text("SELECT COUNT(*) FROM indicator WHERE year = :y"), {"y": year}).scalar_one()
        return CatalogueReport(name, year, n_rows, len(cat.indicators), int(before), False, 0,
                               time.perf_counter() - t0, dry_run=True)
    with import_transaction(engine, "catalogue") as conn:
        state = _round_state(conn, year, correction)
        _check_used(conn, year, cat)
        reason = correction_reason(correction) if state == "published" else None
        before = pd.read_sql(text("SELECT * FROM indicator WHERE year = :y ORDER BY code"), conn, params={"y": year})
        source_note = f"imported {name}"[:200]
        if state is not None:
            conn.execute(text("UPDATE round SET catalogue_source = :s WHERE year = :y"), {"s": source_note, "y": year})
        change = log_change(conn, who, "import-catalogue", f"year {year}: {len(cat.indicators)} indicators "
                            f"(was {len(before)})", name, n_rows, year=year, reason=reason)
        _replace(conn, year, cat, before, change)
        scored = rescore_in(conn, year)
    return CatalogueReport(name, year, n_rows, len(cat.indicators), len(before), False, scored,
                           time.perf_counter() - t0, correction=reason)


def _replace(conn: Connection, year: int, cat: Catalogue, before: pd.DataFrame, change: int) -> None:
    """Keep the year's rows as history, then replace them (results reference indicators: they go first)."""
    targets = pd.read_sql(text("SELECT * FROM indicator_target WHERE year = :y"), conn, params={"y": year})
    keep_history(conn, change, "indicator", before, keys=f"{year} " + before["code"])
    keep_history(conn, change, "indicator_target", targets,
                 keys=f"{year} " + targets["code"] + " " + targets["lao_type"])
    for table in ("result", "summary", "indicator_target", "indicator"):
        conn.execute(text(f"DELETE FROM {table} WHERE year = :y"), {"y": year})
    indicators = cat.indicators.reset_index()
    indicators.insert(0, "year", year)
    write_catalogue(conn, indicators)
