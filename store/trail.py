"""What the round's paper trail shares (evidence, steps, review, reminders, contact e-mails): who may
read or write one LAO's round, refusals in Thai and English, clean text and links, one writer per LAO
at a time, and the record every change leaves (an entry_event row and a change_log row, in the
transaction of the change itself).

Who may do what with one LAO's round, whatever the round's state:

* read the private trail (attachments, review comments, revisions): the LAO's own staff, the
  monitors of its province, executives and administrators; never the public, even once the round
  is published (evidence files may hold names and signatures and were sent to ODLOC, not published);
* write the LAO's own trail (evidence, steps, its contact e-mail, replies): its staff and
  administrators;
* review (check, return, comment): the monitors of its province and administrators.

Executives read everything and write nothing here.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, text

from scoring.texts import Bilingual, Refusal

from .access import PermissionDenied, Scope
from .dataset import log_change

URL_MAX = 2000
# The steps after submission, in the order they happen (the LAO memo of 2567: evidence of each went to ODLOC).
STEPS = {
    "committee": Bilingual("แต่งตั้งคณะกรรมการประเมิน", "assessment committee appointed"),
    "executive": Bilingual("เสนอผลต่อผู้บริหารท้องถิ่น", "results presented to the executive"),
    "council": Bilingual("รายงานผลต่อสภาท้องถิ่น", "reported to the local council"),
    "public": Bilingual("ประกาศผลให้ประชาชนทราบ", "publicised to citizens"),
}
# C0/C1 controls, line/paragraph separators and the invisible direction overrides (text that reads
# differently from how it is stored). Line feeds are allowed only where a text may have several lines.
_CONTROL = r"\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL_CHARS = re.compile(f"[{_CONTROL}\\n]")
_CONTROL_BUT_LF = re.compile(f"[{_CONTROL}]")


class TrailError(Refusal, ValueError):
    """Refused input (a bad file, link, date, text, or a state that does not allow it), in Thai and English."""


class NotAllowed(Refusal, PermissionDenied):
    """The scope may not do this to that LAO's round, in Thai and English."""


@dataclass(frozen=True)
class LaoRound:
    """One LAO and one round, as the checks need them."""
    lao_code: str
    name_th: str
    type: str
    province_code: str
    year: int | None                # None: the LAO alone (lao_of)
    state: str | None               # the round's: open | closed | published
    window_open: date | None
    window_close: date | None


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def lao_round(conn: Connection, lao: str, year) -> LaoRound:
    """The LAO and the round, or TrailError naming which is unknown."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise TrailError(f"ปี '{year}' ไม่ถูกต้อง", f"'{year}' is not a year") from None
    lr = lao_of(conn, lao)
    rnd = conn.execute(text("SELECT state, window_open, window_close FROM round WHERE year = :y"),
                       {"y": year}).first()
    if rnd is None:
        raise TrailError(f"ไม่มีรอบการประเมินปี {year}", f"there is no assessment round {year}")
    return replace(lr, year=year, state=rnd[0], window_open=_as_date(rnd[1]), window_close=_as_date(rnd[2]))


def lao_of(conn: Connection, lao: str) -> LaoRound:
    """The LAO alone (no round: year and state empty), or TrailError when the code is unknown."""
    lao = str(lao or "").strip()
    row = conn.execute(text("SELECT code, name_th, type, province_code FROM lao WHERE code = :c"),
                       {"c": lao}).first()
    if row is None:
        raise TrailError(f"ไม่พบ อปท. รหัส '{lao[:20]}'", f"no LAO with code '{lao[:20]}'")
    return LaoRound(row[0], row[1], row[2], row[3], None, None, None, None)


def _as_date(v) -> date | None:
    if v is None or isinstance(v, date) and not isinstance(v, datetime):
        return v
    if isinstance(v, datetime):
        return v.date()
    return date.fromisoformat(str(v)[:10])


# --- who may ------------------------------------------------------------------------------------------

def may_read(scope: Scope, lr: LaoRound) -> bool:
    return scope.signed_in and scope.covers(lr.province_code, lr.lao_code)


def require_read(scope: Scope, lr: LaoRound) -> None:
    if not may_read(scope, lr):
        raise NotAllowed(f"ผู้ใช้ {scope.user} ไม่มีสิทธิ์ดูข้อมูลของ อปท. {lr.lao_code}",
                         f"{scope.user} ({scope.role}) may not see LAO {lr.lao_code}'s round")


def require_lao_writer(scope: Scope, lr: LaoRound) -> None:
    """The LAO's own staff, or an administrator."""
    if not (scope.can_administer or (scope.role == "lao" and scope.lao_code == lr.lao_code)):
        raise NotAllowed(f"เฉพาะเจ้าหน้าที่ของ อปท. {lr.lao_code} หรือผู้ดูแลระบบเท่านั้นที่แก้ไขได้",
                         f"{scope.user} ({scope.role}) may not change LAO {lr.lao_code}'s round: "
                         "only its own staff or an administrator")


def require_reviewer(scope: Scope, lr: LaoRound) -> None:
    """A monitor of the LAO's province, or an administrator."""
    if not (scope.can_administer or (scope.role == "monitor" and scope.province_code == lr.province_code)):
        raise NotAllowed(f"เฉพาะผู้ตรวจของจังหวัดนี้หรือผู้ดูแลระบบเท่านั้นที่ตรวจผลของ อปท. {lr.lao_code} ได้",
                         f"{scope.user} ({scope.role}) may not review LAO {lr.lao_code}: only a monitor of "
                         f"province {lr.province_code} or an administrator")


def scope_sql(scope: Scope, lao_alias: str = "l") -> tuple[str, dict]:
    """SQL condition for the private trail: the scope's LAOs whatever the round's state; nothing for
    the public."""
    if not scope.signed_in:
        return "1=0", {}
    return scope.unpublished_filter(lao_alias)


# --- one writer per LAO, and the record of every change ----------------------------------------------

@contextmanager
def writing(engine: Engine, lao: str) -> Iterator[Connection]:
    """A transaction in which nobody else writes this LAO's trail, so a check (a size total, the newest
    revision) still holds when the write follows. SQLite: its write lock, taken at once; PostgreSQL:
    the LAO's row, locked."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT code FROM lao WHERE code = :c FOR UPDATE"), {"c": str(lao)})
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


# The entry_event actions of the paper trail. None of them changes the LAO's figures, so a form opened
# before one of them is not stale (store.entry compares saves with the newest *entry* event).
TRAIL_ACTIONS = ("evidence-add", "evidence-remove", "step", "check", "return", "comment", "remind")


def record(conn: Connection, scope: Scope, lr: LaoRound, action: str, summary: str, detail: dict | None = None,
           submission_id: int | None = None, revision: int | None = None, domain: int | None = None,
           log: bool = True) -> int | None:
    """The entry_event of a round event and its change_log row (the new data version); returns the
    change_log id. `log` False: the caller logs many events at once in one change_log row."""
    assert action in TRAIL_ACTIONS, action
    conn.execute(text("INSERT INTO entry_event (lao_code, year, submission_id, revision, at, who, action, domain, "
                      "detail) VALUES (:lao, :y, :sid, :rev, :at, :who, :action, :domain, :detail)"),
                 {"lao": lr.lao_code, "y": lr.year, "sid": submission_id, "rev": revision, "at": now(),
                  "who": scope.user[:100], "action": action[:20], "domain": domain,
                  "detail": json.dumps(detail or {}, ensure_ascii=False, default=str)})
    if not log:
        return None
    return log_change(conn, scope.user[:100], action, f"{lr.lao_code} {lr.year}: {summary}", year=lr.year)


# --- clean input --------------------------------------------------------------------------------------

def clean_text(value, what: Bilingual, max_chars: int, multiline: bool = False, required: bool = False) -> str | None:
    """A stripped text (NFC), or None when empty and not required; TrailError when too long or holding
    a control or invisible character (line breaks only where `multiline`)."""
    s = unicodedata.normalize("NFC", str(value or "")).strip()
    if multiline:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if not s:
        if required:
            raise TrailError(f"กรุณากรอก{what.th}", f"{what.en} is required")
        return None
    if len(s) > max_chars:
        raise TrailError(f"{what.th}ยาว {len(s):,} ตัวอักษร เกิน {max_chars:,} ตัวอักษร",
                         f"{what.en} is {len(s):,} characters long, over the limit of {max_chars:,}")
    if (_CONTROL_BUT_LF if multiline else _CONTROL_CHARS).search(s):
        raise TrailError(f"{what.th}มีอักขระควบคุมหรืออักขระที่มองไม่เห็น ต้องลบออก",
                         f"{what.en} holds a control or invisible character: remove it")
    return s


def clean_url(value) -> str:
    """An http(s) link with a host, at most URL_MAX characters, no spaces, control characters or
    user name/password in it; TrailError otherwise."""
    s = unicodedata.normalize("NFC", str(value or "")).strip()
    shown = _CONTROL_CHARS.sub("\N{REPLACEMENT CHARACTER}", s[:60]) + ("…" if len(s) > 60 else "")
    if not s:
        raise TrailError("กรุณากรอกลิงก์", "the link is empty")
    if len(s) > URL_MAX:
        raise TrailError(f"ลิงก์ยาว {len(s):,} ตัวอักษร เกิน {URL_MAX:,} ตัวอักษร",
                         f"the link is {len(s):,} characters long, over the limit of {URL_MAX:,}")
    if _CONTROL_CHARS.search(s) or any(c.isspace() for c in s):
        raise TrailError("ลิงก์มีช่องว่าง อักขระควบคุม หรืออักขระที่มองไม่เห็น",
                         "the link holds a space, a control or an invisible character")
    try:
        parts = urlsplit(s)
        _ = parts.port                                      # ValueError when the port is malformed
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise TrailError(f"ลิงก์ '{shown}' ต้องขึ้นต้นด้วย http:// หรือ https:// และมีชื่อเว็บไซต์",
                         f"the link '{shown}' must be an http:// or https:// address with a host name")
    if parts.username is not None or parts.password is not None:
        raise TrailError("ลิงก์ต้องไม่มีชื่อผู้ใช้หรือรหัสผ่านอยู่ในลิงก์",
                         "the link must not carry a user name or password")
    return s


def plausible_date(value, what: Bilingual, year: int) -> date:
    """A date of the round: from 1 January of the (Gregorian) year before the round's B.E. year up to
    today; TrailError otherwise."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise TrailError(f"{what.th}: '{str(value)[:20]}' ไม่ใช่วันที่ (เช่น 2026-06-01)",
                             f"{what.en}: '{str(value)[:20]}' is not a date like 2026-06-01") from None
    earliest, today = date(year - 543 - 1, 1, 1), date.today()
    if value > today:
        raise TrailError(f"{what.th}: วันที่ {value.isoformat()} ยังมาไม่ถึง",
                         f"{what.en}: {value.isoformat()} is in the future")
    if value < earliest:
        raise TrailError(f"{what.th}: วันที่ {value.isoformat()} เก่าเกินไปสำหรับรอบปี {year}",
                         f"{what.en}: {value.isoformat()} is too early for round {year} "
                         f"(on or after {earliest.isoformat()})")
    return value


def indicator_of(conn: Connection, lr: LaoRound, code) -> str:
    """An indicator code of the round's catalogue that applies to the LAO's type; TrailError otherwise."""
    code = str(code or "").strip()
    row = conn.execute(text("SELECT applies_to FROM indicator WHERE year = :y AND code = :c"),
                       {"y": lr.year, "c": code}).first()
    if row is None or lr.type not in (row[0] or "").split(";"):
        raise TrailError(f"ไม่มีตัวชี้วัด '{code[:10]}' สำหรับ อปท. ประเภทนี้ในรอบปี {lr.year}",
                         f"indicator '{code[:10]}' is not in round {lr.year} for this LAO's type")
    return code


def step_of(value) -> str:
    """One of STEPS; TrailError otherwise."""
    step = str(value or "").strip()
    if step not in STEPS:
        raise TrailError(f"ไม่รู้จักขั้นตอน '{step[:20]}' (ต้องเป็น {', '.join(STEPS)})",
                         f"unknown step '{step[:20]}': choose one of {', '.join(STEPS)}")
    return step
