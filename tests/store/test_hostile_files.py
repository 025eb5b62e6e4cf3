"""Files built to exhaust the server (issue 12.1): tiny workbooks that claim or use a huge range, CSVs
of a million columns or rows, files of many bad rows. Each is read the way the admin page and the
command line read it, in a subprocess whose address space may grow by at most 500 MB (RLIMIT_AS) and
under a 10 s check; each must be accepted or refused with a clear message, and never padded.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from sample_data.round_file import round_frame
from scoring.errors import ValidationError
from store import manage
from store.access import Scope
from store.upload import read_table

ROOT = Path(__file__).resolve().parents[2]
BUDGET_MB, BUDGET_S = 500, 10.0
ADMIN = Scope(role="admin", user="tester")

# Reads one file in a fresh interpreter: the libraries are imported first, then the address space is
# capped at what it is plus the budget, then the file is read (mode "read": store.upload.read_table;
# "check": store.manage.check_file on DATABASE_URL, as the admin page does).
RUNNER = r"""
import json, resource, sys, time
import psutil
from scoring.errors import ValidationError
from store import manage
from store.access import Scope
from store.db import make_engine
from store.upload import read_table

mode, path, budget_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(path, "rb").read()
engine = make_engine() if mode == "check" else None
base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cap = psutil.Process().memory_info().vms + budget_mb * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
t0 = time.perf_counter()
out = {}
try:
    if mode == "read":
        df = read_table((data, path.rsplit("/", 1)[-1]))
        out = {"outcome": "accepted", "shape": list(df.shape)}
    else:
        check = manage.check_file(engine, Scope(role="admin", user="t"), "submissions", data, "f.csv")
        out = {"outcome": "accepted" if check.ok else "refused", "listed": len(check.problems),
               "messages": [p.text("en") for p in check.problems[:3]] + [p.text("en") for p in check.problems[-1:]]}
except ValidationError as exc:
    out = {"outcome": "refused", "messages": [p.text("en") for p in exc.problems[:3]]}
except MemoryError:
    out = {"outcome": "out of memory"}
out["seconds"] = time.perf_counter() - t0
out["grew_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_rss) / 1024
print(json.dumps(out))
"""


def run_capped(tmp_path: Path, data: bytes, name: str, mode: str = "read", env: dict | None = None) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    done = subprocess.run([sys.executable, "-c", RUNNER, mode, str(path), str(BUDGET_MB)], capture_output=True,
                          text=True, cwd=ROOT, env=full_env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["outcome"] in ("accepted", "refused"), out
    assert out["seconds"] < BUDGET_S, out
    assert out["grew_mb"] < BUDGET_MB, out
    return out


# --- hostile workbooks, written as raw XML (openpyxl would not write such a claim) -------------------

NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER = ["lao_code", "year", "indicator_code", "frame", "delivered"]


def xlsx(sheet_xml: bytes) -> bytes:
    ct = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          b'<Default Extension="xml" ContentType="application/xml"/>'
          b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          b'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
          b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = (b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
          b'<sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wb_rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
               b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
               b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in (("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
                           ("xl/_rels/workbook.xml.rels", wb_rels), ("xl/worksheets/sheet1.xml", sheet_xml)):
            z.writestr(name, body)
    return buf.getvalue()


def cell(ref: str, value) -> bytes:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()
    return f'<c r="{ref}"><v>{value}</v></c>'.encode()


def table_rows(extra=lambda n: b"") -> bytes:
    """A small real table (header and two rows), each row followed by `extra(row number)`."""
    rows = [HEADER, ["6810101", 2569, "1.01", 10, 5], ["6810101", 2569, "1.02", 1, 1]]
    out = b""
    for n, values in enumerate(rows, start=1):
        cells = b"".join(cell(f"{chr(65 + j)}{n}", v) for j, v in enumerate(values))
        out += f'<row r="{n}">'.encode() + cells + extra(n) + b"</row>"
    return out


def test_a_workbook_claiming_the_whole_sheet_is_read_at_its_real_size(tmp_path):
    data = xlsx(NS + b'<dimension ref="A1:XFD1048576"/><sheetData>' + table_rows() + b"</sheetData></worksheet>")
    assert len(data) < 3000
    out = run_capped(tmp_path, data, "claim.xlsx")
    assert out == out | {"outcome": "accepted", "shape": [2, 5]}


def test_far_cells_are_not_padded(tmp_path):
    far = b"".join(f'<row r="{n}">'.encode() + cell(f"XFD{n}", 1) + b"</row>" for n in range(4, 3001))
    data = xlsx(NS + b"<sheetData>" + table_rows() + far + b"</sheetData></worksheet>")
    out = run_capped(tmp_path, data, "far.xlsx")
    assert out["outcome"] == "accepted" and out["shape"] == [2, 5]       # the far column is never read


def test_a_sheet_wider_than_the_column_limit_is_refused_naming_the_row(tmp_path):
    wide = b'<row r="4">' + b"".join(cell(f"{openpyxl.utils.get_column_letter(j)}4", j) for j in range(1, 16385)) + \
        b"</row>"
    data = xlsx(NS + b"<sheetData>" + table_rows() + wide + b"</sheetData></worksheet>")
    out = run_capped(tmp_path, data, "wide.xlsx")
    assert out["outcome"] == "refused"
    assert "row 4 has data in column BI" in out["messages"][0] and "LAO_IMPORT_MAX_COLUMNS" in out["messages"][0]


def test_a_csv_of_a_million_columns_is_refused_at_once(tmp_path):
    out = run_capped(tmp_path, b"," * 1_000_000 + b"\n1\n", "wide.csv")
    assert out["outcome"] == "refused" and "columns, over the limit of 60" in out["messages"][0]
    out = run_capped(tmp_path, ",".join(HEADER).encode() + b"\n" + b"1," * 1_000_000 + b"\n", "wide-row.csv")
    assert out["outcome"] == "refused" and "malformed CSV" in out["messages"][0]


def test_a_csv_over_the_row_limit_is_refused_without_reading_it_all(tmp_path):
    out = run_capped(tmp_path, b"lao_code\n" + b"1\n" * 3_000_000, "long.csv")
    assert out["outcome"] == "refused" and "more than 1,000,000 data rows" in out["messages"][0]


def test_a_csv_at_the_cell_limit_is_read_within_budget(tmp_path):
    header = ",".join(f"c{i}" for i in range(12)).encode()
    out = run_capped(tmp_path, header + b"\n" + (b"ab," * 11 + b"ab\n") * 999_999, "cells.csv")
    assert out == out | {"outcome": "accepted", "shape": [999_999, 12]}


@pytest.fixture
def db_url(sqlite_engine) -> str:
    return sqlite_engine.url.render_as_string(hide_password=False)


def test_many_bad_rows_list_the_first_ones_and_count_the_rest(tmp_path, sqlite_engine, db_url):
    good = round_frame(sqlite_engine, 2569, ["6810101"]).head(1)
    n = 450_000
    bad = pd.concat([good] * n, ignore_index=True).assign(lao_code="6819999", frame="x")
    data = bad.to_csv(index=False).encode()
    assert len(data) > 10 * 1024 * 1024
    out = run_capped(tmp_path, data, "bad.csv", mode="check", env={"DATABASE_URL": db_url})
    assert out["outcome"] == "refused" and out["listed"] == 501                # 500 listed, then the count
    total = 3 * n                      # every row: an unknown LAO, a frame that is not a number, a duplicate
    assert out["messages"][-1] == f"and {total - 500:,} more problems not listed (fix those above and check again)"


# --- the limits themselves (small settings, in process) ---------------------------------------------

def small_table(rows: int, cols: int) -> list[list]:
    return [[f"h{j}" for j in range(cols)]] + [[str(i)] * cols for i in range(rows)]


def workbook(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def as_csv(rows: list[list]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode()


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as exc:
        read_table((data, name))
    assert len(exc.value.problems) == 1
    p = exc.value.problems[0]
    return p.text("en") + " | " + p.text("th")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_row_column_and_cell_limits_are_clear(monkeypatch, fmt):
    write = as_csv if fmt == "csv" else workbook
    monkeypatch.setenv("LAO_IMPORT_MAX_ROWS", "10")
    monkeypatch.setenv("LAO_IMPORT_MAX_COLUMNS", "4")
    monkeypatch.setenv("LAO_IMPORT_MAX_CELLS", "30")
    assert read_table((write(small_table(10, 3)), f"ok.{fmt}")).shape == (10, 3)         # at the limits
    msg = refusal(write(small_table(11, 2)), f"rows.{fmt}")
    assert "more than 10 data rows (LAO_IMPORT_MAX_ROWS)" in msg and "เกิน 10 แถว" in msg
    msg = refusal(write(small_table(2, 5)), f"cols.{fmt}")
    assert "LAO_IMPORT_MAX_COLUMNS" in msg and "เกินขีดจำกัด" in msg or "ไม่เกิน 4 คอลัมน์" in msg
    msg = refusal(write(small_table(8, 4)), f"cells.{fmt}")
    assert "more than 30 cells" in msg and "LAO_IMPORT_MAX_CELLS" in msg


def test_a_workbook_that_takes_too_long_or_needs_too_much_memory_is_refused(monkeypatch):
    data = workbook(small_table(50, 5))
    monkeypatch.setenv("LAO_XLSX_SECONDS", "0.01")
    assert "took longer than 0.01 s (LAO_XLSX_SECONDS)" in refusal(data, "slow.xlsx")
    monkeypatch.setenv("LAO_XLSX_SECONDS", "60")
    assert read_table((data, "fine.xlsx")).shape == (50, 5)
    buf = io.BytesIO()                  # 300,000 different texts: a shared-string table of ~60 MB in Python
    with xlsxwriter.Workbook(buf) as wb:
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["a", "b"])
        for i in range(300_000):
            ws.write_string(i + 1, 0, f"{i:08d}" + "x" * 90)
    monkeypatch.setenv("LAO_XLSX_MEMORY_MB", "100")
    msg = refusal(buf.getvalue(), "big.xlsx")
    assert "more than 100 MB to read (LAO_XLSX_MEMORY_MB)" in msg and "หน่วยความจำ" in msg


def test_a_header_that_never_ends_is_refused():
    msg = refusal(b'"' + b"x" * 70_000 + b'",b\n1,2\n', "long-header.csv")
    assert "header row is longer than 65,536 characters" in msg


def test_the_admin_check_of_a_hostile_workbook_is_a_refusal_not_a_crash(db):
    far = b'<row r="2">' + cell("A2", "6810101") + cell("XFD2", 1) + b"</row>"
    data = xlsx(NS + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1">' + cell("A1", "lao_code")
                + b"</row>" + far + b"</sheetData></worksheet>")
    check = manage.check_file(db, ADMIN, "submissions", data, "claim.xlsx")
    assert not check.ok and any("required column year" in p.text("en") for p in check.problems)
