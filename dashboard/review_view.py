"""The monitors' review (pages/review.py): the queue of a province's submitted LAOs with their review state,
and one LAO's newest submission: mark it checked, or return it for correction with comments on any
indicator or the whole; what changed since the revision before; its evidence, steps and comment thread.

Who: the monitors of the LAO's province and administrators act; executives read; the store refuses anyone
else whatever this page shows (store.trail)."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from scoring.laotypes import display_name, type_name

from . import data, filters, nav, ui
from . import trail_text as tt
from . import trail_view as tv
from .context import View
from .format import md_escape
from .i18n import year_label

ALL = filters.ALL
ORDER = {"resubmitted": 0, "waiting": 1, "returned": 2, "checked": 3}


def review_url(lao_code: str, year: int, lang: str = "th") -> str:
    """The relative link to one LAO's review (the one place such links are built)."""
    params = {"lao": lao_code, "year": year} | ({"lang": lang} if lang != "th" else {})
    return f"review?{urlencode(params)}"


def may_review(view: View, province_code: str) -> bool:
    scope = view.scope
    return scope.can_administer or (scope.role == "monitor" and scope.province_code == province_code)


def review_links(view: View, codes: pd.Series, year: int, province_code: str) -> pd.Series | None:
    """Links to the review of each LAO, for those who may read that province's reviews (None otherwise)."""
    scope = view.scope
    if not scope.signed_in or not scope.covers(province_code) or scope.role == "lao":
        return None
    return codes.map(lambda c: review_url(c, year, view.lang))


# --- the queue -----------------------------------------------------------------------------------------------

def queue(view: View, year: int) -> None:
    tr, lang, v, scope = view.tr, view.lang, view.v, view.scope
    provinces = data.provinces(v).set_index("province_code")
    if scope.role == "monitor":
        province = filters.province(view, [scope.province_code])
    else:
        province = filters.province(view, list(provinces.index), allow_all=True)
    type_code = filters.lao_type(view)
    st.caption(tr("review_queue_help"))
    states = data.review_states(v, scope, year, None if province == ALL else province)
    if type_code != ALL:
        states = states[states["type"] == type_code]
    if states.empty:
        st.info(tr("review_queue_empty"), icon=":material/inbox:")
        return
    counts = states["review"].value_counts()
    for col, state in zip(st.columns(len(data.REVIEW_STATES)), data.REVIEW_STATES, strict=True):
        col.metric(tt.review_name(state, lang), f"{int(counts.get(state, 0)):,}")
    pick = ui.url_widget("state", st.selectbox, tr("review_state_filter"), [ALL, *data.REVIEW_STATES], default=ALL,
                         sticky=False, where=st, key="review_state",
                         format_func=lambda s: tr("review_state_all") if s == ALL else tt.review_name(s, lang))
    shown = states if pick == ALL else states[states["review"] == pick]
    shown = shown.assign(_o=shown["review"].map(ORDER)).sort_values(["_o", "submitted_at"]).drop(columns="_o")
    districts = data.districts(v).set_index("district_code")[f"name_{lang}"]
    table = pd.DataFrame({
        tr("review_col_open"): [review_url(c, year, lang) for c in shown["lao_code"]],
        tr("col_code"): shown["lao_code"],
        tr("contact_col_lao"): [display_name(n, t, lang) for n, t in zip(shown["name_th"], shown["type"], strict=True)],
        tr("submissions_col_type"): [type_name(t, lang, short=True) for t in shown["type"]],
        tr("submissions_col_district"): shown["district_code"].map(districts).fillna("–"),
        tr("province"): shown["province_code"].map(provinces[f"name_{lang}"]),
        tr("entry_col_revision"): shown["revision"].astype(int).astype(str),
        tr("trail_col_submitted_at"): [tt.stamp(x, lang) for x in shown["submitted_at"]],
        tr("trail_col_review"): [tt.review_name(s, lang) for s in shown["review"]],
        tr("trail_col_reviewed"): [tt.text_or_dash(b) if pd.isna(a) else f"{b} {tt.stamp(a, lang)}"
                                   for b, a in zip(shown["reviewed_by"], shown["reviewed_at"], strict=True)],
        tr("review_col_comments"): shown["n_comments"].astype(int),
        tr("review_col_revising"): [tr("review_revising_yes") if r else "" for r in shown["revising"]],
    })
    if province != ALL:
        table = table.drop(columns=[tr("province")])
    st.dataframe(table, hide_index=True, width="stretch", key="review_queue",
                 column_config={tr("review_col_open"): st.column_config.LinkColumn(
                     display_text=tr("review_open"))})
    ui.downloads(table.drop(columns=[tr("review_col_open")]), f"review-{year}", key="review_queue")


# --- one LAO ---------------------------------------------------------------------------------------------------

def one(view: View, code: str, year: int) -> None:
    tr, lang, v = view.tr, view.lang, view.v
    laos = data.laos(v).set_index("lao_code")
    if code not in laos.index:
        st.warning(tr("lao_unknown", code=code))
        return
    lao = laos.loc[code]
    st.subheader(md_escape(display_name(lao["name_th"], lao["type"], lang, lao.get("name_en"))))
    provinces = data.provinces(v).set_index("province_code")[f"name_{lang}"]
    st.caption(" · ".join([code, type_name(lao["type"], lang), provinces.get(lao["province_code"], "–"),
                           year_label(year, lang)]))
    nav.link("review", tr("review_back"), {"year": str(year)} | ({"lang": lang} if lang != "th" else {}),
             icon=":material/arrow_back:")
    try:
        revisions = data.review_revisions(view.scope, code, year)
    except data.NotAllowed:
        st.warning(tr("review_not_yours"), icon=":material/lock:")
        return
    except data.TrailError as exc:
        st.warning(md_escape(exc.text(lang)))
        return
    subs = revisions[revisions["state"] == "submitted"]
    if subs.empty:
        st.info(tr("review_not_submitted"), icon=":material/hourglass_empty:")
        return
    names = _names(view, year, lao["type"])
    newest, previous = subs.iloc[0], (subs.iloc[1] if len(subs) > 1 else None)
    state = _state(newest, previous)
    _headline(view, newest, state, revisions)
    tv.show_flash(view, "review")
    rounds = data.rounds(v, view.scope).set_index("year")["state"]
    if may_review(view, lao["province_code"]) and rounds.get(year) != "published":
        actions(view, code, year, newest, names)
    sections = {"figures": tr("review_part_figures"), "comments": tr("review_part_comments"),
                "evidence": tr("review_part_evidence"), "steps": tr("review_part_steps"),
                "revisions": tr("review_part_revisions")}
    for tab, name in ui.url_tabs("part", sections, key="review_part"):
        if tab.open:
            with tab:
                _part(view, name, code, year, newest, previous, revisions, names)


def _names(view: View, year: int, lao_type: str) -> dict[str, str]:
    cat = data.catalogue(view.v, year)
    mine = cat[cat["applies_to"].str.split(";").map(lambda ts: lao_type in ts)]
    return dict(zip(mine["code"], mine[f"name_{view.lang}"].astype(str), strict=True))


def _state(newest, previous) -> str:
    if newest["review_state"] in ("checked", "returned"):
        return newest["review_state"]
    return "resubmitted" if previous is not None and previous["review_state"] == "returned" else "waiting"


def _headline(view: View, newest, state: str, revisions: pd.DataFrame) -> None:
    tr, lang = view.tr, view.lang
    certified = tt.text_or_dash(newest["certified_name"])
    st.markdown(md_escape(tr("review_head", revision=int(newest["revision"]), at=tt.stamp(newest["submitted_at"], lang),
                             name=certified, state=tt.review_name(state, lang))))
    if not pd.isna(newest["reviewed_at"]):
        st.caption(md_escape(tr("review_by", who=tt.text_or_dash(newest["reviewed_by"]),
                                at=tt.stamp(newest["reviewed_at"], lang))))
    top = revisions.iloc[0]
    if top["state"] == "in_progress":
        st.info(tr("review_revising", revision=int(top["revision"])), icon=":material/edit_note:")


def actions(view: View, code: str, year: int, newest, names: dict[str, str]) -> None:
    """Mark the newest submission checked, or return it with comments (at least one). The buttons carry the
    revision on screen, so a revision submitted meanwhile is refused by the store, never reviewed unseen."""
    tr = view.tr
    revision = int(newest["revision"])
    box = st.container(border=True)
    box.markdown(f"**{tr('review_actions', revision=revision)}**")
    if newest["review_state"] is None or pd.isna(newest["review_state"]):
        box.button(tr("review_check"), type="primary", key="review_check", icon=":material/task_alt:",
                   on_click=_check, args=(view.scope, code, year, revision))
    if newest["review_state"] == "returned":
        box.caption(tr("review_returned_wait"))
        return
    with box.expander(tr("review_return_title"), icon=":material/assignment_return:"):
        _return_form(view, code, year, revision, names)


def _check(scope, code: str, year: int, revision: int) -> None:
    try:
        data.review_check(scope, code, year, revision)
    except (data.TrailError, data.NotAllowed) as exc:
        tv.refused("review", exc)
        return
    tv.done("review", "review_checked", revision=revision)


def _return_form(view: View, code: str, year: int, revision: int, names: dict[str, str]) -> None:
    tr = view.tr
    n = st.session_state.setdefault("review_return_n", 0)
    st.caption(tr("review_return_help"))
    st.text_area(tr("review_return_whole"), key=f"review_whole_{n}", max_chars=4000)
    picked = st.multiselect(tr("review_return_pick"), list(names), key=f"review_pick_{n}",
                            format_func=lambda c: f"{c} {names.get(c, '')}")
    for c in picked:
        st.text_area(tr("review_return_on", code=c), key=f"review_on_{c}_{n}", max_chars=4000)
    st.button(tr("review_return"), key="review_return", icon=":material/assignment_return:",
              on_click=_return, args=(view.scope, code, year, revision, n))


def _return(scope, code: str, year: int, revision: int, n: int) -> None:
    state = st.session_state
    comments = [(None, state.get(f"review_whole_{n}", "")),
                *((c, state.get(f"review_on_{c}_{n}", "")) for c in state.get(f"review_pick_{n}", []))]
    try:
        data.review_return(scope, code, year, revision, comments)
    except (data.TrailError, data.NotAllowed) as exc:
        tv.refused("review", exc)
        return
    state["review_return_n"] = n + 1
    tv.done("review", "review_returned", revision=revision)


def _part(view: View, name: str, code: str, year: int, newest, previous, revisions, names) -> None:
    lang, scope = view.lang, view.scope
    if name == "figures":
        _figures(view, code, year, newest, previous, names)
    elif name == "comments":
        comments = data.review_comments(scope, code, year)
        tv.thread(view, comments, names)
        if may_review(view, data.laos(view.v).set_index("lao_code").at[code, "province_code"]):
            tv.comment_box(view, code, year, names, "review_comment", "review",
                           ("review_comment", "review_comment_send", "review_commented"), ":material/add_comment:")
    elif name == "evidence":
        files = data.evidence_list(scope, code, year, include_removed=True)
        tv.evidence_list(view, files[files["removed_at"].isna()], names, key="rv_ev")
        tv.removed_history(view, files, names)
    elif name == "steps":
        tv.steps_table(view, data.trail_steps(scope, code, year), key="rv_st")
        tv.conditions_box(view, data.lao_conditions(view.v, scope, code, year))
    else:
        st.dataframe(tt.revision_rows(revisions, lang), hide_index=True, width="stretch")


def _figures(view: View, code: str, year: int, newest, previous, names) -> None:
    tr, lang = view.tr, view.lang
    new = int(newest["revision"])
    if previous is None:
        st.caption(tr("review_first", revision=new))
        df = data.review_changes(view.scope, code, year, new, new)
        st.dataframe(tt.figure_rows(df, lang, names), hide_index=True, width="stretch",
                     column_config={tr("col_indicator"): st.column_config.TextColumn(width="medium")})
        return
    old = int(previous["revision"])
    df = data.review_changes(view.scope, code, year, old, new)
    n = int(df["changed"].sum())
    st.markdown(tr("review_changes", n=n, old=old, new=new))
    only = st.toggle(tr("review_only_changed"), value=True, key="review_only_changed")
    table = tt.change_rows(df, lang, names, only_changed=only)
    if table.empty:
        st.caption(tr("review_no_changes"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


