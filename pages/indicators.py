"""Domains and indicators: which fail most, for whom and where, and the LAOs failing one indicator. Every
part of the page covers the LAOs of the sidebar's type and region, and says which."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import geo
from dashboard import charts, data, filters, nav, provisional, ui
from dashboard.context import View
from dashboard.format import display_names, indicator_label, md_escape, pct
from dashboard.i18n import year_label
from scoring.areas import outcome_shares, select
from scoring.catalogue import domains
from scoring.laotypes import TYPE_CODES, type_name
from scoring.rules import OUTCOME_LABELS

ALL = filters.ALL
OUTCOMES = ("pass", "fail", "not_done", "no_service")


def in_view(view: View, df: pd.DataFrame, type_code: str, region: str) -> pd.DataFrame:
    """Rows (with type and province_code) of the LAOs in the chosen type and region."""
    df = df.merge(data.provinces(view.v)[["province_code", "region6"]], on="province_code")
    return select(df, type_code, region)


def load(view: View, year: int, type_code: str, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = in_view(view, data.indicator_outcomes(view.v, view.scope, year), type_code, region)
    return counts, data.catalogue(view.v, year).set_index("code")


def label(view: View, code: str, cat: pd.DataFrame) -> str:
    return indicator_label(code, cat.at[code, f"name_{view.lang}"], cat.at[code, "provenance"])


def applies(cat: pd.DataFrame, code: str, type_code: str) -> bool:
    return type_code == ALL or type_code in cat.at[code, "applies_to"].split(";")


def outcome_columns(view: View, by: pd.DataFrame, first: str, outcomes=OUTCOMES) -> pd.DataFrame:
    """A table of outcome counts as shown and downloaded: words for headers, never code names."""
    names = OUTCOME_LABELS[view.lang]
    out = by[[first, "assessed", *outcomes, "pass_rate"]].round(1)
    return out.rename(columns={"assessed": view.tr("col_assessed"), "pass_rate": view.tr("col_pass_rate"),
                               **{o: names[o] for o in outcomes}})


def domain_section(view: View, counts: pd.DataFrame, year: int) -> None:
    lang, tr = view.lang, view.tr
    st.header(tr("indicators_domains"))
    names = domains()[f"name_{lang}"]
    by = outcome_shares(counts, ["domain"]).sort_values("pass_rate")
    by[tr("domain")] = [f"{d}. {names[d].removeprefix('ด้าน')}" for d in by["domain"]]
    summary = tr("indicators_domains_summary", low=by.iloc[0][tr("domain")], low_v=pct(by.iloc[0]["pass_rate"]),
                 top=by.iloc[-1][tr("domain")], top_v=pct(by.iloc[-1]["pass_rate"])) if len(by) else None
    ui.chart_with_table(charts.ranked_bars(by, tr("domain"), "pass_rate", x_title=tr("pass_rate")),
                        outcome_columns(view, by, tr("domain"), OUTCOMES[:3]), f"domains-{year}", summary=summary,
                        key="domains")


def indicator_table(view: View, counts: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    by = outcome_shares(counts, ["indicator_code"]).sort_values("pass_rate")
    by[view.tr("indicator")] = [label(view, c, cat) for c in by["indicator_code"]]
    return by


def indicators_section(view: View, counts: pd.DataFrame, cat: pd.DataFrame, domain: str, year: int) -> None:
    tr = view.tr
    st.header(tr("indicators_in_domain"))
    by = indicator_table(view, counts[counts["domain"] == int(domain)], cat)
    if by.empty:
        st.info(tr("indicators_domain_none"))
        return
    ui.chart_with_table(charts.outcome_stack(by, tr("indicator"), OUTCOME_LABELS[view.lang], tr("col_pass_rate")),
                        outcome_columns(view, by, tr("indicator")), f"indicators-{year}-d{domain}",
                        summary=tr("indicators_stack_note"), key="domain_indicators")
    st.caption(tr("illustrative_note"))


def one_indicator(view: View, counts: pd.DataFrame, cat: pd.DataFrame, code: str, year: int, type_code: str,
                  region: str, scope: str) -> None:
    """One indicator by type, on a map by province and over the rounds: tabs kept in the URL (`view`), only the
    open one drawn (a map is the page's heaviest part: a first view need not pay for it), then its failing LAOs."""
    mine = counts[counts["indicator_code"] == code]
    sections = {"types": lambda: by_type(view, mine, cat, code, year, scope),
                "map": lambda: by_province(view, mine, code, year, region, scope),
                "trend": lambda: history(view, code, type_code, region, scope)}
    for tab, name in ui.url_tabs("view", {k: view.tr(f"indicators_tab_{k}") for k in sections}, key="indicator_view"):
        if tab.open:
            with tab:
                sections[name]()
    failing_laos(view, code, year, type_code, region)


def by_type(view: View, mine: pd.DataFrame, cat: pd.DataFrame, code: str, year: int, scope: str) -> None:
    lang, tr = view.lang, view.tr
    types = set(cat.at[code, "applies_to"].split(";"))
    by = outcome_shares(mine, ["type"]).set_index("type").reindex(list(TYPE_CODES))
    tview = pd.DataFrame({tr("col_type"): [type_name(t, lang) for t in TYPE_CODES],
                          tr("col_pass_rate"): [pct(r) if t in types else tr("indicators_not_applicable")
                                                for t, r in zip(TYPE_CODES, by["pass_rate"], strict=True)]})
    bars = by.loc[[t for t in TYPE_CODES if t in types]].dropna(subset=["pass_rate"]).reset_index()
    bars[tr("col_type")] = bars["type"].map(lambda t: type_name(t, lang))
    st.subheader(tr("indicators_by_type"))
    st.caption(scope)
    ui.chart_with_table(charts.ranked_bars(bars, tr("col_type"), "pass_rate", x_title=tr("pass_rate")), tview,
                        f"indicator-{code}-types-{year}", key="by_type")


def by_province(view: View, mine: pd.DataFrame, code: str, year: int, region: str, scope: str) -> None:
    lang, tr = view.lang, view.tr
    areas = data.provinces(view.v)
    areas = areas if region == ALL else areas[areas["region6"] == region]
    prov = outcome_shares(mine, ["province_code"]).merge(areas, on="province_code", how="right")
    prov["hover"] = [f"{n}<br>{pct(r)}" for n, r in zip(prov[f"name_{lang}"], prov["pass_rate"], strict=True)]
    st.subheader(tr("indicators_map"))
    st.caption(scope)
    fig = ui.province_map(prov.dropna(subset=["pass_rate"]), "pass_rate", hover_col="hover", zrange=(0, 100),
                          lang=lang, colorbar_title=tr("pass_rate"), missing_label=tr("overview_no_value"),
                          uirevision="indicator-map")
    pview = prov[["province_code", f"name_{lang}", "assessed", "pass_rate"]].round(1).rename(columns={
        "province_code": tr("col_code"), f"name_{lang}": tr("col_province"), "assessed": tr("col_assessed"),
        "pass_rate": tr("col_pass_rate")})
    ui.chart_with_table(fig, pview, f"indicator-{code}-provinces-{year}", config=geo.PLOTLY_CONFIG, key="ind_map")


def history(view: View, code: str, type_code: str, region: str, scope: str) -> None:
    tr, v = view.tr, view.v
    rows = in_view(view, provisional.comparable(view, data.indicator_history(v, view.scope, code)), type_code, region)
    hist = outcome_shares(rows, ["year"]).set_index("year")
    years = sorted(provisional.comparable(view, data.rounds(v, view.scope))["year"])
    present = [y for y in years if y in hist.index]
    names, marked = provisional.year_names(view, years)
    name = dict(zip(years, names, strict=True))
    shown = pd.DataFrame({tr("col_year"): [name[y] for y in present],
                          tr("col_pass_rate"): [hist.at[y, "pass_rate"] for y in present]})
    table = pd.DataFrame({tr("col_year"): names, tr("col_pass_rate"): [   # absent years say so, never 0
        pct(hist.at[y, "pass_rate"]) if y in hist.index else tr("indicators_not_in_year") for y in years]})
    st.subheader(tr("indicators_history"))
    st.caption(scope)
    ui.chart_with_table(charts.trend(shown, tr("col_year"), tr("col_pass_rate")), table, f"indicator-{code}-rounds",
                        key="ind_history")
    provisional.star_note(view, marked)


def failing_laos(view: View, code: str, year: int, type_code: str, region: str) -> None:
    lang, tr, v = view.lang, view.tr, view.v
    res = in_view(view, data.results(v, view.scope, year=year, indicator=code), type_code, region)
    res = res[res["outcome"].isin(["fail", "not_done"])].sort_values("pct")
    names = data.provinces(v).set_index("province_code")[f"name_{lang}"]
    table = pd.DataFrame({
        tr("col_lao"): display_names(res, lang).to_numpy(),
        tr("col_province"): res["province_code"].map(names).to_numpy(),
        tr("col_pct"): res["pct"].round(1).to_numpy(),
        tr("outcome_col"): res["outcome"].map(OUTCOME_LABELS[lang]).to_numpy(),
        tr("col_scorecard"): [nav.scorecard_url(c, year, lang) for c in res["lao_code"]],
    })
    st.subheader(f"{tr('indicators_failing_laos')} ({len(table):,})")
    ui.dataframe(table, column_config={tr("col_scorecard"): st.column_config.LinkColumn(
        display_text=tr("col_scorecard"))})
    ui.downloads(table.drop(columns=[tr("col_scorecard")]), f"failing-{code}-{year}", key="failing")


def failing_most(view: View, counts: pd.DataFrame, cat: pd.DataFrame, year: int, scope: str) -> None:
    tr = view.tr
    st.header(tr("indicators_failing_most"))
    st.caption(f"{scope} · {tr('indicators_failing_note')}")
    top = indicator_table(view, counts, cat).sort_values("fail_share", ascending=False).head(10)
    names = OUTCOME_LABELS[view.lang]
    table = top[[tr("indicator"), "assessed", "fail", "not_done", "fail_share"]].round(1).rename(
        columns={"assessed": tr("col_assessed"), "fail": names["fail"], "not_done": names["not_done"],
                 "fail_share": tr("col_fail_share")})
    ui.dataframe(table)
    ui.downloads(table, f"failing-most-{year}", key="failing_most")


def pick_indicator(view: View, cat: pd.DataFrame, domain: str, type_code: str, year: int) -> str | None:
    """The indicators of the domain that apply to the chosen type; one asked for in the URL that is not in
    the round's catalogue, or does not apply to the type, is named in a message rather than swapped silently."""
    tr = view.tr
    in_domain = [c for c in cat.index if cat.at[c, "domain"] == int(domain)]
    codes = [c for c in in_domain if applies(cat, c, type_code)]
    asked = ui.url_value("indicator")
    said = bool(asked) and (asked not in cat.index or not applies(cat, asked, type_code))
    if said and asked not in cat.index:
        st.info(tr("indicators_absent", code=md_escape(asked), year=year))
    elif said:
        st.info(tr("indicators_type_not_applicable", code=md_escape(asked), type=type_name(type_code, view.lang)))
    if not codes:
        st.info(tr("indicators_domain_none"))
        return None
    return ui.url_widget("indicator", st.selectbox, tr("indicators_pick"), codes, default=codes[0], where=st,
                         quiet=said, format_func=lambda c: label(view, c, cat))


def render(view: View) -> None:
    lang, tr = view.lang, view.tr
    year, type_code, region = filters.round_year(view), filters.lao_type(view), filters.region(view)
    if year is None:
        return
    if provisional.partial(view, year):    # their own rows are not the nation's
        provisional.withheld(view, "nation")
        return
    scope = filters.scope_label(view, type_code, region)
    st.title(tr("indicators_title", scope=scope))
    st.caption(year_label(year, lang))
    counts, cat = load(view, year, type_code, region)
    if counts.empty:
        st.info(tr("indicators_no_results", year=year_label(year, lang), scope=scope))
        return
    domain_section(view, counts, year)
    dnames = domains()[f"name_{lang}"]
    domain = ui.url_widget("domain", st.selectbox, tr("domain"), [str(d) for d in dnames.index], default="1",
                           where=st, format_func=lambda d: f"{d}. {dnames[int(d)]}")
    indicators_section(view, counts, cat, domain, year)
    code = pick_indicator(view, cat, domain, type_code, year)
    if code:
        one_indicator(view, counts, cat, code, year, type_code, region, scope)
    failing_most(view, counts, cat, year, scope)
