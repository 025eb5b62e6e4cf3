"""Downloads that are safe to open in a spreadsheet (every CSV and XLSX the product writes).

Three things make a cell dangerous in Excel or LibreOffice: text that starts like a formula (=, +, -,
@, also after leading spaces), a line break the CSV writer leaves unquoted (a bare CR: the spreadsheet
starts a new row there, so the text after it arrives as a cell of its own, formula and all), and a TAB
(a cell boundary when the text is pasted or imported tab-separated). So:

* line breaks of every kind become LF, which the CSV writer always quotes (the cell keeps its lines);
  TAB and the other control characters become spaces;
* text that starts like a formula gets a leading apostrophe in CSV, and the "quote prefix" style in
  XLSX (shown without the apostrophe, and kept as text if the cell is edited);
* numbers are never touched: numeric values stay numeric cells with a number format in XLSX, and text
  that is just a number (-16.7, 12.5%, 1,234) is not a formula, so it gets no apostrophe.
"""
from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from datetime import date, datetime

import numpy as np
import pandas as pd

FORMULA_START = re.compile(r"\s*[=+\-@]")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?%?")
LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
OTHER_CONTROL = re.compile(r"[\x00-\x09\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
ANY_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
INT_FORMAT, FLOAT_FORMAT = "0", "#,##0.0##"
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"


def clean_text(value: str) -> str:
    """Line breaks as LF, TAB and other control characters as spaces."""
    if not ANY_CONTROL.search(value):
        return value
    return OTHER_CONTROL.sub(" ", LINE_BREAKS.sub("\n", value))


def looks_like_formula(value: str) -> bool:
    """True for text a spreadsheet would run (after clean_text); a plain number never is one."""
    return bool(FORMULA_START.match(value)) and not PLAIN_NUMBER.fullmatch(value.strip())


def _text_cells(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(the column with its text cleaned, mask of text cells that look like a formula); cells that are
    not text (numbers, dates, missing) are left as they are."""
    s = s.astype(object)
    dirty = s.str.contains(ANY_CONTROL, na=False).to_numpy()
    if dirty.any():
        s = s.copy()
        s[dirty] = [clean_text(v) for v in s[dirty]]
    risky = s.str.match(FORMULA_START, na=False).to_numpy()
    if risky.any():
        risky = risky & ~s.str.strip().str.fullmatch(PLAIN_NUMBER, na=False).to_numpy()
    return s, risky


def _is_text_column(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def _csv_header(name):
    if not isinstance(name, str):
        return name
    text = clean_text(name)
    return "'" + text if looks_like_formula(text) else text


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """The CSV form of a table: text cleaned, formula-like text (and headers) behind an apostrophe."""
    out = df.copy()
    for col in out.columns:
        if _is_text_column(out[col]):
            s, risky = _text_cells(out[col])
            out[col] = s.where(~risky, "'" + s.astype(str)) if risky.any() else s
    out.columns = [_csv_header(c) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel shows Thai correctly."""
    return neutralise(df).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: pd.DataFrame | Mapping[str, pd.DataFrame], sheet: str = "data",
                  formats: Mapping[str, str] | None = None, width: float | None = None) -> bytes:
    """One workbook: a table, or a sheet per table of a {name: table} mapping. Text cells are strings
    (never formulas), formula-like ones with the quote prefix; numbers are numeric cells with a number
    format (`formats` maps a column to an Excel format, e.g. {"pass_rate": "0.0"}); `width` sets every
    column's width."""
    import xlsxwriter

    tables = {sheet: sheets} if isinstance(sheets, pd.DataFrame) else dict(sheets)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    styles = _Styles(wb)
    for name, df in tables.items():
        _write_sheet(wb.add_worksheet(clean_text(str(name))[:31]), df, styles, formats or {}, width)
    wb.close()
    return buf.getvalue()


class _Styles:
    """The workbook's cell formats, made once each."""

    def __init__(self, wb):
        self._wb, self._made = wb, {}
        self.header = wb.add_format({"bold": True})
        self.header_quoted = wb.add_format({"bold": True, "quote_prefix": True})
        self.quoted = wb.add_format({"quote_prefix": True})

    def number(self, fmt: str):
        if fmt not in self._made:
            self._made[fmt] = self._wb.add_format({"num_format": fmt})
        return self._made[fmt]


def _write_sheet(ws, df: pd.DataFrame, styles: _Styles, formats: Mapping[str, str], width: float | None) -> None:
    for j, c in enumerate(df.columns):
        text = clean_text(str(c))
        ws.write_string(0, j, text, styles.header_quoted if looks_like_formula(text) else styles.header)
    columns = [_column_writer(df[c], styles, formats.get(c)) for c in df.columns]
    if width is not None and len(df.columns):
        ws.set_column(0, len(df.columns) - 1, width)
    for i in range(len(df)):                 # constant_memory: rows are written in order
        for j, write in enumerate(columns):
            write(ws, i + 1, j, i)


def _column_writer(s: pd.Series, styles: _Styles, fmt: str | None):
    """A function (ws, row, col, i) writing the column's i-th value as the right kind of cell."""
    if pd.api.types.is_bool_dtype(s) and not s.isna().any():
        values = s.to_numpy()
        return lambda ws, r, c, i: ws.write_boolean(r, c, bool(values[i]))
    if pd.api.types.is_numeric_dtype(s):
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        style = styles.number(fmt or (INT_FORMAT if pd.api.types.is_integer_dtype(s) else FLOAT_FORMAT))
        return lambda ws, r, c, i: (ws.write_number(r, c, values[i], style) if math.isfinite(values[i])
                                    else ws.write_blank(r, c, None))
    if pd.api.types.is_datetime64_any_dtype(s):
        values = s.dt.tz_localize(None).to_numpy(dtype=object) if s.dt.tz is not None else s.to_numpy(dtype=object)
        style = styles.number(fmt or DATETIME_FORMAT)
        return lambda ws, r, c, i: _write_value(ws, r, c, values[i], styles, fmt, style)
    text, risky = _text_cells(s) if _is_text_column(s) else (s.astype(object), np.zeros(len(s), dtype=bool))
    values = text.to_numpy(dtype=object)
    return lambda ws, r, c, i: (ws.write_string(r, c, values[i], styles.quoted) if risky[i]
                                else _write_value(ws, r, c, values[i], styles, fmt))


def _write_value(ws, r: int, c: int, v, styles: _Styles, fmt: str | None, style=None) -> None:
    """One cell of a mixed (object) column by the value's own type."""
    if v is None or v is pd.NaT or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NA:
        ws.write_blank(r, c, None)
    elif isinstance(v, str):
        ws.write_string(r, c, v)
    elif isinstance(v, (bool, np.bool_)):
        ws.write_boolean(r, c, bool(v))
    elif isinstance(v, (int, float, np.integer, np.floating)):
        ws.write_number(r, c, float(v), styles.number(fmt or (INT_FORMAT if isinstance(v, (int, np.integer))
                                                              else FLOAT_FORMAT)))
    elif isinstance(v, datetime):
        ws.write_datetime(r, c, v.replace(tzinfo=None), style or styles.number(fmt or DATETIME_FORMAT))
    elif isinstance(v, date):
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), styles.number(fmt or DATE_FORMAT))
    else:
        text = clean_text(str(v))
        ws.write_string(r, c, text, styles.quoted if looks_like_formula(text) else None)


SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheets_to_xlsx(sheets: dict[str, pd.DataFrame], column_width: float = 22) -> bytes:
    """Several tables as one workbook, a sheet per table in the order given. Sheet names lose the characters
    Excel refuses and are cut to its 31; two tables whose names then collide are refused rather than one
    overwriting the other."""
    names = [str(name).translate(SHEET_NAME_FORBIDDEN).strip()[:31] or "data" for name in sheets]
    if len(set(names)) != len(names):
        raise ValueError(f"sheet names must differ in their first 31 characters: {names}")
    return to_xlsx_bytes(dict(zip(names, sheets.values())), width=column_width)
