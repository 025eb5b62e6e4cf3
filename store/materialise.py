"""Materialised results: score the current submitted revisions and store outcomes and roll-ups,
so pages only read. Runs after every change to the data (seed, import, round changes)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text

from scoring.engine import rollup, score_submissions

from .bulk import insert_frame
from .dataset import with_targets

CATALOGUE_COLUMNS = "year, code, domain, measure, target, applies_to"


def catalogue_frame(conn: Connection, year: int | None = None) -> pd.DataFrame:
    """What scoring needs of a catalogue, per-type targets included."""
    where = "" if year is None else " WHERE year = :y"
    return with_targets(conn, pd.read_sql(text(f"SELECT {CATALOGUE_COLUMNS} FROM indicator{where}"), conn,
                                          params={"y": year} if year is not None else {}))


def submitted_frames(conn: Connection, year: int,
                     lao_codes: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counted revisions of one year (optionally only some LAOs: the newest submitted revision that was
    not returned) and their values."""
    params: dict = {"y": year}
    only = ""
    if lao_codes is not None:
        only = " AND s.lao_code IN :laos"
        params["laos"] = list(lao_codes)
    subs = pd.read_sql(_expanding(
        "SELECT s.id AS submission_id, s.lao_code, s.year, l.type FROM submission s "
        "JOIN lao l ON l.code = s.lao_code "
        f"WHERE s.year = :y AND s.counted{only}", lao_codes), conn, params=params)
    values = pd.read_sql(_expanding(
        "SELECT v.submission_id, v.indicator_code, v.frame, v.delivered FROM indicator_value v "
        "JOIN submission s ON s.id = v.submission_id "
        f"WHERE s.year = :y AND s.counted{only}", lao_codes), conn, params=params)
    return subs, values


def _expanding(sql: str, lao_codes):
    stmt = text(sql)
    return stmt.bindparams(bindparam("laos", expanding=True)) if lao_codes is not None else stmt


def store_scores(conn: Connection, year: int, results: pd.DataFrame) -> None:
    """Replace one year's results and summaries inside the caller's transaction."""
    conn.execute(text("DELETE FROM result WHERE year = :y"), {"y": year})
    conn.execute(text("DELETE FROM summary WHERE year = :y"), {"y": year})
    _insert_scores(conn, results)


def _insert_scores(conn: Connection, results: pd.DataFrame) -> None:
    out = results.assign(outcome=results["outcome"].astype(str))
    insert_frame(conn, "result", out[["year", "lao_code", "indicator_code", "domain", "pct", "outcome"]])
    insert_frame(conn, "summary", rollup(results)[["year", "lao_code", "domain", "n_pass", "n_fail",
                                                   "n_not_done", "n_no_service", "pass_rate"]])


def rescore(engine: Engine, year: int | None = None) -> dict[int, int]:
    """Rescore one year or every year with a catalogue; returns rows scored per year."""
    with engine.begin() as conn:
        years = [year] if year is not None else [
            r[0] for r in conn.execute(text("SELECT year FROM round ORDER BY year"))]
        return {y: rescore_in(conn, y) for y in years}


# Above this many LAOs a whole-year rescore is cheaper than deleting their rows one LAO at a time.
PARTIAL_RESCORE_MAX = 500


def rescore_in(conn: Connection, year: int, lao_codes=None) -> int:
    """Rescore one year inside the caller's transaction (imports stay all-or-nothing); with
    `lao_codes`, only those LAOs' results and summaries are replaced. Returns rows scored."""
    codes = None if lao_codes is None else sorted(set(lao_codes))
    if codes is not None and len(codes) > PARTIAL_RESCORE_MAX:
        codes = None
    subs, values = submitted_frames(conn, year, codes)
    results = score_submissions(values, subs, catalogue_frame(conn, year))
    if codes is None:
        store_scores(conn, year, results)
        return len(results)
    keys = [{"y": year, "c": c} for c in codes]
    conn.execute(text("DELETE FROM result WHERE year = :y AND lao_code = :c"), keys)
    conn.execute(text("DELETE FROM summary WHERE year = :y AND lao_code = :c"), keys)
    _insert_scores(conn, results)
    return len(results)
