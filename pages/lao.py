"""One LAO's scorecard: find it, its results for a round against its peers, what to fix first, the
trend across rounds, and downloads (Excel, council report PDF). URL: lao?lao=CODE&year=Y[&lang=en].

Thin by design: figures come from scoring.scorecard (via data.lao_scorecard), wording and display
tables from dashboard.scorecard_text and dashboard.scorecard_tables, which the PDF (dashboard.report)
shares.
"""
from __future__ import annotations

import re

import streamlit as st

from dashboard import charts, data, filters, provisional, trail_view, ui
from dashboard import scorecard_tables as tables
from dashboard import scorecard_text as text
from dashboard.context import View
from dashboard.format import md_escape, pct, points
from dashboard.i18n import date_label, year_label
from scoring.peers import MIN_PEERS
from scoring.search import search

CODE = re.compile(r"^\d{7}$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def choose(code: str) -> None:
    ui.remember("lao", code)
    st.session_state["lao_q"] = ""


def search_box(view: View) -> None:
    """Typo-tolerant search; each match is a button that opens that LAO (kept in the URL)."""
    tr, v, lang = view.tr, view.v, view.lang
    query = st.text_input(tr("lao_search"), key="lao_q", placeholder=tr("lao_search_placeholder"),
                          help=tr("lao_search_help"))
    if not query.strip():
        return
    hits = search(data.lao_search_index(v), query, limit=8)
    if hits.empty:
        st.caption(tr("lao_search_none", q=query.strip()))
        return
    st.caption(tr("lao_search_results"))
    for code, label in text.match_labels(hits["lao_code"], data.laos(v), data.districts(v), data.provinces(v), lang):
        st.button(label, key=f"lao_hit_{code}", on_click=choose, args=(code,))


def header(view: View, card) -> None:
    tr, lang = view.tr, view.lang
    st.title(md_escape(text.lao_name(card, lang)))
    parts = text.identity_parts(card, lang) + [year_label(card.year, lang)]
    if card.submitted_at is not None:
        parts.append(tr("lao_submitted_on", date=date_label(card.submitted_at, lang)))
    st.caption(" · ".join(parts))
    if card.round_state != "published":
        st.info(tr("lao_round_state_open"), icon=":material/visibility_lock:")


def metrics(view: View, card) -> None:
    tr, lang, o = view.tr, view.lang, card.overall
    c = st.columns(4)
    c[0].metric(tr("lao_metric_rate"), pct(o.pass_rate), help=tr("lao_metric_rate_help"))
    c[0].caption(tr("lao_metric_rate_delta", n_pass=o.n_pass, n_judged=o.n_judged))
    rank = f"{o.percentile:.0f}" if o.ranked else "–"
    c[1].metric(tr("lao_metric_percentile"), rank, help=tr("lao_metric_percentile_help"))
    c[1].caption(f"{text.peer_group_label(card, lang)} ({o.n_peers:,})" if o.ranked else
                 tr("withheld_peers") if provisional.partial(view, card.year) else tr("lao_no_peers"))
    c[2].metric(tr("lao_metric_change"), points(o.change, lang), help=tr("lao_metric_change_help"))
    c[2].caption(year_label(card.prev_year, lang) if card.prev_year else "–")
    c[3].metric(tr("lao_metric_todo"), f"{len(card.fix_first):,}", help=tr("lao_metric_todo_help"))
    if o.small_group and o.ranked:
        st.caption(tr("lao_small_group", n=MIN_PEERS))
    st.markdown("\n".join(f"- {md_escape(line)}" for line in text.summary_lines(card, lang)))


def downloads(view: View, card) -> None:
    tr, lang, v, scope = view.tr, view.lang, view.v, view.scope
    code, year = card.lao["lao_code"], card.year
    stem = text.file_stem(card)
    st.header(tr("lao_downloads"))
    c = st.columns(3)
    c[0].download_button(tr("lao_download_pdf"), lambda: data.lao_report_pdf(v, scope, code, year, "th"),
                         f"{stem}-th.pdf", "application/pdf", key="lao_pdf_th", icon=":material/picture_as_pdf:",
                         type="primary")
    c[1].download_button(tr("lao_download_pdf_en"), lambda: data.lao_report_pdf(v, scope, code, year, "en"),
                         f"{stem}-en.pdf", "application/pdf", key="lao_pdf_en", icon=":material/translate:")
    c[2].download_button(tr("lao_download_xlsx"), lambda: data.lao_scorecard_xlsx(v, scope, code, year, lang),
                         f"{stem}.xlsx", XLSX, key="lao_xlsx", icon=":material/table:")
    note, url = text.online_note(card, lang)
    st.caption(note)
    if url:
        st.code(url, language=None)


def domains_section(view: View, card) -> None:
    tr, lang, d = view.tr, view.lang, card.domains.dropna(subset=["vs_peers"])
    summary = tr("lao_domains_summary", above=int((d["vs_peers"] > 0).sum()),
                 below=int((d["vs_peers"] < 0).sum())) if len(d) else \
        tr("withheld_peers") if provisional.partial(view, card.year) else tr("lao_no_peers")
    ui.chart_with_table(charts.scorecard_domains(card, lang), tables.domain_rows(card, lang),
                        f"{text.file_stem(card)}-domains",
                        summary=summary, key="lao_domains")


def fix_section(view: View, card) -> None:
    tr, lang = view.tr, view.lang
    st.caption(tr("lao_fix_how"))
    table = tables.fix_rows(card, lang)
    if table.empty:
        st.success(tr("lao_sum_all_pass"), icon=":material/task_alt:")
        return
    st.table(table, hide_index=True)
    ui.downloads(table, f"{text.file_stem(card)}-fix-first", key="lao_fix")


def table_section(view: View, card) -> None:
    tr, lang = view.tr, view.lang
    st.caption(tr("illustrative_note"))
    rows = tables.indicator_rows(card, lang)
    names = {int(r.domain): f"{tr('domain')} {r.domain} {getattr(r, f'name_{lang}')}"
             for r in card.domains.itertuples()}
    for dom, part in rows.groupby("domain", sort=True):
        st.markdown(f"**{md_escape(names.get(dom, dom))}**")
        st.table(tables.tinted(part.drop(columns="domain"), lang, [tr("outcome_col")]))
    ui.downloads(rows.drop(columns="domain"), f"{text.file_stem(card)}-indicators", key="lao_table")


def trend_section(view: View, card) -> None:
    tr, lang = view.tr, view.lang
    overall = card.trend[(card.trend["domain"] == "all") & card.trend["submitted"]]
    summary = tr("lao_trend_summary", values=", ".join(f"{y}: {pct(p)}" for y, p in
                                                       zip(overall["year"], overall["pass_rate"])))
    ui.chart_with_table(charts.scorecard_trend(card, lang), tables.trend_rows(card, lang),
                        f"{text.file_stem(card)}-trend",
                        summary=summary, key="lao_trend")
    provisional.star_note(view, bool(card.provisional_years))
    prev = year_label(card.prev_year, lang) if card.prev_year else "–"
    st.markdown(f"**{md_escape(tr('lao_changes_title', prev=prev))}**")
    changes = tables.change_rows(card, lang)
    if changes.empty:
        st.caption(tr("lao_changes_none"))
    else:
        st.table(changes, hide_index=True)
    with st.expander(tr("lao_history_title")):
        history = tables.history_rows(card, lang)
        ui.dataframe(tables.tinted(history, lang, [str(y) for y in card.years]))
        ui.downloads(history, f"{text.file_stem(card)}-history", key="lao_history")


def render(view: View) -> None:
    lang, tr, v, scope = view.lang, view.tr, view.v, view.scope
    raw = ui.url_value("lao")
    code = str(raw) if raw and CODE.match(str(raw)) else None
    if code is None:
        st.title(tr("lao_title"))
    year = filters.round_year(view, explain_hidden=True)
    search_box(view)
    card = data.lao_scorecard(v, scope, code, year) if code and year else None
    if raw and card is None and year:
        st.warning(tr("lao_unknown", code=md_escape(raw)))
    if card is None:
        if not raw:
            st.info(tr("lao_start"), icon=":material/search:")
        return
    ui.remember("lao", code)
    header(view, card)
    if not card.has_results:
        st.info(text.summary_lines(card, lang)[0], icon=":material/hourglass_empty:")
        done = sorted(card.trend.loc[card.trend["submitted"], "year"].unique())
        if done:
            st.caption(tr("lao_no_results_other", years=", ".join(str(y) for y in done)))
        return
    metrics(view, card)
    downloads(view, card)
    trail_view.scorecard_section(view, card)
    domains_section(view, card)
    sections = {"fix": fix_section, "table": table_section, "trend": trend_section}
    for tab, name in ui.url_tabs("tab", {k: tr(f"lao_tab_{k}") for k in sections}, key="lao_tab"):
        if tab.open:
            with tab:
                sections[name](view, card)

