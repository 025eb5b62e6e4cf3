"""Formulas and control characters (issues 12.2 and 14.8): every CSV and XLSX the product writes is
safe in a spreadsheet, even for values with a bare CR, LF or TAB inside, and never touches a real
number; imported names, labels, notes and links refuse or clean control characters, naming the row
and column."""
from __future__ import annotations

import csv
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text

from scoring.errors import ValidationError
from store import manage
from store.access import Scope
from store.catalogue_import import import_catalogue
from store.exports import export
from store.imports import import_submissions
from store.registry import import_registry
from store.spreadsheet import PLAIN_NUMBER, to_csv_bytes, to_xlsx_bytes

from .helpers import read, rows_for

ADMIN = Scope(role="admin", user="tester")
HOSTILE = ["ok\r=HYPERLINK(\"http://x\",\"y\")", "b\n=1+1", "c\r\n@SUM(1)", "d\t=cmd|' /C calc'!A0", "\t=x",
           "\r=x", "=x", " +x", "-x", "ก\u2028=x", "e\x0b=x"]
NUMBERS_AS_TEXT = ["-16.7", "-5%", "12.5%", "+1", "1,234.5"]


def spreadsheet_cells(content: bytes) -> list[list[str]]:
    """The cells a spreadsheet makes of a CSV: like Excel, Python's reader ends a row at a bare CR or
    LF outside quotes and keeps line breaks inside them."""
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def formula_cells(cells: list[list[str]]) -> list[str]:
    return [c for row in cells for c in row
            if c.lstrip()[:1] in ("=", "+", "-", "@") and not PLAIN_NUMBER.fullmatch(c.strip())]


def test_csv_keeps_every_value_in_its_cell_and_no_cell_starts_a_formula():
    df = pd.DataFrame({"name": HOSTILE + NUMBERS_AS_TEXT, "n": np.arange(16) - 8.5})
    cells = spreadsheet_cells(to_csv_bytes(df))
    assert len(cells) == len(df) + 1 and all(len(r) == 2 for r in cells)        # no value spilled into a row
    assert formula_cells(cells) == []
    names = [r[0] for r in cells[1:]]
    assert names[0] == "ok\n=HYPERLINK(\"http://x\",\"y\")" and names[3] == "d =cmd|' /C calc'!A0"
    assert names[6] == "'=x" and names[7] == "' +x"
    assert names[-5:] == NUMBERS_AS_TEXT                                          # numbers get no apostrophe
    assert [r[1] for r in cells[1:3]] == ["-8.5", "-7.5"]
    assert b"\r" not in to_csv_bytes(df).replace(b"\r\n", b"")


def test_headers_are_made_safe_too():
    cells = spreadsheet_cells(to_csv_bytes(pd.DataFrame({"=HYPERLINK(1)": [1], "a\rb": [2]})))
    assert cells[0] == ["'=HYPERLINK(1)", "a\nb"]


def test_xlsx_has_no_formula_and_numbers_stay_numbers():
    df = pd.DataFrame({"name": HOSTILE + NUMBERS_AS_TEXT, "change": np.linspace(-16.7, 3, 16),
                       "count": np.arange(16), "rate": [45.25] * 15 + [np.nan]})
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df, formats={"rate": "0.0"})))
    ws = wb.active
    rows = list(ws.iter_rows(min_row=2))
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    names = [r[0] for r in rows]
    for c in names[:len(HOSTILE)]:              # cleaned, never behind a visible apostrophe
        assert not any(ch in c.value for ch in "\r\t\x0b\u2028") and not c.value.startswith("'")
        assert c.quotePrefix == bool(re.match(r"\s*[=+\-@]", c.value)), c.value
    assert sum(c.quotePrefix for c in names) == 5
    assert [(c.value, c.quotePrefix, c.data_type) for c in names[len(HOSTILE):]] == [
        (v, False, "s") for v in NUMBERS_AS_TEXT]
    change, count, rate = rows[0][1], rows[0][2], rows[0][3]
    assert change.data_type == "n" and change.value == pytest.approx(-16.7) and change.number_format != "General"
    assert count.data_type == "n" and count.value == 0 and count.number_format == "0"
    assert rate.value == 45.25 and rate.number_format == "0.0" and rows[-1][3].value is None


def test_xlsx_of_several_sheets_with_a_column_width():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"=a": pd.DataFrame({"x": [1]}),
                                                          "ข": pd.DataFrame({"y": ["=1"]})}, width=22)))
    assert wb.sheetnames == ["=a", "ข"]
    assert wb["ข"]["A2"].value == "=1" and wb["ข"]["A2"].quotePrefix
    assert wb["=a"].column_dimensions["A"].width == pytest.approx(22, abs=1)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exports_of_registry_names_with_a_carriage_return(db, tmp_path, suffix):
    with db.begin() as conn:
        conn.execute(text("UPDATE lao SET name_th = :n WHERE code = '2810101'"), {"n": "ก\r=HYPERLINK(\"http://x\")"})
        conn.execute(text("UPDATE lao SET name_th = :n WHERE code = '4810101'"), {"n": "ข\t@SUM(1)"})
    out = tmp_path / f"laos{suffix}"
    n = export(db, "laos", out)
    if suffix == ".csv":
        cells = spreadsheet_cells(out.read_bytes())
        assert len(cells) == n + 1 and formula_cells(cells) == []
        names = {r[0]: r[1] for r in cells[1:]}
    else:
        ws = openpyxl.load_workbook(out).active
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
        names = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2)}
    assert names["2810101"] == "ก\n=HYPERLINK(\"http://x\")" and names["4810101"] == "ข @SUM(1)"


def test_the_check_report_of_a_hostile_file_is_safe_to_download(db):
    df = rows_for(db, ["6810101"]).head(2)
    df.loc[0, "lao_code"] = "68\r=HYPERLINK(\"http://x\")"
    check = manage.check_file(db, ADMIN, "submissions", df.to_csv(index=False).encode(), "f.csv")
    table = check.table("th")
    assert not check.ok and not table["message"].str.contains("\r").any()
    assert formula_cells(spreadsheet_cells(to_csv_bytes(table))) == []


# --- imported text -----------------------------------------------------------------------------------

def registry_csv(name: str) -> bytes:
    head = "จังหวัด,อำเภอ,ตำบล,รหัส อปท.,ประเภท อปท.,อปท.\n"
    return (head + f'กระบี่,เมืองกระบี่,ก,6819901,อบต.,"{name}"\n').encode()


@pytest.mark.parametrize("name", ["ทดสอบ\r=cmd", "ทดสอบ\nใหม่", "ทด\tสอบ", "ทด\u202eสอบ"])
def test_registry_names_with_control_characters_are_refused_by_row_and_column(db, name):
    with pytest.raises(ValidationError) as exc:
        import_registry(db, (registry_csv(name), "dla.csv"), who="t")
    p = exc.value.problems[0]
    assert (p.row, p.column) == (2, "อปท.") and "control" in p.message.en and "อักขระควบคุม" in p.message.th


def test_catalogue_labels_with_control_characters_are_refused_by_row_and_column(db):
    cat = read(db, "SELECT code, domain, name_th, name_en, measure, target, applies_to, frame_th, frame_en, "
                   "delivered_th, delivered_en, provenance, source FROM indicator WHERE year = 2569 ORDER BY code")
    cat.loc[2, "name_th"] = "ชื่อ\tแท็บ"
    cat.loc[4, "delivered_en"] = "line\rbreak"
    cat.loc[5, "source"] = "two\nlines are fine here"
    with pytest.raises(ValidationError) as exc:
        import_catalogue(db, (cat.to_csv(index=False, quoting=csv.QUOTE_ALL).encode(), "cat.csv"), 2569, who="t")
    assert [(p.row, p.column) for p in exc.value.problems] == [(4, "name_th"), (6, "delivered_en")]
    assert all("control" in p.message.en for p in exc.value.problems)


def test_notes_are_cleaned_and_links_and_notes_with_controls_refused(db):
    df = rows_for(db, ["6810101"]).head(3).assign(evidence_url="", note="")
    df.loc[0, "note"] = "บรรทัดหนึ่ง\r\nบรรทัดสอง\tต่อ"
    df.loc[1, "note"] = "ซ่อน\u202eกลับด้าน"
    df.loc[2, "evidence_url"] = "https://x.example/a\u0085b"
    with pytest.raises(ValidationError) as exc:
        import_submissions(db, (df.to_csv(index=False, quoting=csv.QUOTE_ALL).encode(), "n.csv"), who="t")
    assert sorted({(p.row, p.column) for p in exc.value.problems}) == [(3, "note"), (4, "evidence_url")]
    assert all(any("control" in p.message.en for p in exc.value.problems if p.row == r) for r in (3, 4))
    df.loc[1, "note"] = "ปกติ"
    df.loc[2, "evidence_url"] = "https://x.example/a"
    import_submissions(db, (df.to_csv(index=False, quoting=csv.QUOTE_ALL).encode(), "n.csv"), who="t")
    notes = read(db, "SELECT v.note FROM indicator_value v JOIN submission s ON s.id = v.submission_id "
                     "WHERE s.source_file = 'n.csv' AND v.note IS NOT NULL ORDER BY v.indicator_code")["note"]
    assert notes.tolist()[0] == "บรรทัดหนึ่ง\nบรรทัดสอง ต่อ"
