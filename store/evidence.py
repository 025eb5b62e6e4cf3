"""Evidence of one LAO's round: files (PDF, JPEG, PNG, XLSX) and links, for one indicator, one step
after submission (store.trail.STEPS), or the submission as a whole.

Files are kept in the database itself (attachment.content), not in a folder: a backup of the database
(a copy of the SQLite file, or pg_dump) then always has every file its rows name, one transaction
writes a file and its record together, and there is no second place to secure. The limits keep that
affordable: LAO_EVIDENCE_MAX_MB per file and LAO_EVIDENCE_TOTAL_MB per LAO and round (files not
removed), both checked before anything is stored.

The type comes from the content, never from the name, and the name's extension must agree with it
(a PNG named .pdf is refused). A workbook must be a real XLSX (a zip with [Content_Types].xml naming a
spreadsheet and xl/ parts, no macros), checked on the zip's directory and one small part, never by
unpacking it, after the same zip-bomb limits as imports.

Files go back only as downloads (store.evidence.Download: Content-Disposition attachment, nosniff, a
sandboxing CSP), only to those who may read the LAO's private trail (store.trail). Removing marks the
row removed and keeps it: the history shows what was there, and only administrators can still
download a removed file. Evidence may be added in any state of the round (steps after submission
happen after it closes); the LAO's own staff and administrators add and remove it.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from urllib.parse import quote

import pandas as pd
from sqlalchemy import Connection, Engine, text

from scoring.errors import ValidationError
from scoring.texts import Bilingual

from . import settings, upload
from .access import Scope
from .trail import (
    LaoRound,
    TrailError,
    clean_text,
    clean_url,
    indicator_of,
    lao_round,
    now,
    record,
    require_lao_writer,
    require_read,
    step_of,
    writing,
)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# kind -> (content type, extensions a name may have for it; the first is used when it has none)
TYPES = {
    "pdf": ("application/pdf", (".pdf",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "xlsx": (XLSX_MIME, (".xlsx",)),
}
KIND_NAMES = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "xlsx": "Excel (.xlsx)"}
LABEL_MAX = 300
NAME_STEM_MAX = 120
_CONTENT_TYPES_MAX = 1 << 20          # [Content_Types].xml is a few KB; more is not a workbook
_PDF = re.compile(rb"%PDF-[12]\.\d")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|;%\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]')
LIST_COLUMNS = ["id", "indicator_code", "step", "kind", "file_name", "content_type", "size_bytes", "sha256",
                "url", "label", "uploaded_by", "uploaded_at", "removed_by", "removed_at"]


@dataclass(frozen=True)
class Download:
    """A file to hand back: serve `content` with `headers` (never inline)."""
    content: bytes
    file_name: str
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def limits() -> tuple[int, int]:
    """(bytes per file, bytes per LAO and round) from LAO_EVIDENCE_MAX_MB and LAO_EVIDENCE_TOTAL_MB."""
    return (int(settings.number("LAO_EVIDENCE_MAX_MB") * 1048576),
            int(settings.number("LAO_EVIDENCE_TOTAL_MB") * 1048576))


# --- what a file is -------------------------------------------------------------------------------------

def sniff(data: bytes, name: str = "file") -> str | None:
    """'pdf', 'jpeg', 'png' or 'xlsx' from the content; None for anything else. A zip bomb raises
    TrailError (naming `name`) before any part is inflated."""
    if _PDF.match(data[:16]):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return "png"
    if data.startswith(upload.ZIP_MAGIC) and _is_xlsx(data, name):
        return "xlsx"
    return None


def _is_xlsx(data: bytes, name: str) -> bool:
    try:
        upload.check_zip(data, name)          # the imports' zip-bomb limits, on the directory alone
    except ValidationError as exc:
        raise TrailError(exc.problems[0].text("th"), exc.problems[0].text("en")) from None
    except zipfile.BadZipFile:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if ("[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names)
                    or "xl/vbaProject.bin" in names):
                return False
            info = zf.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return False
            parts = zf.read(info)              # never inflated past its declared size
    except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError):   # damaged or encrypted
        return False
    return b"spreadsheetml.sheet.main+xml" in parts


def _refused_type(name: str) -> TrailError:
    return TrailError(f"ไฟล์ '{name}' ไม่ใช่ PDF, JPEG, PNG หรือ Excel (.xlsx) ตามเนื้อไฟล์จริง",
                      f"'{name}' is not a PDF, JPEG, PNG or Excel (.xlsx) file by its content")


def safe_name(name: str, kind: str) -> str:
    """The file name to keep and serve: no folders, control or reserved characters, a bounded stem, and
    an extension of the file's real type. TrailError when the name's extension says another type."""
    base = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    shown = _UNSAFE_NAME.sub("_", base)[:80] or "?"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = "." + ext.lower() if ext else ""
    allowed = TYPES[kind][1]
    if ext not in allowed:
        real = KIND_NAMES[kind]
        if any(ext in exts for _, exts in TYPES.values()):
            raise TrailError(f"ชื่อไฟล์ '{shown}' บอกว่าเป็น {ext} แต่เนื้อไฟล์เป็น {real}: ตั้งชื่อให้ตรงกับชนิดไฟล์",
                             f"the name '{shown}' says {ext} but the content is {real}: name it for what it is")
        raise TrailError(f"ชื่อไฟล์ '{shown}' ต้องลงท้ายด้วย {' หรือ '.join(allowed)} ตามชนิดไฟล์ ({real})",
                         f"the name '{shown}' must end in {' or '.join(allowed)} for its type ({real})")
    stem = re.sub(r"\s+", " ", _UNSAFE_NAME.sub("_", stem)).strip(" ._")[:NAME_STEM_MAX].strip(" ._")
    return (stem or "evidence") + ext


def download_headers(file_name: str, content_type: str, size: int) -> dict[str, str]:
    """Headers that make any browser save the file, never render it: attachment with an ASCII and a
    UTF-8 name (RFC 6266), nosniff, and a CSP that sandboxes it should it be opened all the same."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_",
                        unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode()).strip("_")
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "evidence" + (ascii_name if ascii_name.startswith(".") else "")
    return {"Content-Type": content_type,
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                                   f"filename*=UTF-8''{quote(file_name, safe='')}",
            "Content-Length": str(size),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store"}


# --- adding -----------------------------------------------------------------------------------------------

def add_file(engine: Engine, scope: Scope, lao: str, year: int, data: bytes, name: str, *,
             indicator: str | None = None, step: str | None = None, label: str | None = None) -> int:
    """Attach a file to an indicator, a step, or (neither) the submission as a whole; returns its id.
    Refused before anything is stored: too large, over the LAO's total, not one of the four types, or a
    name that says another type."""
    data = bytes(data)
    check_size(len(data))
    with writing(engine, lao) as conn:
        lr = lao_round(conn, lao, year)
        require_lao_writer(scope, lr)
        return insert_file(conn, scope, lr, data, name, indicator=indicator, step=step, label=label)


def add_link(engine: Engine, scope: Scope, lao: str, year: int, url: str, *, indicator: str | None = None,
             step: str | None = None, label: str | None = None) -> int:
    """Attach a link (http or https) to an indicator, a step, or the submission; returns its id."""
    with writing(engine, lao) as conn:
        lr = lao_round(conn, lao, year)
        require_lao_writer(scope, lr)
        return insert_link(conn, scope, lr, url, indicator=indicator, step=step, label=label)


def check_size(size: int) -> None:
    per_file, _ = limits()
    if size == 0:
        raise TrailError("ไฟล์ว่างเปล่า", "the file is empty")
    if size > per_file:
        raise TrailError(f"ไฟล์มีขนาด {size / 1048576:.1f} MB เกินขีดจำกัด {per_file / 1048576:g} MB ต่อไฟล์",
                         f"the file is {size / 1048576:.1f} MB, over the limit of {per_file / 1048576:g} MB "
                         "per file (LAO_EVIDENCE_MAX_MB)")


def insert_file(conn: Connection, scope: Scope, lr: LaoRound, data: bytes, name: str, *,
                indicator: str | None = None, step: str | None = None, label: str | None = None) -> int:
    """add_file inside the caller's transaction (which holds store.trail.writing for this LAO)."""
    check_size(len(data))
    shown = _UNSAFE_NAME.sub("_", str(name or ""))[:80]
    kind = sniff(data, shown)
    if kind is None:
        raise _refused_type(shown)
    file_name = safe_name(name, kind)
    _, total = limits()
    used = int(conn.execute(text("SELECT COALESCE(SUM(size_bytes), 0) FROM attachment WHERE lao_code = :lao AND "
                                 "year = :y AND kind = 'file' AND removed_at IS NULL"),
                            {"lao": lr.lao_code, "y": lr.year}).scalar_one())
    if used + len(data) > total:
        raise TrailError(f"หลักฐานของ อปท. นี้ในรอบปี {lr.year} จะรวมเป็น {(used + len(data)) / 1048576:.1f} MB "
                         f"เกินขีดจำกัด {total / 1048576:g} MB: ลบไฟล์ที่ไม่ใช้แล้ว หรือย่อขนาดไฟล์",
                         f"this LAO's evidence for round {lr.year} would come to {(used + len(data)) / 1048576:.1f} "
                         f"MB, over the limit of {total / 1048576:g} MB (LAO_EVIDENCE_TOTAL_MB): remove files no "
                         "longer needed or make this one smaller")
    target = _target(conn, lr, indicator, step)
    digest = hashlib.sha256(data).hexdigest()
    row = _insert(conn, scope, lr, target, kind="file", file_name=file_name, content_type=TYPES[kind][0],
                  size_bytes=len(data), sha256=digest, content=data, url=None, label=_label(label))
    record(conn, scope, lr, "evidence-add", f"file {file_name} ({len(data):,} bytes) for {_where(target)}",
           {"attachment": row, "kind": "file", "file_name": file_name, "size_bytes": len(data), "sha256": digest,
            **target})
    return row


def insert_link(conn: Connection, scope: Scope, lr: LaoRound, url: str, *, indicator: str | None = None,
                step: str | None = None, label: str | None = None) -> int:
    """add_link inside the caller's transaction."""
    url = clean_url(url)
    target = _target(conn, lr, indicator, step)
    row = _insert(conn, scope, lr, target, kind="link", file_name=None, content_type=None, size_bytes=None,
                  sha256=None, content=None, url=url, label=_label(label))
    record(conn, scope, lr, "evidence-add", f"link for {_where(target)}",
           {"attachment": row, "kind": "link", "url": url, **target})
    return row


def _label(label) -> str | None:
    return clean_text(label, Bilingual("คำอธิบายหลักฐาน", "the evidence's label"), LABEL_MAX)


def _target(conn: Connection, lr: LaoRound, indicator, step) -> dict:
    if indicator not in (None, "") and step not in (None, ""):
        raise TrailError("หลักฐานหนึ่งรายการเป็นของตัวชี้วัดหรือขั้นตอนอย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสองอย่าง",
                         "a piece of evidence belongs to an indicator or to a step, not both")
    return {"indicator_code": indicator_of(conn, lr, indicator) if indicator not in (None, "") else None,
            "step": step_of(step) if step not in (None, "") else None}


def _where(target: dict) -> str:
    if target["indicator_code"]:
        return f"indicator {target['indicator_code']}"
    return f"step {target['step']}" if target["step"] else "the submission"


def _insert(conn: Connection, scope: Scope, lr: LaoRound, target: dict, **values) -> int:
    params = {"lao": lr.lao_code, "y": lr.year, "by": scope.user[:100], "at": now(), **target, **values}
    return int(conn.execute(text(
        "INSERT INTO attachment (lao_code, year, indicator_code, step, kind, file_name, content_type, size_bytes, "
        "sha256, content, url, label, uploaded_by, uploaded_at) VALUES (:lao, :y, :indicator_code, :step, :kind, "
        ":file_name, :content_type, :size_bytes, :sha256, :content, :url, :label, :by, :at) RETURNING id"),
        params).scalar_one())


# --- reading, downloading, removing ------------------------------------------------------------------------

def attachments(engine: Engine, scope: Scope, lao: str, year: int, include_removed: bool = False) -> pd.DataFrame:
    """The evidence of one LAO's round, newest first, without the files' content."""
    with engine.connect() as conn:
        lr = lao_round(conn, lao, year)
        require_read(scope, lr)
        live = "" if include_removed else " AND removed_at IS NULL"
        return pd.read_sql(text(f"SELECT {', '.join(LIST_COLUMNS)} FROM attachment WHERE lao_code = :lao AND "
                                f"year = :y{live} ORDER BY uploaded_at DESC, id DESC"),
                           conn, params={"lao": lr.lao_code, "y": lr.year})


def used_bytes(engine: Engine, scope: Scope, lao: str, year: int) -> tuple[int, int]:
    """(bytes of files not removed, the LAO_EVIDENCE_TOTAL_MB limit) for one LAO's round."""
    df = attachments(engine, scope, lao, year)
    return int(df.loc[df["kind"] == "file", "size_bytes"].fillna(0).sum()), limits()[1]


def _attachment(conn: Connection, attachment_id) -> tuple[dict, LaoRound]:
    try:
        key = int(attachment_id)
    except (TypeError, ValueError):
        key = None
    row = None if key is None else conn.execute(text(
        "SELECT id, lao_code, year, kind, file_name, content_type, size_bytes, removed_at, step, indicator_code "
        "FROM attachment WHERE id = :i"), {"i": key}).mappings().first()
    if row is None:
        raise TrailError(f"ไม่พบหลักฐานรายการที่ {str(attachment_id)[:20]}", f"no evidence {str(attachment_id)[:20]}")
    return dict(row), lao_round(conn, row["lao_code"], row["year"])


def download(engine: Engine, scope: Scope, attachment_id: int) -> Download:
    """One file for download, to those who may read that LAO's round (a removed one: administrators)."""
    with engine.connect() as conn:
        row, lr = _attachment(conn, attachment_id)
        require_read(scope, lr)
        if row["kind"] != "file":
            raise TrailError("หลักฐานรายการนี้เป็นลิงก์ ไม่ใช่ไฟล์", "this evidence is a link, not a file")
        if row["removed_at"] is not None and not scope.can_administer:
            raise TrailError("ไฟล์นี้ถูกลบออกแล้ว", "this file was removed")
        content = conn.execute(text("SELECT content FROM attachment WHERE id = :i"), {"i": row["id"]}).scalar_one()
    content = bytes(content)
    return Download(content, row["file_name"], row["content_type"],
                    download_headers(row["file_name"], row["content_type"], len(content)))


def remove(engine: Engine, scope: Scope, attachment_id: int) -> None:
    """Mark a file or link removed (the row stays as history)."""
    with engine.connect() as conn:
        lao = _attachment(conn, attachment_id)[1].lao_code
    with writing(engine, lao) as conn:
        row, lr = _attachment(conn, attachment_id)
        require_lao_writer(scope, lr)
        if row["removed_at"] is not None:
            raise TrailError("หลักฐานนี้ถูกลบออกไปแล้ว", "this evidence was removed already")
        conn.execute(text("UPDATE attachment SET removed_at = :at, removed_by = :by WHERE id = :i"),
                     {"at": now(), "by": scope.user[:100], "i": row["id"]})
        target = {"indicator_code": row["indicator_code"], "step": row["step"]}
        record(conn, scope, lr, "evidence-remove",
               f"{row['kind']} {row['file_name'] or ''} for {_where(target)} removed".replace("  ", " "),
               {"attachment": row["id"], **target})
