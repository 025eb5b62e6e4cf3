"""Domains and indicators: which fail most, for whom and where, and the LAOs failing one indicator. Every
part of the page covers the LAOs of the sidebar's type and region, and says which."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import geo
from dashboard import charts, data, filters, nav, provisional, ui
from dashboard import indicator_tables as it
from dashboard.context import View
from dashboard.format import md_escape, pct
from dashboard.i18n import year_label
from scoring.areas import select
from scoring.catalogue import domains
from scoring.laotypes import type_name
from scoring.rules import OUTCOME_LABELS

ALL = filters.ALL


def in_view(view: View, df: pd.DataFrame, type_code: str, region: str) -> pd.DataFrame:
    """Rows (with type and province_code) of the LAOs in the chosen type and region."""
    df = df.merge(data.provinces(view.v)[["province_code", "region6"]], on="province_code")
    return select(df, type_code, region)


def load(view: View, year: int, type_code: str, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = in_view(view, data.indicator_outcomes(view.v, view.scope, year), type_code, region)
    return counts, data.catalogue(view.v, year).set_index("code")


def applies(cat: pd.DataFrame, code: str, type_code: str) -> bool:
    return type_code == ALL or type_code in cat.at[code, "applies_to"].split(";")


def domain_section(view: View, counts: pd.DataFrame, year: int) -> None:
    lang, tr = view.lang, view.tr
    st.header(tr("indicators_domains"))
    by = it.by_domain(view, counts, domains()[f"name_{lang}"])
    summary = tr("indicators_domains_summary", low=by.iloc[0][tr("domain")], low_v=pct(by.iloc[0]["pass_rate"]),
                 top=by.iloc[-1][tr("domain")], top_v=pct(by.iloc[-1]["pass_rate"])) if len(by) else None
    ui.chart_with_table(charts.ranked_bars(by, tr("domain"), "pass_rate", x_title=tr("pass_rate")),
                        it.outcome_columns(view, by, tr("domain"), it.OUTCOMES[:3]), f"domains-{year}", summary=summary,
                        key="domains")


def indicators_section(view: View, counts: pd.DataFrame, cat: pd.DataFrame, domain: str, year: int) -> None:
    tr = view.tr
    st.header(tr("indicators_in_domain"))
    by = it.by_indicator(view, counts[counts["domain"] == int(domain)], cat)
    if by.empty:
        st.info(tr("indicators_domain_none"))
        return
    ui.chart_with_table(charts.outcome_stack(by, tr("indicator"), OUTCOME_LABELS[view.lang], tr("col_pass_rate")),
                        it.outcome_columns(view, by, tr("indicator")), f"indicators-{year}-d{domain}",
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
    tr = view.tr
    bars, table = it.by_type(view, mine, set(cat.at[code, "applies_to"].split(";")))
    st.subheader(tr("indicators_by_type"))
    st.caption(scope)
    ui.chart_with_table(charts.ranked_bars(bars, tr("col_type"), "pass_rate", x_title=tr("pass_rate")), table,
                        f"indicator-{code}-types-{year}", key="by_type")


def by_province(view: View, mine: pd.DataFrame, code: str, year: int, region: str, scope: str) -> None:
    tr = view.tr
    areas = data.provinces(view.v)
    prov, table = it.by_province(view, mine, areas if region == ALL else areas[areas["region6"] == region])
    st.subheader(tr("indicators_map"))
    st.caption(scope)
    fig = ui.province_map(prov.dropna(subset=["pass_rate"]), "pass_rate", hover_col="hover", zrange=(0, 100),
                          lang=view.lang, colorbar_title=tr("pass_rate"), missing_label=tr("overview_no_value"),
                          uirevision="indicator-map")
    ui.chart_with_table(fig, table, f"indicator-{code}-provinces-{year}", config=geo.PLOTLY_CONFIG, key="ind_map")


def history(view: View, code: str, type_code: str, region: str, scope: str) -> None:
    tr, v = view.tr, view.v
    rows = in_view(view, provisional.comparable(view, data.indicator_history(v, view.scope, code)), type_code, region)
    years = sorted(provisional.comparable(view, data.rounds(v, view.scope))["year"])
    names, marked = provisional.year_names(view, years)
    shown, table = it.by_round(view, rows, years, names)
    st.subheader(tr("indicators_history"))
    st.caption(scope)
    ui.chart_with_table(charts.trend(shown, tr("col_year"), tr("col_pass_rate")), table, f"indicator-{code}-rounds",
                        key="ind_history")
    provisional.star_note(view, marked)


def failing_laos(view: View, code: str, year: int, type_code: str, region: str) -> None:
    tr, v = view.tr, view.v
    res = in_view(view, data.results(v, view.scope, year=year, indicator=code), type_code, region)
    table = it.failing(view, res, data.provinces(v).set_index("province_code")[f"name_{view.lang}"],
                       lambda c: nav.scorecard_url(c, year, view.lang))
    st.subheader(f"{tr('indicators_failing_laos')} ({len(table):,})")
    ui.dataframe(table, column_config={tr("col_scorecard"): st.column_config.LinkColumn(
        display_text=tr("col_scorecard"))})
    ui.downloads(table.drop(columns=[tr("col_scorecard")]), f"failing-{code}-{year}", key="failing")


def failing_most(view: View, counts: pd.DataFrame, cat: pd.DataFrame, year: int, scope: str) -> None:
    tr = view.tr
    st.header(tr("indicators_failing_most"))
    st.caption(f"{scope} · {tr('indicators_failing_note')}")
    table = it.failing_most(view, counts, cat)
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
                         quiet=said, format_func=lambda c: it.label(view, c, cat))


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
