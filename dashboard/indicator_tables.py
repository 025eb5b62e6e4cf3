"""The indicators page's tables as shown and downloaded (pages/indicators.py draws them): words for headers,
never code names, and absent values said in words. Pure pandas: no Streamlit, no database."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from scoring.areas import outcome_shares
from scoring.laotypes import TYPE_CODES, type_name
from scoring.rules import OUTCOME_LABELS

from .context import View
from .format import display_names, indicator_label, pct

OUTCOMES = ("pass", "fail", "not_done", "no_service")


def label(view: View, code: str, cat: pd.DataFrame) -> str:
    return indicator_label(code, cat.at[code, f"name_{view.lang}"], cat.at[code, "provenance"])


def outcome_columns(view: View, by: pd.DataFrame, first: str, outcomes=OUTCOMES) -> pd.DataFrame:
    """A table of outcome counts: words for headers, never code names."""
    names = OUTCOME_LABELS[view.lang]
    out = by[[first, "assessed", *outcomes, "pass_rate"]].round(1)
    return out.rename(columns={"assessed": view.tr("col_assessed"), "pass_rate": view.tr("col_pass_rate"),
                               **{o: names[o] for o in outcomes}})


def by_domain(view: View, counts: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """Outcome shares per domain, lowest pass rate first, with the domain's name in the view's column."""
    by = outcome_shares(counts, ["domain"]).sort_values("pass_rate")
    by[view.tr("domain")] = [f"{d}. {names[d].removeprefix('ด้าน')}" for d in by["domain"]]
    return by


def by_indicator(view: View, counts: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    by = outcome_shares(counts, ["indicator_code"]).sort_values("pass_rate")
    by[view.tr("indicator")] = [label(view, c, cat) for c in by["indicator_code"]]
    return by


def by_type(view: View, mine: pd.DataFrame, types: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One indicator's rows per LAO type: (bars of the types it applies to, the table of every type, saying
    where it does not apply)."""
    lang, tr = view.lang, view.tr
    by = outcome_shares(mine, ["type"]).set_index("type").reindex(list(TYPE_CODES))
    table = pd.DataFrame({tr("col_type"): [type_name(t, lang) for t in TYPE_CODES],
                          tr("col_pass_rate"): [pct(r) if t in types else tr("indicators_not_applicable")
                                                for t, r in zip(TYPE_CODES, by["pass_rate"], strict=True)]})
    bars = by.loc[[t for t in TYPE_CODES if t in types]].dropna(subset=["pass_rate"]).reset_index()
    bars[tr("col_type")] = bars["type"].map(lambda t: type_name(t, lang))
    return bars, table


def by_province(view: View, mine: pd.DataFrame, areas: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One indicator's pass rate per province of `areas`: (rows for the map, with hover text; the table)."""
    lang, tr = view.lang, view.tr
    prov = outcome_shares(mine, ["province_code"]).merge(areas, on="province_code", how="right")
    prov["hover"] = [f"{n}<br>{pct(r)}" for n, r in zip(prov[f"name_{lang}"], prov["pass_rate"], strict=True)]
    table = prov[["province_code", f"name_{lang}", "assessed", "pass_rate"]].round(1).rename(columns={
        "province_code": tr("col_code"), f"name_{lang}": tr("col_province"), "assessed": tr("col_assessed"),
        "pass_rate": tr("col_pass_rate")})
    return prov, table


def by_round(view: View, rows: pd.DataFrame, years: list[int], names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One indicator's pass rate per round (`names`: each year as shown): (the trend's points, only rounds with
    results; the table of every round, where an absent one says so, never 0)."""
    tr = view.tr
    hist = outcome_shares(rows, ["year"]).set_index("year")
    name = dict(zip(years, names, strict=True))
    present = [y for y in years if y in hist.index]
    shown = pd.DataFrame({tr("col_year"): [name[y] for y in present],
                          tr("col_pass_rate"): [hist.at[y, "pass_rate"] for y in present]})
    table = pd.DataFrame({tr("col_year"): names, tr("col_pass_rate"): [
        pct(hist.at[y, "pass_rate"]) if y in hist.index else tr("indicators_not_in_year") for y in years]})
    return shown, table


def failing(view: View, results: pd.DataFrame, province_names: pd.Series, link: Callable[[str], str]) -> pd.DataFrame:
    """The LAOs failing (or not carrying out) one indicator, lowest percentage first, each with its scorecard."""
    lang, tr = view.lang, view.tr
    res = results[results["outcome"].isin(["fail", "not_done"])].sort_values("pct")
    return pd.DataFrame({
        tr("col_lao"): display_names(res, lang).to_numpy(),
        tr("col_province"): res["province_code"].map(province_names).to_numpy(),
        tr("col_pct"): res["pct"].round(1).to_numpy(),
        tr("outcome_col"): res["outcome"].map(OUTCOME_LABELS[lang]).to_numpy(),
        tr("col_scorecard"): [link(c) for c in res["lao_code"]],
    })


def failing_most(view: View, counts: pd.DataFrame, cat: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The `n` indicators failed (or not carried out) by the largest share of the LAOs that had to carry them out."""
    tr, names = view.tr, OUTCOME_LABELS[view.lang]
    top = by_indicator(view, counts, cat).sort_values("fail_share", ascending=False).head(n)
    return top[[tr("indicator"), "assessed", "fail", "not_done", "fail_share"]].round(1).rename(
        columns={"assessed": tr("col_assessed"), "fail": names["fail"], "not_done": names["not_done"],
                 "fail_share": tr("col_fail_share")})
