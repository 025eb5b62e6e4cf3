"""`export laos|catalogue|results|summary`: the contract columns (DESIGN.md), as CSV (UTF-8 with BOM)
or XLSX by the output file's extension, formula-safe via store.spreadsheet.

Codes are written as text (7-digit LAO codes, '1.01', '1.10'), never as numbers a spreadsheet would
reformat. `catalogue` without --year gives the newest year's catalogue (its columns have no year);
`results` and `summary` without --year give every year.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, text

from scoring.rates import DOMAINS

from .spreadsheet import to_csv_bytes, to_xlsx_bytes

CONTRACT = {
    "laos": ["lao_code", "name_th", "type", "province_code", "district_code"],
    "catalogue": ["indicator_code", "domain", "measure", "target", "applies_to"],
    "results": ["lao_code", "year", "indicator_code", "pct", "outcome"],
    "summary": ["lao_code", "year", "domain", "n_pass", "n_fail", "n_not_done", "n_no_service", "pass_rate"],
}
TEXT_COLUMNS = ("lao_code", "name_th", "type", "province_code", "district_code", "indicator_code", "measure",
                "applies_to", "outcome")
XLSX_MAX_ROWS = 1_048_575          # Excel's sheet limit, minus the header row
DOMAIN_ORDER = {d: int(d) for d in DOMAINS} | {"all": 9}


def frame(engine: Engine, what: str, year: int | None = None) -> pd.DataFrame:
    """The export as a DataFrame with exactly the contract columns."""
    if what not in CONTRACT:
        raise ValueError(f"unknown export {what!r}: choose one of {', '.join(CONTRACT)}")
    y = {"y": year} if year is not None else {}
    where = " WHERE year = :y" if year is not None else ""
    with engine.connect() as conn:
        if what == "laos":
            df = pd.read_sql(text("SELECT code AS lao_code, name_th, type, province_code, district_code "
                                  "FROM lao ORDER BY code"), conn)
        elif what == "catalogue":
            if year is None:
                year = conn.execute(text("SELECT MAX(year) FROM indicator")).scalar_one()
            df = pd.read_sql(text("SELECT code AS indicator_code, domain, measure, target, applies_to "
                                  "FROM indicator WHERE year = :y ORDER BY code"), conn, params={"y": year})
            if df.empty:
                raise ValueError(f"no catalogue for year {year}")
        elif what == "results":
            df = pd.read_sql(text(f"SELECT lao_code, year, indicator_code, pct, outcome FROM result{where} "
                                  "ORDER BY year, lao_code, indicator_code"), conn, params=y)
        else:
            df = pd.read_sql(text("SELECT lao_code, year, domain, n_pass, n_fail, n_not_done, n_no_service, "
                                  f"pass_rate FROM summary{where}"), conn, params=y)
            df = (df.assign(_d=df["domain"].map(DOMAIN_ORDER)).sort_values(["year", "lao_code", "_d"])
                  .drop(columns="_d").reset_index(drop=True))
    for c in df.columns:
        if c in TEXT_COLUMNS:
            df[c] = df[c].astype(object).where(df[c].notna(), None).map(lambda v: v if v is None else str(v))
    return df[CONTRACT[what]]


def export(engine: Engine, what: str, out: Path, year: int | None = None) -> int:
    """Write the export to `out` (.csv or .xlsx); returns the number of data rows."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"cannot write {out.name}: the output file must end in .csv or .xlsx")
    df = frame(engine, what, year)
    if suffix == ".xlsx":
        if len(df) > XLSX_MAX_ROWS:
            raise ValueError(f"{len(df):,} rows do not fit in one Excel sheet ({XLSX_MAX_ROWS:,}): "
                             "choose a year with --year or write .csv")
        content = to_xlsx_bytes(df, sheet=what)
    else:
        content = to_csv_bytes(df)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    return len(df)
