"""Figures per area (nation, region, province, district) from per-LAO summaries: pure pandas.

Pass rates here are pooled: passed indicators ÷ assessed indicators of every LAO in the area, so a
large LAO does not outweigh many small ones and an LAO with few applicable indicators counts less.
This and the coverage threshold are the dashboard's own conventions.
"""
from __future__ import annotations

import pandas as pd

from .rates import COUNT_COLUMNS, pass_rate, share

LOW_COVERAGE = 80.0   # % of LAOs submitted below which an area's figure is marked as incomplete
ALL = "all"           # the filters' "every type" / "every region"


def select(laos: pd.DataFrame, type_code: str = ALL, region: str = ALL) -> pd.DataFrame:
    """LAOs of the chosen type and region (`laos` needs a region6 column for the region)."""
    keep = pd.Series(True, index=laos.index)
    if type_code != ALL:
        keep &= laos["type"] == type_code
    if region != ALL:
        keep &= laos["region6"] == region
    return laos[keep]


def area_table(summary: pd.DataFrame, laos: pd.DataFrame, by: str | None,
               prev: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per area (or one row for the nation when by is None).

    summary: per-LAO rows of one round and one domain (n_* counts, pass_rate, lao_code).
    laos: every LAO that should have submitted (the denominator of coverage), with `by` column.
    prev: the same for the previous round (for `change`, in percentage points).
    """
    keys = [by] if by else []
    base = laos[["lao_code", *keys]].drop_duplicates("lao_code")
    cur = base.merge(summary[["lao_code", *COUNT_COLUMNS, "pass_rate"]], on="lao_code", how="left")
    cur["submitted"] = cur["n_pass"].notna()
    cur["all_pass"] = cur["submitted"] & (cur["n_fail"] == 0) & (cur["n_not_done"] == 0) & (cur["n_pass"] > 0)
    grouped = cur.groupby(keys, dropna=False) if keys else cur.groupby(lambda _: 0)
    out = grouped.agg(n_laos=("lao_code", "size"), n_submitted=("submitted", "sum"),
                      n_all_pass=("all_pass", "sum"), n_pass=("n_pass", "sum"), n_fail=("n_fail", "sum"),
                      n_not_done=("n_not_done", "sum"), median_rate=("pass_rate", "median"))
    out["coverage"] = 100.0 * share(out["n_submitted"], out["n_laos"])
    out["pass_rate"] = pass_rate(out)
    out["all_pass_share"] = 100.0 * share(out["n_all_pass"], out["n_submitted"])
    out["low_coverage"] = out["coverage"] < LOW_COVERAGE
    if prev is not None:
        before = area_table(prev, laos, by)
        before = before.set_index(keys) if keys else before
        out["pass_rate_prev"] = before["pass_rate"].reindex(out.index)
        out["change"] = out["pass_rate"] - out["pass_rate_prev"]
    out = out.reset_index()
    return out.drop(columns="index") if not keys else out


def distribution(summary: pd.DataFrame, by: str) -> pd.DataFrame:
    """Spread of LAO pass rates per group: not only the mean (quartiles, min, max, count)."""
    g = summary.dropna(subset=["pass_rate"]).groupby(by)["pass_rate"]
    columns = ["count", "min", "25%", "50%", "75%", "max"]
    out = g.describe().reindex(columns=columns)            # no rates at all: the same columns, no rows
    return out.rename(columns={"count": "n", "25%": "q1", "50%": "median", "75%": "q3"}).reset_index()


def movers(table: pd.DataFrame, key: str, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Areas that improved most and fell most (by change in pooled pass rate)."""
    valid = table.dropna(subset=["change"]).sort_values("change")
    return valid.tail(n).iloc[::-1], valid.head(n)


def outcome_shares(counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """From rows of (…by, outcome, n): assessed, passed, failed, not done, pass rate, fail share."""
    wide = counts.pivot_table(index=by, columns="outcome", values="n", aggfunc="sum", fill_value=0)
    for o in ("pass", "fail", "not_done", "no_service"):
        if o not in wide.columns:
            wide[o] = 0
    wide["assessed"] = wide["pass"] + wide["fail"] + wide["not_done"]
    wide["pass_rate"] = 100.0 * share(wide["pass"], wide["assessed"])
    wide["fail_share"] = 100.0 * share(wide["fail"] + wide["not_done"], wide["assessed"])
    wide.columns.name = None
    return wide.reset_index()
