"""Reading an uploaded or imported table (CSV or XLSX) into a DataFrame of text, defensively.

The file type is sniffed from the content, never trusted from the name. Every value comes back as a
stripped `str`, or missing (NaN) when empty; the index is the spreadsheet row number (header = row 1,
first data row = 2), so later validation can point users at the row they see in Excel.
Anything unreadable raises scoring.errors.ValidationError with a Thai and English message.
Workbooks are checked for zip bombs before parsing; openpyxl then parses their XML with defusedxml
(a dependency), which refuses entity-expansion attacks.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.errors import Problem, ValidationError

from . import settings

DEFAULT_MAX_MB = 50
# Zip-bomb limits, checked on the central directory before anything is decompressed. Python's zipfile
# never inflates an entry past its declared size, so the declared sizes are a real bound.
XLSX_MAX_ENTRIES = 1000
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200            # spreadsheet XML compresses ~5-30x; bombs reach 1000x and more
_RATIO_MIN_BYTES = 1 << 20      # tiny entries (styles, empty sheets) may compress absurdly well

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # legacy .xls, or a password-protected .xlsx
ZIP_MAGIC = b"PK\x03\x04"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_bytes() -> tuple[int, float]:
    """The size limit from LAO_UPLOAD_MAX_MB (default 50 MB), as (bytes, megabytes)."""
    mb = settings.number("LAO_UPLOAD_MAX_MB")
    return int(mb * 1024 * 1024), mb


def _fail(th: str, en: str, name: str, column: str | None = None) -> ValidationError:
    return ValidationError([Problem(None, column, f"{name}: {th}", f"{name}: {en}")], "file")


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


def read_table(source) -> pd.DataFrame:
    """Read CSV or XLSX (first sheet) into text columns; see the module docstring."""
    data, name = read_bytes(source)
    kind = sniff(data)
    if kind == "xlsx":
        rows = _xlsx_rows(data, name)
        return _frame_from_rows(rows, name)
    if kind == "xls":
        raise _fail("เป็นไฟล์ Excel รุ่นเก่า (.xls) หรือไฟล์ที่ตั้งรหัสผ่าน ระบบรับเฉพาะ .xlsx หรือ CSV "
                    "กรุณาบันทึกเป็น .xlsx หรือ CSV UTF-8",
                    "legacy Excel (.xls) or password-protected workbook: only .xlsx and CSV are accepted; "
                    "save it as .xlsx or CSV UTF-8", name)
    if kind in ("zip", "binary"):
        raise _fail("ไม่ใช่ไฟล์ CSV หรือ Excel (.xlsx)", "not a CSV or Excel (.xlsx) file", name)
    return _read_csv(_decode(data, name), name)


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


def _read_csv(text: str, name: str) -> pd.DataFrame:
    if not text.strip():
        raise _empty(name)
    try:
        raw = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, na_filter=False,
                          skip_blank_lines=False, sep=",", quotechar='"', doublequote=True,
                          quoting=csv.QUOTE_MINIMAL, engine="c")
    except pd.errors.ParserError as exc:
        raise _fail(f"โครงสร้าง CSV ไม่ถูกต้อง ({exc})", f"malformed CSV ({exc})", name) from exc
    except pd.errors.EmptyDataError as exc:
        raise _empty(name) from exc
    header = [str(h) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:]
    body.index = np.arange(2, len(body) + 2)      # spreadsheet row numbers
    return _finish(header, body, name)


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


def _xlsx_rows(data: bytes, name: str) -> list[list]:
    check_zip(data, name)
    import openpyxl  # slow import; only needed for workbooks
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    except ValidationError:
        raise
    except Exception as exc:   # openpyxl raises many kinds of error on a damaged workbook
        raise _fail(f"เปิดไฟล์ Excel ไม่ได้ ({type(exc).__name__})",
                    f"cannot open the workbook ({type(exc).__name__}: {exc})", name) from exc
    return rows


def _cell_text(v) -> str:
    """An Excel cell as the text a user typed: 2569 not 2569.0, TRUE as 1, dates as ISO."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ") if v.time() != time(0) else v.date().isoformat()
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v)


def _frame_from_rows(rows: list[list], name: str) -> pd.DataFrame:
    if not rows:
        raise _empty(name)
    width = max(len(r) for r in rows)
    header = list(rows[0]) + [""] * (width - len(rows[0]))
    body = pd.DataFrame([list(r) + [""] * (width - len(r)) for r in rows[1:]], columns=range(width), dtype=object)
    body.index = np.arange(2, len(body) + 2)
    return _finish(header, body, name)


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
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise ValidationError([Problem(1, h, f"{name}: หัวคอลัมน์ '{h}' ซ้ำกัน", f"{name}: column '{h}' appears twice")
                               for h in dupes], "file")
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t")):
        raise _fail("ดูเหมือนใช้ ; หรือแท็บคั่นคอลัมน์ ต้องใช้เครื่องหมายจุลภาค (,)",
                    "the columns seem separated by ';' or tabs: a CSV must use commas", name)
    body = body[body.notna().any(axis=1)]
    if body.empty:
        raise _empty(name)
    return body
