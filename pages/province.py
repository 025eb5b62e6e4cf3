"""Province view for provincial monitors: the province's LAOs against each other and their peers. The URL
keeps the whole view (year, province, type, lang, view, q, sort, lao, group, compare, domain, msort)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import geo
from dashboard import data, filters, nav, provisional, review_view, ui
from dashboard import province_view as pv
from dashboard.context import View
from dashboard.format import MARK, display_names, indicator_label, md_escape, pct, signed
from dashboard.i18n import year_label
from scoring import anomalies, compare as cmp
from scoring.catalogue import domains as domain_table
from scoring.peers import MIN_PEERS, SIZE_LABELS
from scoring.laotypes import type_name
from scoring.rules import OUTCOME_LABELS

ALL = filters.ALL
NUM, LINK = st.column_config.NumberColumn, st.column_config.LinkColumn(display_text=r"lao=(\d+)")


@dataclass(frozen=True)
class Province:
    """Everything the province page's sections read, loaded once per run."""
    view: View
    year: int
    partial: bool            # an unpublished round seen in part: nothing beyond the user's own rows
    code: str
    name: str
    region: str
    type_code: str
    nation: pd.DataFrame          # every LAO's overall summary of the round, with attributes
    previous: pd.DataFrame | None  # the province's overall summaries of the round before
    domains: pd.DataFrame         # the province's summaries per domain
    table: pd.DataFrame           # one row per LAO of the province (and type)
    district_names: pd.Series
    domain_names: pd.Series
    indicator_names: dict

    @property
    def tag(self) -> str:
        return f"{self.code}-{self.year}"

    @property
    def names(self) -> dict:
        return dict(zip(self.table["lao_code"], display_names(self.table, self.view.lang)))

    def of_type(self, df: pd.DataFrame) -> pd.DataFrame:
        return df if self.type_code == ALL else df[df["type"] == self.type_code]

    def domain_label(self, d: str) -> str:
        return self.view.tr("province_all_domains_row") if d == "all" else f"{d} {self.domain_names[int(d)]}"

    def link(self, code: str) -> str:
        return nav.scorecard_url(code, self.year, self.view.lang)


def _load(view: View) -> Province | None:
    v, scope, lang = view.v, view.scope, view.lang
    year = filters.round_year(view, explain_hidden=True)      # a link to an unpublished round says so
    if year is None:
        return None
    years = set(data.rounds(v, scope)["year"])
    provs = data.provinces(v).set_index("province_code")
    code = filters.province(view, list(provs.index), default="30")
    partial = provisional.partial(view, year)      # an unpublished round seen in part: own rows only
    if partial and not scope.covers(code):
        provisional.withheld(view, "province")     # never "not submitted" for LAOs this user may not see
        return None
    type_code = filters.lao_type(view)
    t = data.province_tables(v, scope, year, code, type_code, lang, partial, year - 1 in years)
    cat = data.catalogue(v, year)
    return Province(view=view, year=year, partial=partial, code=code, name=provs.at[code, f"name_{lang}"],
                    region=provs.at[code, "region6"], type_code=type_code, nation=t.nation, previous=t.previous,
                    domains=t.domains, table=t.table, district_names=t.district_names,
                    domain_names=domain_table()[f"name_{lang}"],
                    indicator_names={k: indicator_label("", n, p).strip() for k, n, p in zip(
                        cat["code"], cat[f"name_{lang}"], cat["provenance"])})


def _headline(c: Province) -> None:
    tr = c.view.tr
    h = cmp.headline(c.of_type(c.nation), c.code, c.previous)
    m = st.container(horizontal=True, gap="medium")
    nation = filters.scope_label(c.view, c.type_code)            # "ทั้งประเทศ" or "<type> ทั้งประเทศ"
    if c.partial:                  # the region and nation would be this province again: say why they are not here
        m.metric(tr("province_m_province", name=c.name), pct(h["province"]))
        m.metric(tr("province_m_change"), signed(h["change"], unit=" " + tr("province_points")))
        provisional.withheld(c.view, "comparisons")
    else:
        m.metric(tr("province_m_province", name=c.name), pct(h["province"]),
                 tr("province_vs_nation", d=signed(h["province"] - h["nation"]), scope=nation), delta_color="off")
        m.metric(tr("province_m_region", region=tr(f"region_{c.region}")), pct(h["region"]))
        m.metric(tr("province_m_nation", scope=nation), pct(h["nation"]))
        m.metric(tr("province_m_change"), signed(h["change"], unit=" " + tr("province_points")))
    st.caption(tr("province_m_laos", n=h["n_with_results"], total=len(c.table)) + " · " + tr("province_pooled_note"))


def _district_map(c: Province) -> None:
    tr = c.view.tr
    d = cmp.district_rates(c.table).assign(district=lambda x: x["district_code"].map(c.district_names))
    r = d.dropna(subset=["pass_rate"]).sort_values("pass_rate")
    if r.empty:
        st.info(tr("province_map_none"))
        return
    d["hover"] = [tr("province_map_hover", name=n, rate=pct(p), n=int(k), m=int(w))
                  for n, p, k, w in zip(d["district"], d["pass_rate"], d["n_laos"], d["n_with_results"])]
    fig = geo.district_map(d, "pass_rate", province_code=c.code, hover_col="hover", low_coverage_col="low_coverage",
                           zrange=(0, 100), colorbar_title="%", missing_label=tr("province_map_missing"),
                           low_coverage_label=tr("province_map_low"), lang=c.view.lang, height=460)
    summary = tr("province_map_summary", best=r["district"].iloc[-1], best_v=pct(r["pass_rate"].iloc[-1]),
                 worst=r["district"].iloc[0], worst_v=pct(r["pass_rate"].iloc[0]))
    table = d[["district_code", "district", "n_laos", "n_with_results", "pass_rate"]].round(1).rename(columns=pv.head)
    ui.chart_with_table(fig, table, f"province-{c.tag}-districts", summary, config=geo.PLOTLY_CONFIG, key="map")


def _laos(c: Province) -> None:
    tr = c.view.tr
    st.header(tr("province_map_title"))
    _district_map(c)
    st.header(tr("province_table_title"))
    left, right = st.columns([3, 2])
    with left:
        q = ui.url_widget("q", st.text_input, tr("province_search"), sticky=False, key="province_q", where=st)
    sorts = {k: tr("province_sort_" + k.replace("-", "desc_")) for k in cmp.SORTS}
    sort = ui.url_widget("sort", st.selectbox, tr("province_sort"), list(sorts), default="pass_rate", where=right,
                         sticky=False, format_func=sorts.get)
    t, doms = cmp.sort_table(cmp.search(c.table, q or ""), sort), [f"d{d}" for d in cmp.DOMAINS]
    config = {k: NUM(format="%.1f", help=c.domain_label(k[1:])) for k in doms} | {"lao_code": LINK, "pass_rate": NUM(
        format="%.1f"), "change": NUM(format="%+.1f"), "percentile": NUM(format="%.0f")}
    pv.table(pv.table_view(t, c.view.lang, c.link, lambda s: tr(f"province_state_{s}")), f"{c.tag}-laos", None,
           tr("province_n_shown", n=len(t), total=len(c.table)) + " · " + tr("province_table_note", min=MIN_PEERS),
           config, heat=["pass_rate", *doms], height=460)
    _open_scorecard(c)


def _open_scorecard(c: Province) -> None:
    """A scorecard can be opened without a mouse too (a table's link cells cannot be reached by keyboard)."""
    tr, names = c.view.tr, c.names
    code = st.selectbox(tr("province_open_lao"), sorted(names, key=names.get), index=None, key="province_open_lao",
                        format_func=lambda x: f"{names[x]} ({x})", placeholder=tr("choose_option"))
    if code:
        nav.link("lao", tr("province_open_lao_link", name=names[code]), {"lao": code, "year": c.year} | (
            {"lang": c.view.lang} if c.view.lang != "th" else {}), icon=":material/arrow_forward:")


def _peers(c: Province) -> None:
    tr = c.view.tr
    if c.partial:
        provisional.withheld(c.view, "peers")
        return
    st.caption(tr("province_peer_note", min=MIN_PEERS))
    names = c.names
    lao = ui.url_widget("lao", st.selectbox, tr("province_peer_lao"), sorted(names, key=names.get), sticky=False,
                        where=st, key="province_lao", index=None, placeholder=tr("province_peer_whole_group"),
                        format_func=lambda x: f"{names[x]} ({x})")
    one, group = lao in set(c.nation["lao_code"]), None
    if not one:
        groups = {g: tr("province_peer_group_option", type=type_name(g.split(":")[0], c.view.lang), n=n,
                        band=SIZE_LABELS[c.view.lang][g.split(":")[1]]) for g, n in cmp.province_groups(c.table).items()}
        group = ui.url_widget("group", st.selectbox, tr("province_peer_group"), list(groups), sticky=False, where=st,
                              key="province_group", format_func=groups.get, default=next(iter(groups)))
    typ, band, members, bench = cmp.benchmark(c.nation, c.table, c.code, c.region, lao, group)
    where = {"province": tr("province_scope_province", name=c.name), "nation": tr("province_scope_nation"),
             "region": tr("province_scope_region", region=tr(f"region_{c.region}"))}
    for b in bench.itertuples():
        line = tr("province_peer_line", n=b.n_peers, x=f"{b.median_pass:g}", y=f"{b.median_assessed:g}",
                  rate=pct(b.median_rate)) if b.n_peers else tr("province_peer_none")
        line += " " + tr("province_peer_this", z=int(b.lao_pass), w=int(b.lao_assessed), rate=pct(b.lao_rate),
                         p=f"{b.percentile:.0f}") if one else ""
        small = " ⚠ " + tr("province_peer_small", min=MIN_PEERS) if b.small else ""
        st.markdown(f"- **{where[b.scope]}**: {line}{small}")
    full = cmp.with_attributes(data.summaries(c.view.v, c.view.scope, year=c.year), data.provinces(c.view.v))
    dom = cmp.domain_benchmark(full, typ, band, c.code, c.region, members).round(1).reset_index()
    dom = dom.rename(columns={"members": "this"}) if one else dom.drop(columns="members")   # group = province peers
    dom = dom[[k for k in ("domain", "this", "nation", "region", "province") if k in dom]]   # key columns first
    pv.table(dom.assign(domain=dom["domain"].map(c.domain_label)), f"{c.tag}-peers", tr("province_peer_domains"),
             config={"domain": pv.LABEL, **{k: NUM(format="%.1f", width="small") for k in dom if k != "domain"}})


def _compare(c: Province) -> None:
    tr = c.view.tr
    names = c.names
    codes = ui.url_widget("compare", st.multiselect, tr("province_compare_pick", max=cmp.MAX_COMPARE),
                          sorted(names, key=names.get), multi=True, sticky=False, where=st, key="province_compare",
                          max_selections=cmp.MAX_COMPARE, format_func=lambda x: f"{names[x]} ({x})",
                          placeholder=tr("province_compare_placeholder"))
    if len(codes) < 2:
        st.info(tr("province_compare_need"))
        return
    heads = {k: f"{names[k]} ({k})" for k in codes}      # LAO names are data, not message keys
    wide = cmp.compare_domains(c.domains, codes)
    text = pv.mark_extremes(wide, codes).assign(spread=wide["spread"].round(1))
    pv.table(text.rename(columns=heads).rename_axis("domain").reset_index().assign(domain=lambda x: x["domain"].map(
        c.domain_label)), f"{c.tag}-compare", tr("province_compare_domains"), tr("province_compare_domains_note"),
        marks=True)
    ind = cmp.compare_indicators(data.results(c.view.v, c.view.scope, year=c.year, province=c.code), codes)
    ind[codes] = pv.outcome_text(ind[codes], OUTCOME_LABELS[c.view.lang])
    ind.insert(1, "indicator", ind["indicator_code"].map(c.indicator_names))
    pv.table(ind.assign(differs=ind["differs"].map({True: "≠", False: ""})).rename(columns=heads), f"{c.tag}-compare-ind",
           tr("province_compare_indicators"), f'{tr("province_compare_ind_note")} · {tr("illustrative_note")}',
           marks=True)


def _matrix(c: Province) -> None:
    tr = c.view.tr
    left, right = st.columns(2)
    dnames = {ALL: tr("province_all_domains"), **{d: c.domain_label(d) for d in cmp.DOMAINS}}
    dom = ui.url_widget("domain", st.selectbox, tr("domain"), list(dnames), default=ALL, where=left, sticky=False,
                        key="province_domain", format_func=dnames.get)
    sorts = {s: tr(f"province_msort_{s}") for s in cmp.MATRIX_SORTS}
    sort = ui.url_widget("msort", st.selectbox, tr("province_matrix_sort"), list(sorts), where=right, sticky=False,
                         default=cmp.MATRIX_SORTS[0], key="province_msort", format_func=sorts.get)
    res = data.results(c.view.v, c.view.scope, year=c.year, province=c.code)
    res = res[res["lao_code"].isin(c.table["lao_code"]) & ((res["domain"].astype(str) == dom) | (dom == ALL))]
    m = pv.matrix_view(res, sort)
    m.insert(0, "name", m.index.map(c.names))
    m["lao_code"] = m.index            # the code after the outcomes: name and problem counts come first
    legend = " · ".join(f"{s} {OUTCOME_LABELS[c.view.lang][o]}" for o, s in pv.SYMBOLS.items())
    pv.table(m.reset_index(drop=True), f"{c.tag}-matrix", None, f'{legend} · {tr("province_matrix_blank")}', {
        "name": pv.LABEL, **{i: st.column_config.TextColumn(help=c.indicator_names[i], width="small")
                             for i in m.columns if i in c.indicator_names}}, height=460, outcomes=True)
    p = cmp.indicator_problems(res).round(1)
    p.insert(1, "indicator", p["indicator_code"].map(c.indicator_names))
    p["indicator_code"] = [f"{k}\u00a0{MARK}" if str(n).endswith(MARK) else k        # ✳ stays in view when a
                           for k, n in zip(p["indicator_code"], p["indicator"], strict=True)]   # long name is cut
    pv.table(p, f"{c.tag}-indicators", tr("province_matrix_by_indicator"), tr("illustrative_note"),
             {"indicator_code": st.column_config.TextColumn(pinned=True), "indicator": pv.LONG_LABEL})


def _flags(c: Province) -> None:
    tr = c.view.tr
    st.caption(tr("province_flags_rules", share=f"{anomalies.PEER_PERFECT_SHARE:.0%}",
                  points=f"{anomalies.JUMP_POINTS:g}", full=f"{anomalies.FULL_SHARE:.0%}",
                  same=f"{anomalies.IDENTICAL_SHARE:.0%}"))
    v, scope = c.view.v, c.view.scope
    f = anomalies.for_province(c.nation, c.domains[c.domains["domain"] == "all"], c.previous, data.results(
        v, scope, year=c.year, province=c.code), data.catalogue(v, c.year).set_index("code")["measure"],
        data.province_answers(v, scope, c.year, c.code), c.code, c.table["lao_code"])
    if c.partial:                  # "peers rarely reach 100 %" needs the nation's peers
        f = f[f["kind"] != "perfect"]
        provisional.withheld(c.view, "peers")
    if f.empty:
        st.success(tr("province_flags_none"), icon=":material/check:")
        return
    detail = [tr(f"province_flag_{r.kind}_detail", n=f"{r.n_pass:.0f}", share=pct(r.peer_share), full=pct(r.full_share),
                 peers=f"{r.n_peers:.0f}", prev=pct(r.previous), cur=pct(r.pass_rate), change=signed(r.change),
                 same=pct(r.same_share, 0), k=f"{r.n_same:.0f}", codes=r.same_as) for r in f.itertuples()]
    names = c.names
    show = pd.DataFrame({"name": f["lao_code"].map(names), "kind": f["kind"].map(lambda k: tr(f"province_flag_{k}")),
                         "lao_code": f["lao_code"].map(c.link), "detail": detail})
    config = {"name": pv.LABEL, "lao_code": LINK}
    reviews = review_view.review_links(c.view, f["lao_code"], c.year, c.code)   # staff who may read the reviews
    if reviews is not None:
        show["review"] = reviews.to_numpy()
        config["review"] = st.column_config.LinkColumn(display_text=tr("province_flag_review"))
    pv.table(show, f"{c.tag}-flags", config=config)
    lines = zip(show["name"], show["kind"], detail, strict=True)
    st.markdown("\n".join(f"- **{md_escape(n)}** ({md_escape(k)}): {md_escape(d)}" for n, k, d in lines))


def render(view: View) -> None:
    c = _load(view)
    if c is None:
        return
    st.title(view.tr("province_title", name=c.name, year=year_label(c.year, view.lang)))
    if c.table.empty:
        st.info(view.tr("province_no_laos"))
        return
    _headline(c)
    sections = {"laos": _laos, "peers": _peers, "compare": _compare, "matrix": _matrix, "flags": _flags}
    for tab, name in ui.url_tabs("view", {k: view.tr(f"province_tab_{k}") for k in sections}, key="province_view"):
        if tab.open:
            with tab:
                sections[name](c)
