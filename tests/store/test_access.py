"""Who may see what, proved on the data layer itself.

Every read function of every ``store/queries*.py`` module is found by introspection (a module or a
function added later is covered without editing this file) and called, for every role, with many
arguments. Two independent checks:

* direct: no row of an unpublished round outside the role's scope comes back (rows are traced to
  their LAO or province and year);
* differential: the same call on a copy of the database from which every unpublished row outside the
  scope has been deleted returns exactly the same thing, so nothing outside the scope can have
  influenced the answer, aggregates included.

Reads that take no scope must be listed in PUBLIC_READS and must not touch assessment tables.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import itertools
import pkgutil
import re
import shutil

import pandas as pd
import pytest
from sqlalchemy import text

import store
from store import manage
from store.access import EVERYTHING, PUBLIC, PermissionDenied, Scope
from store.db import make_engine

# Reads of public reference data (registry, areas, catalogue, the round calendar): no scope needed.
PUBLIC_READS = {"data_version", "round_version", "meta", "provinces", "districts", "laos", "catalogue",
                "round_states", "lao", "corrections"}
ASSESSMENT_TABLES = re.compile(r"\b(FROM|JOIN)\s+(submission|indicator_value|result|summary)\b", re.I)
OPEN_YEAR, PUBLISHED_YEAR = 2569, 2568
MAX_CALLS = 24          # argument combinations per function and scope (a deterministic spread)


def query_modules():
    names = sorted(m.name for m in pkgutil.iter_modules(store.__path__) if m.name.startswith("queries"))
    return [importlib.import_module(f"store.{n}") for n in names]


def read_functions():
    out = []
    for mod in query_modules():
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if fn.__module__ == mod.__name__ and not name.startswith("_"):
                out.append((f"{mod.__name__.split('.')[-1]}.{name}", fn))
    return out


def scoped_functions():
    return [(n, f) for n, f in read_functions() if "scope" in inspect.signature(f).parameters]


# --- the roles ------------------------------------------------------------------------------------

def lao_in(engine, province: str) -> str:
    """An LAO of `province` that has data in the open round (so its scope is not trivially empty)."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT l.code FROM lao l JOIN submission s ON s.lao_code = l.code "
                                 "WHERE l.province_code = :p AND s.year = :y AND s.is_current "
                                 "ORDER BY l.code LIMIT 1"), {"p": province, "y": OPEN_YEAR}).scalar_one()


def scopes(engine) -> dict[str, Scope]:
    return {
        "public": PUBLIC,
        "lao30": Scope(role="lao", lao_code=lao_in(engine, "30"), user="lao30"),
        "monitor30": Scope(role="monitor", province_code="30", user="mon30"),
        "monitor81": Scope(role="monitor", province_code="81", user="mon81"),
        "executive": Scope(role="executive", user="exec"),
        "admin": Scope(role="admin", user="admin"),
    }


def allowed_laos(laos: pd.DataFrame, scope: Scope) -> set[str]:
    """Independent of store.access: the LAOs whose unpublished rows the scope may see."""
    if scope.role in ("executive", "admin"):
        return set(laos["code"])
    if scope.role == "monitor":
        return set(laos.loc[laos["province_code"] == scope.province_code, "code"])
    if scope.role == "lao":
        return {scope.lao_code}
    return set()


# --- calling every function with many arguments ----------------------------------------------------

def candidates(engine, scope: Scope) -> dict[str, list]:
    with engine.connect() as conn:
        codes = pd.read_sql(text("SELECT code FROM indicator WHERE year = :y ORDER BY code"), conn,
                            params={"y": OPEN_YEAR})["code"].tolist()
    laos = [lao_in(engine, p) for p in ("20", "30", "81")] + ["1100000"]
    if scope.lao_code and scope.lao_code not in laos:
        laos.append(scope.lao_code)
    return {
        "year": [OPEN_YEAR, PUBLISHED_YEAR],
        "lao": laos, "lao_code": laos,
        "province": ["20", "30", "81", "10"],
        "lao_type": ["sao", "subdistrict_mun", "pao"],
        "indicators": [codes],
        "indicator": [codes[0], codes[-1]],
        "exclude": ["0000000"],
        "domain": ["all", "1"],
        "outcome": ["pass", "fail"],
    }


def calls(fn, engine, scope: Scope):
    """(kwargs) combinations for fn: each required parameter over its candidates, each optional one
    at its default and over its candidates; a deterministic spread of at most MAX_CALLS."""
    cand = candidates(engine, scope)
    axes = []
    for name, p in inspect.signature(fn).parameters.items():
        if name in ("engine", "scope"):
            continue
        if p.default is inspect.Parameter.empty:
            if name not in cand:
                pytest.fail(f"{fn.__module__}.{fn.__name__}: add candidate values for parameter {name!r} "
                            "to tests/store/test_access.py so its access control is tested")
            axes.append([(name, v) for v in cand[name]])
        else:
            axes.append([(name, p.default)] + [(name, v) for v in cand.get(name, [])])
    combos = list(itertools.product(*axes))
    step = max(1, len(combos) // MAX_CALLS)
    return [dict(c) for c in combos[::step]]


def frames(value) -> list[pd.DataFrame]:
    if isinstance(value, pd.DataFrame):
        return [value]
    if dataclasses.is_dataclass(value):
        return [f for fld in dataclasses.fields(value) for f in frames(getattr(value, fld.name))]
    if isinstance(value, dict):
        return [f for v in value.values() for f in frames(v)]
    if isinstance(value, (list, tuple)):
        return [f for v in value for f in frames(v)]
    return []


def normalised(value) -> list[pd.DataFrame]:
    out = []
    for df in frames(value):
        d = df.astype(str)
        out.append(d.sort_values(list(d.columns)).reset_index(drop=True) if len(d.columns) else d)
    return out


def published_years(engine) -> set[int]:
    with engine.connect() as conn:
        return {int(r[0]) for r in conn.execute(text("SELECT year FROM round WHERE state = 'published'"))}


def out_of_scope_rows(df: pd.DataFrame, kwargs: dict, scope: Scope, laos: pd.DataFrame,
                      published: set[int]) -> pd.DataFrame:
    """Rows of unpublished rounds that trace to an LAO or province outside the scope."""
    if df.empty:
        return df
    if "year" in df.columns:
        year = pd.to_numeric(df["year"], errors="coerce")
    elif kwargs.get("year") is not None:
        year = pd.Series(kwargs["year"], index=df.index)
    else:
        return df.iloc[0:0]
    unpublished = ~year.isin(published)
    allowed = allowed_laos(laos, scope)
    if "lao_code" in df.columns:
        outside = ~df["lao_code"].astype(str).isin(allowed)
    elif "province_code" in df.columns and scope.role != "lao":   # (one LAO: left to the differential test)
        provinces = set(laos.loc[laos["code"].isin(allowed), "province_code"])
        outside = ~df["province_code"].astype(str).isin(provinces)
    else:
        return df.iloc[0:0]
    return df[unpublished & outside]


def registry(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT code, province_code FROM lao"), conn)


# --- tests ----------------------------------------------------------------------------------------

def test_every_query_module_and_function_is_found():
    names = [n for n, _ in read_functions()]
    assert "queries.submissions" in names and "queries.summaries" in names
    assert len(scoped_functions()) >= 8


def test_every_read_takes_a_scope_or_is_public_reference_data():
    unscoped = [n for n, f in read_functions() if "scope" not in inspect.signature(f).parameters]
    unknown = [n for n in unscoped if n.split(".")[-1] not in PUBLIC_READS]
    assert not unknown, f"reads without a Scope that are not declared public reference data: {unknown}"
    for n, f in read_functions():
        if n in unscoped:
            assert not ASSESSMENT_TABLES.search(inspect.getsource(f)), f"{n} reads assessment data without a Scope"


@pytest.mark.parametrize("role", ["public", "lao30", "monitor30", "monitor81", "executive", "admin"])
def test_no_row_outside_the_scope_comes_back(db, role):
    scope = scopes(db)[role]
    laos, published = registry(db), published_years(db)
    assert OPEN_YEAR not in published and PUBLISHED_YEAR in published
    leaks = []
    for name, fn in scoped_functions():
        for kwargs in calls(fn, db, scope):
            for df in frames(fn(db, scope=scope, **kwargs)):
                bad = out_of_scope_rows(df, kwargs, scope, laos, published)
                if len(bad):
                    leaks.append(f"{name}({kwargs}): {len(bad)} rows")
    assert not leaks, "\n".join(leaks[:20])


def prune(path, scope: Scope) -> None:
    """Delete every row of an unpublished round outside the scope (plain SQL, no store.access)."""
    engine = make_engine(f"sqlite:///{path}")
    laos = registry(engine)
    keep = sorted(allowed_laos(laos, scope)) or ["-"]
    marks = ", ".join(f"'{c}'" for c in keep)
    unpublished = "(SELECT year FROM round WHERE state <> 'published')"
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM indicator_value WHERE submission_id IN (SELECT id FROM submission "
                          f"WHERE year IN {unpublished} AND lao_code NOT IN ({marks}))"))
        for table in ("submission", "result", "summary"):
            conn.execute(text(f"DELETE FROM {table} WHERE year IN {unpublished} AND lao_code NOT IN ({marks})"))
    engine.dispose()


@pytest.mark.parametrize("role", ["public", "lao30", "monitor30", "monitor81"])
def test_data_outside_the_scope_changes_nothing_a_scope_gets(tmp_path, small_sqlite_template, role):
    shutil.copy(small_sqlite_template, tmp_path / "full.sqlite")
    shutil.copy(small_sqlite_template, tmp_path / "pruned.sqlite")
    full = make_engine(f"sqlite:///{tmp_path / 'full.sqlite'}")
    scope = scopes(full)[role]
    prune(tmp_path / "pruned.sqlite", scope)
    pruned = make_engine(f"sqlite:///{tmp_path / 'pruned.sqlite'}")
    with full.connect() as a, pruned.connect() as b:        # the pruning did remove something
        q = text("SELECT COUNT(*) FROM submission WHERE year = :y")
        assert b.execute(q, {"y": OPEN_YEAR}).scalar_one() < a.execute(q, {"y": OPEN_YEAR}).scalar_one()
    differ = []
    for name, fn in scoped_functions():
        for kwargs in calls(fn, full, scope):
            got, want = normalised(fn(full, scope=scope, **kwargs)), normalised(fn(pruned, scope=scope, **kwargs))
            if len(got) != len(want) or any(not g.equals(w) for g, w in zip(got, want)):
                differ.append(f"{name}({kwargs})")
    full.dispose()
    pruned.dispose()
    assert not differ, "answers depend on data outside the scope:\n" + "\n".join(differ[:20])


def test_each_role_sees_exactly_its_part_of_the_open_round(db):
    from store import queries

    laos = registry(db)
    s = scopes(db)
    assert queries.submissions(db, s["public"], OPEN_YEAR).empty
    assert queries.summaries(db, s["public"], year=OPEN_YEAR).empty
    assert OPEN_YEAR not in set(queries.rounds(db, s["public"])["year"])
    for role in ("monitor30", "monitor81"):
        got = queries.submissions(db, s[role], OPEN_YEAR)
        assert set(got["province_code"]) == {s[role].province_code}
        assert len(got) == (laos["province_code"] == s[role].province_code).sum()
        assert queries.submissions(db, s[role], OPEN_YEAR, province="20").empty
        other = "81" if s[role].province_code == "30" else "30"
        assert queries.summaries(db, s[role], year=OPEN_YEAR, province=other).empty
        assert queries.results(db, s[role], year=OPEN_YEAR, province="20").empty
    own = queries.submissions(db, s["lao30"], OPEN_YEAR)
    assert own["lao_code"].tolist() == [s["lao30"].lao_code]
    assert not queries.values(db, s["lao30"], s["lao30"].lao_code, OPEN_YEAR).empty
    for role in ("executive", "admin"):
        assert len(queries.submissions(db, s[role], OPEN_YEAR)) == len(laos)
    # published rounds are everyone's, but not the user names of who submitted (often an administrator's)
    public = queries.submissions(db, s["public"], PUBLISHED_YEAR)
    assert len(public) == len(laos) and public["submitted_by"].isna().all()
    assert queries.submissions(db, s["executive"], PUBLISHED_YEAR)["submitted_by"].notna().any()


def test_a_closed_round_stays_private_until_it_is_published(db):
    from store import queries

    admin = Scope(role="admin", user="admin")
    manage.set_round_state(db, admin, OPEN_YEAR, "closed")
    assert queries.submissions(db, PUBLIC, OPEN_YEAR).empty
    assert queries.results(db, PUBLIC, year=OPEN_YEAR).empty
    manage.set_round_state(db, admin, OPEN_YEAR, "published")
    assert len(queries.submissions(db, PUBLIC, OPEN_YEAR)) == len(registry(db))
    assert not queries.results(db, PUBLIC, year=OPEN_YEAR).empty


def test_change_log_is_for_administrators_only(db):
    from store import queries

    for role, scope in scopes(db).items():
        log = queries.change_log(db, scope)
        assert (len(log) > 0) == (role == "admin"), role


def snapshot(engine) -> dict[str, int]:
    with engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
        return {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables} | {
            "round_states": tuple(conn.execute(text("SELECT year, state, window_open, window_close FROM round "
                                                    "ORDER BY year")))}


@pytest.mark.parametrize("role", ["public", "lao30", "monitor30", "executive"])
def test_every_administrator_operation_refuses_other_roles(sqlite_engine, role):
    scope = scopes(sqlite_engine)[role]
    before = snapshot(sqlite_engine)
    args = {
        "check_file": ("submissions", b"lao_code,year\n", "x.csv"),
        "commit_file": ("submissions", b"lao_code,year\n", "x.csv"),
        "check_catalogue": (OPEN_YEAR, b"code\n", "c.csv"),
        "commit_catalogue": (OPEN_YEAR, b"code\n", "c.csv"),
        "set_round_state": (OPEN_YEAR, "closed"),
        "set_window": (OPEN_YEAR, pd.Timestamp("2026-10-01").date(), pd.Timestamp("2027-01-31").date()),
        "open_new_round": (2570, pd.Timestamp("2027-10-01").date(), pd.Timestamp("2027-12-01").date()),
        "open_round": (2570, pd.Timestamp("2027-10-01").date(), pd.Timestamp("2027-12-01").date()),
        "export_frame": ("results", OPEN_YEAR),
    }
    assert set(args) == set(manage.OPERATIONS)
    for op in manage.OPERATIONS:
        with pytest.raises(PermissionDenied):
            getattr(manage, op)(sqlite_engine, scope, *args[op])
    assert snapshot(sqlite_engine) == before


def test_scope_rules():
    with pytest.raises(ValueError):
        Scope(role="monitor")
    with pytest.raises(ValueError):
        Scope(role="lao")
    with pytest.raises(ValueError):
        Scope(role="root")
    assert EVERYTHING.sees_everything and not EVERYTHING.can_administer
    mon = Scope(role="monitor", province_code="30")
    assert mon.covers("30") and not mon.covers("20")
    assert Scope(role="lao", lao_code="3300101").covers("30", "3300101")
    assert not Scope(role="lao", lao_code="3300101").covers("30", "3300102")
    assert not PUBLIC.covers("30", "3300101") and not PUBLIC.signed_in
    with pytest.raises(PermissionDenied):
        mon.require_admin()
    Scope(role="admin").require_admin()
