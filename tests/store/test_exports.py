"""Exports: exact contract columns, codes kept as text, formula-safe CSV and XLSX."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text

from store.exports import CONTRACT, export

from .helpers import read, scalar

WHAT = ["laos", "catalogue", "results", "summary"]


def _read_csv(path) -> pd.DataFrame:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV exports carry a UTF-8 BOM for Excel"
    return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _read_xlsx(path) -> tuple[list, list[list]]:
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


@pytest.mark.parametrize("what", WHAT)
def test_csv_contract_columns_and_text_codes(db, tmp_path, what):
    out = tmp_path / f"{what}.csv"
    n = export(db, what, out, year=2569)
    df = _read_csv(out)
    assert list(df.columns) == CONTRACT[what] and len(df) == n > 0
    if "lao_code" in df:
        assert df["lao_code"].str.fullmatch(r"\d{7}").all()
    if "indicator_code" in df:
        assert df["indicator_code"].str.fullmatch(r"[1-8]\.\d{2}").all() and "1.10" in set(df["indicator_code"])
    if what == "summary":
        assert set(df["domain"]) == {*map(str, range(1, 9)), "all"}
        assert set(df["year"]) == {"2569"}
    if what == "results":
        assert set(df["outcome"]) <= {"pass", "fail", "not_done", "no_service"}
    if what == "catalogue":
        assert df["applies_to"].str.fullmatch(r"[a-z_]+(;[a-z_]+)*").all()
    if what == "laos":
        assert n == scalar(db, "SELECT COUNT(*) FROM lao")


@pytest.mark.parametrize("what", WHAT)
def test_xlsx_contract_columns_and_text_cells(db, tmp_path, what):
    out = tmp_path / f"{what}.xlsx"
    n = export(db, what, out, year=2569)
    header, rows = _read_xlsx(out)
    assert header == CONTRACT[what] and len(rows) == n
    for col in ("lao_code", "indicator_code", "province_code", "district_code"):
        if col in header:
            values = [r[header.index(col)] for r in rows if r[header.index(col)] is not None]
            assert values and all(isinstance(v, str) for v in values), col     # '1.10' not 1.1, '10' not 10


def test_results_without_year_cover_every_year(db, tmp_path):
    n = export(db, "results", tmp_path / "r.csv")
    assert n == scalar(db, "SELECT COUNT(*) FROM result")
    assert set(_read_csv(tmp_path / "r.csv")["year"]) == {"2565", "2566", "2567", "2568", "2569"}


def test_catalogue_default_is_newest_year_and_retired_codes_follow_year(db, tmp_path):
    export(db, "catalogue", tmp_path / "new.csv")
    export(db, "catalogue", tmp_path / "old.csv", year=2565)
    assert "1.13" in set(_read_csv(tmp_path / "old.csv")["indicator_code"])
    assert "1.13" not in set(_read_csv(tmp_path / "new.csv")["indicator_code"])
    with pytest.raises(ValueError, match="no catalogue"):
        export(db, "catalogue", tmp_path / "none.csv", year=2500)


def test_formulas_are_neutralised(db, tmp_path):
    with db.begin() as conn:
        conn.execute(text("UPDATE lao SET name_th = :n WHERE code = '2810101'"), {"n": '=HYPERLINK("http://x","y")'})
        conn.execute(text("UPDATE lao SET name_th = '@SUM(1)' WHERE code = '4810101'"))
    export(db, "laos", tmp_path / "l.csv")
    export(db, "laos", tmp_path / "l.xlsx")
    names = _read_csv(tmp_path / "l.csv").set_index("lao_code")["name_th"]
    assert names["2810101"] == '\'=HYPERLINK("http://x","y")' and names["4810101"] == "'@SUM(1)"
    header, rows = _read_xlsx(tmp_path / "l.xlsx")
    xl = {r[0]: r[1] for r in rows}
    assert xl["2810101"] == '=HYPERLINK("http://x","y")'        # text as written: Excel's quote prefix guards it
    wb = openpyxl.load_workbook(tmp_path / "l.xlsx")       # not read-only: cell types are visible
    assert all(c.data_type != "f" for row in wb.active.iter_rows() for c in row)
    quoted = {row[0].value: row[1].quotePrefix for row in wb.active.iter_rows(min_row=2)}
    assert quoted["2810101"] and quoted["4810101"] and not quoted["6810101"]


def test_bad_extension_is_a_clear_error(db, tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        export(db, "laos", tmp_path / "laos.txt")
    assert not (tmp_path / "laos.txt").exists()


def test_summary_order_and_values(db, tmp_path):
    export(db, "summary", tmp_path / "s.csv", year=2569)
    df = _read_csv(tmp_path / "s.csv")
    first = df[df["lao_code"] == df["lao_code"].iloc[0]]
    assert first["domain"].tolist()[-1] == "all"
    stored = read(db, "SELECT n_pass FROM summary WHERE year = 2569 AND lao_code = :l AND domain = 'all'",
                  l=first["lao_code"].iloc[0])["n_pass"].iloc[0]
    assert int(first["n_pass"].iloc[-1]) == stored
