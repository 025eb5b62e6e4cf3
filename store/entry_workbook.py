"""The offline route: an LAO's own form as an XLSX workbook, and reading it back once filled in.

The workbook is also a valid submissions import file (its first five columns carry the import's Thai
headers), pre-filled with the LAO's indicators, their labels and targets, last round's figures and the
figures of its draft. Only the input columns are unlocked; every other cell is written as text or a number,
never as a formula. Reading it back goes through store.upload.read_table (sniffed, size- and bomb-limited)
and the same checks as the form; problems name the spreadsheet row and column, and nothing is saved.
"""
from __future__ import annotations

import io
import math
import re

import pandas as pd
import xlsxwriter

from scoring.errors import Problem, ValidationError
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


def _number_or_text(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def workbook(form, lang: str = "th") -> bytes:
    """The LAO's form (store.entry.Form) as an XLSX file in Thai (or English) headers."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDE6F0", "border": 1,
                            "locked": True})
    locked = book.add_format({"text_wrap": True, "valign": "top", "locked": True})
    number = book.add_format({"valign": "top", "locked": True, "num_format": "#,##0.##"})
    entry = book.add_format({"valign": "top", "locked": False, "bg_color": "#FFF4C2", "border": 1,
                             "num_format": "#,##0.##"})
    sheet = book.add_worksheet(SHEET.text(lang))
    for col, (_, th, en, width, _inp) in enumerate(COLUMNS):
        sheet.write_string(0, col, th if lang == "th" else en, head)
        sheet.set_column(col, col, width)
    ind, fig, last = form.indicators, form.figures, form.last
    for row, code in enumerate(ind.index, start=1):
        r = ind.loc[code]
        have = fig.loc[code] if code in fig.index else None
        values = {
            "lao_code": form.lao["code"], "year": form.year, "indicator_code": code,
            "frame": None if have is None else have["frame"], "delivered": None if have is None else have["delivered"],
            "not_done": ("ใช่" if lang == "th" else "yes") if have is not None and bool(have["not_done"]) else None,
            "explanation": None if have is None else have["explanation"],
            "domain": int(r["domain"]), "name": r[f"name_{lang}"], "target": r["target"], "unit": r.get(f"unit_{lang}"),
            "frame_label": r[f"frame_{lang}"], "delivered_label": r[f"delivered_{lang}"],
            "last_frame": last.at[code, "frame"] if code in last.index else None,
            "last_delivered": last.at[code, "delivered"] if code in last.index else None}
        for col, (key, *_rest, is_input) in enumerate(COLUMNS):
            value = _number_or_text(values[key])
            style = entry if is_input else (number if isinstance(value, float) else locked)
            if isinstance(value, float):
                sheet.write_number(row, col, value, style)
            elif value is None:
                sheet.write_blank(row, col, None, style)
            else:
                sheet.write_string(row, col, value, style)
        for col in (3, 4):       # (1) and (2): numbers of 0 or more
            sheet.data_validation(row, col, row, col, {"validate": "decimal", "criteria": ">=", "value": 0,
                                                       "error_message": "0 หรือมากกว่า / 0 or more"})
    sheet.freeze_panes(1, 3)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True})
    help_sheet = book.add_worksheet("วิธีกรอก" if lang == "th" else "how to fill in")
    help_sheet.set_column(0, 0, 110)
    help_sheet.write_string(0, 0, HOW_TO.text(lang), book.add_format({"text_wrap": True, "valign": "top"}))
    book.close()
    return buf.getvalue()


def _norm(header: str) -> str:
    return re.sub(r"[\s._\-()]", "", str(header).lower())


_HEADERS = {_norm(h): key for key, th, en, *_ in COLUMNS for h in (th, en, key)} | {
    _norm("กรอบการประเมิน"): "frame", _norm("การจัดบริการสาธารณะ"): "delivered", _norm("รหัสอปท"): "lao_code",
    _norm("ไม่ได้ดำเนินการ"): "not_done", _norm("คำอธิบาย"): "explanation"}


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
        raise ValidationError([Problem(None, k, f"ไม่มีคอลัมน์ {k}", f"missing column {k}") for k in missing], "form")
    problems: list[Problem] = []
    rows = {}
    known = set(codes)
    for row, rec in df.iterrows():
        code = str(rec[cols["indicator_code"]] if pd.notna(rec[cols["indicator_code"]]) else "").strip()
        if not code:
            continue
        if "lao_code" in cols and pd.notna(rec[cols["lao_code"]]) and str(rec[cols["lao_code"]]).strip() != lao_code:
            problems.append(Problem(row, cols["lao_code"], f"เป็นแบบของ อปท. อื่น ({rec[cols['lao_code']]})",
                                    f"the form of another LAO ({rec[cols['lao_code']]})"))
            continue
        if "year" in cols and pd.notna(rec[cols["year"]]) and str(rec[cols["year"]]).strip() != str(year):
            problems.append(Problem(row, cols["year"], f"เป็นแบบของรอบปี {rec[cols['year']]} ไม่ใช่ {year}",
                                    f"the form of round {rec[cols['year']]}, not {year}"))
            continue
        if code not in known:
            problems.append(Problem(row, cols["indicator_code"], f"ไม่มีตัวชี้วัด {code} ในแบบของ อปท. นี้",
                                    f"indicator {code} is not on this LAO's form"))
            continue
        if code in rows:
            problems.append(Problem(row, cols["indicator_code"], f"ตัวชี้วัด {code} ซ้ำ (แถว {rows[code]['row']})",
                                    f"indicator {code} appears twice (row {rows[code]['row']})"))
            continue
        rows[code] = {"row": row, "frame_raw": rec[cols["frame"]], "delivered_raw": rec[cols["delivered"]],
                      "not_done": "not_done" in cols and str(rec[cols["not_done"]]).strip().lower() in YES,
                      "explanation": rec[cols["explanation"]] if "explanation" in cols else None}
        if len(problems) >= 200:
            break
    if problems:
        raise ValidationError(problems, "form")
    out = pd.DataFrame.from_dict(rows, orient="index")
    if out.empty:
        raise ValidationError([Problem(None, None, "ไม่มีแถวตัวชี้วัดในไฟล์", "the file has no indicator rows")], "form")
    out.index.name = "code"
    return out
