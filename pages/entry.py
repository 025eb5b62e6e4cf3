"""An LAO's own assessment form for a round: entry?lao=CODE&year=Y[&domain=D]. LAO staff (their own LAO) and
administrators only; everyone else gets a message and no data. One domain is on screen at a time; a change
to a figure reruns only the form (a fragment) and shows the outcome it would get, computed by the scoring
module; a save writes that domain as a draft; submit needs every figure, every warning explained and the
executive who certifies them. Words and tables: dashboard/entry_text.py; this tab's copy: entry_state.py."""
from __future__ import annotations

import re
from datetime import date

import streamlit as st

from dashboard import contacts_view, data, filters, ui
from dashboard import entry_form as ef
from dashboard import entry_text as et
from dashboard import entry_trail as trail_ui
from dashboard.context import View
from dashboard.data import EntryError, PermissionDenied, entry_window
from dashboard.format import md_escape
from dashboard.i18n import date_label, year_label
from scoring.laotypes import display_name

CODE = re.compile(r"^\d{7}$")


def _target(view: View) -> tuple[str | None, int | None]:
    raw = ui.url_value("lao")
    code = raw if isinstance(raw, str) and CODE.match(raw) else view.scope.lao_code
    year = filters.round_year(view, "open")
    return code, year


def header(view: View, form, status: str) -> None:
    tr, lang = view.tr, view.lang
    lao = form.lao
    st.header(md_escape(display_name(lao["name_th"], lao["type"], lang, lao.get("name_en"))))
    st.caption(" · ".join([year_label(form.year, lang), tr(f"entry_state_{form.state}"),
                           tr("entry_window", start=date_label(form.window_open, lang),
                              end=date_label(form.window_close, lang))]))
    if status != "open":
        (st.warning if view.scope.can_administer else st.info)(
            tr(f"entry_window_{status}_admin" if view.scope.can_administer else f"entry_window_{status}"),
            icon=":material/event_busy:")


def render(view: View) -> None:
    tr = view.tr
    st.title(tr("entry_title"))
    if view.scope.role not in ("lao", "admin"):
        st.info(tr("entry_who"), icon=":material/lock:")
        return
    code, year = _target(view)
    if code is None or year is None:
        st.info(tr("entry_pick_lao"), icon=":material/search:")
        return
    try:
        form = data.entry_form(view.scope, code, year)
    except PermissionDenied:
        st.warning(tr("entry_not_yours"), icon=":material/lock:")
        return
    except EntryError as exc:
        st.warning(exc.text(view.lang))
        return
    if form is None:
        st.warning(tr("lao_unknown", code=code))
        return
    done = st.session_state.pop("entry_done", None)
    if done:
        st.success(tr(done), icon=":material/task_alt:")
    status = entry_window(form.round_state, form.window_open, form.window_close, date.today())
    header(view, form, status)
    trail = trail_ui.load(view, form)
    trail_ui.notice(view, form, trail)
    parts(view, form, status, trail)
    with st.expander(tr("contact_title"), icon=":material/mail:"):
        contacts_view.own(view, form.lao["code"], form.lao["province_code"])


def parts(view: View, form, status: str, trail) -> None:
    """The form's parts as tabs kept in the URL (`part`); only the open one runs."""
    tr = view.tr
    names = {"form": tr("entry_part_form"), "evidence": tr("entry_part_evidence"), "steps": tr("entry_part_steps")}
    for tab, name in ui.url_tabs("part", names, key="entry_part"):
        if not tab.open:
            continue
        with tab:
            if name == "form":
                form_part(view, form, status, trail)
            elif name == "evidence":
                trail_ui.evidence_section(view, form, trail)
            else:
                trail_ui.steps_section(view, form)


def form_part(view: View, form, status: str, trail) -> None:
    """The figures: the form itself (or the submitted figures), the offline workbook and the history."""
    tr = view.tr
    peers = data.entry_peers(form.year - 1, form.lao["type"])
    editable = status == "open" or view.scope.can_administer
    if form.state in ("submitted", "returned"):
        ef.submitted(view, form, peers, status, trail)
    else:
        ef.workspace(view, form, peers, editable, trail)
    ef.offline(view, form, editable)
    with st.expander(tr("entry_history"), icon=":material/history:"):
        st.dataframe(et.history_rows(form, view.lang), hide_index=True, width="stretch")
    st.caption(tr("illustrative_note"))
