"""store.upload: reading CSV/XLSX defensively (encodings, quoting, size, type sniffing, zip bombs)."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from scoring.errors import ValidationError
from store import upload
from store.upload import read_table
from tests.store.trail_helpers import zip_of

THAI = "รหัส อปท.,ปี,หมายเหตุ\n5810401,2569,คลองท่อมใต้\n"


def _problem(exc: pytest.ExceptionInfo) -> str:
    return " | ".join(p.message.en + " / " + p.message.th for p in exc.value.problems)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874", "tis-620"])
def test_thai_csv_in_every_accepted_encoding(encoding):
    df = read_table((THAI.encode(encoding), "x.csv"))
    assert list(df.columns) == ["รหัส อปท.", "ปี", "หมายเหตุ"]
    assert df.loc[2].tolist() == ["5810401", "2569", "คลองท่อมใต้"]


def test_neither_utf8_nor_windows874_is_refused_clearly():
    data = "lao_code,note\n5810401,".encode() + b"\xff\xfe\xdb\n"       # undefined in cp874, invalid UTF-8
    with pytest.raises(ValidationError) as exc:
        read_table((data, "x.csv"))
    assert "UTF-8" in _problem(exc) and "Windows-874" in _problem(exc)


def test_rfc4180_quoting_and_row_numbers():
    text = ('a,b,c\n'
            '1,"x, y",plain\n'
            '\n'                                      # blank line: dropped, numbering kept
            '2,"say ""hi""","two\nlines"\n'
            '3,,  \n')
    df = read_table((text.encode(), "q.csv"))
    assert list(df.index) == [2, 4, 5]              # spreadsheet rows: header = 1
    assert df.loc[2, "b"] == "x, y"
    assert df.loc[4, "b"] == 'say "hi"' and df.loc[4, "c"] == "two\nlines"
    assert pd.isna(df.loc[5, "b"]) and pd.isna(df.loc[5, "c"])      # empty and blank are missing
    assert all(isinstance(v, str) for v in df.loc[2])


def test_values_stay_text():
    df = read_table(("code,year,x\n1.10,2569,0007\n".encode(), "t.csv"))
    assert df.loc[2].tolist() == ["1.10", "2569", "0007"]


@pytest.mark.parametrize("content", [b"", b"   \n\n", "lao_code,year\n".encode(), "a,b\n,\n\n".encode()])
def test_empty_or_header_only(content):
    with pytest.raises(ValidationError) as exc:
        read_table((content, "e.csv"))
    assert "empty" in _problem(exc) and "ว่าง" in _problem(exc)


def test_oversized_file_names_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("LAO_UPLOAD_MAX_MB", "0.01")
    big = tmp_path / "big.csv"
    big.write_text("a,b\n" + "1,2\n" * 5000)
    for source in (big, (big.read_bytes(), "big.csv")):
        with pytest.raises(ValidationError) as exc:
            read_table(source)
        assert "0.01 MB" in _problem(exc) and "limit" in _problem(exc)


def test_default_limit_is_50_mb(monkeypatch):
    monkeypatch.delenv("LAO_UPLOAD_MAX_MB", raising=False)
    assert upload.max_bytes() == (50 * 1024 * 1024, 50)


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.create_sheet("second").append(["ignored"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_first_sheet_as_text():
    data = _xlsx([["lao_code", "year", "indicator_code", "frame", "delivered", "ok"],
                  [5810401, 2569, "1.01", 10.0, 7.5, True],
                  [None, None, None, None, None, None],
                  ["5810401", 2569.0, "1.02", 3, None, False]])
    df = read_table((data, "whatever.csv"))             # sniffed by content, not by name
    assert list(df.index) == [2, 4]
    assert df.loc[2].tolist() == ["5810401", "2569", "1.01", "10", "7.5", "1"]
    assert df.loc[4, "year"] == "2569" and pd.isna(df.loc[4, "delivered"]) and df.loc[4, "ok"] == "0"


def test_csv_named_xlsx_is_read_as_csv():
    assert read_table(("a,b\n1,2\n".encode(), "fake.xlsx")).loc[2, "b"] == "2"


def test_zip_bomb_by_ratio_is_refused_before_parsing(monkeypatch):
    bomb = zip_of({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (20 << 20)})
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("parsed a zip bomb"))
    with pytest.raises(ValidationError) as exc:
        read_table((bomb, "bomb.xlsx"))
    assert "uncompressed" in _problem(exc)


def test_zip_bomb_by_total_size(monkeypatch):
    monkeypatch.setattr(upload, "XLSX_MAX_UNCOMPRESSED", 1000)
    data = _xlsx([["a"], ["x" * 2000]])
    with pytest.raises(ValidationError) as exc:
        read_table((data, "big.xlsx"))
    assert "uncompressed" in _problem(exc)


def test_zip_with_too_many_entries():
    entries = {"xl/workbook.xml": b"<workbook/>"} | {f"xl/junk{i}.xml": b"x" for i in range(upload.XLSX_MAX_ENTRIES)}
    with pytest.raises(ValidationError) as exc:
        read_table((zip_of(entries), "many.xlsx"))
    assert "parts" in _problem(exc)


@pytest.mark.parametrize("data,expect", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),        # legacy Excel / OLE2
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 100, "not a CSV"),
    (b"%PDF-1.7\n\0\0binary", "not a CSV"),
    (zip_of({"word/document.xml": b"<doc/>"}), "not a CSV"),               # a .docx: zip without a workbook
    (b"PK\x03\x04 truncated zip", "not a CSV"),
])
def test_binaries_are_refused_by_content(data, expect):
    with pytest.raises(ValidationError) as exc:
        read_table((data, "upload.csv"))
    assert expect in _problem(exc)


def test_damaged_workbook():
    data = zip_of({"xl/workbook.xml": b"<not really a workbook", "[Content_Types].xml": b"<x/>"})
    with pytest.raises(ValidationError) as exc:
        read_table((data, "broken.xlsx"))
    assert "cannot open the workbook" in _problem(exc)


def test_duplicate_headers_and_wrong_separator():
    with pytest.raises(ValidationError) as exc:
        read_table(("a,b,a\n1,2,3\n".encode(), "d.csv"))
    assert exc.value.problems[0].row == 1 and exc.value.problems[0].column == "a"
    with pytest.raises(ValidationError) as exc:
        read_table(("lao_code;year\n5810401;2569\n".encode(), "semi.csv"))
    assert "commas" in _problem(exc)


def test_ragged_csv_is_reported():
    with pytest.raises(ValidationError) as exc:
        read_table(("a,b\n1,2\n1,2,3\n".encode(), "r.csv"))
    assert "malformed CSV" in _problem(exc)


def test_missing_path():
    with pytest.raises(ValidationError) as exc:
        read_table("/nonexistent/file.csv")
    assert "not found" in _problem(exc)
