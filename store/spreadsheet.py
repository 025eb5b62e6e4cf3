"""Downloads that are safe to open in Excel: text that starts like a formula is quoted.

A cell beginning with =, +, -, @ (or a tab/carriage return that Excel strips first) would run as a
formula; prefixing an apostrophe keeps it text. Numbers stay numbers.
"""
from __future__ import annotations

import io

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            text = s.astype(object)
            risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
            if risky.any():
                out[col] = text.where(~risky, "'" + text.astype(str))
    out.columns = [("'" + c) if isinstance(c, str) and c.startswith(FORMULA_START) else c for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel shows Thai correctly."""
    return neutralise(df).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xw:
        neutralise(df).to_excel(xw, index=False, sheet_name=sheet[:31])
    return buf.getvalue()


SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheets_to_xlsx(sheets: dict[str, pd.DataFrame], column_width: float = 22) -> bytes:
    """Several tables as one workbook, a sheet per table in the order given, each as formula-safe as
    to_xlsx_bytes. Sheet names lose the characters Excel refuses and are cut to its 31; two tables
    whose names then collide are refused rather than one overwriting the other."""
    names = [str(name).translate(SHEET_NAME_FORBIDDEN).strip()[:31] or "data" for name in sheets]
    if len(set(names)) != len(names):
        raise ValueError(f"sheet names must differ in their first 31 characters: {names}")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xw:
        for name, df in zip(names, sheets.values()):
            neutralise(df).to_excel(xw, index=False, sheet_name=name)
            xw.sheets[name].set_column(0, max(len(df.columns) - 1, 0), column_width)
    return buf.getvalue()
