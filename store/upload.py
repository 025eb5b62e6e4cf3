"""Reading an uploaded or imported table (CSV or XLSX) into a DataFrame of text, defensively.

The file type is sniffed from the content, never trusted from the name. Every value comes back as a
stripped `str`, or missing (NaN) when empty; the index is the spreadsheet row number (header = row 1,
first data row = 2), so later validation can point users at the row they see in Excel.
Anything unreadable raises scoring.errors.ValidationError with a Thai and English message.

Every file is bounded before it costs anything (README "Limits on files"): its size
(LAO_UPLOAD_MAX_MB), then its columns, rows and cells (LAO_IMPORT_MAX_COLUMNS/ROWS/CELLS). A CSV's
header is measured from its first 64 KB and the parser is told to stop one row past the limit, so a
file of a million columns or rows is refused without being parsed. Workbooks are checked for zip bombs
on their central directory, then parsed by openpyxl (with defusedxml, which refuses entity-expansion
attacks) in a child process with capped memory and time (store.workbook).
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.errors import Problem, ValidationError
from scoring.texts import Bilingual

from . import settings, workbook

DEFAULT_MAX_MB = 50
# Zip-bomb limits, checked on the central directory before anything is decompressed. Python's zipfile
# never inflates an entry past its declared size, so the declared sizes are a real bound.
XLSX_MAX_ENTRIES = 1000
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200            # spreadsheet XML compresses ~5-30x; bombs reach 1000x and more
_RATIO_MIN_BYTES = 1 << 20      # tiny entries (styles, empty sheets) may compress absurdly well
HEADER_MAX_CHARS = 65536        # a header row longer than this is not a header

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # legacy .xls, or a password-protected .xlsx
ZIP_MAGIC = b"PK\x03\x04"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Limits:
    """How big a table may be: data rows, columns, cells (rows × columns)."""
    rows: int
    columns: int
    cells: int

    @classmethod
    def from_settings(cls, rows: int | None = None) -> Limits:
        """The configured limits; `rows` lowers the row limit (a catalogue has at most ~800 rows)."""
        n = int(settings.number("LAO_IMPORT_MAX_ROWS"))
        return cls(rows=min(n, rows) if rows else n, columns=int(settings.number("LAO_IMPORT_MAX_COLUMNS")),
                   cells=int(settings.number("LAO_IMPORT_MAX_CELLS")))


def max_bytes() -> tuple[int, float]:
    """The size limit from LAO_UPLOAD_MAX_MB (default 50 MB), as (bytes, megabytes)."""
    mb = settings.number("LAO_UPLOAD_MAX_MB")
    return int(mb * 1024 * 1024), mb


def _fail(th: str, en: str, name: str, column: str | None = None) -> ValidationError:
    return ValidationError([Problem(None, column, Bilingual(f"{name}: {th}", f"{name}: {en}"))], "file")


def read_bytes(source) -> tuple[bytes, str]:
    """(content, file name) from a path or a (bytes, filename) pair, refusing oversized files
    before reading them."""
    limit, mb = max_bytes()
    if isinstance(source, tuple):
        data, name = source
        size = len(data)
    else:
        path = Path(source)
        name = path.name
        if not path.is_file():
            raise _fail("ไม่พบไฟล์", "file not found", name)
        size = path.stat().st_size
        data = None
    if size > limit:
        raise _fail(f"ไฟล์มีขนาด {size / 1048576:.1f} MB เกินขีดจำกัด {mb:g} MB",
                    f"file is {size / 1048576:.1f} MB, over the {mb:g} MB limit (LAO_UPLOAD_MAX_MB)", name)
    if data is None:
        data = Path(source).read_bytes()
    return bytes(data), name


def sniff(data: bytes) -> str:
    """'xlsx', 'zip' (some other zip), 'xls' (OLE2), 'binary' or 'text', by content."""
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return "xlsx" if "xl/workbook.xml" in zf.namelist() else "zip"
        except zipfile.BadZipFile:
            return "binary"
    if data.startswith(OLE2_MAGIC):
        return "xls"
    if b"\x00" in data[:65536]:
        return "binary"
    return "text"


def read_table(source, limits: Limits | None = None) -> pd.DataFrame:
    """Read CSV or XLSX (first sheet) into text columns; see the module docstring. `limits` defaults
    to the configured ones."""
    data, name = read_bytes(source)
    limits = limits or Limits.from_settings()
    kind = sniff(data)
    if kind == "xlsx":
        text, width = _xlsx_as_csv(data, name, limits)
        return _read_csv(text, name, limits, width=width)
    if kind == "xls":
        raise _fail("เป็นไฟล์ Excel รุ่นเก่า (.xls) หรือไฟล์ที่ตั้งรหัสผ่าน ระบบรับเฉพาะ .xlsx หรือ CSV "
                    "กรุณาบันทึกเป็น .xlsx หรือ CSV UTF-8",
                    "legacy Excel (.xls) or password-protected workbook: only .xlsx and CSV are accepted; "
                    "save it as .xlsx or CSV UTF-8", name)
    if kind in ("zip", "binary"):
        raise _fail("ไม่ใช่ไฟล์ CSV หรือ Excel (.xlsx)", "not a CSV or Excel (.xlsx) file", name)
    return _read_csv(_decode(data, name), name, limits)


# --- CSV -------------------------------------------------------------------------------------------

def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else Windows-874 (a superset of TIS-620); both strictly."""
    text = None
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    # cp874 maps almost every byte, so also refuse control characters no text file has (and that
    # PostgreSQL would refuse later).
    if text is None or _CONTROL.search(text):
        raise _fail("อ่านการเข้ารหัสอักขระไม่ได้ ต้องเป็น UTF-8 หรือ Windows-874/TIS-620",
                    "unreadable text encoding: must be UTF-8 or Windows-874/TIS-620", name)
    return text


def _too_many_columns(n: int, limits: Limits, name: str, at_least: bool = False) -> ValidationError:
    th, en = (" หรือมากกว่า", " or more") if at_least else ("", "")
    return _fail(f"ไฟล์มี {n:,}{th} คอลัมน์ เกินขีดจำกัด {limits.columns:,} คอลัมน์ (LAO_IMPORT_MAX_COLUMNS)",
                 f"the file has {n:,}{en} columns, over the limit of {limits.columns:,} (LAO_IMPORT_MAX_COLUMNS)",
                 name)


def _malformed(exc: Exception, name: str) -> ValidationError:
    reason = " ".join(str(exc).split())[:300]
    return _fail(f"โครงสร้าง CSV ไม่ถูกต้อง ({reason})", f"malformed CSV ({reason})", name)


def _header_width(text: str, limits: Limits, name: str) -> int:
    """Fields in the header record, read from at most HEADER_MAX_CHARS characters: a header of a
    million columns is refused without being split."""
    head = io.StringIO(text[:HEADER_MAX_CHARS])
    try:
        fields = next(csv.reader(head), [])
    except csv.Error as exc:
        raise _malformed(exc, name) from exc
    cut = len(text) > HEADER_MAX_CHARS and head.tell() >= HEADER_MAX_CHARS     # the header goes on
    if len(fields) > limits.columns:
        raise _too_many_columns(len(fields), limits, name, at_least=cut)
    if cut:
        raise _fail(f"แถวหัวตารางยาวเกิน {HEADER_MAX_CHARS:,} ตัวอักษร", f"the header row is longer than "
                    f"{HEADER_MAX_CHARS:,} characters", name)
    return len(fields)


def _read_csv(text: str, name: str, limits: Limits, width: int | None = None) -> pd.DataFrame:
    """Parse CSV text; `width` is given for a workbook's rows (store.workbook), which are already
    bounded and may be shorter than the widest row."""
    if not text.strip():
        raise _empty(name)
    columns = _header_width(text, limits, name) if width is None else width
    cap = min(limits.rows, limits.cells // max(columns, 1))      # data rows allowed
    try:
        raw = pd.read_csv(io.StringIO(text), header=None, names=None if width is None else range(width), dtype=str,
                          keep_default_na=False, na_filter=False, skip_blank_lines=False, sep=",",
                          quotechar='"', doublequote=True, quoting=csv.QUOTE_MINIMAL, engine="c",
                          nrows=cap + 2, index_col=False)
    except pd.errors.ParserError as exc:
        raise _malformed(exc, name) from exc
    except pd.errors.EmptyDataError as exc:
        raise _empty(name) from exc
    if raw.shape[1] > limits.columns:               # a header record spread over several lines
        raise _too_many_columns(raw.shape[1], limits, name)
    if len(raw) - 1 > cap:
        raise _too_many_rows(cap, limits, name)
    header = [str(h) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:]
    body.index = np.arange(2, len(body) + 2)      # spreadsheet row numbers
    return _finish(header, body, name)


def _too_many_rows(cap: int, limits: Limits, name: str) -> ValidationError:
    if cap == limits.rows:
        return _fail(f"ไฟล์มีข้อมูลเกิน {limits.rows:,} แถว (LAO_IMPORT_MAX_ROWS) กรุณาแบ่งเป็นหลายไฟล์",
                     f"the file has more than {limits.rows:,} data rows (LAO_IMPORT_MAX_ROWS): split it into "
                     "several files", name)
    return _fail(f"ไฟล์มีข้อมูลเกิน {limits.cells:,} ช่อง (แถว × คอลัมน์, LAO_IMPORT_MAX_CELLS) กรุณาแบ่งเป็นหลายไฟล์",
                 f"the file has more than {limits.cells:,} cells (rows × columns, LAO_IMPORT_MAX_CELLS): split it "
                 "into several files", name)


# --- XLSX ------------------------------------------------------------------------------------------

def check_zip(data: bytes, name: str) -> None:
    """Refuse zip bombs using only the central directory (nothing is inflated)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    too_big = _fail("ไฟล์ Excel มีโครงสร้างผิดปกติ (ขนาดเมื่อคลายบีบอัดใหญ่เกินไป) ไม่สามารถเปิดอย่างปลอดภัย",
                    "the workbook is abnormal (uncompressed size too large): refusing to open it", name)
    if len(infos) > XLSX_MAX_ENTRIES:
        raise _fail(f"ไฟล์ Excel มีส่วนประกอบ {len(infos):,} ส่วน เกินขีดจำกัด {XLSX_MAX_ENTRIES:,}",
                    f"the workbook has {len(infos):,} parts, over the limit of {XLSX_MAX_ENTRIES:,}", name)
    if sum(i.file_size for i in infos) > XLSX_MAX_UNCOMPRESSED:
        raise too_big
    for i in infos:
        if i.file_size > _RATIO_MIN_BYTES and i.file_size > XLSX_MAX_RATIO * max(i.compress_size, 1):
            raise too_big


def _xlsx_as_csv(data: bytes, name: str, limits: Limits) -> tuple[str, int]:
    check_zip(data, name)
    try:
        text, width = workbook.run(data, limits.rows, limits.columns, limits.cells,
                                   seconds=settings.number("LAO_XLSX_SECONDS"),
                                   memory_mb=settings.number("LAO_XLSX_MEMORY_MB"))
    except workbook.Refusal as exc:
        raise _fail(exc.th, exc.en, name) from None
    if not width:
        raise _empty(name)
    return text, width


# --- shared ----------------------------------------------------------------------------------------

def _empty(name: str) -> ValidationError:
    return _fail("ไฟล์ว่าง หรือมีแต่หัวตารางโดยไม่มีข้อมูล", "the file is empty or has a header but no data rows", name)


def _finish(header: list[str], body: pd.DataFrame, name: str) -> pd.DataFrame:
    """Name the columns, strip every value, turn empties into NaN, drop blank rows and columns."""
    header = [str(h).replace("\ufeff", "").strip() for h in header]
    body = body.copy()
    body.columns = range(len(header))
    for c in body.columns:
        s = body[c].astype(str).str.strip()
        body[c] = s.where(s != "", np.nan)
    keep = [i for i, h in enumerate(header) if h or body[i].notna().any()]
    if not any(header[i] for i in keep):
        raise _empty(name)
    header = [header[i] or f"(column {i + 1})" for i in keep]
    body = body[keep]
    body.columns = header
    counts = pd.Series(header).value_counts()
    dupes = sorted(counts.index[counts > 1])
    if dupes:
        raise ValidationError([Problem(1, h, Bilingual(f"{name}: หัวคอลัมน์ '{h}' ซ้ำกัน",
                                                       f"{name}: column '{h}' appears twice")) for h in dupes], "file")
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t")):
        raise _fail("ดูเหมือนใช้ ; หรือแท็บคั่นคอลัมน์ ต้องใช้เครื่องหมายจุลภาค (,)",
                    "the columns seem separated by ';' or tabs: a CSV must use commas", name)
    body = body[body.notna().any(axis=1)]
    if body.empty:
        raise _empty(name)
    return body
