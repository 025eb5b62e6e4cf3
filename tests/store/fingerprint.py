"""table_fingerprint: row count and checksum of every table, to prove a rejected import changed nothing."""
from __future__ import annotations

import hashlib

from sqlalchemy import Engine, MetaData


def table_fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of every row in primary-key order)} for every table in the database.

    Rows are read through the driver as stored (no type conversion), which keeps this fast enough
    to run around every import test."""
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            order = ", ".join(f'"{c.name}"' for c in (table.primary_key.columns or table.columns))
            rows = conn.exec_driver_sql(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()
            out[name] = (len(rows), hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest())
    return out
