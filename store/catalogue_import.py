"""Importing an official indicator catalogue (CSV/XLSX) for one year, all or nothing.

The table is validated by scoring.catalogue.from_table (the same validator as the YAML files). The
year's indicator rows are replaced and the year is rescored; a catalogue may come before its round is
opened (`round open`). Refused when current submissions of that year use indicator codes the new
catalogue lacks: their figures would silently stop counting.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, text

from scoring.catalogue import from_table
from scoring.errors import Problem, ValidationError

from .dataset import log_change, write_catalogue
from .materialise import rescore_in
from .upload import read_table


@dataclass
class CatalogueReport:
    file_name: str
    year: int
    indicators: int
    replaced: int           # indicators the year had before
    round_created: bool
    scored_rows: int
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"catalogue {self.year} from {self.file_name}: {self.indicators} indicators (replacing "
                f"{self.replaced})" + ("; new round created (open)" if self.round_created else "")
                + f"; rescored {self.scored_rows:,} rows in {self.seconds:.1f} s")

    def summary_th(self) -> str:
        return (f"บัญชีตัวชี้วัดปี {self.year} จาก {self.file_name}: {self.indicators} ตัวชี้วัด (แทน {self.replaced})"
                + ("; สร้างรอบประเมินใหม่ (เปิด)" if self.round_created else "")
                + f"; คำนวณผลใหม่ {self.scored_rows:,} แถว")


def import_catalogue(engine: Engine, source, year: int, who: str = "command line") -> CatalogueReport:
    """`source` is a path or (bytes, name)."""
    t0 = time.perf_counter()
    df = read_table(source)
    name = source[1] if isinstance(source, tuple) else Path(source).name
    year = int(year)
    try:
        cat = from_table(df.reset_index(drop=True), year, source=name)
    except ValidationError as exc:       # from_table counts data rows from 1; report spreadsheet rows
        rows = list(df.index)
        raise ValidationError([Problem(rows[p.row - 1] if p.row and p.row <= len(rows) else p.row, p.column,
                                       p.message_th, p.message_en) for p in exc.problems], "catalogue") from exc
    indicators = cat.indicators.reset_index()
    indicators.insert(0, "year", year)
    with engine.begin() as conn:
        used = pd.read_sql(text(
            "SELECT v.indicator_code, COUNT(DISTINCT s.lao_code) AS n FROM indicator_value v "
            "JOIN submission s ON s.id = v.submission_id WHERE s.year = :y AND (s.is_current OR s.counted) "
            "GROUP BY v.indicator_code ORDER BY v.indicator_code"), conn, params={"y": year})
        lost = used[~used["indicator_code"].isin(cat.codes)]
        if len(lost):
            raise ValidationError([
                Problem(None, "code", f"ปี {year} มีข้อมูลของตัวชี้วัด {c} จาก {n:,} อปท. แต่บัญชีใหม่ไม่มีตัวชี้วัดนี้",
                        f"year {year} has submissions for indicator {c} from {n:,} LAO(s), "
                        "but the new catalogue lacks it")
                for c, n in lost.itertuples(index=False)], "catalogue")
        before = conn.execute(text("SELECT COUNT(*) FROM indicator WHERE year = :y"), {"y": year}).scalar_one()
        exists = conn.execute(text("SELECT COUNT(*) FROM round WHERE year = :y"), {"y": year}).scalar_one() > 0
        source_note = f"imported {name}"[:200]
        if exists:
            conn.execute(text("UPDATE round SET catalogue_source = :s WHERE year = :y"), {"s": source_note, "y": year})
        # Results reference indicators: clear them first, then replace the catalogue and rescore.
        conn.execute(text("DELETE FROM result WHERE year = :y"), {"y": year})
        conn.execute(text("DELETE FROM summary WHERE year = :y"), {"y": year})
        conn.execute(text("DELETE FROM indicator_target WHERE year = :y"), {"y": year})
        conn.execute(text("DELETE FROM indicator WHERE year = :y"), {"y": year})
        write_catalogue(conn, indicators)
        scored = rescore_in(conn, year)
        log_change(conn, who, "import-catalogue", f"year {year}: {len(indicators)} indicators (was {before})",
                   name, len(df))
    return CatalogueReport(name, year, len(indicators), int(before), False, scored,
                           time.perf_counter() - t0)
