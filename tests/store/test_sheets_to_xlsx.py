"""Several tables as one workbook (store.spreadsheet.sheets_to_xlsx): one sheet each, in order, formula-safe."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from store.spreadsheet import sheets_to_xlsx


def test_one_sheet_per_table_in_order_with_thai_names_and_formulas_quoted():
    data = sheets_to_xlsx({"สรุป": pd.DataFrame({"รายการ": ["=1+1", "ผ่าน"], "ค่า": [1, 2.5]}),
                           "ผลทุกรอบ": pd.DataFrame({"a": []})})
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["สรุป", "ผลทุกรอบ"]
    rows = list(wb["สรุป"].values)
    assert rows[0] == ("รายการ", "ค่า") and rows[2] == ("ผ่าน", 2.5)
    formula_like = wb["สรุป"].cell(2, 1)          # kept as text with Excel's quote prefix, never a formula
    assert formula_like.value == "=1+1" and formula_like.data_type == "s" and formula_like.quotePrefix
    assert list(wb["ผลทุกรอบ"].values) == [("a",)]


def test_sheet_names_lose_what_excel_refuses_and_are_cut_to_31():
    wb = load_workbook(io.BytesIO(sheets_to_xlsx({"a/b:c?": pd.DataFrame({"x": [1]}), "y" * 40: pd.DataFrame()})))
    assert wb.sheetnames == ["a b c", "y" * 31]


def test_names_that_collide_after_cutting_are_refused():
    with pytest.raises(ValueError, match="31"):
        sheets_to_xlsx({"x" * 31 + "1": pd.DataFrame(), "x" * 31 + "2": pd.DataFrame()})
