"""The offline route: an LAO's own form (store.entry.Form) as an XLSX workbook to fill in without a connection.

Pre-filled with the LAO's indicators, their labels and targets, last round's figures and its draft's figures;
only the input cells are unlocked; every other cell is written as text or a number, never as a formula. The
columns (and the reader of a filled-in file) are store/entry_workbook.py's.
"""
from __future__ import annotations

import io
import math

import xlsxwriter

from store.entry_workbook import COLUMNS, HOW_TO, SHEET

from . import theme


def _number_or_text(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def workbook(form, lang: str = "th") -> bytes:
    """The LAO's form (store.entry.Form) as an XLSX file in Thai (or English) headers."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": theme.LIGHT, "border": 1,
                            "locked": True})
    locked = book.add_format({"text_wrap": True, "valign": "top", "locked": True})
    number = book.add_format({"valign": "top", "locked": True, "num_format": "#,##0.##"})
    entry = book.add_format({"valign": "top", "locked": False, "bg_color": theme.INPUT_CELL, "border": 1,
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


