"""A national round file: one submissions row per LAO × applicable indicator of one year, in the
import format, written from a database (the bench times importing it; tests use small ones).

Figures come from each LAO's current revision where it has one; the rest are drawn from a seeded
generator, so the same database always gives the same file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

COLUMNS = ["lao_code", "year", "indicator_code", "frame", "delivered"]


def round_frame(engine: Engine, year: int, lao_codes=None) -> pd.DataFrame:
    """The rows as a DataFrame (optionally only some LAOs), sorted by LAO and indicator."""
    with engine.connect() as conn:
        laos = pd.read_sql(text("SELECT code AS lao_code, type FROM lao"), conn)
        cat = pd.read_sql(text("SELECT code AS indicator_code, measure, target, applies_to FROM indicator "
                               "WHERE year = :y"), conn, params={"y": year})
        have = pd.read_sql(text(
            "SELECT s.lao_code, v.indicator_code, v.frame, v.delivered FROM indicator_value v "
            "JOIN submission s ON s.id = v.submission_id WHERE s.year = :y AND s.is_current"),
            conn, params={"y": year})
    if cat.empty:
        raise ValueError(f"no catalogue for year {year}")
    if lao_codes is not None:
        laos = laos[laos["lao_code"].isin(set(lao_codes))]
    return round_rows(laos, cat, have, year)


def round_rows(laos: pd.DataFrame, cat: pd.DataFrame, have: pd.DataFrame, year: int) -> pd.DataFrame:
    """laos: lao_code, type; cat: indicator_code, measure, target, applies_to (one year);
    have: lao_code, indicator_code, frame, delivered (figures to reuse)."""
    applies = cat.assign(type=cat["applies_to"].str.split(";")).explode("type")
    rows = laos[["lao_code", "type"]].merge(applies, on="type").merge(
        have[["lao_code", "indicator_code", "frame", "delivered"]], on=["lao_code", "indicator_code"], how="left")
    rows = rows.sort_values(["lao_code", "indicator_code"]).reset_index(drop=True)
    fill = rows["frame"].isna().to_numpy()
    rng = np.random.default_rng(int(year))
    n = len(rows)
    measure, target = rows["measure"].to_numpy(), rows["target"].to_numpy(dtype=float)
    frame = np.round(rng.lognormal(3, 1, n)).clip(1, 5000)
    delivered = np.floor(frame * rng.uniform(0.5, 1.0, n) * 10) / 10
    frame[measure != "ratio"] = 1
    counts = np.round(target + rng.normal(0, 1.5, n)).clip(0)
    delivered = np.where(measure == "count", counts, delivered)
    delivered = np.where(measure == "yesno", (rng.random(n) < 0.8).astype(float), delivered)
    rows.loc[fill, "frame"] = frame[fill]
    rows.loc[fill, "delivered"] = delivered[fill]
    rows["year"] = int(year)
    return rows[COLUMNS]


def national_round_file(engine: Engine, year: int, out_path, lao_codes=None) -> int:
    """Write the round file (CSV, UTF-8) for every LAO in the database; returns the row count."""
    df = round_frame(engine, year, lao_codes)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False, encoding="utf-8")
    return len(df)
