"""Streamlit pieces of a round's paper trail shown on more than one page: evidence with its downloads, the
steps after submission, a review comment thread, and what the round counts for. Data (names, comments,
file names, links) is shown with st.text / st.dataframe, or escaped inside markdown, never as markup.
Words and tables: dashboard/trail_text.py."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.texts import Bilingual

from . import data
from . import trail_text as tt
from .context import View
from .format import md_escape, short
from .i18n import t

FLASH = "trail_flash"


# --- messages that outlive the rerun an action causes ------------------------------------------------------

def flash(where: str, kind: str, message: Bilingual) -> None:
    """Keep a message for `where` (a section) to show on the next run, in whichever language is on then."""
    st.session_state.setdefault(FLASH, {})[where] = (kind, message)


def refused(where: str, exc: Exception) -> None:
    """A refusal from the store (TrailError, NotAllowed, EntryError), kept for the next run."""
    message = getattr(exc, "message", None)
    flash(where, "error", message if isinstance(message, Bilingual) else Bilingual(str(exc), str(exc)))


def done(where: str, key: str, **fmt) -> None:
    """A success message for `where`; a Bilingual value among `fmt` fills each language with its own text."""
    def filled(lang: str) -> str:
        return t(key, lang, **{k: v.text(lang) if isinstance(v, Bilingual) else v for k, v in fmt.items()})
    flash(where, "ok", Bilingual(filled("th"), filled("en")))


def show_flash(view: View, where: str) -> None:
    kept = st.session_state.get(FLASH, {}).pop(where, None)
    if kept:
        kind, message = kept
        (st.success if kind == "ok" else st.error)(md_escape(message.text(view.lang)),
                                                   icon=":material/task_alt:" if kind == "ok" else ":material/error:")


def comment_box(view: View, lao: str, year: int, names: dict[str, str], where: str, flash_to: str,
                texts: tuple[str, str, str], icon: str) -> None:
    """A comment on one indicator or the whole submission, for the LAO's reply (entry) and the monitor's review:
    `texts` = (field label, send button, success message) keys; `where` prefixes the widgets' keys, `flash_to`
    names the flash that says it was sent."""
    tr = view.tr
    label, send, sent = texts
    n = st.session_state.setdefault(f"{where}_n", 0)          # a new key after sending: the boxes start empty
    about = st.selectbox(tr("trail_reply_about"), ["", *names], key=f"{where}_about_{n}",
                         format_func=lambda c: tt.target_name(c or None, None, view.lang, names))
    body = st.text_area(tr(label), key=f"{where}_{n}", max_chars=4000)
    if st.button(tr(send), key=f"{where}_send", icon=icon):
        try:
            data.review_comment(view.scope, lao, year, body, about or None)
        except (data.TrailError, data.NotAllowed) as exc:
            st.error(md_escape(exc.text(view.lang)), icon=":material/error:")
            return
        st.session_state[f"{where}_n"] = n + 1
        done(flash_to, sent)
        st.rerun()


# --- evidence -------------------------------------------------------------------------------------------------

def evidence_list(view: View, df: pd.DataFrame, names: dict[str, str], key: str, removable: bool = False) -> None:
    """Each file or link of an LAO's round: for what, label, type and size, who and when; files as downloads
    (the store's bytes, never shown inline); `removable`: a remove button (the row stays as history)."""
    tr, lang = view.tr, view.lang
    if df.empty:
        st.caption(tr("trail_evidence_none"))
        return
    rows = tt.evidence_rows(df, lang, names)
    for r, shown in zip(df.itertuples(), rows.itertuples(index=False), strict=True):
        box = st.container(border=True)
        left, right = box.columns([3, 1])
        left.text(f"{shown[0]} · {shown[1]}")
        details = [x for x in (shown[3], shown[4], shown[5], shown[6], shown[2]) if x != tt.MISSING]
        left.caption(md_escape(" · ".join(details)))
        if r.kind == "file":
            right.download_button(tr("trail_download", name=md_escape(short(r.file_name, 30))),
                                  lambda i=int(r.id): data.evidence_download(view.scope, i).content,
                                  file_name=r.file_name, mime=r.content_type, key=f"{key}_dl_{r.id}",
                                  icon=":material/download:", width="stretch")
        if removable:
            right.button(tr("trail_remove"), key=f"{key}_rm_{r.id}", icon=":material/delete:", width="stretch",
                         on_click=_remove, args=(view.scope, int(r.id), key),
                         help=tr("trail_remove_help"))


def _remove(scope, attachment_id: int, where: str) -> None:
    try:
        data.evidence_remove(scope, attachment_id)
    except (data.TrailError, data.NotAllowed) as exc:
        refused(where, exc)
        return
    done(where, "trail_removed")


def removed_history(view: View, df: pd.DataFrame, names: dict[str, str]) -> None:
    """Evidence removed from the round, kept as history (a table; only administrators can still download)."""
    gone = df[df["removed_at"].notna()]
    if gone.empty:
        return
    with st.expander(view.tr("trail_removed_title", n=len(gone)), icon=":material/history:"):
        st.dataframe(tt.evidence_rows(gone, view.lang, names), hide_index=True, width="stretch")


# --- steps after submission -------------------------------------------------------------------------------

def steps_table(view: View, steps: pd.DataFrame, key: str) -> None:
    """The four steps with date, detail, link and evidence; their documents as downloads for readers."""
    st.dataframe(tt.steps_rows(steps, view.lang), hide_index=True, width="stretch")
    docs = steps[steps["has_document"] & steps["attachment_id"].notna()]
    for r in docs.itertuples():
        st.download_button(view.tr("trail_step_document", step=tt.step_name(r.step, view.lang),
                                   name=md_escape(short(r.file_name, 30))),
                           lambda i=int(r.attachment_id): data.evidence_download(view.scope, i).content,
                           file_name=r.file_name, key=f"{key}_doc_{r.step}", icon=":material/download:")


# --- the review's comment thread --------------------------------------------------------------------------------

def thread(view: View, comments: pd.DataFrame, names: dict[str, str], newest_first: bool = True) -> None:
    if comments.empty:
        st.caption(view.tr("trail_no_comments"))
        return
    for row in (comments.iloc[::-1] if newest_first else comments).itertuples():
        box = st.container(border=True)
        box.caption(md_escape(tt.comment_heading(row, view.lang, names)))
        box.text(row.body)


# --- what the round counts for ----------------------------------------------------------------------------------

def conditions_box(view: View, cond: dict) -> None:
    """Whether the round meets the conditions and which is missing, labelled as this product's reading."""
    tr, lang = view.tr, view.lang
    if cond["meets"]:
        st.success(tr("trail_cond_meets"), icon=":material/verified:")
    elif cond["missing"]:
        st.warning(tr("trail_cond_missing", items=tt.condition_names(cond["missing"], lang)),
                   icon=":material/rule:")
    else:
        st.info(tr("trail_cond_pending"), icon=":material/hourglass_empty:")
    st.caption(tt.reading(lang))


def scorecard_section(view: View, card) -> None:
    """On the scorecard: the steps after submission and what the round counts for (public once published)."""
    code, year = card.lao["lao_code"], card.year
    try:
        steps = data.lao_steps(view.v, view.scope, code, year)
        cond = data.lao_conditions(view.v, view.scope, code, year)
    except (data.TrailError, data.NotAllowed):
        return
    st.subheader(view.tr("trail_scorecard_title"))
    st.caption(view.tr("trail_scorecard_help"))
    st.dataframe(tt.steps_rows(steps, view.lang, documents=False), hide_index=True, width="stretch")
    conditions_box(view, cond)
