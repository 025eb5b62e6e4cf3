"""Province view for provincial monitors: the province's LAOs against each other and their peers. The URL
keeps the whole view (year, province, type, lang, view, q, sort, lao, group, compare, domain, msort)."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import streamlit as st

import geo
from dashboard import data, ui
from dashboard import province_view as pv
from dashboard.format import display_names, indicator_label, pct, signed
from dashboard.i18n import year_label
from scoring import anomalies, compare as cmp
from scoring.catalogue import domains as domain_table
from scoring.laotypes import TYPE_CODES, type_name
from scoring.peers import MIN_PEERS, SIZE_LABELS
from scoring.rules import OUTCOME_LABELS

ALL = "all"
VIEWS = ("laos", "peers", "compare", "matrix", "flags")
NUM, LINK = st.column_config.NumberColumn, st.column_config.LinkColumn(display_text=r"lao=(\d+)")


def _load(lang: str, tr=ui.tr):
    v, scope = data.version(), data.scope()
    rounds = data.rounds(v, scope)
    years, published = sorted(rounds["year"].tolist(), reverse=True), rounds.loc[rounds["state"] == "published", "year"]
    if not years:
        st.info(tr("no_rounds"))
        return None
    provs = data.provinces(v).set_index("province_code")
    tnames = {ALL: tr("all_types"), **{t: type_name(t, lang) for t in TYPE_CODES}}
    year = ui.query_select("year", years, tr("year"), default=int(published.max()) if len(published) else years[0],
                           parse=int, format_func=lambda y: year_label(y, lang))
    prov = ui.query_select("province", list(provs.index), tr("province"), default="30",
                           format_func=provs[f"name_{lang}"].get)
    typ = ui.query_select("type", list(tnames), tr("lao_type"), default=ALL, format_func=tnames.get)
    keep = (lambda df: df) if typ == ALL else (lambda df: df[df["type"] == typ])
    nat = cmp.with_attributes(data.summaries(v, scope, year=year, domain="all"), provs.reset_index())
    prev = keep(data.summaries(v, scope, year=year - 1, province=prov, domain="all")) if year - 1 in years else None
    dom = data.summaries(v, scope, year=year, province=prov)
    dnames, dn, cat = (data.districts(v).set_index("district_code")[f"name_{lang}"], domain_table()[f"name_{lang}"],
                       data.catalogue(v, year))
    t = cmp.lao_table(keep(cmp.with_attributes(data.laos(v).query("province_code == @prov"), provs.reset_index())), dom,
                      prev, cmp.peer_ranks(nat), data.submissions(v, scope, year, prov), dnames)
    return SimpleNamespace(v=v, scope=scope, lang=lang, year=year, prov=prov, pname=provs.at[prov, f"name_{lang}"],
                           region=provs.at[prov, "region6"], keep=keep, nat=nat, prev=prev, dom=dom, table=t,
                           dnames=dnames, names=dict(zip(t["lao_code"], display_names(t, lang))), tag=f"{prov}-{year}",
                           inames={k: indicator_label("", n, p).strip() for k, n, p in zip(
                               cat["code"], cat[f"name_{lang}"], cat["provenance"])},
                           dlabel=lambda d: tr("province_all_domains_row") if d == "all" else f"{d} {dn[int(d)]}",
                           link=lambda c: f"lao?lao={c}&year={year}" + ("&lang=en" if lang == "en" else ""))


def _headline(c, tr=ui.tr) -> None:
    h, m = cmp.headline(c.keep(c.nat), c.prov, c.prev), st.container(horizontal=True, gap="medium")
    m.metric(tr("province_m_province", name=c.pname), pct(h["province"]),
             tr("province_vs_nation", d=signed(h["province"] - h["nation"])), delta_color="off")
    m.metric(tr("province_m_region", region=tr(f"province_region_{c.region}")), pct(h["region"]))
    m.metric(tr("province_m_nation"), pct(h["nation"]))
    m.metric(tr("province_m_change"), signed(h["change"], unit=" " + tr("province_points")))
    st.caption(tr("province_m_laos", n=h["n_with_results"], total=len(c.table)) + " · " + tr("province_pooled_note"))


def _tabs():
    labels, view = [ui.tr(f"province_tab_{k}") for k in VIEWS], st.query_params.get("view")
    if view not in VIEWS:
        st.query_params.pop("view", None)
    st.session_state["province_view"] = labels[VIEWS.index(view) if view in VIEWS else 0]
    return st.tabs(labels, key="province_view", on_change=lambda: st.query_params.update(
        view=VIEWS[labels.index(st.session_state["province_view"])]))


def _district_map(c, tr=ui.tr) -> None:
    d = cmp.district_rates(c.table).assign(district=lambda x: x["district_code"].map(c.dnames))
    r = d.dropna(subset=["pass_rate"]).sort_values("pass_rate")
    if r.empty:
        return st.info(tr("province_map_none"))
    d["hover"] = [tr("province_map_hover", name=n, rate=pct(p), n=int(k), m=int(w))
                  for n, p, k, w in zip(d["district"], d["pass_rate"], d["n_laos"], d["n_with_results"])]
    fig = geo.district_map(d, "pass_rate", province_code=c.prov, hover_col="hover", low_coverage_col="low_coverage",
                           zrange=(0, 100), colorbar_title="%", missing_label=tr("province_map_missing"),
                           low_coverage_label=tr("province_map_low"), lang=c.lang, height=460)
    summary = tr("province_map_summary", best=r["district"].iloc[-1], best_v=pct(r["pass_rate"].iloc[-1]),
                 worst=r["district"].iloc[0], worst_v=pct(r["pass_rate"].iloc[0]))
    table = d[["district_code", "district", "n_laos", "n_with_results", "pass_rate"]].round(1).rename(columns=pv.head)
    ui.chart_with_table(fig, table, f"province-{c.tag}-districts", summary, config=geo.PLOTLY_CONFIG, key="map")


def _laos(c, tr=ui.tr) -> None:
    st.subheader(tr("province_map_title"))
    _district_map(c)
    st.subheader(tr("province_table_title"))
    left, right = st.columns([3, 2])
    with left:
        q = pv.kept("q", st.text_input, tr("province_search"))
    sorts = {k: tr("province_sort_" + k.replace("-", "desc_")) for k in cmp.SORTS}
    sort = ui.query_select("sort", list(sorts), tr("province_sort"), default="pass_rate", where=right,
                           format_func=sorts.get)
    t, doms = cmp.sort_table(cmp.search(c.table, q), sort), [f"d{d}" for d in cmp.DOMAINS]
    config = {k: NUM(format="%.1f", help=c.dlabel(k[1:])) for k in doms} | {"lao_code": LINK, "pass_rate": NUM(
        format="%.1f"), "change": NUM(format="%+.1f"), "percentile": NUM(format="%.0f")}
    pv.table(pv.table_view(t, c.lang, c.link, lambda s: tr(f"province_state_{s}")), f"{c.tag}-laos", None,
           tr("province_n_shown", n=len(t), total=len(c.table)) + " · " + tr("province_table_note", min=MIN_PEERS),
           config, heat=["pass_rate", *doms], height=460)


def _peers(c, tr=ui.tr) -> None:
    st.caption(tr("province_peer_note", min=MIN_PEERS))
    lao = pv.kept("lao", st.selectbox, tr("province_peer_lao"), sorted(c.names, key=c.names.get), index=None,
                placeholder=tr("province_peer_whole_group"), format_func=lambda x: f"{c.names[x]} ({x})")
    one, group = lao in set(c.nat["lao_code"]), None
    if not one:
        names = {g: tr("province_peer_group_option", type=type_name(g.split(":")[0], c.lang), n=n,
                       band=SIZE_LABELS[c.lang][g.split(":")[1]]) for g, n in cmp.province_groups(c.table).items()}
        group = pv.kept("group", st.selectbox, tr("province_peer_group"), list(names), format_func=names.get,
                      default=next(iter(names)))
    typ, band, members, bench = cmp.benchmark(c.nat, c.table, c.prov, c.region, lao, group)
    where = {"province": tr("province_scope_province", name=c.pname), "nation": tr("province_scope_nation"),
             "region": tr("province_scope_region", region=tr(f"province_region_{c.region}"))}
    for b in bench.itertuples():
        line = tr("province_peer_line", n=b.n_peers, x=f"{b.median_pass:g}", y=f"{b.median_assessed:g}",
                  rate=pct(b.median_rate)) if b.n_peers else tr("province_peer_none")
        line += " " + tr("province_peer_this", z=int(b.lao_pass), w=int(b.lao_assessed), rate=pct(b.lao_rate),
                         p=f"{b.percentile:.0f}") if one else ""
        small = " ⚠ " + tr("province_peer_small", min=MIN_PEERS) if b.small else ""
        st.markdown(f"- **{where[b.scope]}**: {line}{small}")
    full = cmp.with_attributes(data.summaries(c.v, c.scope, year=c.year), data.provinces(c.v))
    dom = cmp.domain_benchmark(full, typ, band, c.prov, c.region, members).round(1).reset_index()
    dom = dom.rename(columns={"members": "this"}) if one else dom.drop(columns="members")   # group = province peers
    pv.table(dom.assign(domain=dom["domain"].map(c.dlabel)), f"{c.tag}-peers", tr("province_peer_domains"))


def _compare(c, tr=ui.tr) -> None:
    codes = pv.kept("compare", st.multiselect, tr("province_compare_pick", max=cmp.MAX_COMPARE), sorted(c.names, key=(
        c.names.get)), multi=True, max_selections=cmp.MAX_COMPARE, format_func=lambda x: f"{c.names[x]} ({x})",
        placeholder=tr("province_compare_placeholder"))
    if len(codes) < 2:
        return st.info(tr("province_compare_need"))
    heads = {k: f"{c.names[k]} ({k})" for k in codes}      # LAO names are data, not message keys
    wide = cmp.compare_domains(c.dom, codes)
    text = pv.mark_extremes(wide, codes).assign(spread=wide["spread"].round(1))
    pv.table(text.rename(columns=heads).rename_axis("domain").reset_index().assign(domain=lambda x: x["domain"].map(
        c.dlabel)), f"{c.tag}-compare", tr("province_compare_domains"), tr("province_compare_domains_note"), marks=True)
    ind = cmp.compare_indicators(data.results(c.v, c.scope, year=c.year, province=c.prov), codes)
    ind[codes] = pv.outcome_text(ind[codes], OUTCOME_LABELS[c.lang])
    ind.insert(1, "indicator", ind["indicator_code"].map(c.inames))
    pv.table(ind.assign(differs=ind["differs"].map({True: "≠", False: ""})).rename(columns=heads), f"{c.tag}-compare-ind",
           tr("province_compare_indicators"), f'{tr("province_compare_ind_note")} · {tr("illustrative_note")}',
           marks=True)


def _matrix(c, tr=ui.tr) -> None:
    left, right = st.columns(2)
    dnames = {ALL: tr("province_all_domains"), **{d: c.dlabel(d) for d in cmp.DOMAINS}}
    dom = ui.query_select("domain", list(dnames), tr("domain"), default=ALL, where=left, format_func=dnames.get)
    sorts = {s: tr(f"province_msort_{s}") for s in cmp.MATRIX_SORTS}
    sort = ui.query_select("msort", list(sorts), tr("province_matrix_sort"), where=right, format_func=sorts.get)
    res = data.results(c.v, c.scope, year=c.year, province=c.prov)
    res = res[res["lao_code"].isin(c.table["lao_code"]) & ((res["domain"].astype(str) == dom) | (dom == ALL))]
    m = pv.matrix_view(res, sort)
    m.insert(0, "name", m.index.map(c.names))
    legend = " · ".join(f"{s} {OUTCOME_LABELS[c.lang][o]}" for o, s in pv.SYMBOLS.items())
    pv.table(m.reset_index(), f"{c.tag}-matrix", None, f'{legend} · {tr("province_matrix_blank")}', {
        i: st.column_config.TextColumn(help=c.inames[i]) for i in m.columns if i in c.inames}, height=460)
    p = cmp.indicator_problems(res).round(1)
    p.insert(1, "indicator", p["indicator_code"].map(c.inames))
    pv.table(p, f"{c.tag}-indicators", tr("province_matrix_by_indicator"), tr("illustrative_note"))


def _flags(c, tr=ui.tr) -> None:
    st.caption(tr("province_flags_rules", share=f"{anomalies.PEER_PERFECT_SHARE:.0%}",
                  points=f"{anomalies.JUMP_POINTS:g}", full=f"{anomalies.FULL_SHARE:.0%}",
                  same=f"{anomalies.IDENTICAL_SHARE:.0%}"))
    f = anomalies.for_province(c.nat, c.dom[c.dom["domain"] == "all"], c.prev, data.results(
        c.v, c.scope, year=c.year, province=c.prov), data.catalogue(c.v, c.year).set_index("code")["measure"],
        data.province_answers(c.v, c.scope, c.year, c.prov), c.prov, c.table["lao_code"])
    if f.empty:
        return st.success(tr("province_flags_none"), icon=":material/check:")
    detail = [tr(f"province_flag_{r.kind}_detail", n=f"{r.n_pass:.0f}", share=pct(r.peer_share), full=pct(r.full_share),
                 peers=f"{r.n_peers:.0f}", prev=pct(r.previous), cur=pct(r.pass_rate), change=signed(r.change),
                 same=pct(r.same_share, 0), k=f"{r.n_same:.0f}", codes=r.same_as) for r in f.itertuples()]
    show = pd.DataFrame({"lao_code": f["lao_code"].map(c.link), "name": f["lao_code"].map(c.names),
                         "kind": f["kind"].map(lambda k: tr(f"province_flag_{k}")), "detail": detail})
    pv.table(show, f"{c.tag}-flags", config={"lao_code": LINK})


def render() -> None:
    c = _load(ui.lang())
    if c is None:
        return
    st.title(ui.tr("province_title", name=c.pname, year=year_label(c.year, c.lang)))
    if c.table.empty:
        return st.info(ui.tr("province_no_laos"))
    _headline(c)
    for tab, section in zip(_tabs(), (_laos, _peers, _compare, _matrix, _flags)):
        if tab.open:
            with tab:
                section(c)
