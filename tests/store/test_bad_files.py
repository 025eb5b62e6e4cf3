"""A corpus of bad upload files, generated here from code (small, nothing binary is committed).

Each goes through what the admin page does, store.manage.check_file then commit_file (catalogues:
check_catalogue / commit_catalogue), as an administrator. Every one must be refused with at least one
clear message (Thai, naming the row and column where there is one, and saying what is wrong), and
leave the database exactly as it was: row counts and content checksums of every table compared.
"""
from __future__ import annotations

import hashlib
import io

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import inspect, text

from sample_data.round_file import round_frame
from store import manage
from store.access import Scope
from tests.store.trail_helpers import zip_of

ADMIN = Scope(role="admin", user="tester")
YEAR = 2569
THAI = set(chr(c) for c in range(0x0E00, 0x0E80))


def checksum(engine) -> dict[str, tuple[int, str]]:
    """Per table: row count and a digest of its sorted content."""
    out = {}
    with engine.connect() as conn:
        for table in sorted(inspect(engine).get_table_names()):
            df = pd.read_sql(text(f'SELECT * FROM "{table}"'), conn)
            body = df.astype(str).sort_values(list(df.columns)).to_csv(index=False) if len(df.columns) else ""
            out[table] = (len(df), hashlib.sha256(body.encode()).hexdigest())
    return out


def csv_bytes(df: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    return df.to_csv(index=False).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def good(db) -> pd.DataFrame:
    """A valid submissions file for two LAOs of the open round (the base every bad file mutates)."""
    with db.connect() as conn:
        codes = [r[0] for r in conn.execute(text(
            "SELECT code FROM lao WHERE province_code = '81' AND type IN ('sao', 'subdistrict_mun') "
            "ORDER BY code LIMIT 2"))]
    df = round_frame(db, YEAR, codes).astype(object)
    return df.reset_index(drop=True)


def mutate(df: pd.DataFrame, row: int, col: str, value) -> pd.DataFrame:
    out = df.copy()
    out.loc[row, col] = value
    return out


def indicator_of(db, measure: str | None = None, not_for: str | None = None) -> str:
    with db.connect() as conn:
        cat = pd.read_sql(text("SELECT code, measure, applies_to FROM indicator WHERE year = :y ORDER BY code"),
                          conn, params={"y": YEAR})
    if measure:
        cat = cat[cat["measure"] == measure]
    if not_for:
        cat = cat[~cat["applies_to"].str.split(";").map(lambda t: not_for in t)]
    return cat["code"].iloc[0]


def corpus(db, good: pd.DataFrame) -> list[tuple[str, str, bytes, str]]:
    """(case id, kind, content, a word the Thai message must contain)."""
    g = good
    first = g.loc[0, "lao_code"]
    with db.connect() as conn:
        ratios = pd.read_sql(text("SELECT code FROM indicator WHERE year = 2569 AND measure = 'ratio'"), conn)["code"]
        sao = conn.execute(text("SELECT code FROM lao WHERE type = 'sao' ORDER BY code LIMIT 1")).scalar_one()
    ratio_row = int(g.index[g["indicator_code"].isin(ratios)][0])
    yesno = indicator_of(db, "yesno")
    wrong_type = indicator_of(db, not_for="sao")
    header = ",".join(g.columns) + "\n"
    thai_cols = {"lao_code": "รหัส อปท.", "year": "ปี", "indicator_code": "รหัสตัวชี้วัด",
                 "frame": "กรอบการประเมิน (1)", "delivered": "การจัดบริการสาธารณะ (2)"}
    bomb = zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": b"<sheetData>" + b" " * (8 * 1024 * 1024) + b"</sheetData>"})
    real_xlsx = xlsx_bytes([list(g.columns)] + g.head(3).values.tolist())
    formulas_xlsx = xlsx_bytes([list(g.columns)] + [[first, YEAR, g.loc[0, "indicator_code"], "=10*10", "=A2"]])
    cases = [
        ("empty", "submissions", b"", "ว่าง"),
        ("whitespace-only", "submissions", b"  \r\n \r\n", "ว่าง"),
        ("header-only", "submissions", header.encode(), "ว่าง"),
        ("utf16", "submissions", csv_bytes(g, "utf-16"), "CSV"),
        ("undecodable-bytes", "submissions", header.encode() + b"\xdb\xfc\xff,\xfe\xfd\n", "การเข้ารหัส"),
        ("broken-xlsx", "submissions", real_xlsx[: len(real_xlsx) // 2], "CSV"),
        ("zip-not-workbook", "submissions", zip_of({"hello.txt": b"hi"}), "CSV"),
        ("legacy-xls", "submissions", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        ("png-as-csv", "submissions", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40, "CSV"),
        ("xlsx-zip-bomb", "submissions", bomb, "Excel"),
        ("missing-delivered-column", "submissions", csv_bytes(g.drop(columns=["delivered"])), "delivered"),
        ("thai-headers-missing-year", "submissions",
         csv_bytes(g.rename(columns=thai_cols).drop(columns=["ปี"])), "year"),
        ("semicolon-separated", "submissions", g.to_csv(index=False, sep=";").encode(), ";"),
        ("duplicate-header", "submissions", csv_bytes(g.rename(columns={"note": "frame"})
                                                       if "note" in g else g.assign(x=1).rename(columns={"x": "frame"})),
         "ซ้ำ"),
        ("formula-in-frame", "submissions", csv_bytes(mutate(g, 0, "frame", "=1+1")), "ไม่ใช่ตัวเลข"),
        ("formula-in-lao-code", "submissions", csv_bytes(mutate(g, 1, "lao_code", "=cmd|' /C calc'!A0")), "7 หลัก"),
        ("xlsx-formula-cells", "submissions", formulas_xlsx, "กรอก"),
        ("huge-number", "submissions", csv_bytes(mutate(g, 0, "frame", "1e300")), "ใหญ่เกิน"),
        ("nan", "submissions", csv_bytes(mutate(g, 0, "delivered", "NaN")), "ไม่ใช่ตัวเลข"),
        ("infinity", "submissions", csv_bytes(mutate(g, 0, "frame", "inf")), "มีค่าจำกัด"),
        ("negative", "submissions", csv_bytes(mutate(g, 2, "delivered", "-5")), "ติดลบ"),
        ("text-number", "submissions", csv_bytes(mutate(g, 2, "frame", "สิบ")), "ไม่ใช่ตัวเลข"),
        ("empty-frame", "submissions", csv_bytes(mutate(g, 3, "frame", "")), "ไม่ได้กรอก"),
        ("duplicate-row", "submissions", csv_bytes(pd.concat([g, g.iloc[[4]]])), "ซ้ำ"),
        ("unknown-lao", "submissions", csv_bytes(mutate(g, 0, "lao_code", "9999999")), "ไม่พบ อปท."),
        ("short-lao-code", "submissions", csv_bytes(mutate(g, 0, "lao_code", "123")), "7 หลัก"),
        ("unknown-indicator", "submissions", csv_bytes(mutate(g, 0, "indicator_code", "8.99")), "ไม่มีตัวชี้วัด"),
        ("malformed-indicator", "submissions", csv_bytes(mutate(g, 0, "indicator_code", "abc")), "1.01"),
        ("not-for-this-type", "submissions", csv_bytes(
            mutate(mutate(g.head(1), 0, "lao_code", sao), 0, "indicator_code", wrong_type)), "ไม่ใช้กับ"),
        ("christian-era-year", "submissions", csv_bytes(g.assign(year=2026)), "ค.ศ."),
        ("year-without-catalogue", "submissions", csv_bytes(g.assign(year=2570)), "ไม่มีบัญชีตัวชี้วัด"),
        ("year-not-a-number", "submissions", csv_bytes(mutate(g, 0, "year", "ปีนี้")), "พ.ศ."),
        ("delivered-over-frame", "submissions", csv_bytes(
            mutate(mutate(g, ratio_row, "frame", "10"), ratio_row, "delivered", "12")), "มากกว่า"),
        ("yesno-out-of-range", "submissions", csv_bytes(pd.DataFrame(
            [[first, YEAR, yesno, 5, 1]], columns=list(g.columns[:5]))), "0 หรือ 1"),
        ("javascript-link", "submissions", csv_bytes(g.assign(evidence_url="javascript:alert(1)")), "http"),
        ("note-too-long", "submissions", csv_bytes(g.assign(note="ก" * 2100)), "ยาวเกิน"),
        ("unclosed-quote", "submissions", (header + f'{first},{YEAR},"1.01,5,4\n').encode(), "CSV"),
        ("registry-missing-columns", "registry", "จังหวัด,อปท.\nกระบี่,ทดสอบ\n".encode(), "ไม่มีคอลัมน์"),
        ("submissions-as-registry", "registry", csv_bytes(g), "ไม่มีคอลัมน์"),
        ("catalogue-missing-columns", "catalogue", b"code,target\n1.01,80\n", "ไม่มีคอลัมน์"),
        ("catalogue-of-published-round", "catalogue:2568", b"code,target\n1.01,80\n", "เผยแพร่แล้ว"),
    ]
    return cases


def test_the_corpus_is_big_and_varied(db, good):
    cases = corpus(db, good)
    assert len(cases) >= 30
    assert len({c[0] for c in cases}) == len(cases)


def attempt(db, kind: str, content: bytes, name: str):
    if kind.startswith("catalogue"):
        year = int(kind.split(":")[1]) if ":" in kind else YEAR
        return (manage.check_catalogue(db, ADMIN, year, content, name),
                manage.commit_catalogue(db, ADMIN, year, content, name))
    return manage.check_file(db, ADMIN, kind, content, name), manage.commit_file(db, ADMIN, kind, content, name)


def test_every_bad_file_is_refused_clearly_and_changes_nothing(db, good, monkeypatch):
    before = checksum(db)
    failures = []
    for case, kind, content, word in corpus(db, good):
        name = f"{case}.xlsx" if content.startswith(b"PK") else f"{case}.csv"
        for step, result in zip(("check", "commit"), attempt(db, kind, content, name)):
            messages = [p.message.th for p in result.problems]
            if not messages or result.committed:
                failures.append(f"{case} ({step}): not refused")
            elif not any(word in m for m in messages):
                failures.append(f"{case} ({step}): no message mentions {word!r}: {messages[:3]}")
            elif not all(THAI & set(m) for m in messages):
                failures.append(f"{case} ({step}): a message is not in Thai: {messages[:3]}")
            elif any(p.row is not None and p.row < 2 and p.column is None for p in result.problems):
                failures.append(f"{case} ({step}): a row-level problem without a usable row")
    assert not failures, "\n".join(failures)
    assert checksum(db) == before


def test_row_problems_point_at_the_spreadsheet_row_and_column(db, good):
    bad = mutate(mutate(good, 2, "delivered", "-5"), 5, "frame", "abc")
    check = manage.check_file(db, ADMIN, "submissions", csv_bytes(bad), "two.csv")
    where = {(p.row, p.column) for p in check.problems}
    assert where == {(4, "delivered"), (7, "frame")}           # header is row 1, so data row i is i + 2
    table = check.table("th")
    assert list(table.columns) == ["row", "column", "message", "kind"] and len(table) == 2


def test_an_oversized_file_is_refused_before_it_is_read(db, good, monkeypatch):
    monkeypatch.setenv("LAO_UPLOAD_MAX_MB", "0.001")            # about 1 KB
    before = checksum(db)
    content = csv_bytes(good)
    assert len(content) > 1100
    check, commit = attempt(db, "submissions", content, "big.csv")
    for result in (check, commit):
        assert result.problems and "MB" in result.problems[0].message.th and not result.committed
    assert checksum(db) == before


def test_the_good_base_file_is_accepted(db, good):
    """The corpus mutates a file that is itself valid, so each refusal is down to its one defect."""
    check = manage.check_file(db, ADMIN, "submissions", csv_bytes(good), "good.csv")
    assert check.ok, check.problems[:3]
    assert check.rows == len(good)


def test_windows_874_and_xlsx_versions_of_the_good_file_are_accepted(db, good):
    thai = good.rename(columns={"lao_code": "รหัส อปท.", "year": "ปี", "indicator_code": "รหัสตัวชี้วัด",
                                "frame": "กรอบการประเมิน (1)", "delivered": "การจัดบริการสาธารณะ (2)"})
    for name, content in (("thai.csv", csv_bytes(thai, "cp874")), ("bom.csv", csv_bytes(good, "utf-8-sig")),
                          ("good.xlsx", xlsx_bytes([list(good.columns)] + good.values.tolist()))):
        check = manage.check_file(db, ADMIN, "submissions", content, name)
        assert check.ok, (name, [p.message.en for p in check.problems[:3]])
