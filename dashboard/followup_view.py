"""After submission, on the submissions page (one section under the page's own, its parts as lazy tabs in
the URL, `after`): the monitors' review (states counted per province or LAO type), the steps after
submission (how many LAOs recorded and evidenced each), the follow-up worklist (per LAO: status, review,
steps and whether the round meets its conditions, filtered by a missing step or by the conditions, with
the conditions list per province for executives), and reminders (monitors for their province,
administrators for any: a dry-run list first, then send).

What a user sees is limited by the store (their scope): the public sees only published rounds' steps and
conditions; review states and reminders are for staff."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from scoring.laotypes import TYPE_CODES, display_name, type_name
from scoring.texts import Bilingual

from . import data, filters, nav, ui
from . import trail_text as tt
from . import trail_view as tv
from .context import View
from .format import display_names, md_escape
from .i18n import t

ALL = filters.ALL


@dataclass(frozen=True)
class Followup:
    """What the section reads from the page: the round, the chosen province and type, and the LAOs shown."""
    view: View
    year: int
    province: str | None            # None: every province in scope
    type_code: str
    laos: pd.DataFrame              # the page's rows: lao_code, names, type, province_code, district_code, status
    province_names: pd.Series
    district_names: pd.Series

    def of_type(self, df: pd.DataFrame) -> pd.DataFrame:
        return df if self.type_code == ALL else df[df["type"] == self.type_code]

    @property
    def tag(self) -> str:
        return f"{self.province or 'all'}-{self.year}"


def render(view: View, df: pd.DataFrame, year: int, province: str, type_code: str, provinces: pd.DataFrame,
           districts: pd.DataFrame) -> None:
    """The section, under the page's worklist. `df`: the page's LAOs (already in scope, type and province)."""
    tr, role = view.tr, view.scope.role
    st.subheader(tr("followup_title"))
    st.caption(tr("followup_help"))
    f = Followup(view, year, None if province == ALL else province, type_code, df,
                 provinces.set_index("province_code")[f"name_{view.lang}"],
                 districts.set_index("district_code")[f"name_{view.lang}"])
    parts = {}
    if role in ("monitor", "executive", "admin"):
        parts["review"] = (tr("followup_tab_review"), review_part)
    parts["steps"] = (tr("followup_tab_steps"), steps_part)
    parts["worklist"] = (tr("followup_tab_worklist"), worklist_part)
    if role in ("monitor", "admin"):
        parts["remind"] = (tr("followup_tab_remind"), remind_part)
    for tab, name in ui.url_tabs("after", {k: label for k, (label, _) in parts.items()}, key="followup_tab"):
        if tab.open:
            with tab:
                parts[name][1](f)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    """Rows per province × type in the usual order (province code, then LAO type as the registry lists them)."""
    order = {c: i for i, c in enumerate(TYPE_CODES)}
    return (df.assign(_o=df["type"].map(order)).sort_values(["province_code", "_o"]).drop(columns="_o")
            .reset_index(drop=True))


def _area(f: Followup, df: pd.DataFrame) -> pd.DataFrame:
    """Province and type names of `df`'s rows (already _sorted), to put in front of its counts."""
    tr, lang = f.view.tr, f.view.lang
    head = pd.DataFrame({tr("submissions_col_province"): df["province_code"].map(f.province_names).to_numpy(),
                         tr("submissions_col_type"): [type_name(t, lang) for t in df["type"]]})
    return head if f.province is None else head.drop(columns=[tr("submissions_col_province")])


# --- the review ------------------------------------------------------------------------------------------------

def review_part(f: Followup) -> None:
    tr, lang, v, scope = f.view.tr, f.view.lang, f.view.v, f.view.scope
    counts = f.of_type(data.review_counts(v, scope, f.year, f.province))
    nav.link("review", tr("followup_open_review"), {"year": str(f.year)} | ({"province": f.province}
             if f.province else {}), icon=":material/rate_review:")
    if counts.empty:
        st.info(tr("followup_review_none"), icon=":material/inbox:")
        return
    states = list(data.REVIEW_STATES)
    wide = _sorted(counts.pivot_table(index=["province_code", "type"], columns="review", values="n", aggfunc="sum",
                                      fill_value=0).reindex(columns=states, fill_value=0).reset_index())
    by_province = wide.groupby("province_code")[states].sum().reset_index()
    for col, state in zip(st.columns(len(states)), states, strict=True):
        col.metric(tt.review_name(state, lang), f"{int(by_province[state].sum()):,}")
    st.caption(tr("followup_review_help"))
    if f.province is None:       # executives: one row per province
        source = by_province
        table = pd.DataFrame({tr("submissions_col_province"): source["province_code"].map(f.province_names)})
    else:
        source = wide
        table = _area(f, wide)
    table[tr("followup_col_submitted")] = source[states].sum(axis=1).to_numpy()
    for state in states:
        table[tt.review_name(state, lang)] = source[state].to_numpy()
    name = f"review-{'provinces' if f.province is None else 'types'}-{f.tag}"
    st.dataframe(table, hide_index=True, width="stretch", key="followup_review_table")
    ui.downloads(table, name, key="followup_review")


# --- the steps after submission --------------------------------------------------------------------------------

def steps_part(f: Followup) -> None:
    tr, lang, v, scope = f.view.tr, f.view.lang, f.view.v, f.view.scope
    counts = f.of_type(data.step_counts(v, scope, f.year, f.province))
    st.caption(tr("followup_steps_help"))
    if counts.empty:
        st.info(tr("followup_none"))
        return
    keys = ["province_code", "type"]

    def per_step(column: str, prefix: str) -> pd.DataFrame:
        return counts.pivot_table(index=keys, columns="step", values=column, aggfunc="sum").add_prefix(prefix)

    wide = _sorted(counts.groupby(keys)["n_laos"].first().to_frame().join(per_step("n_done", "d_"))
                   .join(per_step("n_evidenced", "e_")).reset_index())
    table = _area(f, wide)
    table[tr("followup_col_laos")] = wide["n_laos"].to_numpy()
    for step in data.STEPS:
        name = tt.step_name(step, lang)
        table[tr("followup_col_step_done", step=name)] = wide[f"d_{step}"].to_numpy()
        table[tr("followup_col_step_evidenced", step=name)] = wide[f"e_{step}"].to_numpy()
    st.dataframe(table, hide_index=True, width="stretch", key="followup_steps_table")
    ui.downloads(table, f"steps-{f.tag}", key="followup_steps")


# --- the follow-up worklist ------------------------------------------------------------------------------------

def worklist_part(f: Followup) -> None:
    tr, lang, scope = f.view.tr, f.view.lang, f.view.scope
    st.caption(tr("followup_worklist_help"))
    st.caption(tt.reading(lang))
    rows, table = _worklist(f.view.v, scope, f.year, f.province, f.laos, lang)
    c1, c2 = st.columns(2)
    missing = ui.url_widget("missing", st.selectbox, tr("followup_filter_step"), [ALL, *data.STEPS], default=ALL,
                            sticky=False, where=c1, key="followup_missing",
                            format_func=lambda s: tr("followup_any_step") if s == ALL else tt.step_name(s, lang))
    meets = ui.url_widget("meets", st.selectbox, tr("followup_filter_meets"), [ALL, "yes", "no"], default=ALL,
                          sticky=False, where=c2, key="followup_meets",
                          format_func=lambda m: tr(f"followup_meets_{m}"))
    keep = pd.Series(True, index=rows.index)
    if missing != ALL:
        keep &= ~rows[missing]
    if meets != ALL:
        keep &= rows["meets"] == (meets == "yes")
    table = table[keep.to_numpy()]
    st.markdown(tr("followup_worklist_count", n=f"{len(table):,}"))
    st.dataframe(table, hide_index=True, width="stretch", key="followup_worklist_table")
    ui.downloads(table.assign(**{tr("followup_col_note"): tt.reading(lang)}), f"followup-{f.tag}",
                 key="followup_worklist")
    if scope.role in ("executive", "admin"):
        _conditions_download(f)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _worklist(v: int, scope, year: int, province: str | None, laos: pd.DataFrame,
              lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows, the table as shown) of the follow-up worklist: built once per data version and view (7,850
    LAOs nationally take a few tenths of a second to write out), then only filtered."""
    rows = _worklist_rows(v, scope, year, province, laos)
    return rows, _worklist_table(rows, lang, data.provinces(v).set_index("province_code")[f"name_{lang}"],
                                 data.districts(v).set_index("district_code")[f"name_{lang}"], province is None)


def _worklist_rows(v: int, scope, year: int, province: str | None, laos: pd.DataFrame) -> pd.DataFrame:
    cond = data.round_conditions(v, scope, year, province)
    recorded = data.steps_recorded(v, scope, year, province)
    rows = laos.merge(cond[["lao_code", *data.STEPS, "meets", "missing"]], on="lao_code", how="left")
    for step in data.STEPS:
        rows[step] = rows[step].fillna(False).astype(bool)
        rows[f"{step}_recorded"] = rows["lao_code"].isin(recorded.loc[recorded["step"] == step, "lao_code"])
    rows["meets"] = rows["meets"].fillna(False).astype(bool)
    rows["missing"] = [m if isinstance(m, list) else [] for m in rows["missing"]]
    review = data.review_states(v, scope, year, province) if scope.signed_in else None
    states = {} if review is None else dict(zip(review["lao_code"], review["review"], strict=True))
    return rows.assign(review=rows["lao_code"].map(states))


def _worklist_table(rows: pd.DataFrame, lang: str, province_names: pd.Series, district_names: pd.Series,
                    every_province: bool) -> pd.DataFrame:
    def tr(key: str) -> str:
        return t(key, lang)

    status = {s: tr(f"submissions_status_{s}") for s in rows["status"].unique()}
    review = {s: tt.review_name(s, lang) for s in [*data.REVIEW_STATES, None]}
    table = pd.DataFrame({
        tr("submissions_col_lao_code"): rows["lao_code"].to_numpy(),
        tr("submissions_col_lao"): display_names(rows, lang).to_numpy(),
        tr("submissions_col_type"): rows["type"].map(lambda c: type_name(c, lang, short=True)).to_numpy(),
        tr("submissions_col_district"): rows["district_code"].map(district_names).fillna("–").to_numpy(),
        tr("submissions_col_province"): rows["province_code"].map(province_names).to_numpy(),
        tr("submissions_col_status"): rows["status"].map(status).to_numpy(),
        tr("trail_col_review"): [review.get(s, tt.MISSING) if isinstance(s, str) else tt.MISSING
                                 for s in rows["review"]],
    })
    for step in data.STEPS:
        table[tt.step_name(step, lang)] = np.select([rows[step], rows[f"{step}_recorded"]],
                                                    [tt.EVIDENCED, tt.RECORDED_ONLY], tt.NOT_RECORDED)
    table[tr("followup_col_meets")] = np.where(rows["meets"], tr("followup_meets_mark_yes"),
                                               tr("followup_meets_mark_no"))
    table[tr("followup_col_missing")] = [tt.condition_names(m, lang) or "–" for m in rows["missing"]]
    return table if every_province else table.drop(columns=[tr("submissions_col_province")])


def _conditions_download(f: Followup) -> None:
    """Executives: the list of one province's LAOs and whether each round meets the conditions."""
    tr, lang, v, scope = f.view.tr, f.view.lang, f.view.v, f.view.scope
    box = st.container(border=True)
    box.markdown(f"**{tr('followup_export_title')}**")
    box.caption(tt.reading(lang))
    options = list(f.province_names.index)
    province = box.selectbox(tr("province"), options, key="followup_export_province",
                             index=options.index(f.province) if f.province in options else 0,
                             format_func=lambda c: f.province_names.get(c, c))
    frame = data.conditions_export(v, scope, f.year, province, lang).assign(reading=tt.reading(lang))
    box.caption(tr("followup_export_rows", n=f"{len(frame):,}", meets=f"{int(frame['meets'].sum()):,}"))
    ui.downloads(frame, f"conditions-{province}-{f.year}", where=box, key="followup_export")


# --- reminders ---------------------------------------------------------------------------------------------------

def remind_part(f: Followup) -> None:
    tr, lang, scope = f.view.tr, f.view.lang, f.view.scope
    province = scope.province_code if scope.role == "monitor" else f.province
    st.caption(tr("followup_remind_help"))
    tv.show_flash(f.view, "remind")
    if st.button(tr("followup_remind_preview"), key="followup_remind_preview", icon=":material/preview:"):
        try:
            st.session_state["followup_remind"] = (f.year, province, data.reminders_send(scope, f.year, province,
                                                                                         dry_run=True))
        except (data.TrailError, data.NotAllowed) as exc:
            st.error(md_escape(exc.text(lang)), icon=":material/error:")
            return
    kept = st.session_state.get("followup_remind")
    if not kept or kept[:2] != (f.year, province):
        return
    report = kept[2]
    if not report.configured:
        st.warning(tr("followup_remind_no_server"), icon=":material/unsubscribe:")
    st.info(md_escape(report.summary(lang)), icon=":material/mail:")
    due = data.reminders_due(scope, f.year, province)
    listed = due[due["lao_code"].isin(report.would_send + report.no_address)]
    st.dataframe(_due_table(f, listed), hide_index=True, width="stretch", key="followup_remind_table")
    if not report.would_send or not report.configured:
        return
    sure = st.checkbox(tr("followup_remind_sure", n=f"{len(report.would_send):,}"), key="followup_remind_sure")
    if st.button(tr("followup_remind_send"), type="primary", key="followup_remind_send", disabled=not sure,
                 icon=":material/send:"):
        _send(f, province)


def _send(f: Followup, province: str | None) -> None:
    try:
        report = data.reminders_send(f.view.scope, f.year, province)
    except (data.TrailError, data.NotAllowed) as exc:
        st.error(md_escape(exc.text(f.view.lang)), icon=":material/error:")
        return
    st.session_state.pop("followup_remind", None)
    tv.flash("remind", "error" if report.failed else "ok", Bilingual(report.summary("th"), report.summary("en")))
    st.rerun()


def _due_table(f: Followup, due: pd.DataFrame) -> pd.DataFrame:
    tr, lang = f.view.tr, f.view.lang
    return pd.DataFrame({
        tr("submissions_col_lao_code"): due["lao_code"].to_numpy(),
        tr("submissions_col_lao"): [display_name(n, kind, lang) for n, kind in zip(due["name_th"], due["type"],
                                                                             strict=True)],
        tr("followup_col_reason"): [tt.reason_name(r, lang) for r in due["reason"]],
        tr("contact_email"): [e if isinstance(e, str) else tr("followup_no_email") for e in due["contact_email"]],
        tr("followup_col_last_try"): [tr(f"followup_status_{s}") if isinstance(s, str) else "–"
                                      for s in due["status"]],
    })
