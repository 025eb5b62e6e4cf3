"""Fast bulk writes of DataFrames: executemany on SQLite, COPY on PostgreSQL.

pandas' to_sql is 3-10x slower for the millions of rows a national round produces (stack.md).
"""
from __future__ import annotations

import io
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Connection


def insert_frame(conn: Connection, table: str, df: pd.DataFrame) -> int:
    """Append `df` (columns named as the table's) inside the caller's transaction."""
    if df.empty:
        return 0
    cols = list(df.columns)
    if conn.dialect.name == "postgresql":
        buf = io.StringIO()
        df.to_csv(buf, index=False, header=False, na_rep="\\N")
        buf.seek(0)
        quoted = ", ".join(f'"{c}"' for c in cols)
        with conn.connection.dbapi_connection.cursor() as cur:
            with cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN WITH (FORMAT csv, NULL \'\\N\')') as cp:
                while chunk := buf.read(1 << 20):
                    cp.write(chunk)
        return len(df)
    placeholders = ", ".join("?" for _ in cols)
    sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({placeholders})'
    conn.connection.dbapi_connection.cursor().executemany(sql, _rows(df))
    return len(df)


def _rows(df: pd.DataFrame):
    """Plain Python values with None for missing ones (SQLite binds NaN as NULL, but not pd.NA)."""
    arrays = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_float_dtype(s):
            arrays.append(s.to_numpy(dtype="float64", na_value=np.nan).tolist())
        elif pd.api.types.is_integer_dtype(s) and not s.isna().any():
            arrays.append(s.to_numpy(dtype="int64").tolist())
        elif pd.api.types.is_datetime64_any_dtype(s):     # SQLAlchemy's SQLite DateTime text form
            arrays.append(s.dt.strftime("%Y-%m-%d %H:%M:%S.%f").astype(object).where(s.notna(), None).tolist())
        elif pd.api.types.is_bool_dtype(s):
            arrays.append(s.astype(bool).tolist())
        else:
            arrays.append([v.isoformat() if isinstance(v, date) else v
                           for v in s.astype(object).where(s.notna(), None).tolist()])
    return zip(*arrays)
