"""`export laos|catalogue|results|summary`: the contract columns (docs/design.md), as CSV (UTF-8 with BOM)
or XLSX by the output file's extension, formula-safe via store.spreadsheet.

Codes are written as text (7-digit LAO codes, '1.01', '1.10'), never as numbers a spreadsheet would
reformat. `catalogue` without --year gives the newest year's catalogue (its columns have no year);
`results` and `summary` without --year give every year.

The command line and the open-data API (dashboard/api.py) read through the same `Query`: the API adds
filters and paging, applied in the SQL, and asks for published rounds only; the command line is run by
an operator on the database itself and sees every round.
"""
from __future__ import annotations

from dataclasses import dataclass
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
# Which filters narrow which export (every export takes `year`; the registry is the same in every year).
FILTERS = {
    "laos": ("province", "lao", "type"),
    "catalogue": ("type", "domain", "indicator"),
    "results": ("province", "lao", "type", "domain", "indicator"),
    "summary": ("province", "lao", "type", "domain"),
}
TEXT_COLUMNS = ("lao_code", "name_th", "type", "province_code", "district_code", "indicator_code", "measure",
                "applies_to", "outcome")
XLSX_MAX_ROWS = 1_048_575          # Excel's sheet limit, minus the header row
DOMAIN_ORDER = {d: int(d) for d in DOMAINS} | {"all": 9}
PUBLISHED = "(SELECT year FROM round WHERE state = 'published')"


@dataclass(frozen=True)
class Query:
    """One export, optionally narrowed. Values are already checked (dashboard/api.py does that for the
    web); they only ever reach the SQL as bound parameters."""
    what: str
    year: int | None = None
    province: str | None = None       # 2 digits
    lao: str | None = None            # 7 digits
    type: str | None = None           # LAO type code: LAOs of that type; catalogue: indicators that apply to it
    domain: str | None = None         # '1'…'8'; summary also 'all'
    indicator: str | None = None      # '1.01'
    published_only: bool = False

    def __post_init__(self):
        if self.what not in CONTRACT:
            raise ValueError(f"unknown export {self.what!r}: choose one of {', '.join(CONTRACT)}")
        for name in ("province", "lao", "type", "domain", "indicator"):
            if getattr(self, name) is not None and name not in FILTERS[self.what]:
                raise ValueError(f"{name} does not narrow the {self.what} export")


def _sql(conn, q: Query) -> tuple[str, str, str, dict]:
    """(columns, FROM … WHERE …, ORDER BY …, parameters) of a query."""
    where, params = ["1=1"], {}

    def add(cond: str, **values) -> None:
        where.append(cond)
        params.update(values)

    if q.what == "laos":
        cols, src, order = "l.code AS lao_code, l.name_th, l.type, l.province_code, l.district_code", "lao l", "l.code"
        lao_col = "l.code"
    elif q.what == "catalogue":
        cols, src, order = "i.code AS indicator_code, i.domain, i.measure, i.target, i.applies_to", "indicator i", "i.code"
        year = q.year
        if year is None:            # the newest catalogue (of a published round, for the public)
            newest = "SELECT MAX(year) FROM indicator" + (f" WHERE year IN {PUBLISHED}" if q.published_only else "")
            year = conn.execute(text(newest)).scalar_one()
        add("i.year = :year", year=year)
        if q.published_only:
            add(f"i.year IN {PUBLISHED}")
        if q.type is not None:      # applies_to holds the types joined by ';'
            add("(';' || i.applies_to || ';') LIKE :type_like ESCAPE '!'",
                type_like="%;" + q.type.replace("_", "!_") + ";%")
        if q.domain is not None:
            add("i.domain = :domain", domain=int(q.domain))
        if q.indicator is not None:
            add("i.code = :indicator", indicator=q.indicator)
        return cols, src + " WHERE " + " AND ".join(where), order, params
    else:
        t = "r" if q.what == "results" else "s"
        if q.what == "results":
            cols, src = "r.lao_code, r.year, r.indicator_code, r.pct, r.outcome", "result r"
            order = "r.year, r.lao_code, r.indicator_code"
        else:
            cols, src = ("s.lao_code, s.year, s.domain, s.n_pass, s.n_fail, s.n_not_done, s.n_no_service, "
                         "s.pass_rate", "summary s")
            order = "s.year, s.lao_code, CASE s.domain WHEN 'all' THEN 9 ELSE CAST(s.domain AS INTEGER) END"
        lao_col = f"{t}.lao_code"
        if q.year is not None:
            add(f"{t}.year = :year", year=q.year)
        if q.published_only:
            add(f"{t}.year IN {PUBLISHED}")
        if q.domain is not None:    # result.domain is a number; summary.domain is text ('all' too)
            add(f"{t}.domain = :domain", domain=int(q.domain) if q.what == "results" else q.domain)
        if q.indicator is not None:
            add("r.indicator_code = :indicator", indicator=q.indicator)
    if q.lao is not None:
        add(f"{lao_col} = :lao", lao=q.lao)
    # Registry filters: LAO codes from the (indexed) lao table, so a round's rows are read along the
    # (year, lao_code) key instead of scanning the whole round.
    registry = [(c, v) for c, v in (("province_code", q.province), ("type", q.type)) if v is not None]
    if registry:
        conds = " AND ".join(f"{c} = :reg_{c}" for c, _ in registry)
        add(f"{lao_col} IN (SELECT code FROM lao WHERE {conds})", **{f"reg_{c}": v for c, v in registry})
    return cols, src + " WHERE " + " AND ".join(where), order, params


def rows(engine: Engine, q: Query, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """The query's rows, in a stable order, with exactly the contract columns."""
    with engine.connect() as conn:
        cols, src, order, params = _sql(conn, q)
        page = ""
        if limit is not None:
            page = " LIMIT :limit OFFSET :offset"
            params |= {"limit": int(limit), "offset": int(offset)}
        df = pd.read_sql(text(f"SELECT {cols} FROM {src} ORDER BY {order}{page}"), conn, params=params)
    for c in df.columns:
        if c in TEXT_COLUMNS:
            df[c] = df[c].astype(object).where(df[c].notna(), None).map(lambda v: v if v is None else str(v))
    return df[CONTRACT[q.what]]


def count(engine: Engine, q: Query) -> int:
    with engine.connect() as conn:
        _, src, _, params = _sql(conn, q)
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {src}"), params).scalar_one())


def frame(engine: Engine, what: str, year: int | None = None) -> pd.DataFrame:
    """The export as a DataFrame with exactly the contract columns (every round: the operator's view)."""
    df = rows(engine, Query(what, year))
    if what == "catalogue" and df.empty:
        raise ValueError(f"no catalogue for year {year}" if year is not None else "the database has no catalogue")
    return df


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
