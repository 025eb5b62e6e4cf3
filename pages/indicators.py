"""Domains and indicators: which fail most, for whom and where, and the LAOs failing one indicator."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import geo
from dashboard import charts, data, filters, nav, ui
from dashboard.context import View
from dashboard.format import indicator_label, pct
from dashboard.i18n import year_label
from scoring.areas import outcome_shares
from scoring.catalogue import domains
from scoring.laotypes import TYPE_CODES, display_name, type_name
from scoring.rules import OUTCOME_LABELS


def load(view: View, year: int, type_code: str, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    v = view.v
    counts = data.indicator_outcomes(v, view.scope, year)
    counts = counts.merge(data.provinces(v)[["province_code", "region6"]], on="province_code")
    return filters.apply(counts, type_code, region), data.catalogue(v, year).set_index("code")


def label(view: View, code: str, cat: pd.DataFrame) -> str:
    return indicator_label(code, cat.at[code, f"name_{view.lang}"], cat.at[code, "provenance"])


def domain_section(view: View, counts: pd.DataFrame, year: int) -> None:
    lang, tr = view.lang, view.tr
    st.subheader(tr("indicators_domains"))
    names = domains()[f"name_{lang}"]
    by = outcome_shares(counts, ["domain"]).sort_values("pass_rate")
    by[tr("domain")] = [f"{d}. {names[d].removeprefix('ด้าน')}" for d in by["domain"]]
    view = by[[tr("domain"), "assessed", "pass", "fail", "not_done", "pass_rate"]].round(1)
    summary = tr("indicators_domains_summary", low=by.iloc[0][tr("domain")], low_v=pct(by.iloc[0]["pass_rate"]),
                 top=by.iloc[-1][tr("domain")], top_v=pct(by.iloc[-1]["pass_rate"])) if len(by) else None
    ui.chart_with_table(charts.ranked_bars(by, tr("domain"), "pass_rate", x_title=tr("pass_rate")), view,
                        f"domains-{year}", summary=summary, key="domains")


def indicator_table(view: View, counts: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    tr = view.tr
    by = outcome_shares(counts, ["indicator_code"]).sort_values("pass_rate")
    by[tr("indicator")] = [label(view, c, cat) for c in by["indicator_code"]]
    return by


def indicators_section(view: View, counts: pd.DataFrame, cat: pd.DataFrame, domain: str, year: int) -> None:
    lang, tr = view.lang, view.tr
    st.subheader(tr("indicators_in_domain"))
    by = indicator_table(view, counts[counts["domain"] == int(domain)], cat)
    names = {o: OUTCOME_LABELS[lang][o] for o in OUTCOME_LABELS[lang]}
    view = by[[tr("indicator"), "assessed", "pass", "fail", "not_done", "no_service", "pass_rate"]].round(1)
    ui.chart_with_table(charts.outcome_stack(by, tr("indicator"), names), view, f"indicators-{year}-d{domain}",
                        key="domain_indicators")
    st.caption(tr("illustrative_note"))


def one_indicator(view: View, counts: pd.DataFrame, cat: pd.DataFrame, code: str, year: int) -> None:
    lang, tr, v = view.lang, view.tr, view.v
    mine = counts[counts["indicator_code"] == code]
    applies = set(cat.at[code, "applies_to"].split(";"))
    by_type = outcome_shares(mine, ["type"]).set_index("type").reindex(list(TYPE_CODES))
    tview = pd.DataFrame({tr("col_type"): [type_name(t, lang) for t in TYPE_CODES],
                          tr("col_pass_rate"): [pct(r) if t in applies else tr("indicators_not_applicable")
                                                for t, r in zip(TYPE_CODES, by_type["pass_rate"])]})
    bars = by_type.loc[[t for t in TYPE_CODES if t in applies]].dropna(subset=["pass_rate"]).reset_index()
    bars[tr("col_type")] = bars["type"].map(lambda t: type_name(t, lang))
    st.markdown(f"**{tr('indicators_by_type')}**")
    ui.chart_with_table(charts.ranked_bars(bars, tr("col_type"), "pass_rate", x_title=tr("pass_rate")), tview,
                        f"indicator-{code}-types-{year}", key="by_type")
    prov = outcome_shares(mine, ["province_code"]).merge(data.provinces(v), on="province_code", how="right")
    prov["hover"] = [f"{n}<br>{pct(r)}" for n, r in zip(prov[f"name_{lang}"], prov["pass_rate"])]
    st.markdown(f"**{tr('indicators_map')}**")
    fig = ui.province_map(prov.dropna(subset=["pass_rate"]), "pass_rate", hover_col="hover", zrange=(0, 100),
                          lang=lang, colorbar_title=tr("pass_rate"), missing_label=tr("overview_no_value"),
                          uirevision="indicator-map")
    pview = prov[["province_code", f"name_{lang}", "assessed", "pass_rate"]].round(1)
    ui.chart_with_table(fig, pview, f"indicator-{code}-provinces-{year}", config=geo.PLOTLY_CONFIG, key="ind_map")
    history(view, code, year)
    failing_laos(view, code, year)


def history(view: View, code: str, year: int) -> None:
    tr, v = view.tr, view.v
    hist = outcome_shares(data.indicator_history(v, view.scope, code), ["year"]).set_index("year")
    years = sorted(data.rounds(v, view.scope)["year"])
    present = [y for y in years if y in hist.index]
    shown = pd.DataFrame({tr("col_year"): present, tr("col_pass_rate"): [hist.at[y, "pass_rate"] for y in present]})
    table = pd.DataFrame({tr("col_year"): years, tr("col_pass_rate"): [   # absent years say so, never 0
        pct(hist.at[y, "pass_rate"]) if y in hist.index else tr("indicators_not_in_year") for y in years]})
    st.markdown(f"**{tr('indicators_history')}**")
    ui.chart_with_table(charts.trend(shown, tr("col_year"), tr("col_pass_rate")), table, f"indicator-{code}-rounds",
                        key="ind_history")


def failing_laos(view: View, code: str, year: int) -> None:
    lang, tr, v = view.lang, view.tr, view.v
    res = data.results(v, view.scope, year=year, indicator=code)
    res = res[res["outcome"].isin(["fail", "not_done"])].sort_values("pct")
    names = data.provinces(v).set_index("province_code")[f"name_{lang}"]
    table = pd.DataFrame({
        tr("col_lao"): [display_name(n, t, lang, e) for n, t, e in zip(res["name_th"], res["type"], res["name_en"])],
        tr("col_province"): res["province_code"].map(names).to_numpy(),
        tr("col_pct"): res["pct"].round(1).to_numpy(),
        tr("outcome_col"): res["outcome"].map(OUTCOME_LABELS[lang]).to_numpy(),
        tr("col_scorecard"): [nav.scorecard_url(c, year, lang) for c in res["lao_code"]],
    })
    st.markdown(f"**{tr('indicators_failing_laos')}** ({len(table):,})")
    ui.dataframe(table, column_config={
        tr("col_scorecard"): st.column_config.LinkColumn(display_text=tr("col_scorecard"))})
    ui.downloads(table.drop(columns=[tr("col_scorecard")]), f"failing-{code}-{year}", key="failing")


def failing_most(view: View, counts: pd.DataFrame, cat: pd.DataFrame, year: int) -> None:
    tr = view.tr
    st.subheader(tr("indicators_failing_most"))
    st.caption(tr("indicators_failing_note"))
    top = indicator_table(view, counts, cat).sort_values("fail_share", ascending=False).head(10)
    view = top[[tr("indicator"), "assessed", "fail", "not_done", "fail_share"]].round(1).rename(
        columns={"assessed": tr("col_assessed"), "fail_share": tr("col_fail_share")})
    ui.dataframe(view)
    ui.downloads(view, f"failing-most-{year}", key="failing_most")


def render(view: View) -> None:
    lang, tr = view.lang, view.tr
    year, type_code, region = filters.round_year(view), filters.lao_type(view), filters.region(view)
    if year is None:
        return
    st.title(tr("indicators_title"))
    st.caption(year_label(year, lang))
    counts, cat = load(view, year, type_code, region)
    domain_section(view, counts, year)
    dnames = domains()[f"name_{lang}"]
    domain = ui.url_widget("domain", st.selectbox, tr("domain"), [str(d) for d in dnames.index], default="1",
                           where=st, format_func=lambda d: f"{d}. {dnames[int(d)]}")
    indicators_section(view, counts, cat, domain, year)
    codes = [c for c in cat.index if cat.at[c, "domain"] == int(domain)]
    asked = ui.url_value("indicator")
    if asked and asked not in cat.index:
        st.info(tr("indicators_absent", code=asked, year=year))
    code = ui.url_widget("indicator", st.selectbox, tr("indicators_pick"), codes,
                         default=codes[0] if codes else None, where=st, format_func=lambda c: label(view, c, cat))
    if code:
        one_indicator(view, counts, cat, code, year)
    failing_most(view, counts, cat, year)
