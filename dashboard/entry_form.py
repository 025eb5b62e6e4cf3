"""The entry form itself (pages/entry.py shows it): one domain's figures with the outcome each would get, the
save (a fragment of its own), the submit with the executive's certificate, the submitted figures with reopen,
and the offline workbook. Words and tables: dashboard/entry_text.py; this tab's copy: entry_state.py."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard import entry_state as es
from dashboard import entry_text as et
from dashboard import entry_trail as trail_ui
from dashboard.context import View
from dashboard.data import Conflict, EntryError
from dashboard.format import md_escape
from dashboard.i18n import date_label, t
from scoring import entry as checks
from scoring.catalogue import domains as domain_table
from scoring.errors import ValidationError
from scoring.texts import Bilingual

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _flash(view: View, held: dict) -> None:
    flash = held.get("flash")
    if not flash:
        return
    kind, message, problems = flash
    {"ok": st.success, "error": st.error, "conflict": st.error}[kind](message.text(view.lang))
    for p in problems:
        st.text(p.text(view.lang))
    if kind == "conflict" and st.button(view.tr("entry_load_latest"), key="entry_reload", icon=":material/refresh:"):
        held.update(flash=None, reload=True)
        st.rerun()          # the whole page: the form is read again from the database


def _save(view: View, form, held: dict, domain: int) -> None:
    codes = [c for c in form.indicators.index if int(form.indicators.at[c, "domain"]) == domain]
    try:
        event = data.entry_save(view.scope, form, domain, es.figures(held, codes), es.mark(held, domain))
        es.saved(held, domain, event)
        held["flash"] = ("ok", _bi("entry_saved", domain=domain), [])
    except EntryError as exc:
        _refused(held, exc)


def _bi(key: str, **fmt) -> Bilingual:
    """A message for this tab's flash, kept in both languages (the language may switch before it shows)."""
    return Bilingual(t(key, "th", **fmt), t(key, "en", **fmt))


def _refused(held: dict, exc: EntryError) -> None:
    held["flash"] = ("conflict" if isinstance(exc, Conflict) else "error", exc.message, exc.problems)


def indicator(view: View, form, held: dict, code: str, row, editable: bool, trail=None) -> None:
    tr, lang = view.tr, view.lang
    ind = form.indicators.loc[code]
    box = st.container(border=True)
    box.markdown(f"**{code}** {md_escape(ind[f'name_{lang}'])}" + ("" if ind["provenance"] == "verified" else " ✳"))
    box.caption(et.target(ind, lang) + " · " + et.last_round(form, code, lang))
    if trail is not None:
        trail_ui.beside(view, box, trail, code)
    left, right = box.columns(2)
    for col, field, part in ((left, "f", "frame"), (right, "d", "delivered")):
        label = f"{code} ({1 if part == 'frame' else 2}) {ind[f'{part}_{lang}']}"
        col.text_input(label, key=es.bind(form, held, code, field), disabled=not editable, max_chars=30,
                       on_change=es.remember, args=(form, held, code, field),
                       placeholder=tr(f"entry_placeholder_{part}"))
        help_text = ind.get(f"{part}_help_{lang}")
        if isinstance(help_text, str) and help_text:
            col.caption(help_text)
        error = row[f"{part}_error"]
        if error is not None:
            col.error(error.text(lang), icon=":material/error:")
    if ind["measure"] != "yesno":
        box.checkbox(tr("entry_not_done", code=code), key=es.bind(form, held, code, "nd"), disabled=not editable,
                     on_change=es.remember, args=(form, held, code, "nd"))
    box.markdown(et.outcome(row, lang))
    if row["warning"] is not None or held["values"][code]["x"]:
        if row["warning"] is not None:
            box.warning(row["warning"].text(lang), icon=":material/warning:")
        box.text_input(tr("entry_explanation", code=code), key=es.bind(form, held, code, "x"), disabled=not editable,
                       max_chars=300, on_change=es.remember, args=(form, held, code, "x"))


@st.fragment
def workspace(view: View, form, peers, editable: bool, trail=None) -> None:
    """The form itself: progress, one domain's figures, save, submit. Changes rerun only this."""
    tr, lang = view.tr, view.lang
    held = es.state(form)
    checked = checks.check(form.indicators, es.figures(held, form.indicators.index), form.last, peers)
    summary = checks.summary(checked, form.indicators["domain"])
    total = summary.loc["all"]
    st.progress(total["complete"] / max(total["n"], 1), text=tr("entry_progress", done=total["complete"], n=total["n"]))
    names = domain_table()[f"name_{lang}"]
    shown = [int(d) for d in summary.index if d != "all"]
    domain = ui.url_widget("domain", st.radio, tr("entry_domain"), shown, default=shown[0], sticky=False, where=st,
                           parse=int, key="entry_domain",
                           format_func=lambda d: et.domain_option(d, names, summary, lang))
    mine = form.indicators[form.indicators["domain"] == domain]
    for mission, group in mine.groupby(mine[f"mission_{lang}"].fillna(""), sort=False):
        if mission:
            st.markdown(f"**{md_escape(mission)}**")
        for code in group.index:
            indicator(view, form, held, code, checked.loc[code], editable, trail)
    if editable:
        save_bar(view, form, held, domain)
        submit_box(view, form, held, checked, summary, peers)
    else:
        _flash(view, held)


@st.fragment
def save_bar(view: View, form, held: dict, domain: int) -> None:
    """The save button and what the last action said. A fragment of its own inside the form's: a save
    changes nothing else on screen (outcomes, progress and completeness follow what is typed, not what is
    saved), so a save run draws these two elements instead of the whole domain again. Under a crowd of
    saves, that is most of a save run's cost."""
    st.button(view.tr("entry_save_domain", domain=domain), type="primary", icon=":material/save:",
              key="entry_save", on_click=_save, args=(view, form, held, domain))
    _flash(view, held)


def submit_box(view: View, form, held: dict, checked, summary, peers) -> None:
    tr = view.tr
    st.subheader(tr("entry_submit_title"))
    if not checks.ready_to_submit(checked):
        todo = [str(d) for d, r in summary.drop(index="all").iterrows()
                if r["complete"] < r["n"] or r["problems"] or r["unexplained"]]
        st.info(tr("entry_submit_not_ready", domains=", ".join(todo)), icon=":material/pending:")
        return
    name = st.text_input(tr("entry_certified_name"), key="entry_cert_name", max_chars=200)
    position = st.text_input(tr("entry_certified_position"), key="entry_cert_position", max_chars=200)
    sure = st.checkbox(tr("entry_certify"), key="entry_certify")
    if st.button(tr("entry_submit"), type="primary", icon=":material/send:", key="entry_submit", disabled=not sure):
        try:
            data.entry_submit(view.scope, form, name, position, es.mark(held, None), peers)
        except EntryError as exc:
            _refused(held, exc)
            st.rerun(scope="fragment")
        es.forget(form)
        st.session_state["entry_done"] = "entry_submitted"
        st.rerun()


def submitted(view: View, form, peers, status: str, trail=None) -> None:
    tr = view.tr
    st.success(tr("entry_submitted_on", date=date_label(form.current["submitted_at"], view.lang),
                  name=form.current["certified_name"] or "–"), icon=":material/task_alt:")
    typed = form.figures.rename(columns={"frame": "frame_raw", "delivered": "delivered_raw"})
    checked = checks.check(form.indicators, typed, form.last, peers)
    table = et.figures_table(form, checked, view.lang)
    st.dataframe(table if trail is None else trail_ui.with_trail(table, trail, view), hide_index=True,
                 width="stretch", column_config={tr("col_indicator"): st.column_config.TextColumn(width="medium")})
    may = status == "open" or view.scope.can_administer
    if may and st.button(tr("entry_reopen"), icon=":material/edit:", key="entry_reopen"):
        try:
            data.entry_reopen(view.scope, form, form.mark())
        except EntryError as exc:
            st.error(exc.text(view.lang))
            return
        es.forget(form)
        st.rerun()


def offline(view: View, form, editable: bool) -> None:
    """The LAO's form as a workbook to fill in without a connection, and its upload back as a draft."""
    tr = view.tr
    with st.expander(tr("entry_offline"), icon=":material/table:"):
        st.caption(tr("entry_offline_help"))
        st.download_button(tr("entry_download_form"), lambda: data.entry_workbook(form, view.lang),
                           f"{form.lao['code']}-{form.year}-form.xlsx", XLSX, key="entry_xlsx",
                           icon=":material/download:")
        if form.state in ("submitted", "returned"):
            st.caption(tr("entry_upload_submitted"))
            return
        if not editable:
            return
        n = st.session_state.setdefault("entry_upload_n", 0)
        upload = st.file_uploader(tr("entry_upload_form"), type=["xlsx", "csv"], key=f"entry_upload_{n}")
        if upload is None or not st.button(tr("entry_upload_check"), key="entry_upload_check",
                                           icon=":material/upload:"):
            return
        try:
            figures = data.entry_read_workbook(form, upload.getvalue(), upload.name)
            data.entry_save(view.scope, form, None, figures, es.mark(es.state(form), None), action="upload")
        except ValidationError as exc:
            st.error(tr("entry_upload_bad"), icon=":material/error:")
            st.dataframe(problem_table(view, exc.problems), hide_index=True, width="stretch")
            return
        except EntryError as exc:
            st.error(exc.text(view.lang), icon=":material/error:")
            for p in exc.problems:
                st.text(p.text(view.lang))
            return
        es.forget(form)
        st.session_state["entry_upload_n"] = n + 1
        st.session_state["entry_done"] = "entry_uploaded"
        st.rerun()


def problem_table(view: View, problems) -> pd.DataFrame:
    return pd.DataFrame({view.tr("admin_col_row"): [p.row for p in problems],
                         view.tr("admin_col_column"): [p.column for p in problems],
                         view.tr("admin_col_message"): [p.text(view.lang) for p in problems]})
