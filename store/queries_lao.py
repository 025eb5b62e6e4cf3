"""Reads for one LAO's scorecard and council report (the `lao` page and `python -m dashboard report`).

Like store.queries, every read of assessment data takes a Scope: published rounds for everyone,
unpublished ones only within the scope. Type-wide reads start from the `lao` table (`lao CROSS JOIN
result`: SQLite then walks each LAO's rows along the (year, lao_code) key, which are stored together,
instead of probing the LAO of every row of the round; ten times faster, and plain SQL for
PostgreSQL). `scorecard_inputs` gathers everything one scorecard needs in a handful of small,
indexed queries, so the page and the PDF read exactly the same figures.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
from sqlalchemy import Engine, bindparam, text

from scoring.scorecard import Inputs

from . import queries
from .access import Scope
from .queries import _read


def round_states(engine: Engine) -> pd.DataFrame:
    """Every round's year and state. That a round exists and is not yet published is public
    knowledge (the calendar is announced); its data is not, and is never read here."""
    return _read(engine, "SELECT year, state FROM round ORDER BY year")


def lao(engine: Engine, code: str) -> dict | None:
    """The registry entry of one LAO with its district and province names (public), or None."""
    df = _read(engine, "SELECT l.code AS lao_code, l.name_th, l.name_en, l.type, l.province_code, "
                       "l.district_code, l.population, l.area_km2, p.name_th AS province_th, "
                       "p.name_en AS province_en, d.name_th AS district_th, d.name_en AS district_en "
                       "FROM lao l JOIN province p ON p.code = l.province_code "
                       "LEFT JOIN district d ON d.code = l.district_code WHERE l.code = :c", {"c": code})
    if df.empty:
        return None
    rec = df.iloc[0].to_dict()
    return {k: (None if pd.isna(v) else v) for k, v in rec.items()}


def lao_results(engine: Engine, scope: Scope, lao_code: str) -> pd.DataFrame:
    """One LAO's outcomes in every round it may be seen in (`year IN round` lets the primary key
    (year, lao_code, ...) serve the lookup instead of a scan of the whole table)."""
    cond, params = scope.row_filter("r.year")
    params["c"] = lao_code
    return _read(engine, "SELECT r.year, r.indicator_code, r.domain, r.pct, r.outcome FROM result r "
                         "JOIN lao l ON l.code = r.lao_code WHERE r.lao_code = :c "
                         f"AND r.year IN (SELECT year FROM round) AND {cond}", params)


def lao_summaries(engine: Engine, scope: Scope, lao_code: str) -> pd.DataFrame:
    cond, params = scope.row_filter("s.year")
    params["c"] = lao_code
    return _read(engine, "SELECT s.year, s.domain, s.n_pass, s.n_fail, s.n_not_done, s.n_no_service, s.pass_rate "
                         "FROM summary s JOIN lao l ON l.code = s.lao_code WHERE s.lao_code = :c "
                         f"AND s.year IN (SELECT year FROM round) AND {cond}", params)


def peer_summaries(engine: Engine, scope: Scope, year: int, lao_type: str) -> pd.DataFrame:
    """Every domain's pass rate of every LAO of one type in one round, with population (size bands)."""
    cond, params = scope.row_filter("s.year")
    params.update(y=year, t=lao_type)
    return _read(engine, "SELECT s.lao_code, s.domain, s.pass_rate, l.population FROM lao l CROSS JOIN summary s "
                         f"WHERE s.year = :y AND s.lao_code = l.code AND l.type = :t AND {cond}", params)


def type_indicator_outcomes(engine: Engine, scope: Scope, year: int, lao_type: str,
                            indicators: list[str]) -> pd.DataFrame:
    """Per indicator, how many LAOs of one type passed it and how many were judged on it
    (pass + fail + not carried out; 'no such service' is not counted). Only the given indicators
    are counted (an LAO's failing ones): the (year, indicator, outcome) index then keeps this quick."""
    if not indicators:
        return pd.DataFrame({"indicator_code": pd.Series(dtype=str), "n_pass": pd.Series(dtype=int),
                             "n_judged": pd.Series(dtype=int)})
    cond, params = scope.row_filter("r.year")
    params.update(y=year, t=lao_type, codes=list(indicators))
    sql = text("SELECT r.indicator_code, SUM(CASE WHEN r.outcome = 'pass' THEN 1 ELSE 0 END) AS n_pass, "
               "SUM(CASE WHEN r.outcome <> 'no_service' THEN 1 ELSE 0 END) AS n_judged "
               "FROM lao l CROSS JOIN result r "
               f"WHERE r.year = :y AND r.lao_code = l.code AND r.indicator_code IN :codes AND l.type = :t AND {cond} "
               "GROUP BY r.indicator_code").bindparams(bindparam("codes", expanding=True))
    return _read(engine, sql, params)


def nearby_passers(engine: Engine, scope: Scope, year: int, lao_type: str, province: str,
                   indicators: list[str], exclude: str) -> pd.DataFrame:
    """LAOs of the same type in the same province that passed any of `indicators`."""
    if not indicators:
        return pd.DataFrame(columns=["lao_code", "name_th", "name_en", "type", "district_code",
                                     "indicator_code", "pct"])
    cond, params = scope.row_filter("r.year")
    params.update(y=year, t=lao_type, p=province, x=exclude, codes=list(indicators))
    sql = text("SELECT l.code AS lao_code, l.name_th, l.name_en, l.type, l.district_code, r.indicator_code, r.pct "
               "FROM lao l CROSS JOIN result r WHERE r.year = :y AND r.lao_code = l.code "
               "AND l.type = :t AND l.province_code = :p AND l.code <> :x "
               f"AND r.outcome = 'pass' AND r.indicator_code IN :codes AND {cond}"
               ).bindparams(bindparam("codes", expanding=True))
    return _read(engine, sql, params)


def scorecard_inputs(engine: Engine, scope: Scope, lao_code: str, year: int,
                     peers_fn: Callable[[int, str], pd.DataFrame] | None = None) -> Inputs | None:
    """Everything a scorecard needs, or None for an unknown LAO. Rounds outside the scope are not
    read at all: their years are simply missing from the history. `peers_fn(year, type)` may supply
    the type-wide summaries from a cache (they are the same for every LAO of the type)."""
    entry = lao(engine, lao_code)
    if entry is None:
        return None
    peers = (peers_fn or (lambda y, t: peer_summaries(engine, scope, y, t)))(year, entry["type"])
    results = lao_results(engine, scope, lao_code)
    this = results[results["year"] == year]
    failing = sorted(this.loc[this["outcome"].isin(["fail", "not_done"]), "indicator_code"])
    meta = queries.meta(engine)
    return Inputs(
        lao=entry,
        year=int(year),
        rounds=queries.rounds(engine, scope),
        catalogue=queries.catalogue(engine),
        values=queries.values(engine, scope, lao_code, year),
        results=results,
        summaries=lao_summaries(engine, scope, lao_code),
        peers=peers,
        type_outcomes=type_indicator_outcomes(engine, scope, year, entry["type"], failing),
        nearby=nearby_passers(engine, scope, year, entry["type"], entry["province_code"], failing, lao_code),
        synthetic=meta.get("synthetic") == "1",
    )
