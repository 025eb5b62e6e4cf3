"""The paper trail on an LAO's own form (pages/entry.py): the monitors' comments (at the top and beside each
indicator) with a reply, the evidence (attach a file or a link to an indicator, a step or the whole
submission; download; remove, kept as history; used against the limit), and the steps after submission
(each with its date, a detail, a link and a document). One LAO's trail is read fresh on every run; every
write goes through dashboard.data to the store, which checks who may and logs the change."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from . import data
from . import trail_text as tt
from . import trail_view as tv
from .context import View
from .format import file_size, md_escape
from .i18n import date_label

WHOLE = ""


@dataclass(frozen=True)
class Trail:
    """What the form shows of its LAO's trail in one run."""
    comments: pd.DataFrame          # the whole thread, oldest first
    evidence: pd.DataFrame          # every file and link, removed ones included
    names: dict[str, str]           # indicator code -> name, in the page's language
    writer: bool                    # the LAO's own staff or an administrator

    def about(self, code: str) -> pd.DataFrame:
        return self.comments[self.comments["indicator_code"] == code]

    @property
    def live(self) -> pd.DataFrame:
        return self.evidence[self.evidence["removed_at"].isna()]


def load(view: View, form) -> Trail:
    code, year = form.lao["code"], form.year
    scope = view.scope
    return Trail(comments=data.review_comments(scope, code, year),
                 evidence=data.evidence_list(scope, code, year, include_removed=True),
                 names={c: str(n) for c, n in form.indicators[f"name_{view.lang}"].items()},
                 writer=scope.can_administer or (scope.role == "lao" and scope.lao_code == code))


# --- the review's comments ----------------------------------------------------------------------------------

def notice(view: View, form, trail: Trail) -> None:
    """At the top of the form: a returned submission says what to do; the comment thread, with a reply."""
    tr = view.tr
    if form.state == "returned":
        st.warning(tr("trail_entry_returned"), icon=":material/assignment_return:")
    if trail.comments.empty:
        return
    with st.expander(tr("trail_entry_comments", n=len(trail.comments)), icon=":material/rate_review:",
                     expanded=form.state in ("returned", "draft")):
        tv.show_flash(view, "reply")
        tv.thread(view, trail.comments, trail.names)
        if trail.writer:
            tv.comment_box(view, form.lao["code"], form.year, trail.names, "trail_reply", "reply",
                           ("trail_reply", "trail_reply_send", "trail_reply_sent"), ":material/reply:")


def beside(view: View, where, trail: Trail, code: str) -> None:
    """Beside one indicator of the form: the monitors' comments on it and how much evidence it has."""
    for row in trail.about(code).itertuples():
        note = where.container(border=True)
        note.caption(":material/rate_review: " + md_escape(tt.comment_heading(row, view.lang, trail.names)))
        note.text(row.body)
    n = int((trail.live["indicator_code"] == code).sum())
    if n:
        where.caption(view.tr("trail_evidence_n", n=n))


def with_trail(table: pd.DataFrame, trail: Trail, view: View) -> pd.DataFrame:
    """The submitted figures' table with each indicator's comments and evidence count beside it (plain text)."""
    by_code = trail.comments.dropna(subset=["indicator_code"]).groupby("indicator_code")["body"]
    joined = {c: " | ".join(b) for c, b in by_code}
    counts = trail.live["indicator_code"].value_counts()
    codes = table[view.tr("col_code")]
    return table.assign(**{view.tr("trail_col_comments"): [joined.get(c, "") for c in codes],
                           view.tr("trail_col_evidence_n"): [int(counts.get(c, 0)) for c in codes]})


# --- evidence -------------------------------------------------------------------------------------------------

def evidence_section(view: View, form, trail: Trail) -> None:
    tr = view.tr
    tv.show_flash(view, "evidence")
    per_file, total = data.evidence_limits()
    used = int(trail.live.loc[trail.live["kind"] == "file", "size_bytes"].fillna(0).sum())
    st.progress(min(used / total, 1.0) if total else 1.0,
                text=tr("trail_evidence_used", used=file_size(used), limit=file_size(total)))
    st.caption(tr("trail_evidence_help", per_file=file_size(per_file)))
    if trail.writer:
        _add_evidence(view, form, trail)
    st.markdown(f"**{tr('trail_evidence_list')}**")
    tv.evidence_list(view, trail.live, trail.names, key="evidence", removable=trail.writer)
    tv.removed_history(view, trail.evidence, trail.names)


def _targets(trail: Trail) -> list[str]:
    return [WHOLE, *(f"step:{s}" for s in data.STEPS), *(f"indicator:{c}" for c in trail.names)]


def _target(choice: str) -> dict:
    kind, _, value = choice.partition(":")
    return {"indicator": value if kind == "indicator" else None, "step": value if kind == "step" else None}


def _target_label(choice: str, trail: Trail, lang: str) -> str:
    where = _target(choice)
    return tt.target_name(where["indicator"], where["step"], lang, trail.names)


def _add_evidence(view: View, form, trail: Trail) -> None:
    tr, lang = view.tr, view.lang
    n = st.session_state.setdefault("trail_ev_n", 0)
    box = st.container(border=True)
    box.markdown(f"**{tr('trail_evidence_add_title')}**")
    kind = box.radio(tr("trail_evidence_kind"), ["file", "link"], horizontal=True, key="trail_ev_kind",
                     format_func=lambda k: tr(f"trail_evidence_kind_{k}"))
    choice = box.selectbox(tr("trail_evidence_for"), _targets(trail), key="trail_ev_for",
                           format_func=lambda c: _target_label(c, trail, lang))
    label = box.text_input(tr("trail_evidence_label"), key=f"trail_ev_label_{n}", max_chars=300)
    # No `type=` filter: the store decides from the content and says why in Thai or English, where the
    # uploader's own refusal would be in English only.
    upload = url = None
    if kind == "file":
        upload = box.file_uploader(tr("trail_evidence_file"), key=f"trail_ev_file_{n}",
                                   help=tr("trail_evidence_types"))
    else:
        url = box.text_input(tr("trail_evidence_url"), key=f"trail_ev_url_{n}", max_chars=2000,
                             placeholder="https://")
    if not box.button(tr("trail_evidence_add"), type="primary", key="trail_ev_add", icon=":material/attach_file:"):
        return
    code, year, where = form.lao["code"], form.year, _target(choice)
    try:
        if kind == "file":
            if upload is None:
                box.error(tr("trail_evidence_no_file"), icon=":material/error:")
                return
            data.evidence_add_file(view.scope, code, year, upload.getvalue(), upload.name, label=label, **where)
        else:
            data.evidence_add_link(view.scope, code, year, url, label=label, **where)
    except (data.TrailError, data.NotAllowed) as exc:
        box.error(md_escape(exc.text(lang)), icon=":material/error:")
        return
    st.session_state["trail_ev_n"] = n + 1
    tv.done("evidence", "trail_evidence_added")
    st.rerun()


# --- the steps after submission ---------------------------------------------------------------------------

@st.fragment
def steps_section(view: View, form) -> None:
    """The four steps as recorded, and (for the LAO's own staff) a step recorded anew with its date (typed
    as Thai officials write it, B.E.), a detail, a link and a document. Changes rerun only this part."""
    tr = view.tr
    code, year = form.lao["code"], form.year
    tv.show_flash(view, "steps")
    st.caption(tr("trail_steps_help"))
    steps = data.trail_steps(view.scope, code, year)
    tv.steps_table(view, steps, key="st")
    if not (view.scope.can_administer or (view.scope.role == "lao" and view.scope.lao_code == code)):
        return
    _record_step(view, form, steps.set_index("step"))


def _record_step(view: View, form, steps: pd.DataFrame) -> None:
    tr, lang = view.tr, view.lang
    box = st.container(border=True)
    box.markdown(f"**{tr('trail_step_record_title')}**")
    step = box.selectbox(tr("trail_step_pick"), list(data.STEPS), key="trail_step_pick",
                         format_func=lambda s: tt.step_name(s, lang))
    cur = steps.loc[step]
    n = st.session_state.setdefault("trail_step_n", 0)
    key = f"trail_step_{step}_{n}"
    typed = box.text_input(tr("trail_step_date"), value=tt.be_date_text(cur["done_on"]) if cur["done"] else "",
                           key=f"{key}_date", max_chars=20, placeholder=tr("trail_step_date_placeholder"))
    day = _day(view, box, typed)
    detail = box.text_area(tr(f"trail_step_detail_{step}"), value="" if pd.isna(cur["detail"]) else str(cur["detail"]),
                           key=f"{key}_detail", max_chars=1000, height=80)
    url = box.text_input(tr("trail_step_url_public" if step == "public" else "trail_step_url"),
                         value="" if pd.isna(cur["url"]) else str(cur["url"]), key=f"{key}_url", max_chars=2000,
                         placeholder="https://")
    upload = box.file_uploader(tr("trail_step_file"), key=f"{key}_file", help=tr("trail_evidence_types"))
    keep = None
    if upload is None and cur["has_document"] and not pd.isna(cur["attachment_id"]):
        keep = int(cur["attachment_id"])
        box.caption(md_escape(tr("trail_step_keeps", name=tt.text_or_dash(cur["file_name"]))))
    if not box.button(tr("trail_step_save", step=tt.step_name(step, lang)), type="primary", key=f"{key}_save",
                      icon=":material/event_available:") or day is None:
        return
    try:
        data.step_record(view.scope, form.lao["code"], form.year, step, day, detail=detail, url=url or None,
                         file=(upload.getvalue(), upload.name) if upload is not None else None, attachment_id=keep)
    except (data.TrailError, data.NotAllowed) as exc:
        box.error(md_escape(exc.text(lang)), icon=":material/error:")
        return
    st.session_state["trail_step_n"] = n + 1
    tv.done("steps", "trail_step_saved", step=data.STEPS[step])
    st.rerun()


def _day(view: View, where, typed: str) -> date | None:
    """The typed date (B.E.), said back in words so a slip shows at once; None (with the reason) when it is
    empty or not a date."""
    if not typed.strip():
        where.caption(view.tr("trail_step_date_needed"))
        return None
    try:
        day = tt.parse_be_date(typed)
    except ValueError:
        where.error(view.tr("trail_step_date_bad", value=md_escape(typed.strip()[:20])), icon=":material/error:")
        return None
    where.caption(view.tr("trail_step_date_is", date=date_label(day, view.lang)))
    return day
