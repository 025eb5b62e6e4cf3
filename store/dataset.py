"""Whole-dataset writes: schema reset, reference data, and loading a generated dataset."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, text

from scoring.catalogue import format_targets, parse_targets

from . import reference
from .bulk import insert_frame
from .db import has_schema, upgrade
from .models import Base

INDICATOR_COLUMNS = ["year", "code", "domain", "name_th", "name_en", "mission_th", "mission_en", "measure",
                     "target", "applies_to", "frame_th", "frame_en", "delivered_th", "delivered_en",
                     "unit_th", "unit_en", "provenance", "source", "countable", "frame_help_th",
                     "frame_help_en", "delivered_help_th", "delivered_help_en"]
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
               n_rows: int | None = None, year: int | None = None, reason: str | None = None) -> int:
    """Record a change (every change: the newest id is the data version caches key on); returns its id."""
    return int(conn.execute(text("INSERT INTO change_log (at, who, action, detail, file_name, n_rows, year, reason) "
                                 "VALUES (:at, :who, :action, :detail, :f, :n, :y, :r) RETURNING id"),
                            {"at": datetime.now().replace(microsecond=0), "who": who, "action": action,
                             "detail": detail, "f": file_name, "n": n_rows, "y": year, "r": reason}).scalar_one())


def write_catalogue(conn: Connection, indicators: pd.DataFrame) -> None:
    """Insert catalogue rows (year, code, ...) and their per-type targets (`targets`, 'type=value;...')."""
    cols = [c for c in INDICATOR_COLUMNS if c in indicators.columns]
    insert_frame(conn, "indicator", indicators[cols])
    if "targets" in indicators.columns:
        own = [(y, c, t, v) for y, c, ts in zip(indicators["year"], indicators["code"], indicators["targets"])
               for t, v in parse_targets(ts)[0].items()]
        if own:
            insert_frame(conn, "indicator_target", pd.DataFrame(own, columns=["year", "code", "lao_type", "target"]))


def with_targets(conn: Connection, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Catalogue rows (year, code, ...) with their per-type targets as one text column `targets`."""
    own = pd.read_sql(text("SELECT year, code, lao_type, target FROM indicator_target"), conn)
    if own.empty:
        return catalogue.assign(targets=None)
    text_of = own.groupby(["year", "code"]).apply(
        lambda g: format_targets(dict(zip(g["lao_type"], g["target"]))), include_groups=False).rename("targets")
    return catalogue.merge(text_of.reset_index(), on=["year", "code"], how="left")


def fix_sequence(conn: Connection, table: str, column: str = "id") -> None:
    """After inserting explicit ids, move PostgreSQL's sequence past them (SQLite needs nothing)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                          f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"))


def ensure_reference(engine: Engine) -> bool:
    """Write the provinces and districts when the database has none yet. True when it wrote them."""
    with engine.begin() as conn:
        if conn.execute(text("SELECT COUNT(*) FROM province")).scalar_one():
            return False
        write_reference(conn)
    return True


def init_database(engine: Engine, who: str = "command line") -> dict[str, int]:
    """An empty production database: the schema, the provinces and districts, and the shipped indicator
    catalogues (years that have none yet). No LAO, no round, no synthetic data; safe to run again (it only
    adds what is missing). Returns what was added."""
    from scoring.catalogue import available_years, load

    upgrade(engine)
    added = {"provinces": 0, "districts": 0, "catalogues": 0}
    with engine.begin() as conn:
        if conn.execute(text("SELECT COUNT(*) FROM province")).scalar_one() == 0:
            write_reference(conn)
            added["provinces"] = conn.execute(text("SELECT COUNT(*) FROM province")).scalar_one()
            added["districts"] = conn.execute(text("SELECT COUNT(*) FROM district")).scalar_one()
        have = {r[0] for r in conn.execute(text("SELECT DISTINCT year FROM indicator"))}
        for year in available_years():
            if year not in have:
                ind = load(year).indicators.reset_index()
                ind.insert(0, "year", year)
                write_catalogue(conn, ind)
                added["catalogues"] += 1
        if conn.execute(text("SELECT COUNT(*) FROM meta WHERE key = 'synthetic'")).scalar_one() == 0:
            write_meta(conn, synthetic="0", dataset="production")
        log_change(conn, who, "init", ", ".join(f"{k}: {v}" for k, v in added.items()))
    return added
