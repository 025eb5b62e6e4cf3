"""The offline route's columns, and reading a filled-in form back (its writer: dashboard/entry_workbook.py).

The workbook is also a valid submissions import file: its first five columns carry the import's Thai headers.
Reading it back goes through store.upload.read_table (sniffed, size- and bomb-limited) and then the form's own
checks; problems name the spreadsheet row and column, and nothing is saved.
"""
from __future__ import annotations

import re

import pandas as pd

from scoring.errors import Problem, ValidationError, problem
from scoring.texts import Bilingual

from .upload import read_table

SHEET = Bilingual("แบบประเมิน", "form")
COLUMNS = (  # key, Thai header, English header, width, input?
    ("lao_code", "รหัส อปท.", "lao_code", 11, False),
    ("year", "ปี", "year", 7, False),
    ("indicator_code", "รหัสตัวชี้วัด", "indicator_code", 10, False),
    ("frame", "กรอบการประเมิน (1)", "frame", 16, True),
    ("delivered", "การจัดบริการสาธารณะ (2)", "delivered", 16, True),
    ("not_done", "ไม่ได้ดำเนินการ (ใส่ ใช่)", "not carried out (yes)", 14, True),
    ("explanation", "คำอธิบาย (ถ้ามีคำเตือน)", "explanation (for a warning)", 30, True),
    ("domain", "ด้าน", "domain", 6, False),
    ("name", "ตัวชี้วัด", "indicator", 60, False),
    ("target", "ค่าเป้าหมาย", "target", 10, False),
    ("unit", "หน่วย", "unit", 10, False),
    ("frame_label", "(1) คือ", "(1) is", 45, False),
    ("delivered_label", "(2) คือ", "(2) is", 45, False),
    ("last_frame", "ปีก่อน (1)", "last round (1)", 12, False),
    ("last_delivered", "ปีก่อน (2)", "last round (2)", 12, False),
)
YES = {"ใช่", "yes", "y", "1", "true", "x", "✓"}
HOW_TO = Bilingual(
    "กรอกเฉพาะช่องสีเหลือง: (1) กรอบการประเมิน และ (2) การจัดบริการสาธารณะ เป็นตัวเลข ไม่ติดลบ (กรอก 0 ที่ (1) ถ้าไม่มี"
    "บริการนี้ในพื้นที่) ถ้ามีภารกิจแต่ไม่ได้ดำเนินการ ให้เว้น (2) ว่างและใส่ 'ใช่' ในช่องไม่ได้ดำเนินการ "
    "จากนั้นอัปโหลดไฟล์นี้ในหน้ากรอกข้อมูล ระบบจะตรวจทุกแถวและบันทึกเป็นร่างให้ตรวจก่อนส่ง",
    "Fill in the yellow cells only: (1) the frame and (2) the service delivered, as numbers of 0 or more (0 in (1) "
    "when there is no such service). If the LAO has the task but did not carry it out, leave (2) empty and put "
    "'yes' under 'not carried out'. Then upload this file on the entry page: every row is checked and it becomes "
    "a draft to review before submitting.")


def _norm(header: str) -> str:
    return re.sub(r"[\s._\-()]", "", str(header).lower())


_HEADERS = {_norm(h): key for key, th, en, *_ in COLUMNS for h in (th, en, key)} | {
    _norm("กรอบการประเมิน"): "frame", _norm("การจัดบริการสาธารณะ"): "delivered", _norm("รหัสอปท"): "lao_code",
    _norm("ไม่ได้ดำเนินการ"): "not_done", _norm("คำอธิบาย"): "explanation"}


def _cell(rec, cols: dict, key: str) -> str:
    return str(rec[cols[key]]).strip() if key in cols and pd.notna(rec[cols[key]]) else ""


def _row_problem(row, rec, cols, code, lao_code, year, known, seen) -> Problem | None:
    """What is wrong with one row of a form file (another LAO's or round's, an unknown or repeated code)."""
    other_lao, other_year = _cell(rec, cols, "lao_code"), _cell(rec, cols, "year")
    if other_lao and other_lao != lao_code:
        return problem(row, cols["lao_code"], f"เป็นแบบของ อปท. อื่น ({other_lao})",
                       f"the form of another LAO ({other_lao})")
    if other_year and other_year != str(year):
        return problem(row, cols["year"], f"เป็นแบบของรอบปี {other_year} ไม่ใช่ {year}",
                       f"the form of round {other_year}, not {year}")
    if code not in known:
        return problem(row, cols["indicator_code"], f"ไม่มีตัวชี้วัด {code} ในแบบของ อปท. นี้",
                       f"indicator {code} is not on this LAO's form")
    if code in seen:
        return problem(row, cols["indicator_code"], f"ตัวชี้วัด {code} ซ้ำ (แถว {seen[code]['row']})",
                       f"indicator {code} appears twice (row {seen[code]['row']})")
    return None


def read(source, lao_code: str, year: int, codes) -> pd.DataFrame:
    """The figures of a filled-in form file (`source`: path or (bytes, name)) for one LAO and round: index
    code; frame_raw, delivered_raw (text as typed), not_done, explanation. Raises ValidationError naming row
    and column for a file of another LAO or round, an unknown or repeated indicator, a missing column."""
    df = read_table(source)
    cols = {}
    for header in df.columns:
        key = _HEADERS.get(_norm(header))
        if key and key not in cols:
            cols[key] = header
    missing = [k for k in ("indicator_code", "frame", "delivered") if k not in cols]
    if missing:
        raise ValidationError([problem(None, k, f"ไม่มีคอลัมน์ {k}", f"missing column {k}") for k in missing], "form")
    problems: list[Problem] = []
    rows: dict[str, dict] = {}
    known = set(codes)
    for row, rec in df.iterrows():
        code = _cell(rec, cols, "indicator_code")
        if not code:
            continue
        wrong = _row_problem(row, rec, cols, code, lao_code, year, known, rows)
        if wrong is not None:
            problems.append(wrong)
        else:
            rows[code] = {"row": row, "frame_raw": rec[cols["frame"]], "delivered_raw": rec[cols["delivered"]],
                          "not_done": _cell(rec, cols, "not_done").lower() in YES,
                          "explanation": rec[cols["explanation"]] if "explanation" in cols else None}
        if len(problems) >= 200:
            break
    if problems:
        raise ValidationError(problems, "form")
    out = pd.DataFrame.from_dict(rows, orient="index")
    if out.empty:
        raise ValidationError([problem(None, None, "ไม่มีแถวตัวชี้วัดในไฟล์", "the file has no indicator rows")], "form")
    out.index.name = "code"
    return out
