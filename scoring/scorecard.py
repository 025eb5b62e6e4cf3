"""One LAO's scorecard for one round, worked out from plain frames (no database, no Streamlit).

`Inputs` holds what the store reads (store.queries_lao.scorecard_inputs); `build` turns it into a
`Scorecard`: the official indicator table, domain results against peers, what to fix first, the
trend across rounds and what changed since the last round. The page, the XLSX and the council PDF
all render this one object, so they always agree.

Peer comparisons are this dashboard's convention (scoring.peers): peers are LAOs of the same type
and population band across the nation; when that group is too small (fewer than MIN_PEERS with a
pass rate) or the LAO's population is unknown, all LAOs of the same type are used instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import fixfirst
from .catalogue import domains, parse_targets
from .peers import MIN_PEERS, percentiles, size_band
from .rates import COUNT_COLUMNS, DOMAINS
ABSENT = "absent"                  # the indicator is not in that year's catalogue (for this LAO type)
NO_SUBMISSION = "no_submission"    # the LAO has no scored submission that year


@dataclass
class Inputs:
    lao: dict                      # registry entry with province/district names
    year: int
    rounds: pd.DataFrame           # rounds visible in the scope: year, state
    catalogue: pd.DataFrame        # every year's indicators
    values: pd.DataFrame           # this round's figures: indicator_code, frame, delivered, ...
    results: pd.DataFrame          # this LAO, every visible year: year, indicator_code, pct, outcome
    summaries: pd.DataFrame        # this LAO, every visible year: year, domain, n_*, pass_rate
    peers: pd.DataFrame            # same type, this round: lao_code, domain, pass_rate, population
    type_outcomes: pd.DataFrame    # same type, this round: indicator_code, n_pass, n_judged
    nearby: pd.DataFrame           # same type and province, passing a failing indicator
    synthetic: bool = False


@dataclass(frozen=True)
class Overall:
    """The LAO's figures over all domains for the round, and where it stands among its peers."""
    n_pass: int = 0
    n_fail: int = 0
    n_not_done: int = 0
    n_no_service: int = 0
    pass_rate: float = np.nan
    basis: str = "type"                # peer group: 'type_band' (same type and size band) or 'type'
    band: str = "unknown"              # the LAO's size band
    percentile: float = np.nan         # 0-100 within the peer group; NaN without a pass rate
    n_peers: int = 0                   # peers with a pass rate (the LAO included)
    peer_median: float = np.nan        # NaN when there is no other LAO to compare with
    small_group: bool = True           # fewer than MIN_PEERS peers
    prev_pass_rate: float = np.nan     # the round before, NaN without a submission then
    change: float = np.nan             # in percentage points

    @property
    def n_judged(self) -> int:
        return self.n_pass + self.n_fail + self.n_not_done

    @property
    def ranked(self) -> bool:
        """A percentile means something: there is one, among at least two peers."""
        return not np.isnan(self.percentile) and self.n_peers > 1


@dataclass
class Scorecard:
    lao: dict
    year: int
    round_state: str | None
    prev_year: int | None
    has_results: bool
    overall: Overall
    domains: pd.DataFrame
    indicators: pd.DataFrame
    fix_first: pd.DataFrame
    trend: pd.DataFrame
    changes: pd.DataFrame
    history: pd.DataFrame
    submitted_at: object = None
    synthetic: bool = False
    years: list[int] = field(default_factory=list)
    provisional_years: list[int] = field(default_factory=list)    # rounds in `years` not yet published


def applicable(catalogue: pd.DataFrame, lao_type: str) -> pd.DataFrame:
    """Catalogue rows (all years) that apply to an LAO type, each with that type's own target."""
    types = catalogue["applies_to"].str.split(";")
    rows = catalogue[types.map(lambda ts: lao_type in ts)]
    if "targets" not in rows.columns:
        return rows
    own = [parse_targets(ts)[0].get(lao_type) for ts in rows["targets"]]
    return rows.assign(target=[o if o is not None else d for o, d in zip(own, rows["target"])])


def indicator_table(catalogue: pd.DataFrame, values: pd.DataFrame, results: pd.DataFrame,
                    year: int, lao_type: str) -> pd.DataFrame:
    """The official per-LAO table: every indicator of the round that applies to the LAO's type, with
    target, frame (1), delivered (2), (2)/(1) % and the outcome (NaN when nothing was scored)."""
    cat = applicable(catalogue[catalogue["year"] == year], lao_type)
    keep = ["code", "domain", "mission_th", "mission_en", "name_th", "name_en", "measure", "target",
            "frame_th", "frame_en", "delivered_th", "delivered_en", "unit_th", "unit_en", "provenance", "source",
            "countable"]
    table = cat.reindex(columns=keep)
    table["countable"] = table["countable"].fillna(0).astype(bool)    # whole units (scoring.fixfirst)
    vals = values[["indicator_code", "frame", "delivered"]].rename(columns={"indicator_code": "code"})
    res = results[results["year"] == year][["indicator_code", "pct", "outcome"]].rename(
        columns={"indicator_code": "code"})
    table = table.merge(vals, on="code", how="left").merge(res, on="code", how="left")
    table["outcome"] = table["outcome"].astype(object)
    return table.sort_values("code", kind="mergesort").reset_index(drop=True)


def peer_group(peers: pd.DataFrame, lao_code: str, population) -> tuple[pd.DataFrame, dict]:
    """Rows of `peers` in the LAO's peer group, and a description of the group."""
    overall = peers[peers["domain"] == "all"]
    band = size_band(pd.Series([population])).iloc[0]
    bands = size_band(overall["population"])
    in_band = overall[bands == band]
    if band != "unknown" and in_band["pass_rate"].notna().sum() >= MIN_PEERS:
        codes, basis = set(in_band["lao_code"]), "type_band"
    else:
        codes, basis = set(overall["lao_code"]), "type"
    group = peers[peers["lao_code"].isin(codes)]
    return group, {"basis": basis, "band": band}


def peer_position(peers: pd.DataFrame, lao_code: str, population) -> dict:
    """Percentile (0-100) of the LAO's overall pass rate within its peer group, the group's size
    and median, and per-domain peer medians."""
    group, info = peer_group(peers, lao_code, population)
    overall = group[group["domain"] == "all"].reset_index(drop=True).assign(group=0)
    ranks = percentiles(overall, "pass_rate", ["group"]) if not overall.empty else None
    info.update(percentile=np.nan, n_peers=int(overall["pass_rate"].notna().sum()),
                peer_median=float(overall["pass_rate"].median()) if not overall.empty else np.nan)
    if ranks is not None:
        mine = overall.index[overall["lao_code"] == lao_code]
        if len(mine) and pd.notna(overall.at[mine[0], "pass_rate"]):
            info["percentile"] = float(ranks.at[mine[0], "percentile"])
    info["small_group"] = info["n_peers"] < MIN_PEERS
    # with no other LAO to compare with (Bangkok, Pattaya) there is no peer median at all
    others = group[group["lao_code"] != lao_code]
    info["domain_medians"] = group.groupby("domain")["pass_rate"].median().to_dict() if len(others) else {}
    if not len(others):
        info["peer_median"] = np.nan
    return info


def trend_table(summaries: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Pass rate and counts per year × domain ('1'-'8', 'all'); a year without a submission is a row
    with submitted False and empty figures (never zero)."""
    grid = pd.MultiIndex.from_product([sorted(years), [*DOMAINS, "all"]], names=["year", "domain"])
    cols = [*COUNT_COLUMNS, "pass_rate"]
    s = summaries.set_index(["year", "domain"])[cols] if not summaries.empty else pd.DataFrame(columns=cols)
    out = s.reindex(grid).reset_index()
    submitted = set(summaries["year"]) if not summaries.empty else set()
    out["submitted"] = out["year"].isin(submitted)
    return out


def outcome_history(catalogue: pd.DataFrame, results: pd.DataFrame, lao_type: str,
                    years: list[int]) -> pd.DataFrame:
    """Indicator × year outcomes: the outcome, ABSENT where the indicator is not in that year's
    catalogue for this type, NO_SUBMISSION where the LAO has no scored submission that year."""
    cat = applicable(catalogue[catalogue["year"].isin(years)], lao_type)
    codes = sorted(set(cat["code"]))
    grid = pd.DataFrame(index=pd.Index(codes, name="code"), columns=sorted(years), dtype=object)
    present = pd.crosstab(cat["code"], cat["year"]).reindex(index=codes, columns=sorted(years), fill_value=0) > 0
    got = results[results["year"].isin(years)].pivot_table(index="indicator_code", columns="year",
                                                         values="outcome", aggfunc="first")
    got = got.reindex(index=codes, columns=sorted(years))
    submitted = pd.Series({y: y in set(results["year"]) for y in sorted(years)})
    for y in sorted(years):
        col = got[y].astype(object)
        col = col.where(col.notna(), NO_SUBMISSION if not submitted[y] else None)
        grid[y] = col.where(present[y], ABSENT)
    names = catalogue.sort_values("year").drop_duplicates("code", keep="last").set_index("code")
    grid.insert(0, "name_th", names["name_th"].reindex(codes))
    grid.insert(1, "name_en", names["name_en"].reindex(codes))
    grid.insert(2, "provenance", names["provenance"].reindex(codes))
    return grid.reset_index()


def change_table(history: pd.DataFrame, year: int, prev: int | None) -> pd.DataFrame:
    """Indicators whose standing changed since the previous round: newly_passed, newly_failed,
    added (absent last round), retired (absent this round). Empty when there is no previous round or
    the LAO did not submit in one of the two."""
    cols = ["code", "name_th", "name_en", "provenance", "before", "now", "change"]
    if prev is None or prev not in history.columns or year not in history.columns:
        return pd.DataFrame(columns=cols)
    before, now = history[prev], history[year]
    if (before == NO_SUBMISSION).all() or (now == NO_SUBMISSION).all():
        return pd.DataFrame(columns=cols)
    was_pass, is_pass = before == "pass", now == "pass"
    change = np.select(
        [(now == ABSENT) & (before != ABSENT), (before == ABSENT) & (now != ABSENT),
         is_pass & before.isin(["fail", "not_done"]), now.isin(["fail", "not_done"]) & was_pass],
        ["retired", "added", "newly_passed", "newly_failed"], "")
    out = history.assign(before=before, now=now, change=change)[cols]
    order = {"newly_passed": 0, "newly_failed": 1, "added": 2, "retired": 3}
    out = out[out["change"] != ""]
    return out.sort_values(["change", "code"], key=lambda s: s.map(order) if s.name == "change" else s,
                           kind="mergesort").reset_index(drop=True)


def build(inp: Inputs) -> Scorecard:
    lao, year = inp.lao, int(inp.year)
    years = sorted(int(y) for y in inp.rounds["year"] if int(y) <= year)   # history up to this round
    states = {int(y): st for y, st in zip(inp.rounds["year"], inp.rounds["state"], strict=True)}
    state = states.get(year)
    earlier = [y for y in years if y < year]
    prev = earlier[-1] if earlier else None

    table = indicator_table(inp.catalogue, inp.values, inp.results, year, lao["type"])
    has_results = bool(table["outcome"].notna().any())

    this = inp.summaries[inp.summaries["year"] == year].set_index("domain")
    pos = peer_position(inp.peers, lao["lao_code"], lao.get("population"))
    counts = {c: (int(this.at["all", c]) if "all" in this.index else 0) for c in COUNT_COLUMNS}
    rate = float(this.at["all", "pass_rate"]) if "all" in this.index else np.nan
    prev_rows = inp.summaries[(inp.summaries["year"] == prev) & (inp.summaries["domain"] == "all")]
    before = float(prev_rows["pass_rate"].iloc[0]) if len(prev_rows) else np.nan
    overall = Overall(**counts, pass_rate=rate, prev_pass_rate=before, change=rate - before,
                      **{k: v for k, v in pos.items() if k != "domain_medians"})

    names = domains()
    dom = pd.DataFrame({"domain": DOMAINS})
    dom["name_th"] = [names.at[int(d), "name_th"] for d in DOMAINS]
    dom["name_en"] = [names.at[int(d), "name_en"] for d in DOMAINS]
    dom = dom.merge(this.reset_index()[["domain", *COUNT_COLUMNS, "pass_rate"]], on="domain", how="left")
    dom["n_indicators"] = dom["domain"].map(table["domain"].astype(str).value_counts()).fillna(0).astype(int)
    dom["peer_median"] = dom["domain"].map(pos["domain_medians"]).astype(float)
    dom["vs_peers"] = dom["pass_rate"] - dom["peer_median"]
    dom = dom[dom["n_indicators"] > 0].reset_index(drop=True)

    todo = fixfirst.rank(table, inp.type_outcomes)
    todo = fixfirst.nearby(todo, inp.nearby, lao.get("district_code"))

    history = outcome_history(inp.catalogue, inp.results, lao["type"], years)
    submitted_at = inp.values["submitted_at"].dropna().iloc[0] if (
        "submitted_at" in inp.values and inp.values["submitted_at"].notna().any()) else None
    return Scorecard(lao=lao, year=year, round_state=state, prev_year=prev, has_results=has_results,
                     overall=overall, domains=dom, indicators=table, fix_first=todo,
                     trend=trend_table(inp.summaries, years), changes=change_table(history, year, prev),
                     history=history, submitted_at=submitted_at, synthetic=inp.synthetic, years=years,
                     provisional_years=[y for y in years if states.get(y) != "published"])
