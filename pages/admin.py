"""Administration: upload submissions or the LAO registry (check, then commit or discard), manage
rounds, import an official catalogue, export, and see every change. Administrators only: the menu
hides this page from others, render() refuses them, and store.manage refuses them again."""
from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import admin_accounts, contacts_view, data, ui
from dashboard.context import View
from dashboard.format import MISSING, is_missing
from dashboard.i18n import date_label, messages, placeholders, t, year_label

KINDS = ("submissions", "registry")
EXPORTS = ("laos", "catalogue", "results", "summary")
NEXT = {"open": ("closed",), "closed": ("open", "published"), "published": ()}
LOG_PATTERN = {f"round-{s}": "round-state" for s in NEXT}      # actions that share one detail pattern


def _day(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _report(view: View, check) -> None:
    """Every problem by row and column, in the user's language; never rendered as markdown/HTML."""
    tr, lang = view.tr, view.lang
    table = check.table(lang).rename(columns={"row": tr("admin_col_row"), "column": tr("admin_col_column"),
                                              "message": tr("admin_col_message"), "kind": tr("admin_col_kind")})
    table[tr("admin_col_kind")] = table[tr("admin_col_kind")].map({"problem": tr("admin_problem"),
                                                                   "warning": tr("admin_warning")})
    if check.ok:
        st.success(tr("admin_file_ok", rows=check.rows), icon=":material/check_circle:")
        st.text(check.summary(lang))
    else:
        st.error(tr("admin_file_bad", n=len(check.problems)), icon=":material/error:")
    if len(table):
        ui.dataframe(table)
        ui.downloads(table, f"check-{check.file_name}", key=f"check_{check.kind}")


def _intake(view: View, kind: str, check_op: str, commit_op: str, *args) -> None:
    """Upload, check (dry run), then commit or discard. The check is kept per file content."""
    tr, scope, n = view.tr, view.scope, st.session_state.setdefault(f"admin_n_{kind}", 0)
    upload = st.file_uploader(tr("admin_file"), type=["csv", "xlsx"], key=f"admin_file_{kind}_{n}",
                              help=tr(f"admin_file_help_{kind}"))
    if upload is None:
        return
    content = upload.getvalue()
    reason = st.session_state.get(f"admin_reason_{kind}_{n}", "").strip() or None   # typed below, then rerun
    digest = hashlib.sha256(content + repr((kind, args, reason)).encode()).hexdigest()
    kept = st.session_state.get(f"admin_check_{kind}")
    if kept is None or kept[0] != digest:
        with st.spinner(tr("admin_checking")):
            kept = (digest, data.admin(check_op, scope, *args, content, upload.name, correction=reason))
        st.session_state[f"admin_check_{kind}"] = kept
    check = kept[1]
    if check.facts.get("published"):          # a published round changes only with a reason, logged
        st.text_area(tr("admin_correction_reason"), key=f"admin_reason_{kind}_{n}", max_chars=500,
                     help=tr("admin_correction_help", years=", ".join(map(str, check.facts["published"]))))
    _report(view, check)
    c1, c2 = st.columns(2)
    if check.ok and c1.button(tr("admin_commit"), type="primary", key=f"admin_commit_{kind}",
                              icon=":material/save:"):
        with st.spinner(tr("admin_saving")):
            done = data.admin(commit_op, scope, *args, content, upload.name, correction=reason)
        st.session_state["admin_flash"] = done
        _reset(kind)
    if c2.button(tr("admin_discard"), key=f"admin_discard_{kind}", icon=":material/delete:"):
        _reset(kind)


def _reset(kind: str) -> None:
    st.session_state.pop(f"admin_check_{kind}", None)
    st.session_state[f"admin_n_{kind}"] += 1          # a new uploader key empties the widget
    st.rerun()


def _flash(view: View) -> None:
    done = st.session_state.pop("admin_flash", None)
    if done is None:
        return
    if done.committed:
        st.success(view.tr("admin_committed", rows=done.rows), icon=":material/task_alt:")
        st.text(done.summary(view.lang))
    else:                                                # the data changed between check and commit
        _report(view, done)


def _rounds(view: View) -> None:
    tr, lang, scope, v = view.tr, view.lang, view.scope, view.v
    rounds = data.round_overview(v, scope)
    ui.dataframe(pd.DataFrame({
        tr("year"): rounds["year"].astype(str), tr("admin_col_state"): rounds["state"].map(
            lambda s: tr(f"submissions_state_{s}")),
        tr("admin_col_window"): [f"{date_label(_day(a), lang)} – {date_label(_day(b), lang)}"
                                 for a, b in zip(rounds["window_open"], rounds["window_close"])],
        tr("admin_col_indicators"): rounds["n_indicators"], tr("admin_col_submitted"): rounds["n_submitted"],
        tr("admin_col_in_progress"): rounds["n_in_progress"]}), hide_index=True, width="stretch")
    by_year = rounds.set_index("year")
    movable = [int(y) for y in rounds["year"] if NEXT[by_year.at[y, "state"]]][::-1]
    c1, c2 = st.columns(2)
    box = c1.container(border=True)
    box.markdown(f"**{tr('admin_change_state')}**")
    if movable:
        year = box.selectbox(tr("year"), movable, format_func=lambda y: year_label(y, lang), key="admin_state_year",
                             placeholder=tr("choose_option"))
        state = by_year.at[year, "state"]
        target = box.radio(tr("admin_new_state"), NEXT[state], key=f"admin_state_to_{year}_{state}",
                           format_func=lambda s: tr(f"admin_to_{s}"))
        # One confirmation per step, naming the round and what will happen; its key is the step's own, so a
        # tick never carries over to the next step (close, then publish) of the same round.
        sure_key = f"admin_sure_{year}_{state}_{target}"
        sure = box.checkbox(tr("admin_confirm_step", action=tr(f"admin_to_{target}"), year=year_label(year, lang)),
                            key=sure_key)
        if box.button(tr("admin_apply"), icon=":material/published_with_changes:", key="admin_state_apply"):
            _round_op(view, sure, "set_round_state", scope, year, target, confirm_key=sure_key)
    box = c2.container(border=True)
    box.markdown(f"**{tr('admin_window')}**")
    if rounds.empty:
        box.info(tr("admin_no_rounds"), icon=":material/event:")
    else:
        _window_box(view, box, rounds, by_year)
    _new_round(view, rounds)


def _window_box(view: View, box, rounds, by_year) -> None:
    tr, lang, scope = view.tr, view.lang, view.scope
    wyear = box.selectbox(tr("year"), rounds["year"].astype(int).tolist()[::-1], key="admin_window_year",
                          format_func=lambda y: year_label(y, lang), placeholder=tr("choose_option"))
    start = box.date_input(tr("admin_window_open"), _day(by_year.at[wyear, "window_open"]) or date.today(),
                           key=f"admin_wopen_{wyear}")
    end = box.date_input(tr("admin_window_close"), _day(by_year.at[wyear, "window_close"]) or date.today(),
                         key=f"admin_wclose_{wyear}")
    if box.button(tr("admin_save_window"), icon=":material/event:", key="admin_window_save"):
        _round_op(view, True, "set_window", scope, wyear, start, end)


def _new_round(view: View, rounds) -> None:
    tr, scope = view.tr, view.scope
    with st.form("admin_new_round"):
        st.markdown(f"**{tr('admin_new_round')}**")
        c1, c2, c3 = st.columns(3)
        nyear = c1.number_input(tr("year"), 2500, 2700, int(rounds["year"].max()) + 1 if len(rounds) else 2570)
        start = c2.date_input(tr("admin_window_open"), date.today())
        end = c3.date_input(tr("admin_window_close"), date.today() + timedelta(days=60))
        st.caption(tr("admin_new_round_help"))
        if st.form_submit_button(tr("admin_open_round"), icon=":material/add_circle:"):
            _round_op(view, True, "open_round", scope, int(nyear), start, end)


def _round_op(view: View, sure: bool, op: str, scope, *args, confirm_key: str | None = None) -> None:
    if not sure:
        st.warning(view.tr("admin_confirm_first"))
        return
    if confirm_key:
        st.session_state.pop(confirm_key, None)       # used once: the next step asks again
    try:
        data.admin(op, scope, *args)
    except data.RoundError as exc:
        st.error(exc.text(view.lang), icon=":material/block:")
        return
    st.session_state["admin_round_done"] = True
    st.rerun()


def _catalogue(view: View) -> None:
    tr, lang, scope, v = view.tr, view.lang, view.scope, view.v
    rounds = data.round_overview(v, scope)
    years = rounds.loc[rounds["state"] != "published", "year"].astype(int).tolist()[::-1]
    if not years:
        st.info(tr("admin_no_unpublished"))
        return
    year = st.selectbox(tr("year"), years, format_func=lambda y: year_label(y, lang), key="admin_cat_year",
                        placeholder=tr("choose_option"))
    _intake(view, "catalogue", "check_catalogue", "commit_catalogue", year)


def _exports(view: View) -> None:
    tr, lang, scope, v = view.tr, view.lang, view.scope, view.v
    what = st.selectbox(tr("admin_export_what"), EXPORTS, format_func=lambda w: tr(f"admin_export_{w}"),
                        placeholder=tr("choose_option"))
    years = data.round_overview(v, scope)["year"].astype(int).tolist()[::-1]
    year = st.selectbox(tr("year"), years, format_func=lambda y: year_label(y, lang), key="admin_export_year",
                        disabled=what == "laos", placeholder=tr("choose_option"))
    if st.button(tr("admin_export_prepare"), icon=":material/file_export:"):
        st.session_state["admin_export"] = (what, year, data.admin("export_frame", scope, what,
                                                                   None if what == "laos" else year))
    kept = st.session_state.get("admin_export")
    if kept and kept[:2] == (what, year):
        st.caption(tr("admin_export_rows", n=len(kept[2])))
        ui.downloads(kept[2], f"{what}-{year}" if what != "laos" else what, key="admin_export")


def render(view: View) -> None:
    tr, scope = view.tr, view.scope
    st.title(tr("admin_title"))
    if not scope.can_administer:
        st.warning(tr("admin_denied"), icon=":material/lock:")
        return
    _flash(view)
    if st.session_state.pop("admin_round_done", False):
        st.success(tr("admin_round_saved"), icon=":material/task_alt:")
    sections = {"upload": _upload, "rounds": _rounds, "catalogue": _catalogue, "exports": _exports,
                "accounts": admin_accounts.section,
                "contacts": contacts_view.admin_section, "log": _log}
    # The open tab lives in the URL (tab=...), so a rerun after a change of round stays where the administrator was
    for tab, name in ui.url_tabs("tab", {k: tr(f"admin_tab_{k}") for k in sections}, key="admin_tab"):
        if tab.open:
            with tab:
                sections[name](view)


def _upload(view: View) -> None:
    tr = view.tr
    kind = st.radio(tr("admin_kind"), KINDS, format_func=lambda k: tr(f"admin_kind_{k}"), horizontal=True)
    _intake(view, kind, "check_file", "commit_file", kind)


def _log(view: View) -> None:
    st.caption(view.tr("admin_log_help"))
    ui.dataframe(log_table(data.change_log(view.v, view.scope), view.lang))


def log_table(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The change log as shown: B.E. dates and times, actions and their details in the page's language (the
    store writes each detail in English from a fixed pattern, `admin_log_detail_<action>`'s `en`; a detail
    of no known pattern is shown as written)."""
    return pd.DataFrame({
        t("admin_log_at", lang): [MISSING if is_missing(a) else f"{date_label(a, lang)} {pd.Timestamp(a):%H:%M}"
                                  for a in log["at"]],
        t("admin_log_who", lang): log["who"],
        t("admin_log_action", lang): [t(f"admin_log_action_{a.replace('-', '_')}", lang)
                                      if f"admin_log_action_{a.replace('-', '_')}" in messages() else a
                                      for a in log["action"]],
        t("admin_log_detail", lang): [log_detail(a, d, lang)
                                      for a, d in zip(log["action"], log["detail"], strict=True)],
        t("admin_log_file_name", lang): log["file_name"],
        t("admin_log_n_rows", lang): log["n_rows"],
    })


def log_detail(action: str, detail, lang: str) -> str:
    if is_missing(detail) or not detail:
        return MISSING
    name = LOG_PATTERN.get(action, action).replace("-", "_")
    if f"admin_log_detail_{name}" not in messages():
        return str(detail)
    template = t(f"admin_log_detail_{name}", "en")
    pattern = re.escape(template)
    for part in placeholders(template):
        pattern = pattern.replace(re.escape("{" + part + "}"), f"(?P<{part}>.+?)")
    found = re.fullmatch(pattern, str(detail))
    if not found:
        return str(detail)
    return t(f"admin_log_detail_{name}", lang, **{k: _log_value(k, v, lang) for k, v in found.groupdict().items()})


def _log_value(name: str, value: str, lang: str) -> str:
    if name in ("old", "state") and f"submissions_state_{value}" in messages():
        return t(f"submissions_state_{value}", lang)
    if name.endswith(("open", "close")):
        return date_label(value, lang)
    return value
