"""Materialised results: score the current submitted revisions and store outcomes and roll-ups,
so pages only read. Runs after every change to the data (seed, import, round changes)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, text

from scoring.engine import rollup, score_submissions

from .bulk import insert_frame

CATALOGUE_COLUMNS = "year, code, domain, measure, target, applies_to"


def catalogue_frame(conn: Connection, year: int | None = None) -> pd.DataFrame:
    where = "" if year is None else " WHERE year = :y"
    return pd.read_sql(text(f"SELECT {CATALOGUE_COLUMNS} FROM indicator{where}"), conn,
                       params={"y": year} if year is not None else {})


def submitted_frames(conn: Connection, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    subs = pd.read_sql(text(
        "SELECT s.id AS submission_id, s.lao_code, s.year, l.type FROM submission s "
        "JOIN lao l ON l.code = s.lao_code "
        "WHERE s.year = :y AND s.is_current AND s.state = 'submitted'"), conn, params={"y": year})
    values = pd.read_sql(text(
        "SELECT v.submission_id, v.indicator_code, v.frame, v.delivered FROM indicator_value v "
        "JOIN submission s ON s.id = v.submission_id "
        "WHERE s.year = :y AND s.is_current AND s.state = 'submitted'"), conn, params={"y": year})
    return subs, values


def store_scores(conn: Connection, year: int, results: pd.DataFrame) -> None:
    """Replace one year's results and summaries inside the caller's transaction."""
    conn.execute(text("DELETE FROM result WHERE year = :y"), {"y": year})
    conn.execute(text("DELETE FROM summary WHERE year = :y"), {"y": year})
    out = results.assign(outcome=results["outcome"].astype(str))
    insert_frame(conn, "result", out[["year", "lao_code", "indicator_code", "domain", "pct", "outcome"]])
    insert_frame(conn, "summary", rollup(results)[["year", "lao_code", "domain", "n_pass", "n_fail",
                                                   "n_not_done", "n_no_service", "pass_rate"]])


def rescore(engine: Engine, year: int | None = None) -> dict[int, int]:
    """Rescore one year or every year with a catalogue; returns rows scored per year."""
    done = {}
    with engine.begin() as conn:
        years = [year] if year is not None else [
            r[0] for r in conn.execute(text("SELECT year FROM round ORDER BY year"))]
        for y in years:
            subs, values = submitted_frames(conn, y)
            results = score_submissions(values, subs, catalogue_frame(conn, y))
            store_scores(conn, y, results)
            done[y] = len(results)
    return done
