"""The words and display tables of a round's paper trail (evidence, steps after submission, the monitors'
review, what the round counts for, reminders), shared by the entry form, the review page, the submissions
page, the scorecard and the council report. No Streamlit here, and every cell is plain text: pages show
these tables with st.dataframe / st.table and the PDF prints them, so nothing in them is read as markup.
"""
from __future__ import annotations

import re

import pandas as pd

from scoring.rules import OUTCOME_LABELS
from store.eligibility import CONDITIONS, READING
from store.reminders import REASONS
from store.review import REVIEW_STATES
from store.trail import STEPS

from .format import MISSING, file_size, is_missing, num
from .i18n import date_label, t

EVIDENCED, RECORDED_ONLY, NOT_RECORDED = "✓", "◐", "–"      # a step: with a document or link / without / not yet
REVIEW_MARK = {"waiting": "○", "checked": "✓", "returned": "↩", "resubmitted": "↻"}


def stamp(value, lang: str) -> str:
    """A moment as officials write it: '1 ธ.ค. 2569 14:05' (B.E.)."""
    if is_missing(value):
        return MISSING
    ts = pd.Timestamp(value)
    return f"{date_label(ts.to_pydatetime(), lang)} {ts:%H:%M}"


def text_or_dash(value) -> str:
    return MISSING if is_missing(value) or str(value).strip() == "" else str(value)


def step_name(step: str, lang: str) -> str:
    return STEPS[step].text(lang)


def review_name(state: str | None, lang: str) -> str:
    """A review state with its mark (never colour alone); an LAO not submitted has none."""
    if is_missing(state) or state not in REVIEW_STATES:
        return MISSING
    return f"{REVIEW_MARK[state]} {REVIEW_STATES[state].text(lang)}"


def condition_names(codes, lang: str) -> str:
    return "; ".join(CONDITIONS[c].text(lang) for c in codes)


def reading(lang: str) -> str:
    """The label every view of the round's conditions carries: this product's reading, not an official rule."""
    return READING.text(lang)


def reason_name(reason: str, lang: str) -> str:
    return REASONS[reason].text(lang) if reason in REASONS else text_or_dash(reason)


def target_name(indicator, step, lang: str, names: dict[str, str] | None = None) -> str:
    """What a piece of evidence or a comment is about: an indicator (code and name), a step, or the whole."""
    if not is_missing(indicator) and indicator:
        name = (names or {}).get(indicator)
        return f"{indicator} {name}" if name else str(indicator)
    if not is_missing(step) and step in STEPS:
        return step_name(step, lang)
    return t("trail_whole", lang)


# --- evidence ---------------------------------------------------------------------------------------------

def evidence_rows(df: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Evidence of one LAO's round as shown: for what, the file or link, label, type and size, who and when
    (removed ones: who removed it and when)."""
    cols = [t(k, lang) for k in ("trail_col_for", "trail_col_item", "trail_col_label", "trail_col_kind",
                                 "trail_col_size", "trail_col_by", "trail_col_at", "trail_col_removed")]
    rows = [[target_name(r.indicator_code, r.step, lang, names),
             text_or_dash(r.file_name if r.kind == "file" else r.url), text_or_dash(r.label),
             kind_name(r.kind, r.content_type, lang), file_size(r.size_bytes) if r.kind == "file" else MISSING,
             text_or_dash(r.uploaded_by), stamp(r.uploaded_at, lang),
             MISSING if is_missing(r.removed_at) else f"{stamp(r.removed_at, lang)} ({text_or_dash(r.removed_by)})"]
            for r in df.itertuples()]
    return pd.DataFrame(rows, columns=cols)


def kind_name(kind: str, content_type, lang: str) -> str:
    if kind == "link":
        return t("trail_kind_link", lang)
    names = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
    return names.get(content_type, "Excel (.xlsx)")


# --- steps after submission -------------------------------------------------------------------------------

def step_mark(done: bool, evidenced: bool) -> str:
    return EVIDENCED if evidenced else RECORDED_ONLY if done else NOT_RECORDED


def steps_rows(df: pd.DataFrame, lang: str, documents: bool = True, marks: bool = True) -> pd.DataFrame:
    """The four steps (store.steps.steps), one row each: step, date, detail (the meeting, where it was made
    public), link, document (its name, when the reader may see it) and whether it is evidenced (words after
    a mark; `marks` False: words only, for the PDF, whose Thai fonts have no ✓)."""
    heads = ["trail_col_step", "trail_col_done_on", "trail_col_detail", "trail_col_link", "trail_col_document",
             "trail_col_evidenced"]
    rows = []
    for r in df.itertuples():
        rows.append([step_name(r.step, lang), date_label(r.done_on, lang) if r.done else t("trail_step_not_yet", lang),
                     text_or_dash(r.detail), text_or_dash(r.url),
                     text_or_dash(r.file_name) if r.has_document else MISSING,
                     (f"{step_mark(r.done, r.evidenced)} " if marks else "")
                     + t("trail_step_" + evidence_word(r.evidenced), lang) if r.done else MISSING])
    out = pd.DataFrame(rows, columns=[t(h, lang) for h in heads])
    return out if documents else out.drop(columns=[t("trail_col_document", lang)])


def evidence_word(evidenced: bool) -> str:
    return "evidenced" if evidenced else "recorded"


# --- the review ---------------------------------------------------------------------------------------------

def comment_heading(row, lang: str, names: dict[str, str] | None = None) -> str:
    """Who wrote a comment, in what role, when, on which revision and about what (plain text)."""
    role = t(f"auth_role_{row.author_role}", lang) if row.author_role in ("lao", "monitor", "executive", "admin") \
        else text_or_dash(row.author_role)
    return t("trail_comment_heading", lang, who=text_or_dash(row.author), role=role, at=stamp(row.at, lang),
             revision=int(row.revision), about=target_name(row.indicator_code, None, lang, names))


def revision_rows(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every revision of one LAO's round: number, state, submitted when and by, certified by, review."""
    heads = ["entry_col_revision", "trail_col_state", "trail_col_submitted_at", "trail_col_certified",
             "trail_col_review", "trail_col_reviewed"]
    rows = [[str(int(r.revision)), t(f"trail_revision_{r.state}", lang), stamp(r.submitted_at, lang),
             MISSING if is_missing(r.certified_name) else f"{r.certified_name} ({text_or_dash(r.certified_position)})",
             review_name(r.review_state, lang) + (f" · {t('trail_counted', lang)}" if r.counted else ""),
             MISSING if is_missing(r.reviewed_at) else f"{text_or_dash(r.reviewed_by)} {stamp(r.reviewed_at, lang)}"]
            for r in df.itertuples()]
    return pd.DataFrame(rows, columns=[t(h, lang) for h in heads])


def change_rows(df: pd.DataFrame, lang: str, names: dict[str, str], only_changed: bool = True) -> pd.DataFrame:
    """store.review.revision_changes as shown: indicator, (1) and (2) before and after, outcome before and
    after, and a mark where anything differs."""
    part = df[df["changed"]] if only_changed else df
    old, new = (int(df["revision_old"].iloc[0]), int(df["revision_new"].iloc[0])) if len(df) else (0, 0)

    def outcome(v) -> str:
        return OUTCOME_LABELS[lang].get(v, MISSING) if isinstance(v, str) else MISSING

    return pd.DataFrame({           # the indicator's name last: on a phone the figures come first
        t("col_code", lang): part["indicator_code"],
        t("trail_col_frame_rev", lang, revision=old): [num(v) for v in part["frame_old"]],
        t("trail_col_frame_rev", lang, revision=new): [num(v) for v in part["frame_new"]],
        t("trail_col_delivered_rev", lang, revision=old): [num(v) for v in part["delivered_old"]],
        t("trail_col_delivered_rev", lang, revision=new): [num(v) for v in part["delivered_new"]],
        t("trail_col_outcome_rev", lang, revision=old): [outcome(v) for v in part["outcome_old"]],
        t("trail_col_outcome_rev", lang, revision=new): [outcome(v) for v in part["outcome_new"]],
        t("trail_col_changed", lang): ["≠" if c else "" for c in part["changed"]],
        t("col_indicator", lang): [names.get(c, "") for c in part["indicator_code"]],
    })


def figure_rows(df: pd.DataFrame, lang: str, names: dict[str, str]) -> pd.DataFrame:
    """One revision's figures (the `_new` side of store.review.revision_changes): indicator, (1), (2), outcome."""
    return pd.DataFrame({
        t("col_code", lang): df["indicator_code"],
        t("col_indicator", lang): [names.get(c, "") for c in df["indicator_code"]],
        "(1)": [num(v) for v in df["frame_new"]],
        "(2)": [num(v) for v in df["delivered_new"]],
        t("outcome_col", lang): [OUTCOME_LABELS[lang].get(v, MISSING) if isinstance(v, str) else MISSING
                                 for v in df["outcome_new"]],
    })


# --- the entry form's history: events of the trail in words ------------------------------------------------

def event_action(action: str, lang: str) -> str:
    return t(f"trail_action_{action.replace('-', '_')}", lang)


def event_detail(action: str, detail: dict, lang: str) -> str:
    """What one trail event did, in words (the figures' own events are described by dashboard.entry_text)."""
    about = target_name(detail.get("indicator_code") or detail.get("indicator"), detail.get("step"), lang)
    if action == "evidence-add":
        item = detail.get("file_name") if detail.get("kind") == "file" else detail.get("url")
        size = f" ({file_size(detail['size_bytes'])})" if detail.get("size_bytes") else ""
        return t("trail_event_evidence", lang, item=text_or_dash(item) + size, about=about)
    if action == "evidence-remove":
        return t("trail_event_removed", lang, n=text_or_dash(detail.get("attachment")), about=about)
    if action == "step":
        return t("trail_event_step", lang, step=step_name(detail["step"], lang) if detail.get("step") in STEPS
                 else MISSING, date=date_label(detail.get("done_on"), lang))
    if action == "return":
        return t("trail_event_return", lang, n=len(detail.get("comments") or []))
    if action == "comment":
        return t("trail_event_comment", lang, about=about)
    if action == "remind":
        return t("trail_event_remind", lang, reason=reason_name(detail.get("reason", ""), lang),
                 to=text_or_dash(detail.get("to")))
    return MISSING


# --- dates as officials type them ----------------------------------------------------------------------------

def be_date_text(value) -> str:
    """A stored date as it is typed back into a field: day/month/B.E. year ('25/11/2569')."""
    if is_missing(value):
        return ""
    day = pd.Timestamp(value).date()
    return f"{day.day}/{day.month}/{day.year + 543}"


def parse_be_date(typed: str):
    """A date typed as day/month/year (B.E., as officials write it: 25/11/2569; '-' or '.' also separate),
    or as an ISO date (2026-11-25). ValueError when it is neither."""
    from datetime import date

    s = str(typed).strip()
    parts = re.split(r"[/.\-]", s)
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(s)
    if len(parts[0]) == 4:                                  # ISO: year-month-day, Common Era
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    day, month, year = (int(p) for p in parts)
    if year < 2400:                                         # a B.E. year is 25xx; 20xx would be a slip
        raise ValueError(s)
    return date(year - 543, month, day)
