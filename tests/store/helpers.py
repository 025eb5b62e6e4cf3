"""Shared helpers for the storage tests: submission files built from the small sample."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, text

from sample_data.round_file import round_frame

from .fingerprint import table_fingerprint

EXAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "examples"
_BASELINE: dict[str, dict] = {}


def rows_for(engine: Engine, laos, year: int = 2569) -> pd.DataFrame:
    """A valid submissions table (all text, like an uploaded file) for these LAOs."""
    df = round_frame(engine, year, laos)
    out = df.astype(object).astype(str)
    out["delivered"] = [("" if pd.isna(v) else f"{v:g}") for v in df["delivered"]]
    out["frame"] = [f"{v:g}" for v in df["frame"]]
    return out.reset_index(drop=True)


def write_csv(tmp_path: Path, df: pd.DataFrame, name: str = "submissions.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(df.to_csv(index=False).encode(encoding))
    return path


def pristine_fingerprint(engine: Engine) -> dict:
    """Fingerprint of an untouched copy of the small sample (every `db` starts as one), cached per backend."""
    key = engine.dialect.name
    if key not in _BASELINE:
        _BASELINE[key] = table_fingerprint(engine)
    return _BASELINE[key]


def scalar(engine: Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def read(engine: Engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)
