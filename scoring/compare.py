"""Comparing LAOs within a province: the LAO table, headline and district figures, peer benchmarks,
side-by-side comparison and the indicator × LAO matrix. Pure pandas: no Streamlit, no database.

Pooled pass rates (all indicators of a set of LAOs taken together), peer groups and percentiles are
this dashboard's own conventions (see scoring.peers and the methodology page).
Frames use the column names of store.queries (summaries, results, laos, submissions).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .peers import MIN_PEERS, peer_keys, percentiles, size_band
from .rates import ASSESSED, DOMAINS, assessed, pooled_rate, share
from .rules import OUTCOMES

# Sort keys of the LAO table: a leading '-' means highest first. Rows with no value always go last.
SORTS = ("pass_rate", "-pass_rate", "change", "-change", "percentile", "code")
MATRIX_SORTS = ("problems", "code")
PROBLEMS = ("fail", "not_done")          # outcomes an LAO needs support with
MAX_COMPARE = 5


def with_attributes(frame: pd.DataFrame, provinces: pd.DataFrame) -> pd.DataFrame:
    """Adds `region` (6-region scheme) and `size_band` to rows that have province_code and population."""
    reg = provinces[["province_code", "region6"]].rename(columns={"region6": "region"})
    out = frame.merge(reg, on="province_code", how="left")
    out["size_band"] = size_band(out["population"])
    return out


def headline(nation: pd.DataFrame, province: str, previous: pd.DataFrame | None = None) -> dict:
    """Province, region and nation pooled pass rates for one round.

    nation: overall ('all') summaries of every LAO of the round (already limited to a type if one is
    chosen), with `region`; previous: the province's overall summaries of the round before, if any.
    """
    here = nation[nation["province_code"] == province]
    region = here["region"].iloc[0] if not here.empty else None
    prev = pooled_rate(previous) if previous is not None else np.nan
    rate = pooled_rate(here)
    return {"province": rate, "region": pooled_rate(nation[nation["region"] == region]) if region else np.nan,
            "nation": pooled_rate(nation), "region_code": region, "n_with_results": int(here["lao_code"].nunique()),
            "previous": prev, "change": rate - prev}


def peer_ranks(nation: pd.DataFrame, scope: str = "nation") -> pd.DataFrame:
    """Percentile of each LAO's overall pass rate among its peers (same type and size band) at a scope.
    nation needs type, size_band, province_code, region, pass_rate. Indexed by lao_code."""
    ranks = percentiles(nation, "pass_rate", peer_keys(nation, scope))
    ranks.index = nation["lao_code"].to_numpy()
    return ranks


def lao_table(laos: pd.DataFrame, domains: pd.DataFrame, previous: pd.DataFrame | None, ranks: pd.DataFrame,
              states: pd.DataFrame, districts: pd.Series | None = None) -> pd.DataFrame:
    """One row per LAO of the province, with or without results.

    laos: registry rows (with size_band); domains: the round's summaries of these LAOs, every domain;
    previous: overall summaries of the round before (None: no such round); ranks: peer_ranks();
    states: submissions; districts: district code → name, for the `district` column.
    Columns: lao_code, name_th, name_en, type, district_code, district, size_band, state, pass_rate,
    d1..d8, n_pass, n_assessed, n_fail, n_not_done, change, percentile, n_peers, small_group (names for
    display are the page's: dashboard.format.display_names).
    """
    cols = ["lao_code", "name_th", "name_en", "type", "district_code", "size_band"]
    t = laos[cols].set_index("lao_code")
    t["state"] = states.set_index("lao_code")["state"].reindex(t.index).fillna("not_started")
    rates = domains.pivot_table(index="lao_code", columns="domain", values="pass_rate", aggfunc="first")
    t["pass_rate"] = rates["all"].reindex(t.index) if "all" in rates else np.nan
    for d in DOMAINS:
        t[f"d{d}"] = rates[d].reindex(t.index) if d in rates else np.nan
    overall = domains[domains["domain"] == "all"].set_index("lao_code")
    t["n_pass"] = overall["n_pass"].reindex(t.index)
    t["n_assessed"] = assessed(overall).reindex(t.index)
    t["n_fail"] = overall["n_fail"].reindex(t.index)
    t["n_not_done"] = overall["n_not_done"].reindex(t.index)
    prev = previous.set_index("lao_code")["pass_rate"] if previous is not None else pd.Series(dtype=float)
    t["change"] = t["pass_rate"] - prev.reindex(t.index)
    t = t.join(ranks[["percentile", "n_peers", "small_group"]], how="left")
    t["small_group"] = t["small_group"].astype("boolean").fillna(True) & t["pass_rate"].notna()
    t["district"] = t["district_code"].map(districts) if districts is not None else None
    return t.reset_index()


def sort_table(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Sorted by one of SORTS (ties by code); missing values last whichever the direction."""
    col, desc = key.lstrip("-"), key.startswith("-")
    if col == "code":
        return table.sort_values("lao_code", ignore_index=True)
    return table.sort_values([col, "lao_code"], ascending=[not desc, True], na_position="last", kind="stable",
                             ignore_index=True)


def search(table: pd.DataFrame, query: str, columns=("lao_code", "name_th", "name_en", "district")) -> pd.DataFrame:
    """Rows where any of `columns` contains `query` (case-insensitive, plain text, not a pattern)."""
    q = (query or "").strip().casefold()
    if not q:
        return table
    hit = np.zeros(len(table), dtype=bool)
    for c in columns:
        if c in table:
            hit |= table[c].fillna("").astype(str).str.casefold().str.contains(q, regex=False).to_numpy()
    return table[hit]


def district_rates(table: pd.DataFrame, exclude_types=("pao",)) -> pd.DataFrame:
    """Pooled pass rate per district of the LAOs in `table` (province-wide LAOs left out), with how many
    LAOs there are and how many have results; `low_coverage` when under half have results."""
    t = table[~table["type"].isin(exclude_types) & table["district_code"].notna()]
    t = t.assign(n_laos=1, has_result=t["n_assessed"].notna().astype(int))
    g = t.groupby("district_code")[["n_pass", "n_assessed", "n_laos", "has_result"]].sum(min_count=0)
    out = g.rename(columns={"has_result": "n_with_results"}).reset_index()
    out["pass_rate"] = 100.0 * share(out["n_pass"], out["n_assessed"])
    out["low_coverage"] = out["n_with_results"] < 0.5 * out["n_laos"]
    return out


# --- peer benchmark -----------------------------------------------------------------------------------

def peer_groups(nation: pd.DataFrame, type_code: str, band: str, province: str, region: str) -> pd.DataFrame:
    """Median figures of LAOs of one type and size band within the province, the region and the nation.

    Columns: scope, n_peers (LAOs with results), median_pass, median_assessed, median_rate, q1, q3, small.
    """
    same = nation[(nation["type"] == type_code) & (nation["size_band"] == band) & nation["pass_rate"].notna()]
    same = same.assign(n_assessed=assessed(same))
    parts = {"province": same[same["province_code"] == province], "region": same[same["region"] == region],
             "nation": same}
    rows = [{"scope": s, "n_peers": len(p), "median_pass": p["n_pass"].median(),
             "median_assessed": p["n_assessed"].median(), "median_rate": p["pass_rate"].median(),
             "q1": p["pass_rate"].quantile(0.25), "q3": p["pass_rate"].quantile(0.75),
             "small": len(p) < MIN_PEERS} for s, p in parts.items()]
    return pd.DataFrame(rows)


def lao_benchmark(nation: pd.DataFrame, lao_code: str) -> pd.DataFrame:
    """peer_groups() for the LAO's own type, size band, province and region, plus the LAO's figures and
    its percentile at each scope (the LAO counts among its peers, as in scoring.peers)."""
    me = nation[nation["lao_code"] == lao_code]
    if me.empty:
        return pd.DataFrame()
    r = me.iloc[0]
    out = peer_groups(nation, r["type"], r["size_band"], r["province_code"], r["region"])
    out["lao_pass"] = r["n_pass"]
    out["lao_assessed"] = r[list(ASSESSED)].sum()
    out["lao_rate"] = r["pass_rate"]
    out["percentile"] = [peer_ranks(nation, s)["percentile"].get(lao_code, np.nan) for s in out["scope"]]
    return out


def domain_benchmark(nation_domains: pd.DataFrame, type_code: str, band: str, province: str, region: str,
                     members: list[str]) -> pd.DataFrame:
    """Per domain: the median pass rate of `members` (one LAO or a group) against the peer medians of the
    same type and size band in the province, the region and the nation. Index: domain ('1'..'8', 'all')."""
    same = nation_domains[(nation_domains["type"] == type_code) & (nation_domains["size_band"] == band)]
    med = lambda part: part.groupby("domain")["pass_rate"].median()  # noqa: E731
    out = pd.DataFrame({"members": med(same[same["lao_code"].isin(members)]),
                        "province": med(same[same["province_code"] == province]),
                        "region": med(same[same["region"] == region]), "nation": med(same)})
    out = out.reindex([*DOMAINS, "all"])
    out.index.name = "domain"
    return out


def province_groups(table: pd.DataFrame) -> pd.Series:
    """How many of the province's LAOs there are per 'type:size_band' group, largest first."""
    n = table.groupby(["type", "size_band"]).size().sort_values(ascending=False, kind="stable")
    n.index = [f"{a}:{b}" for a, b in n.index]
    return n


def benchmark(nation: pd.DataFrame, table: pd.DataFrame, province: str, region: str, lao: str | None = None,
              group: str | None = None) -> tuple[str, str, list[str], pd.DataFrame]:
    """(type, size band, members, lao_benchmark/peer_groups table) for one LAO of the province when it
    has results, else for a group 'type:size_band' of the province's LAOs (the largest when not given)."""
    if lao is not None and (nation["lao_code"] == lao).any():
        me = nation[nation["lao_code"] == lao].iloc[0]
        return me["type"], me["size_band"], [lao], lao_benchmark(nation, lao)
    groups = province_groups(table)
    typ, band = (group if group in groups.index else groups.index[0]).split(":")
    members = table.loc[(table["type"] == typ) & (table["size_band"] == band), "lao_code"].tolist()
    return typ, band, members, peer_groups(nation, typ, band, province, region)


# --- side-by-side comparison ----------------------------------------------------------------------------

def compare_domains(domains: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Pass rate per domain (rows '1'..'8', 'all') × chosen LAO (columns, in the order given), plus the
    spread (highest − lowest) of each row."""
    part = domains[domains["lao_code"].isin(codes)]
    wide = part.pivot_table(index="domain", columns="lao_code", values="pass_rate", aggfunc="first")
    wide = wide.reindex(index=[*DOMAINS, "all"], columns=list(codes))
    wide["spread"] = wide[list(codes)].max(axis=1) - wide[list(codes)].min(axis=1)
    return wide


def compare_indicators(results: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Outcome per indicator (rows) × chosen LAO (columns), with `differs` True where the LAOs to which
    the indicator applies do not all have the same outcome. Differing rows first, then by code."""
    part = results[results["lao_code"].isin(codes)]
    wide = part.set_index(["indicator_code", "domain", "lao_code"])["outcome"].astype(object).unstack()
    wide = wide.reindex(columns=list(codes))
    wide.columns.name = None
    wide["differs"] = wide.nunique(axis=1, dropna=True) > 1
    wide = wide.reset_index().sort_values(["differs", "indicator_code"], ascending=[False, True], ignore_index=True)
    return wide


# --- indicator × LAO matrix -----------------------------------------------------------------------------

def outcome_matrix(results: pd.DataFrame, sort: str = "problems", domain: str | None = None) -> pd.DataFrame:
    """LAOs (rows, index lao_code) × indicators (columns) holding outcome names, after n_fail, n_not_done.

    sort 'problems': LAOs with most failed or not-carried-out indicators first, and indicators with most
    such LAOs first (ties by code); 'code': both by code. Empty cells: the indicator does not apply.
    """
    part = results if not domain else results[results["domain"].astype(str) == str(domain)]
    wide = part.set_index(["lao_code", "indicator_code"])["outcome"].astype(object).unstack().sort_index()
    wide = wide.sort_index(axis=1)
    wide.columns.name = None
    cells = wide.to_numpy()
    problem = np.isin(cells, PROBLEMS)
    counts = pd.DataFrame({"n_fail": (cells == "fail").sum(axis=1), "n_not_done": (cells == "not_done").sum(axis=1)},
                          index=wide.index)
    if sort == "problems":          # stable sorts keep the code order among ties
        wide = wide.iloc[np.argsort(-problem.sum(axis=1), kind="stable"),
                         np.argsort(-problem.sum(axis=0), kind="stable")]
    return pd.concat([counts.loc[wide.index], wide], axis=1)


def indicator_problems(results: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: LAOs assessed, passing, failing, not carried out, and how many and what share have
    a problem (fail or not carried out); most LAOs with a problem first: where support is needed most."""
    counts = pd.crosstab([results["indicator_code"], results["domain"]], results["outcome"].astype(str))
    for o in OUTCOMES:
        if o not in counts:
            counts[o] = 0
    out = counts[list(OUTCOMES)].reset_index()
    out["n_assessed"] = out["pass"] + out["fail"] + out["not_done"]
    out["n_problems"] = out["fail"] + out["not_done"]
    out["problem_share"] = 100.0 * share(out["n_problems"], out["n_assessed"])
    return out.sort_values(["n_problems", "indicator_code"], ascending=[False, True], ignore_index=True)
