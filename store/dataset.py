"""Whole-dataset writes: schema reset, reference data, and loading a generated dataset."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, text

from . import reference
from .bulk import insert_frame
from .db import has_schema, upgrade
from .models import Base

INDICATOR_COLUMNS = ["year", "code", "domain", "name_th", "name_en", "mission_th", "mission_en", "measure",
                     "target", "applies_to", "frame_th", "frame_en", "delivered_th", "delivered_en",
                     "unit_th", "unit_en", "provenance", "source", "countable"]
LAO_COLUMNS = ["code", "name_th", "name_en", "type", "province_code", "district_code", "area_km2", "lat",
               "lon", "population"]


def reset(engine: Engine) -> None:
    """Drop every table (ours and Alembic's) and migrate from scratch."""
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)


def ensure_schema(engine: Engine) -> None:
    upgrade(engine)


def is_empty(engine: Engine) -> bool:
    if not has_schema(engine):
        return True
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM lao")).scalar_one() == 0


def write_reference(conn: Connection) -> None:
    insert_frame(conn, "province", reference.provinces())
    insert_frame(conn, "district", reference.districts())


def write_meta(conn: Connection, **items: str) -> None:
    for k, v in items.items():
        conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": k})
        conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": k, "v": str(v)})


def log_change(conn: Connection, who: str, action: str, detail: str = "", file_name: str | None = None,
               n_rows: int | None = None) -> None:
    conn.execute(text("INSERT INTO change_log (at, who, action, detail, file_name, n_rows) "
                      "VALUES (:at, :who, :action, :detail, :f, :n)"),
                 {"at": datetime.now().replace(microsecond=0), "who": who, "action": action,
                  "detail": detail, "f": file_name, "n": n_rows})


def write_catalogue(conn: Connection, indicators: pd.DataFrame) -> None:
    cols = [c for c in INDICATOR_COLUMNS if c in indicators.columns]
    insert_frame(conn, "indicator", indicators[cols])


def fix_sequence(conn: Connection, table: str, column: str = "id") -> None:
    """After inserting explicit ids, move PostgreSQL's sequence past them (SQLite needs nothing)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                          f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"))
