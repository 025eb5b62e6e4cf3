"""One LAO's own entry of its figures for an open round: the form, saves per domain, submit and reopen.

Who: LAO staff for their own LAO, and administrators (outside the window too; such saves are marked in the
history). When: the server enforces the round's window, whatever the page showed.

Drafts are the LAO's newest revision in state in_progress; a submitted revision is never changed: reopening
copies it into a new draft, and until that draft is submitted the earlier one keeps counting. Two people
saving the same LAO are kept apart by the history (entry_event): each save names the newest event of its
domain it was based on, and a save based on an older one is refused, naming who saved what and when. The
data version (change_log) moves only when the LAO's state changes (a draft begun, a submit, a reopen), so
draft saves by thousands of LAOs do not empty every cache of the site.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text

from scoring import entry as checks
from scoring.scorecard import applicable
from scoring.texts import Bilingual, Refusal

from .access import PermissionDenied, Scope
from .dataset import log_change, with_targets
from .review import recount_in
from .trail import TRAIL_ACTIONS

FIELDS = ("frame", "delivered", "not_done", "explanation")
MAX_TEXT = 300                        # explanations and certifying names: one line
WHOLE_FORM = 0                        # the "domain" of events that touch every domain (submit, reopen, upload)


class EntryError(Refusal, ValueError):
    """A refused entry action, with a message in Thai and English (and the problems behind it)."""

    def __init__(self, th: str, en: str, problems: list | None = None):
        super().__init__(th, en)
        self.problems = problems or []



class Conflict(EntryError):
    """Someone else saved after this form was loaded."""

    def __init__(self, who: str, at: datetime, action: str, domain: int | None):
        where_th = f"ด้านที่ {domain}" if domain else "ทั้งแบบ"
        where_en = f"domain {domain}" if domain else "the whole form"
        stamp = pd.Timestamp(at).strftime("%Y-%m-%d %H:%M")
        super().__init__(f"บันทึกไม่ได้: {who} {ACTIONS_TH.get(action, action)} ({where_th}) เมื่อ {stamp} หลังจากที่ท่านเปิดแบบฟอร์ม "
                         "โปรดโหลดข้อมูลล่าสุดแล้วตรวจสอบก่อนบันทึกอีกครั้ง",
                         f"not saved: {who} {ACTIONS_EN.get(action, action)} ({where_en}) at {stamp}, after you opened "
                         "the form. Load the latest figures and check them before saving again")
        self.who, self.at, self.action, self.domain = who, at, action, domain


ACTIONS_TH = {"save": "บันทึกร่าง", "submit": "ส่งข้อมูล", "reopen": "เปิดแก้ไข", "upload": "นำเข้าไฟล์แบบฟอร์ม",
              "save-late": "บันทึกนอกช่วงเวลา (ผู้ดูแลระบบ)"}
ACTIONS_EN = {"save": "saved a draft", "submit": "submitted", "reopen": "reopened the form", "upload": "loaded a form file",
              "save-late": "saved outside the window (administrator)"}


@dataclass(frozen=True)
class Form:
    lao: dict
    year: int
    round_state: str
    window_open: date | None
    window_close: date | None
    indicators: pd.DataFrame        # index code: domain, mission, names, measure, target (this type's), labels...
    figures: pd.DataFrame           # index code: frame, delivered, not_done, explanation (the newest revision)
    last: pd.DataFrame              # index code: frame, delivered, pct, outcome (last round's counted figures)
    current: dict | None            # the newest revision: id, revision, state, submitted_at, certified_*, ...
    counted_revision: int | None
    marks: dict[int, int]           # domain (0: whole form) -> id of the newest event touching it
    history: pd.DataFrame

    @property
    def state(self) -> str:
        """not_started | draft | submitted (the newest revision is submitted) | returned."""
        if self.current is None:
            return "not_started"
        if self.current["state"] == "in_progress":
            return "draft"
        return "returned" if self.current.get("review_state") == "returned" else "submitted"

    def mark(self, domain: int | None = None) -> int:
        """The newest event a save of `domain` (None: the whole form) must be based on."""
        if domain is None:
            return max(self.marks.values(), default=0)
        return max(self.marks.get(int(domain), 0), self.marks.get(WHOLE_FORM, 0))


# --- who and when ------------------------------------------------------------------------------------

def require(scope: Scope, lao_code: str) -> None:
    if scope.can_administer or (scope.role == "lao" and scope.lao_code == lao_code):
        return
    raise PermissionDenied(f"{scope.user} ({scope.role}) may not enter figures for {lao_code}")


def window(state: str, opens: date | None, closes: date | None, today: date) -> str:
    """open | not_yet | closed: whether figures may be entered today."""
    if state != "open":
        return "closed"
    if opens is not None and today < opens:
        return "not_yet"
    if closes is not None and today > closes:
        return "closed"
    return "open"


def _check_window(conn: Connection, scope: Scope, year: int, today: date) -> bool:
    """Refuse outside the window (administrators excepted). True when an administrator acts outside it."""
    row = conn.execute(text("SELECT state, window_open, window_close FROM round WHERE year = :y"), {"y": year}).first()
    if row is None:
        raise EntryError(f"ไม่มีรอบการประเมินปี {year}", f"there is no assessment round {year}")
    status = window(row[0], _as_date(row[1]), _as_date(row[2]), today)
    if status == "open":
        return False
    if scope.can_administer:
        return True
    if status == "not_yet":
        raise EntryError(f"ยังไม่ถึงช่วงเวลากรอกข้อมูลของรอบปี {year} (เปิด {_as_date(row[1])})",
                         f"the {year} round's entry window has not opened yet (opens {_as_date(row[1])})")
    raise EntryError(f"ปิดรับข้อมูลรอบปี {year} แล้ว จึงบันทึกไม่ได้", f"the {year} round is closed for entries: not saved")


def _as_date(value) -> date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


# --- reading -----------------------------------------------------------------------------------------

def _by_code(df: pd.DataFrame) -> pd.DataFrame:
    """Rows keyed by indicator code, the key held as plain Python strings: a form is loaded on every run and
    each look-up by code would otherwise convert pandas' Arrow-backed strings first (a third of a save's time)."""
    return df.set_index(pd.Index(df["code"].astype(object), name="code")).drop(columns="code")


def load_form(engine: Engine, scope: Scope, lao_code: str, year: int) -> Form | None:
    """Everything the form shows, read fresh (drafts change all the time); None for an unknown LAO."""
    require(scope, lao_code)
    with engine.connect() as conn:
        lao = conn.execute(text("SELECT code, name_th, name_en, type, province_code, district_code FROM lao "
                                "WHERE code = :c"), {"c": lao_code}).mappings().first()
        if lao is None:
            return None
        rnd = conn.execute(text("SELECT state, window_open, window_close FROM round WHERE year = :y"),
                           {"y": year}).first()
        if rnd is None:
            raise EntryError(f"ไม่มีรอบการประเมินปี {year}", f"there is no assessment round {year}")
        cat = with_targets(conn, pd.read_sql(text("SELECT * FROM indicator WHERE year = :y ORDER BY code"), conn,
                                             params={"y": year}))
        indicators = _by_code(applicable(cat, lao["type"]))
        current = conn.execute(text(
            "SELECT id, revision, state, submitted_at, submitted_by, certified_name, certified_position, review_state, "
            "updated_at, updated_by, lock_version FROM submission WHERE lao_code = :c AND year = :y AND is_current"),
            {"c": lao_code, "y": year}).mappings().first()
        counted = conn.execute(text("SELECT revision FROM submission WHERE lao_code = :c AND year = :y AND counted"),
                               {"c": lao_code, "y": year}).scalar()
        figures = _figures(conn, current["id"]) if current else _empty_figures()
        last = _by_code(pd.read_sql(text(
            "SELECT v.indicator_code AS code, v.frame, v.delivered, r.pct, r.outcome FROM submission s "
            "JOIN indicator_value v ON v.submission_id = s.id LEFT JOIN result r ON r.year = s.year "
            "AND r.lao_code = s.lao_code AND r.indicator_code = v.indicator_code "
            "WHERE s.lao_code = :c AND s.year = :y AND s.counted"), conn,
            params={"c": lao_code, "y": year - 1}))
        history = pd.read_sql(text("SELECT id, at, who, action, domain, revision, detail FROM entry_event "
                                   "WHERE lao_code = :c AND year = :y ORDER BY id DESC"), conn,
                              params={"c": lao_code, "y": year})
    own = history[~history["action"].isin(TRAIL_ACTIONS)]      # evidence, review, reminders change no figure
    marks = {int(d) if pd.notna(d) else WHOLE_FORM: int(i)
             for d, i in own.groupby(own["domain"].fillna(WHOLE_FORM))["id"].max().items()}
    return Form(lao=dict(lao), year=int(year), round_state=rnd[0], window_open=_as_date(rnd[1]),
                window_close=_as_date(rnd[2]), indicators=indicators, figures=figures, last=last,
                current=dict(current) if current else None, counted_revision=counted, marks=marks, history=history)


def _figures(conn: Connection, submission_id: int) -> pd.DataFrame:
    """A revision's figures (index code; frame, delivered, not_done, explanation)."""
    rows = _stored(conn, submission_id)
    if not rows:
        return _empty_figures()
    df = pd.DataFrame.from_dict(rows, orient="index", columns=list(FIELDS))
    df.index = pd.Index(list(rows), name="code", dtype=object)
    return df.astype({"frame": "float64", "delivered": "float64", "not_done": bool})


def _stored(conn: Connection, submission_id: int) -> dict[str, dict]:
    """A revision's figures as plain values by code. In a submitted revision (an import, the sample, or this
    form) a frame with an empty (2) means 'not carried out', so it reads as such; in a draft only the tick says
    so."""
    rows = conn.execute(text("SELECT v.indicator_code, v.frame, v.delivered, v.not_done, v.explanation, s.state "
                             "FROM indicator_value v JOIN submission s ON s.id = v.submission_id "
                             "WHERE v.submission_id = :s"), {"s": submission_id})
    return {code: {"frame": frame, "delivered": delivered, "explanation": explanation,
                   "not_done": bool(not_done) or (state == "submitted" and delivered is None
                                                  and frame is not None and frame > 0)}
            for code, frame, delivered, not_done, explanation, state in rows}


def _empty_figures() -> pd.DataFrame:
    return pd.DataFrame({"frame": pd.Series(dtype=float), "delivered": pd.Series(dtype=float),
                         "not_done": pd.Series(dtype=bool), "explanation": pd.Series(dtype=object)},
                        index=pd.Index([], name="code", dtype=object))


def peer_stats(engine: Engine, year: int, lao_type: str) -> pd.DataFrame:
    """Per indicator, among LAOs of one type in one round's counted results: the share that reached 100 %
    and their median frame (for the form's "100 % where peers rarely reach it" warning). Figures of every
    LAO, aggregated: no LAO's own row leaves this function."""
    with engine.connect() as conn:
        # `counted = :yes`, not a bare `counted`: SQLite then finds each result's submission through the
        # (year, counted, lao_code) index instead of scanning the round's (213 s → 6 s for 'sao' nationally).
        df = pd.read_sql(text(
            "SELECT v.indicator_code AS code, v.frame, r.pct FROM lao l JOIN submission s ON s.lao_code = l.code "
            "AND s.year = :y AND s.counted = :yes JOIN indicator_value v ON v.submission_id = s.id "
            "JOIN result r ON r.year = s.year AND r.lao_code = l.code AND r.indicator_code = v.indicator_code "
            "WHERE l.type = :t AND r.outcome IN ('pass', 'fail')"), conn,
            params={"y": year, "t": lao_type, "yes": True})
    if df.empty:
        return pd.DataFrame(columns=["perfect_share", "median_frame"])
    return df.assign(perfect=df["pct"] >= 100).groupby("code").agg(perfect_share=("perfect", "mean"),
                                                                   median_frame=("frame", "median"))


# --- writing -----------------------------------------------------------------------------------------

def _lock(conn: Connection, lao_code: str) -> None:
    """Serialise writers of one LAO's form: a row lock on PostgreSQL; on SQLite the first write of the
    transaction takes the database's write lock, so nothing is read before it."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT code FROM lao WHERE code = :c FOR UPDATE"), {"c": lao_code})
    else:
        conn.execute(text("UPDATE lao SET code = code WHERE code = :c"), {"c": lao_code})


def _newest_event(conn: Connection, lao_code: str, year: int, domain: int | None):
    where = "" if domain is None else " AND (domain = :d OR domain IS NULL)"
    return conn.execute(text(f"SELECT id, who, at, action, domain FROM entry_event WHERE lao_code = :c AND year = :y"
                             f" AND action NOT IN :trail{where} ORDER BY id DESC LIMIT 1")
                        .bindparams(bindparam("trail", expanding=True)),
                        {"c": lao_code, "y": year, "d": domain, "trail": list(TRAIL_ACTIONS)}).first()


def _refuse_if_stale(conn, lao_code: str, year: int, domain: int | None, based_on: int) -> None:
    newest = _newest_event(conn, lao_code, year, domain)
    if newest is not None and int(newest[0]) != int(based_on):
        raise Conflict(newest[1], newest[2], newest[3], newest[4])


def _clean_text(value, field: str, code: str | None = None) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = str(value).strip()
    where = f"{code} " if code else ""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise EntryError(f"{where}{field}: มีอักขระควบคุม", f"{where}{field}: contains control characters")
    if len(value) > MAX_TEXT:
        raise EntryError(f"{where}{field}: ยาวเกิน {MAX_TEXT} ตัวอักษร", f"{where}{field}: longer than {MAX_TEXT} characters")
    return value or None


def validate(form: Form, figures: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The entered figures of `codes` (index code; frame_raw, delivered_raw, not_done, explanation) checked
    by the form's rules; refused (EntryError naming indicator and field) when any figure breaks one."""
    unknown = sorted(set(figures.index) - set(form.indicators.index))
    if unknown:
        raise EntryError(f"ตัวชี้วัด {', '.join(unknown)} ไม่อยู่ในแบบของ อปท. นี้",
                         f"indicator(s) {', '.join(unknown)} are not on this LAO's form")
    ind = form.indicators[["measure", "target"]].loc[codes]     # only what the rules read: a form's row is wide
    checked = checks.check(ind, figures.reindex(codes))
    problems = [Bilingual(f"{code} {label}: {e.th}", f"{code} {label}: {e.en}")
                for code, fe, de in zip(codes, checked["frame_error"].tolist(), checked["delivered_error"].tolist(),
                                        strict=True)
                for label, e in (("(1)", fe), ("(2)", de)) if e is not None]
    if problems:
        raise EntryError("ตัวเลขบางช่องไม่ถูกต้อง จึงยังไม่ได้บันทึก", "some figures are not valid: nothing was saved",
                         problems)
    return checked


def save(engine: Engine, scope: Scope, form: Form, domain: int | None, figures: pd.DataFrame,
         based_on: int, who: str | None = None, now: datetime | None = None, action: str = "save") -> int:
    """Save the figures of one domain (None: every domain, e.g. an uploaded form file) as the LAO's draft.
    `figures`: index code; frame_raw, delivered_raw (as typed), not_done, explanation. `based_on`: the mark
    the form was loaded with (Form.mark(domain)). Returns the new event id (the next save's mark)."""
    lao, year = form.lao["code"], form.year
    require(scope, lao)
    now = (now or datetime.now()).replace(microsecond=0)
    who = who or scope.user
    ind = form.indicators
    codes = ind.index.tolist() if domain is None else ind.index[ind["domain"].astype(int) == int(domain)].tolist()
    checked = validate(form, figures, codes)
    given = figures.reindex(codes)
    said = given["explanation"].tolist() if "explanation" in given else [None] * len(codes)
    explanations = {c: _clean_text(v, "คำอธิบาย / explanation", c) for c, v in zip(codes, said, strict=True)}
    not_done = [checks.ticked(v) for v in given["not_done"].tolist()]
    with engine.begin() as conn:
        _lock(conn, lao)
        late = _check_window(conn, scope, year, now.date())
        _refuse_if_stale(conn, lao, year, domain, based_on)
        sub_id, revision, started = _draft(conn, lao, year, who, now)
        before = _stored(conn, sub_id)
        new = {c: {"frame": _num(f), "delivered": None if nd else _num(d), "not_done": nd, "explanation": explanations[c]}
               for c, f, d, nd in zip(codes, checked["frame"].tolist(), checked["delivered"].tolist(), not_done,
                                      strict=True)}
        changes = _changes(before, new)
        conn.execute(text("DELETE FROM indicator_value WHERE submission_id = :s AND indicator_code = :c"),
                     [{"s": sub_id, "c": c} for c in codes])
        keep = [{"s": sub_id, "c": c, "f": r["frame"], "d": r["delivered"], "n": r["not_done"], "e": r["explanation"]}
                for c, r in new.items() if r["frame"] is not None or r["delivered"] is not None or r["not_done"]
                or r["explanation"] is not None]
        if keep:
            conn.execute(text("INSERT INTO indicator_value (submission_id, indicator_code, frame, delivered, not_done, "
                              "explanation) VALUES (:s, :c, :f, :d, :n, :e)"), keep)
        conn.execute(text("UPDATE submission SET lock_version = lock_version + 1, updated_at = :now, updated_by = :w "
                          "WHERE id = :s"), {"now": now, "w": who[:100], "s": sub_id})
        event = _event(conn, lao, year, sub_id, revision, who, "save-late" if late else action, domain, now, changes)
        if started:
            log_change(conn, who, "entry-started", f"{lao} {year}: draft revision {revision}", year=year)
    return event


def submit(engine: Engine, scope: Scope, form: Form, certified_name: str, certified_position: str,
           based_on: int, who: str | None = None, now: datetime | None = None, last=None, peers=None) -> int:
    """Submit the draft, certified by the executive; rescored at once (every page shows it at its next run)."""
    lao, year = form.lao["code"], form.year
    require(scope, lao)
    now = (now or datetime.now()).replace(microsecond=0)
    who = who or scope.user
    name = _clean_text(certified_name, "ชื่อผู้รับรอง / certifying name")
    position = _clean_text(certified_position, "ตำแหน่ง / position")
    if not name or not position:
        raise EntryError("ต้องกรอกชื่อและตำแหน่งของผู้บริหารที่รับรองข้อมูล",
                         "the certifying executive's name and position are required")
    with engine.begin() as conn:
        _lock(conn, lao)
        _check_window(conn, scope, year, now.date())
        _refuse_if_stale(conn, lao, year, None, based_on)
        cur = conn.execute(text("SELECT id, revision, state FROM submission WHERE lao_code = :c AND year = :y "
                                "AND is_current"), {"c": lao, "y": year}).first()
        if cur is None or cur[2] != "in_progress":
            raise EntryError("ไม่มีร่างที่จะส่ง", "there is no draft to submit")
        stored = _figures(conn, cur[0])
        typed = stored.rename(columns={"frame": "frame_raw", "delivered": "delivered_raw"})
        checked = checks.check(form.indicators, typed, last if last is not None else form.last, peers)
        if not checks.ready_to_submit(checked):
            summary = checks.summary(checked, form.indicators["domain"])
            open_domains = [str(d) for d, r in summary.drop(index="all").iterrows()
                            if r["complete"] < r["n"] or r["problems"] or r["unexplained"]]
            raise EntryError(f"ยังส่งไม่ได้: ด้านที่ {', '.join(open_domains)} ยังกรอกไม่ครบ มีค่าไม่ถูกต้อง "
                             "หรือมีคำเตือนที่ยังไม่ได้อธิบาย",
                             f"not ready to submit: domain(s) {', '.join(open_domains)} are incomplete, invalid or "
                             "have warnings without an explanation")
        conn.execute(text("UPDATE submission SET state = 'submitted', submitted_at = :now, submitted_by = :w, "
                          "certified_name = :n, certified_position = :p, review_state = NULL, reviewed_by = NULL, "
                          "reviewed_at = NULL, updated_at = :now, updated_by = :w, lock_version = lock_version + 1 "
                          "WHERE id = :s"), {"now": now, "w": who[:100], "n": name, "p": position, "s": cur[0]})
        recount_in(conn, year, lao)              # the submitted revision counts from now on
        event = _event(conn, lao, year, cur[0], cur[1], who, "submit", None, now,
                       {"certified_name": name, "certified_position": position})
        log_change(conn, who, "entry-submit", f"{lao} {year}: revision {cur[1]} submitted", year=year)
    return event


def reopen(engine: Engine, scope: Scope, form: Form, based_on: int, who: str | None = None,
           now: datetime | None = None) -> int:
    """Start a new draft revision from the submitted one (which keeps counting until the new one is submitted)."""
    lao, year = form.lao["code"], form.year
    require(scope, lao)
    now = (now or datetime.now()).replace(microsecond=0)
    who = who or scope.user
    with engine.begin() as conn:
        _lock(conn, lao)
        _check_window(conn, scope, year, now.date())
        _refuse_if_stale(conn, lao, year, None, based_on)
        cur = conn.execute(text("SELECT state FROM submission WHERE lao_code = :c AND year = :y AND is_current"),
                           {"c": lao, "y": year}).first()
        if cur is None or cur[0] == "in_progress":
            raise EntryError("แบบนี้ยังไม่ได้ส่ง จึงแก้ไขได้อยู่แล้ว", "this form has not been submitted: it can be edited as it is")
        sub_id, revision, _ = _draft(conn, lao, year, who, now)
        event = _event(conn, lao, year, sub_id, revision, who, "reopen", None, now, {})
        log_change(conn, who, "entry-reopen", f"{lao} {year}: draft revision {revision}", year=year)
    return event


def _draft(conn: Connection, lao: str, year: int, who: str, now: datetime) -> tuple[int, int, bool]:
    """The LAO's draft revision: (id, revision, created now). A submitted newest revision is copied into a new
    draft (figures included); a first draft starts empty."""
    cur = conn.execute(text("SELECT id, revision, state FROM submission WHERE lao_code = :c AND year = :y "
                            "AND is_current"), {"c": lao, "y": year}).first()
    if cur is not None and cur[2] == "in_progress":
        return int(cur[0]), int(cur[1]), False
    top = conn.execute(text("SELECT COALESCE(MAX(revision), 0) FROM submission WHERE lao_code = :c AND year = :y"),
                       {"c": lao, "y": year}).scalar_one()
    conn.execute(text("UPDATE submission SET is_current = :f WHERE lao_code = :c AND year = :y AND is_current"),
                 {"f": False, "c": lao, "y": year})
    new_id = conn.execute(text(
        "INSERT INTO submission (lao_code, year, revision, state, source_file, submitted_by, is_current, counted, "
        "lock_version, updated_at, updated_by) VALUES (:c, :y, :r, 'in_progress', 'entry form', :w, :t, :f, 0, :now, :w) "
        "RETURNING id"), {"c": lao, "y": year, "r": int(top) + 1, "w": who[:100], "t": True, "f": False,
                          "now": now}).scalar_one()
    if cur is not None:
        # A submitted (2) left empty meant "not carried out": the draft says so with its tick.
        conn.execute(text("INSERT INTO indicator_value (submission_id, indicator_code, frame, delivered, evidence_url, "
                          "note, not_done, explanation) SELECT :n, indicator_code, frame, delivered, evidence_url, note, "
                          "CASE WHEN delivered IS NULL AND frame > 0 THEN :t ELSE not_done END, explanation "
                          "FROM indicator_value WHERE submission_id = :o"), {"n": new_id, "o": cur[0], "t": True})
    return int(new_id), int(top) + 1, True


def _changes(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    out = []
    for code, new in after.items():
        old = before.get(code, {})
        for field in FIELDS:
            if not _same(old.get(field), new[field]):
                out.append({"indicator": code, "field": field, "old": _plain(old.get(field)),
                            "new": _plain(new[field])})
    return out


def _same(a, b) -> bool:
    a, b = _plain(a), _plain(b)
    return a == b or (a in (None, False) and b in (None, False))


def _plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, (bool,)) or type(v).__name__ == "bool_":
        return bool(v)
    if isinstance(v, (int, float)) or hasattr(v, "item"):
        return float(v)
    return str(v)


def _num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _event(conn, lao, year, sub_id, revision, who, action, domain, now, detail) -> int:
    return int(conn.execute(text(
        "INSERT INTO entry_event (lao_code, year, submission_id, revision, at, who, action, domain, detail) "
        "VALUES (:c, :y, :s, :r, :at, :w, :a, :d, :detail) RETURNING id"),
        {"c": lao, "y": year, "s": sub_id, "r": revision, "at": now, "w": who[:100], "a": action,
         "d": domain, "detail": json.dumps(detail, ensure_ascii=False)}).scalar_one())
