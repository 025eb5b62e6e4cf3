"""National overview for ODLOC executives: headline figures, maps by province and district,
change over time, and the spread of results by LAO type and region."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import geo
from dashboard import charts, data, filters, nav, provisional, ui
from dashboard.context import View
from dashboard.format import pct, signed
from dashboard.i18n import year_label
from scoring.areas import LOW_COVERAGE, movers
from scoring.catalogue import domains
from scoring.laotypes import type_name

METRICS = ("pass_rate", "coverage", "change", "domain")
CARRY = ("year", "type", "lang", "metric", "domain", "region")


def headline(view: View, nat: pd.Series, has_prev: bool, scope: str) -> None:
    tr = view.tr
    st.caption(tr("overview_figures_of", scope=scope))       # a domain or filter never passes for the nation
    c = st.columns(4)
    c[0].metric(tr("overview_submitted"), f"{int(nat.n_submitted):,} / {int(nat.n_laos):,}",
                help=tr("overview_submitted_help"))
    c[1].metric(tr("overview_rate", scope=scope), pct(nat.pass_rate), help=tr("overview_rate_help"))
    c[2].metric(tr("overview_allpass"), pct(nat.all_pass_share), help=tr("overview_allpass_help"))
    c[3].metric(tr("overview_change"), signed(nat.change, unit=tr("unit_points")) if has_prev else "–",
                help=tr("overview_change_help"))
    for col, key in zip(c, ("overview_submitted_help", "overview_rate_help", "overview_allpass_help",
                            "overview_change_help" if has_prev else "overview_no_prev")):
        col.caption(tr(key))


def area_frame(view: View, table: pd.DataFrame, key: str, names: pd.DataFrame, value: str,
               metric_label: str) -> pd.DataFrame:
    lang, tr = view.lang, view.tr
    df = table.merge(names, on=key, how="left")
    fmt = (lambda x: signed(x, unit=tr("unit_points"))) if value == "change" else pct
    df["hover"] = [tr("overview_hover", name=n, metric=metric_label, value=fmt(x), n=int(s), N=int(N))
                   for n, x, s, N in zip(df[f"name_{lang}"], df[value], df["n_submitted"], df["n_laos"])]
    return df


def area_table_view(view: View, df: pd.DataFrame, key: str, name_col: str) -> pd.DataFrame:
    tr = view.tr
    cols = {key: tr("col_code"), name_col: tr("col_province" if key == "province_code" else "col_district"),
            "n_laos": tr("col_n_laos"), "n_submitted": tr("col_n_submitted"), "coverage": tr("col_coverage"),
            "pass_rate": tr("col_pass_rate"), "pass_rate_prev": tr("col_prev"), "change": tr("col_change")}
    out = df[[c for c in cols if c in df.columns]].rename(columns=cols).round(1)
    out[tr("col_low_coverage")] = df["low_coverage"].map({True: tr("answer_yes"), False: tr("answer_no")}).to_numpy()
    return out


def map_section(view: View, key: tuple, prov: pd.DataFrame, value: str, metric_label: str, year: int) -> None:
    """The maps; `key` names the view (year, type, region, domain, rounds left out) for the district figures."""
    lang, tr, v = view.lang, view.tr, view.v
    scale = "diverging" if value == "change" else "sequential"
    zrange = None if value == "change" else (0, 100)
    common = dict(hover_col="hover", low_coverage_col="low_coverage", scale=scale, zrange=zrange, lang=lang,
                  colorbar_title=metric_label, missing_label=tr("overview_no_value"),
                  low_coverage_label=tr("overview_low_coverage", pct=int(LOW_COVERAGE)))
    tabs = ui.url_tabs("level", {"province": tr("overview_by_province"), "district": tr("overview_by_district")},
                       key="overview_level")
    for tab, level in tabs:
        if not tab.open:            # a hidden map costs nothing: neither worked out, built nor sent
            continue
        with tab:
            if level == "province":
                province_map(view, prov, value, metric_label, year, common)
            else:
                dist = data.overview_districts(v, view.scope, *key)
                df = area_frame(view, dist, "district_code", data.districts(v), value, metric_label)
                fig = ui.district_map(df, value, uirevision="overview-districts", **common)
                ui.chart_with_table(fig, area_table_view(view, df, "district_code", f"name_{lang}"),
                                    f"districts-{value}-{year}", config=geo.PLOTLY_CONFIG, key="map_districts")


def province_map(view: View, prov: pd.DataFrame, value: str, metric_label: str, year: int, common: dict) -> None:
    lang, tr, v = view.lang, view.tr, view.v
    pf = area_frame(view, prov, "province_code", data.provinces(v), value, metric_label)
    fig = ui.province_map(pf, value, uirevision="overview-provinces", **common)
    ranked = pf.dropna(subset=[value]).sort_values(value)
    fmt = (lambda x: signed(x, unit=tr("unit_points"))) if value == "change" else pct
    summary = None if ranked.empty else tr(
        "overview_map_summary", metric=metric_label, top=ranked.iloc[-1][f"name_{lang}"],
        top_v=fmt(ranked.iloc[-1][value]), low=ranked.iloc[0][f"name_{lang}"], low_v=fmt(ranked.iloc[0][value]),
        n_low=int(pf["low_coverage"].sum()))
    event = ui.chart_with_table(fig, area_table_view(view, pf, "province_code", f"name_{lang}"),
                                f"provinces-{value}-{year}", summary=summary, config=geo.PLOTLY_CONFIG,
                                key="map_provinces", on_select="rerun", selection_mode="points")
    clicked = [p.get("location") for p in (event.selection.points if event else []) if p.get("location")]
    if clicked:
        st.switch_page(nav.page("province"), query_params=ui.carry_params(*CARRY, province=clicked[0]))
    province_picker(view, pf)


def province_picker(view: View, pf: pd.DataFrame) -> None:
    lang, tr = view.lang, view.tr
    st.caption(tr("overview_click_hint"))
    names = dict(zip(pf["province_code"], pf[f"name_{lang}"]))
    code = st.selectbox(tr("overview_goto"), sorted(names, key=names.get), format_func=names.get,
                        index=None, key="goto_province", placeholder=tr("overview_goto_placeholder"))
    if code:
        nav.link("province", tr("overview_goto_link", name=names[code]),
                 ui.carry_params(*CARRY, province=code), icon=":material/arrow_forward:")


def trend_section(view: View, trend: pd.DataFrame, prov: pd.DataFrame, scope: str) -> None:
    lang, tr, v = view.lang, view.tr, view.v
    st.header(tr("overview_trend"))
    tdf = trend.set_axis([tr("col_year"), tr("col_pass_rate")], axis=1).round(1)
    tdf[tr("col_year")], marked = provisional.year_names(view, tdf[tr("col_year")])
    ui.chart_with_table(charts.trend(tdf, tr("col_year"), tr("col_pass_rate"), tr("overview_trend_line", scope=scope)),
                        tdf, "trend", key="trend")
    provisional.star_note(view, marked)
    named = prov.merge(data.provinces(v)[["province_code", f"name_{lang}"]], on="province_code")
    up, down = movers(named, "province_code")
    up, down = up[up["change"] > 0], down[down["change"] < 0]     # "fell most" never lists a rise
    c1, c2 = st.columns(2)
    for col, title, none, df in ((c1, "overview_improved", "overview_improved_none", up),
                                 (c2, "overview_fell", "overview_fell_none", down)):
        col.subheader(tr(title))
        if df.empty:
            col.caption(tr(none))
            continue
        table = movers_view(view, df)
        ui.dataframe(table, where=col)
        ui.downloads(table, f"provinces-{title}", where=col, key=title)


def movers_view(view: View, df: pd.DataFrame) -> pd.DataFrame:
    """The improved/fell tables: the change they are sorted by comes right after the name, so it is seen
    at any width (the full area table is under the map)."""
    tr = view.tr
    cols = {f"name_{view.lang}": tr("col_province"), "change": tr("col_change"), "pass_rate": tr("col_pass_rate"),
            "pass_rate_prev": tr("col_prev")}
    return df[list(cols)].rename(columns=cols).round(1)


def breakdown_section(view: View, spread: dict) -> None:
    lang, tr = view.lang, view.tr
    st.header(tr("overview_breakdown"))
    st.caption(tr("overview_breakdown_note"))
    for by, label in (("type", lambda c: type_name(c, lang)), ("region6", lambda c: filters.region_name(c, lang))):
        dist = spread[by]
        dist[tr("col_group")] = dist[by].map(label)
        table = dist[[tr("col_group"), "n", "min", "q1", "median", "q3", "max"]].round(1).rename(columns={
            "n": tr("col_n_with_results"), "min": tr("col_min"), "q1": tr("col_q1"), "median": tr("col_median"),
            "q3": tr("col_q3"),
            "max": tr("col_max")})
        ui.chart_with_table(charts.quartile_boxes(dist, tr("col_group"), x_title=tr("col_pass_rate")), table,
                            f"spread-{by}", key=f"spread_{by}")


def render(view: View) -> None:
    lang, tr = view.lang, view.tr
    year, type_code, region = filters.round_year(view), filters.lao_type(view), filters.region(view)
    if year is None:
        return
    if provisional.partial(view, year):    # their own rows are not the nation's
        provisional.withheld(view, "nation")
        return
    st.title(tr("overview_title", scope=filters.scope_label(view, type_code, region)))
    st.caption(year_label(year, lang))
    metric = ui.url_widget("metric", st.selectbox, tr("overview_metric"), METRICS, default="pass_rate", where=st,
                           format_func=lambda m: tr(f"metric_{m}"))
    dnames = domains()[f"name_{lang}"]
    domain = ui.url_widget("domain", st.selectbox, tr("domain"), [str(d) for d in dnames.index], default="1",
                           where=st, format_func=lambda d: f"{d}. {dnames[int(d)]}") if metric == "domain" else "all"
    scope = filters.scope_label(view, type_code, region, domain)
    key = (year, type_code, region, domain, provisional.left_out(view))
    fig = data.overview(view.v, view.scope, *key)           # worked out once per data version and view
    if fig.empty:            # say so, instead of empty figures, maps and downloads
        st.info(tr("overview_no_results", year=year_label(year, lang), scope=scope), icon=":material/info:")
        return
    headline(view, fig.nation, fig.has_prev, scope)
    value = {"domain": "pass_rate"}.get(metric, metric)
    label = tr(f"metric_{metric}") + (f" ({tr('domain')} {domain})" if metric == "domain" else "")
    st.header(tr("overview_map_title", metric=label))
    map_section(view, key, fig.provinces, value, label, year)
    trend_section(view, fig.trend, fig.provinces, scope)
    breakdown_section(view, fig.spread)
