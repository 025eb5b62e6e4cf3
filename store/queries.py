"""Read access for the dashboard: every function takes a Scope and returns a DataFrame.

Each query joins `lao` (alias l) so the scope's condition can apply; pages never write SQL.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, text

from .access import Scope
from .dataset import with_targets

LAO_FIELDS = "l.code AS lao_code, l.name_th, l.name_en, l.type, l.province_code, l.district_code, l.population"


def _read(engine: Engine, sql, params: dict | None = None) -> pd.DataFrame:
    """The one query helper of the store's reads (queries_lao and queries_province use it too):
    `sql` is SQL text or a prepared TextClause (e.g. with expanding parameters)."""
    with engine.connect() as conn:
        return pd.read_sql(text(sql) if isinstance(sql, str) else sql, conn, params=params or {})


def data_version(engine: Engine) -> int:
    """Changes whenever data changes (every change is logged), so caches can key on it."""
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM change_log")).scalar_one())


# Changes that touch no round's figures (accounts, contact e-mails, reminders sent): every LAO's first
# sign-in logs a password change, and none of them should make a round's cached figures be read again.
NOT_FIGURES = ("user-add", "user-enable", "user-disable", "user-reset", "user-password", "user-provision",
               "contact-email", "remind")


def round_version(engine: Engine, year: int) -> int:
    """Changes whenever one round's figures may have changed: a change logged for that round, or for no round
    in particular (an import of several years, the registry) unless it touches no figures. A draft begun in
    the open round leaves the last round's version alone, so what is cached about the last round stays warm."""
    names = ", ".join(f":n{i}" for i in range(len(NOT_FIGURES)))
    with engine.connect() as conn:
        return int(conn.execute(text(
            f"SELECT COALESCE(MAX(id), 0) FROM change_log WHERE year = :y OR (year IS NULL AND action NOT IN "
            f"({names}))"), {"y": int(year), **{f"n{i}": a for i, a in enumerate(NOT_FIGURES)}}).scalar_one())


def meta(engine: Engine) -> dict[str, str]:
    return dict(_read(engine, "SELECT key, value FROM meta").itertuples(index=False, name=None))


def rounds(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Rounds the scope may look at: published ones for the public, all for signed-in users."""
    where = "" if scope.role != "public" else " WHERE state = 'published'"
    return _read(engine, f"SELECT year, state, window_open, window_close FROM round{where} ORDER BY year")


def provinces(engine: Engine) -> pd.DataFrame:
    return _read(engine, "SELECT code AS province_code, iso, name_th, name_en, region6, region4 FROM province "
                         "ORDER BY code")


def districts(engine: Engine) -> pd.DataFrame:
    return _read(engine, "SELECT code AS district_code, province_code, name_th, name_en FROM district")


def laos(engine: Engine) -> pd.DataFrame:
    """The LAO registry is public information."""
    return _read(engine, f"SELECT {LAO_FIELDS}, l.area_km2 FROM lao l ORDER BY l.code")


def catalogue(engine: Engine, year: int | None = None) -> pd.DataFrame:
    """Indicators of one year (or all), with per-type targets as text (`targets`, 'type=value;...')."""
    where = "" if year is None else " WHERE year = :y"
    with engine.connect() as conn:
        return with_targets(conn, pd.read_sql(text(f"SELECT * FROM indicator{where} ORDER BY year, code"), conn,
                                              params={"y": year}))


def summaries(engine: Engine, scope: Scope, year: int | None = None, domain: str | None = None,
              province: str | None = None, lao: str | None = None) -> pd.DataFrame:
    """Roll-ups per LAO × year × domain, with the LAO's attributes."""
    cond, params = scope.row_filter("s.year")
    where = [cond]
    for col, val, key in (("s.year", year, "y"), ("s.domain", domain, "d"), ("l.province_code", province, "p"),
                          ("l.code", lao, "lao")):
        if val is not None:
            where.append(f"{col} = :{key}")
            params[key] = val
    return _read(engine, f"SELECT s.year, s.domain, s.n_pass, s.n_fail, s.n_not_done, s.n_no_service, "
                         f"s.pass_rate, {LAO_FIELDS} FROM summary s JOIN lao l ON l.code = s.lao_code "
                         f"WHERE {' AND '.join(where)}", params)


def results(engine: Engine, scope: Scope, year: int | None = None, indicator: str | None = None,
            province: str | None = None, lao: str | None = None, outcome: str | None = None) -> pd.DataFrame:
    cond, params = scope.row_filter("r.year")
    where = [cond]
    for col, val, key in (("r.year", year, "y"), ("r.indicator_code", indicator, "i"),
                          ("l.province_code", province, "p"), ("l.code", lao, "lao"), ("r.outcome", outcome, "o")):
        if val is not None:
            where.append(f"{col} = :{key}")
            params[key] = val
    return _read(engine, f"SELECT r.year, r.indicator_code, r.domain, r.pct, r.outcome, {LAO_FIELDS} "
                         f"FROM result r JOIN lao l ON l.code = r.lao_code WHERE {' AND '.join(where)}", params)


def indicator_outcomes(engine: Engine, scope: Scope, year: int) -> pd.DataFrame:
    """Outcome counts per indicator × LAO type × province for one round (small: the nation in ~30k rows)."""
    cond, params = scope.row_filter("r.year")
    params["y"] = year
    return _read(engine, "SELECT r.indicator_code, r.domain, l.type, l.province_code, r.outcome, COUNT(*) AS n "
                         "FROM result r JOIN lao l ON l.code = r.lao_code "
                         f"WHERE r.year = :y AND {cond} "
                         "GROUP BY r.indicator_code, r.domain, l.type, l.province_code, r.outcome", params)


def submissions(engine: Engine, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    """Where every LAO in scope stands in a round: `state` not_started | in_progress | submitted (it has a
    counted revision, even while a newer draft is being entered: `revising`), the newest revision's
    `review_state` (None, checked, returned) and `current_state`, and when the counted one was submitted."""
    cond, params = scope.row_filter(":y")
    params["y"] = year
    where = [cond]
    if province is not None:
        where.append("l.province_code = :p")
        params["p"] = province
    # Who submitted is a user name (often an administrator's, for an import): staff see it, the public never.
    by = "COALESCE(cnt.submitted_by, cur.submitted_by)" if scope.signed_in else "NULL"
    df = _read(engine, f"SELECT {LAO_FIELDS}, "
                       "CASE WHEN cnt.id IS NOT NULL THEN 'submitted' ELSE cur.state END AS state, "
                       "cur.state AS current_state, cur.revision, cur.review_state, "
                       "COALESCE(cnt.submitted_at, cur.submitted_at) AS submitted_at, "
                       f"{by} AS submitted_by, "
                       "CASE WHEN cnt.id IS NOT NULL AND cur.id <> cnt.id THEN 1 ELSE 0 END AS revising "
                       "FROM lao l LEFT JOIN submission cur ON cur.lao_code = l.code AND cur.year = :y AND cur.is_current "
                       "LEFT JOIN submission cnt ON cnt.lao_code = l.code AND cnt.year = :y AND cnt.counted "
                       f"WHERE {' AND '.join(where)} ORDER BY l.code", params)
    df["state"] = df["state"].fillna("not_started")
    df["revising"] = df["revising"].astype(bool)
    return df


def values(engine: Engine, scope: Scope, lao: str, year: int) -> pd.DataFrame:
    """The figures an LAO's results come from (its counted revision; a draft when it has none yet)."""
    cond, params = scope.row_filter("s.year")
    params.update(lao=lao, y=year)
    return _read(engine, "SELECT v.indicator_code, v.frame, v.delivered, v.evidence_url, v.note, s.revision, "
                         "s.state, s.submitted_at FROM indicator_value v JOIN submission s ON s.id = v.submission_id "
                         "JOIN lao l ON l.code = s.lao_code "
                         "WHERE s.lao_code = :lao AND s.year = :y AND (s.counted OR (s.is_current AND NOT EXISTS "
                         "(SELECT 1 FROM submission c WHERE c.lao_code = s.lao_code AND c.year = s.year AND c.counted))) "
                         f"AND {cond}", params)


def change_log(engine: Engine, scope: Scope, limit: int = 200) -> pd.DataFrame:
    if not scope.can_administer:
        return pd.DataFrame(columns=["at", "who", "action", "detail", "file_name", "n_rows"])
    return _read(engine, "SELECT at, who, action, detail, file_name, n_rows FROM change_log "
                         "ORDER BY id DESC LIMIT :n", {"n": limit})


def corrections(engine: Engine) -> pd.DataFrame:
    """Corrections of published rounds (imports into a round already published, each with the
    administrator's reason), newest first: year, at, who, reason, file_name. Public record: the
    methodology page lists them (without `who`)."""
    return _read(engine, "SELECT c.year, c.at, c.who, c.reason, c.file_name FROM change_log c "
                         "JOIN round r ON r.year = c.year WHERE r.state = 'published' AND c.reason IS NOT NULL "
                         "AND c.action IN ('import', 'import-catalogue') ORDER BY c.id DESC")


def indicator_history(engine: Engine, scope: Scope, indicator: str) -> pd.DataFrame:
    """Outcome counts of one indicator code per round, LAO type and province (rounds without it have no
    rows), so a page can narrow them to a type and a region."""
    cond, params = scope.row_filter("r.year")
    params["i"] = indicator
    return _read(engine, "SELECT r.year, l.type, l.province_code, r.outcome, COUNT(*) AS n FROM result r "
                         "JOIN lao l ON l.code = r.lao_code WHERE r.indicator_code = :i "
                         f"AND {cond} GROUP BY r.year, l.type, l.province_code, r.outcome", params)


def round_overview(engine: Engine, scope: Scope) -> pd.DataFrame:
    """The rounds the scope may look at, with their catalogue size and, counted within the scope,
    the LAOs whose current data is submitted or in progress."""
    cond, params = scope.row_filter("s.year")
    where = "" if scope.signed_in else " WHERE r.state = 'published'"
    return _read(engine, "SELECT r.year, r.state, r.window_open, r.window_close, r.catalogue_source, "
                         "(SELECT COUNT(*) FROM indicator i WHERE i.year = r.year) AS n_indicators, "
                         "COALESCE(c.n_submitted, 0) AS n_submitted, COALESCE(c.n_in_progress, 0) AS n_in_progress "
                         "FROM round r LEFT JOIN (SELECT s.year, "
                         "SUM(CASE WHEN s.counted THEN 1 ELSE 0 END) AS n_submitted, "
                         "SUM(CASE WHEN s.is_current AND s.state = 'in_progress' AND NOT EXISTS (SELECT 1 FROM submission "
                         "c WHERE c.lao_code = s.lao_code AND c.year = s.year AND c.counted) THEN 1 ELSE 0 END) "
                         "AS n_in_progress FROM submission s JOIN lao l ON l.code = s.lao_code "
                         f"WHERE (s.is_current OR s.counted) AND {cond} GROUP BY s.year) c ON c.year = r.year"
                         f"{where} ORDER BY r.year", params)
