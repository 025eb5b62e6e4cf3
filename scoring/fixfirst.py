"""What to fix first: an LAO's failing and not-carried-out indicators, ranked, with what it takes.

The order is this dashboard's convention, meant to be explained in one sentence: first the
indicators that most LAOs of the same type manage to pass (so the service is within reach of an LAO
like this one) and where the LAO is closest to the target. Each indicator gets two ranks, one by the
share of same-type LAOs passing it (higher first) and one by the shortfall from the target (smaller
first); the priority is their average. Ties go to the higher share, then the smaller shortfall.

Everything is vectorised over the (few dozen) indicators of one LAO.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .rates import share

TO_FIX = ("fail", "not_done")
NEARBY_LIMIT = 3


def _is_whole(x: pd.Series) -> pd.Series:
    return x.isna() | np.isclose(x, np.round(x))


def _ceil(x: pd.Series, decimals: pd.Series) -> pd.Series:
    """Round up to the given number of decimals, ignoring float noise (80 x 3 / 100 = 2.4000000000000004)."""
    scale = 10.0 ** decimals
    return np.ceil(np.round(x * scale, 6)) / scale


def amounts(ind: pd.DataFrame) -> pd.DataFrame:
    """For rows with measure, target, frame, delivered: `goal` (the delivered figure (2) that reaches
    the target), `needed` (how much more than now, never below 0; NaN when the frame is missing),
    `decimals` (whole numbers for things that are counted (`countable`: spots, vehicles, people)
    and when the LAO's own figures are whole, else one decimal), and
    `shortfall`: the share of the target still missing (0-1; 1 when nothing was carried out)."""
    measure, t = ind["measure"], ind["target"].astype(float)
    f = pd.to_numeric(ind["frame"], errors="coerce").astype(float)
    d = pd.to_numeric(ind["delivered"], errors="coerce").astype(float)
    countable = ind["countable"].fillna(0).astype(bool) if "countable" in ind else False
    decimals = pd.Series(np.where(countable | (_is_whole(f) & _is_whole(d)), 0, 1), index=ind.index)
    ratio, count = measure == "ratio", measure == "count"
    raw_goal = np.select([ratio, count], [t * f / 100.0, t], 1.0)
    goal = _ceil(pd.Series(raw_goal, index=ind.index), decimals)
    needed = (goal - d.fillna(0.0)).clip(lower=0.0)
    needed = _ceil(needed, decimals).where(~(ratio & f.isna()))
    pct = pd.to_numeric(ind["pct"], errors="coerce").astype(float)
    ratio_short = ((t - pct) / t).clip(lower=0.0).fillna(1.0)
    count_short = ((t - d) / t).clip(lower=0.0).fillna(1.0)
    shortfall = np.select([ratio, count], [ratio_short, count_short], np.where(d >= 1, 0.0, 1.0))
    gap_points = np.where(ratio, (t - pct.fillna(0.0)).clip(lower=0.0), np.nan)
    return pd.DataFrame({"goal": goal, "needed": needed, "decimals": decimals, "shortfall": shortfall,
                         "gap_points": gap_points}, index=ind.index)


def rank(indicators: pd.DataFrame, type_outcomes: pd.DataFrame) -> pd.DataFrame:
    """The LAO's failing / not-carried-out indicators in priority order.

    indicators: code, measure, target, frame, delivered, pct, outcome (+ any descriptive columns).
    type_outcomes: indicator_code, n_pass, n_judged among LAOs of the same type (this round).
    Adds peer_pass, peer_judged, peer_share (0-1), goal, needed, decimals, shortfall, gap_points,
    priority and rank (1 = fix first).
    """
    todo = indicators[indicators["outcome"].isin(TO_FIX)].copy()
    counts = type_outcomes.rename(columns={"indicator_code": "code", "n_pass": "peer_pass",
                                           "n_judged": "peer_judged"})[["code", "peer_pass", "peer_judged"]]
    todo = todo.merge(counts, on="code", how="left")
    todo[["peer_pass", "peer_judged"]] = todo[["peer_pass", "peer_judged"]].fillna(0).astype(int)
    todo["peer_share"] = share(todo["peer_pass"], todo["peer_judged"]).fillna(0.0)
    todo = pd.concat([todo, amounts(todo)], axis=1)
    by_share = todo["peer_share"].rank(ascending=False, method="min")
    by_gap = todo["shortfall"].rank(ascending=True, method="min")
    todo["priority"] = (by_share + by_gap) / 2.0
    todo = todo.sort_values(["priority", "peer_share", "shortfall", "code"],
                            ascending=[True, False, True, True], kind="mergesort").reset_index(drop=True)
    todo["rank"] = np.arange(1, len(todo) + 1)
    return todo


def nearby(todo: pd.DataFrame, passers: pd.DataFrame, district_code: str | None,
           limit: int = NEARBY_LIMIT) -> pd.DataFrame:
    """Same-type LAOs nearby that pass each indicator: those in the same district when there are any,
    else those in the province. Adds `nearby` (list of dicts lao_code, name_th, name_en, type, pct;
    best result first, at most `limit`), `nearby_n` (how many pass there) and `nearby_scope`
    ('district', 'province' or None when none in the province passes)."""
    out = todo.copy()
    if passers.empty or out.empty:
        out["nearby"] = [[] for _ in range(len(out))]
        out["nearby_n"] = 0
        out["nearby_scope"] = None
        return out
    p = passers.rename(columns={"indicator_code": "code"}).copy()
    p["same_district"] = (p["district_code"] == district_code) if district_code else False
    p["has_district"] = p.groupby("code")["same_district"].transform("max")
    p = p[p["same_district"] | ~p["has_district"]]
    p = p.sort_values(["code", "pct", "name_th", "lao_code"], ascending=[True, False, True, True])
    n = p.groupby("code").size().rename("nearby_n")
    scope = p.groupby("code")["has_district"].first().map({True: "district", False: "province"})
    cols = ["lao_code", "name_th", "name_en", "type", "pct"]
    top = p.groupby("code", sort=False).head(limit)
    lists = top.groupby("code")[cols].apply(lambda g: g.to_dict("records")).rename("nearby")
    out = out.merge(lists, left_on="code", right_index=True, how="left")
    out = out.merge(n, left_on="code", right_index=True, how="left")
    out = out.merge(scope.rename("nearby_scope"), left_on="code", right_index=True, how="left")
    out["nearby"] = [v if isinstance(v, list) else [] for v in out["nearby"]]
    out["nearby_n"] = out["nearby_n"].fillna(0).astype(int)
    out["nearby_scope"] = out["nearby_scope"].astype(object).where(out["nearby_n"] > 0, None)
    return out
