"""Methodology: how outcomes and summaries are worked out, and the catalogue of every year."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, filters, opendata_view, ui
from dashboard.context import View
from dashboard.format import indicator_label
from dashboard.i18n import date_label, year_label
from scoring.catalogue import domains, parse_targets
from scoring.laotypes import type_name
from scoring.peers import MIN_PEERS, SIZE_LABELS
from scoring.rules import OUTCOME_LABELS, OUTCOMES, RULES


def catalogue_table(cat: pd.DataFrame, view: View) -> pd.DataFrame:
    tr, lang = view.tr, view.lang
    return pd.DataFrame({
        tr("col_code"): cat["code"],
        tr("col_domain"): cat["domain"],
        tr("col_indicator"): [indicator_label("", n, p).strip() for n, p in
                              zip(cat[f"name_{lang}"], cat["provenance"])],
        tr("col_measure"): cat["measure"].map(lambda m: tr(f"measure_{m}")),
        tr("col_target"): [target_text(t, ts, lang) for t, ts in zip(cat["target"], cat["targets"])],
        tr("col_applies"): cat["applies_to"].map(
            lambda a: ", ".join(type_name(x, lang, short=True) for x in a.split(";"))),
        tr("col_frame"): cat[f"frame_{lang}"],
        tr("col_delivered"): cat[f"delivered_{lang}"],
        tr("col_provenance"): cat["provenance"].map({"verified": tr("verified"), "illustrative": tr("illustrative")}),
        # the catalogue's provenance notes are written in English only: a Thai page says verified/illustrative
        **({tr("col_source"): cat["source"]} if lang == "en" else {}),
    })


def target_text(target: float, targets, lang: str) -> str:
    """'85 (ทต. 75)': the indicator's target and the types with a target of their own."""
    own = parse_targets(targets)[0]
    extra = ", ".join(f"{type_name(t, lang, short=True)} {v:g}" for t, v in own.items())
    return f"{target:g}" + (f" ({extra})" if extra else "")


def changes(cat: pd.DataFrame, year: int, lang: str) -> dict[str, list[str]]:
    this, prev = cat[cat["year"] == year].set_index("code"), cat[cat["year"] == year - 1].set_index("code")
    if prev.empty:
        return {}

    def target(frame, code):
        return target_text(frame.at[code, "target"], frame["targets"].get(code) if "targets" in frame else None, lang)
    both = this.index.intersection(prev.index)
    moved = [c for c in both if target(this, c) != target(prev, c)]
    return {"meth_added": sorted(set(this.index) - set(prev.index)),
            "meth_retired": sorted(set(prev.index) - set(this.index)),
            "meth_target_changed": [f"{c}: {target(prev, c)} → {target(this, c)}" for c in moved]}


def render(view: View) -> None:
    lang, tr, v = view.lang, view.tr, view.v
    st.title(tr("meth_title"))
    st.write(tr("meth_intro"))

    st.header(tr("meth_rules"))
    for r in RULES.values():
        tag = tr("meth_official_rule") if r.official else tr("meth_own_rule")
        st.markdown(f"**{tr('measure_' + r.measure)}** ({tag})")
        st.write(r.describe(lang))
    ui.dataframe(pd.DataFrame({tr("outcome_col"): [OUTCOME_LABELS[lang][o] for o in OUTCOMES]}), width="content")

    st.header(tr("meth_rollup"))
    st.write(tr("meth_rollup_text"))
    st.header(tr("meth_peers"))
    st.write(tr("meth_peers_text", min_peers=MIN_PEERS))
    ui.dataframe(pd.DataFrame({tr("meth_size_bands"): list(SIZE_LABELS[lang].values())}), width="content")

    st.header(tr("meth_catalogue"))
    cat = data.catalogue(v)
    year = filters.round_year(view, "newest", where=st, catalogues=True)
    if year is None:
        return
    dnames = domains()[f"name_{lang}"]
    this = cat[cat["year"] == year]
    st.caption(tr("illustrative_note"))
    table = catalogue_table(this, view)
    for d, part in table.groupby(tr("col_domain"), sort=True):
        st.markdown(f"**{tr('domain')} {d}: {dnames.get(d, '')}** ({len(part)})")
        ui.dataframe(part.drop(columns=[tr("col_domain")]))
    ui.downloads(table, f"catalogue-{year}", key="catalogue")
    diff = changes(cat, year, lang)
    if diff:
        st.markdown(f"**{tr('meth_changes')}**")
        lines = [f"- {tr(k)}: {', '.join(v)}" for k, v in diff.items() if v]
        st.markdown("\n".join(lines) if lines else tr("meth_no_changes"))
    _corrections(view)
    st.header(tr("meth_sources"))
    st.write(tr("meth_sources_text"))
    opendata_view.section()


def _corrections(view: View) -> None:
    """Published results changed afterwards by an administrator, with the reason given (plain text:
    the reasons and file names are data, never markdown)."""
    tr, lang = view.tr, view.lang
    st.subheader(tr("meth_corrections"))
    done = data.corrections(view.v)
    if done.empty:
        st.text(tr("meth_no_corrections"))
        return
    st.text(tr("meth_corrections_text"))
    st.dataframe(pd.DataFrame({
        tr("year"): done["year"].astype(int).map(lambda y: year_label(y, lang)),
        tr("meth_correction_at"): done["at"].map(lambda d: date_label(d, lang)),
        tr("meth_correction_reason"): done["reason"].astype(str),
        tr("meth_correction_file"): done["file_name"].fillna("").astype(str),
    }), hide_index=True, width="stretch")
