"""Shared pieces of the round paper-trail tests (evidence, steps, review, conditions, reminders): the
people, real files of each accepted type, and a resubmission as store.entry will make one."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text

from store import review
from store.access import PUBLIC, Scope

OPEN = 2569
PUBLISHED = 2568
THAI = re.compile("[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class People:
    lao: str                    # a submitted LAO of province 30
    neighbour: str              # another submitted LAO of province 30
    far: str                    # a submitted LAO of province 81
    staff: Scope
    neighbour_staff: Scope
    far_staff: Scope
    monitor: Scope              # province 30
    far_monitor: Scope          # province 81
    executive: Scope
    admin: Scope
    public: Scope = PUBLIC


def submitted_laos(engine: Engine, province: str, n: int, lao_type: str = "sao") -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l JOIN submission s ON s.lao_code = l.code WHERE l.province_code = :p AND "
            "l.type = :t AND s.year = :y AND s.counted ORDER BY l.code LIMIT :n"),
            {"p": province, "t": lao_type, "y": OPEN, "n": n})]


def people(engine: Engine) -> People:
    lao, neighbour = submitted_laos(engine, "30", 2)
    far = submitted_laos(engine, "81", 1)[0]
    return People(lao, neighbour, far,
                  Scope(role="lao", lao_code=lao, user="staff30"),
                  Scope(role="lao", lao_code=neighbour, user="neighbour30"),
                  Scope(role="lao", lao_code=far, user="staff81"),
                  Scope(role="monitor", province_code="30", user="mon30"),
                  Scope(role="monitor", province_code="81", user="mon81"),
                  Scope(role="executive", user="exec"),
                  Scope(role="admin", user="root"))


def applicable_indicators(engine: Engine, lao: str, year: int = OPEN) -> list[str]:
    with engine.connect() as conn:
        kind = conn.execute(text("SELECT type FROM lao WHERE code = :c"), {"c": lao}).scalar_one()
        rows = conn.execute(text("SELECT code, applies_to FROM indicator WHERE year = :y ORDER BY code"), {"y": year})
        return [code for code, applies in rows if kind in applies.split(";")]


# --- real files -----------------------------------------------------------------------------------------

def pdf(size: int = 2000) -> bytes:
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
    return head + b"0" * max(size - len(head) - 6, 0) + b"%%EOF\n"


def image(kind: str) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def xlsx() -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "คำสั่งแต่งตั้ง"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def with_macros() -> bytes:
    """A workbook with a VBA project (an .xlsm renamed .xlsx)."""
    with zipfile.ZipFile(io.BytesIO(xlsx())) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 100
    return zip_of(parts)


def zip_bomb() -> bytes:
    """Small on disk, a workbook's names, and one part that inflates 1000-fold."""
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"\0" * (40 << 20)})


# --- a resubmission, as store.entry makes one -----------------------------------------------------------

def resubmit(engine: Engine, lao: str, year: int = OPEN, changes: dict[str, tuple] | None = None,
             state: str = "submitted") -> int:
    """A new revision copying the newest one's figures (with `changes`: indicator -> (frame, delivered)),
    made current; when submitted, recounted and rescored as store.entry's submit does. Returns its revision."""
    with engine.begin() as conn:
        last = conn.execute(text("SELECT id, revision FROM submission WHERE lao_code = :c AND year = :y "
                                 "ORDER BY revision DESC LIMIT 1"), {"c": lao, "y": year}).first()
        conn.execute(text("UPDATE submission SET is_current = :no WHERE lao_code = :c AND year = :y"),
                     {"no": False, "c": lao, "y": year})
        new = conn.execute(text(
            "INSERT INTO submission (lao_code, year, revision, state, submitted_at, submitted_by, is_current, counted) "
            "VALUES (:c, :y, :r, :s, :at, 'staff', :yes, :no) RETURNING id"),
            {"c": lao, "y": year, "r": last[1] + 1, "s": state, "at": datetime.now() if state == "submitted" else None,
             "yes": True, "no": False}).scalar_one()
        conn.execute(text("INSERT INTO indicator_value (submission_id, indicator_code, frame, delivered) "
                          "SELECT :new, indicator_code, frame, delivered FROM indicator_value "
                          "WHERE submission_id = :old"),
                     {"new": new, "old": last[0]})
        for code, (frame, delivered) in (changes or {}).items():
            conn.execute(text("UPDATE indicator_value SET frame = :f, delivered = :d WHERE submission_id = :s AND "
                              "indicator_code = :i"), {"f": frame, "d": delivered, "s": new, "i": code})
        if state == "submitted":
            review.recount_in(conn, year, lao)
        return last[1] + 1


def newest_revision(engine: Engine, lao: str, year: int = OPEN) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT MAX(revision) FROM submission WHERE lao_code = :c AND year = :y AND "
                                 "state = 'submitted'"), {"c": lao, "y": year}).scalar_one()


def log_size(engine: Engine) -> tuple[int, int]:
    """(change_log rows, entry_event rows): every change adds to both."""
    with engine.connect() as conn:
        return (conn.execute(text("SELECT COUNT(*) FROM change_log")).scalar_one(),
                conn.execute(text("SELECT COUNT(*) FROM entry_event")).scalar_one())


def scalar(engine: Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def bilingual(exc) -> None:
    """A refusal explains itself in Thai and in English."""
    th, en = exc.text("th"), exc.text("en")
    assert THAI.search(th) and th != en and re.search("[A-Za-z]{3}", en), (th, en)
