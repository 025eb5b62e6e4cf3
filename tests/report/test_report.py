"""The council report PDF and the scorecard workbook: made by the CLI on the small sample, pages
rendered to PNG, Thai text extracted back (pdftotext), the public link and QR code, and the page
furniture. Thai typesetting itself is tested in test_thai_text.py."""
from __future__ import annotations

import io
import re
import sqlite3
import subprocess

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.i18n import messages
from dashboard.report.sections import qr_png
from dashboard.scorecard_tables import sheets
from scoring.laotypes import display_name
from scoring.rules import OUTCOME_LABELS
from scoring.scorecard import build
from store.access import PUBLIC as PUBLIC_SCOPE
from store.db import make_engine
from store.queries_lao import scorecard_inputs
from store.spreadsheet import sheets_to_xlsx
from tests.conftest import need_tool

YEAR = 2568
PUBLIC = "https://laos.example.go.th/dashboard/"


def need(tool: str) -> None:
    need_tool(tool, "poppler-utils")


def m(key: str, lang: str = "th") -> str:
    return messages()[key][lang]


def flat(text: str) -> str:
    """Text without line breaks or spaces (lines break where the layout wants them)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def subject(sample_db_url) -> dict:
    con = sqlite3.connect(f"file:{sample_db_url.split('///', 1)[1]}?mode=ro", uri=True)
    row = pd.read_sql("""SELECT l.code, l.name_th, l.name_en, l.type FROM result r JOIN lao l ON l.code = r.lao_code
                         WHERE r.year = ? AND l.province_code = '30' AND l.type = 'sao' GROUP BY l.code
                         HAVING SUM(r.outcome IN ('fail', 'not_done')) >= 3 ORDER BY l.code LIMIT 1""",
                      con, params=(YEAR,)).iloc[0].to_dict()
    row["indicators"] = pd.read_sql("""SELECT i.code, i.name_th, i.name_en, r.outcome FROM result r
                                       JOIN indicator i ON i.code = r.indicator_code AND i.year = r.year
                                       WHERE r.lao_code = ? AND r.year = ?""", con, params=(row["code"], YEAR))
    row["missing"] = pd.read_sql("SELECT code FROM lao WHERE code NOT IN (SELECT lao_code FROM result WHERE year = ?) "
                                 "LIMIT 1", con, params=(YEAR,))["code"].iloc[0]
    row["open_year"] = int(pd.read_sql("SELECT year FROM round WHERE state = 'open'", con)["year"].iloc[0])
    row["open_code"] = pd.read_sql("SELECT lao_code FROM result WHERE year = ? ORDER BY lao_code LIMIT 1", con,
                                   params=(row["open_year"],))["lao_code"].iloc[0]
    con.close()
    return row


@pytest.fixture(scope="module")
def pdfs(sample_db_url, subject, tmp_path_factory) -> dict:
    """th/en: with a public address; unset: LAO_PUBLIC_URL unset; open: a round not yet published."""
    out = tmp_path_factory.mktemp("reports")
    paths = {}
    with pytest.MonkeyPatch.context() as mp:
        for name, lang, code, year, base in (("th", "th", subject["code"], YEAR, PUBLIC),
                                             ("en", "en", subject["code"], YEAR, PUBLIC),
                                             ("unset", "th", subject["code"], YEAR, None),
                                             ("open", "th", subject["open_code"], subject["open_year"], PUBLIC)):
            if base:
                mp.setenv("LAO_PUBLIC_URL", base)
            else:
                mp.delenv("LAO_PUBLIC_URL", raising=False)
            paths[name] = out / f"report-{name}.pdf"
            assert main(["--db", sample_db_url, "report", "--lao", code, "--year", str(year),
                         "--out", str(paths[name]), "--lang", lang]) == 0
    return paths


def pdftotext(path) -> str:
    need("pdftotext")
    # -raw keeps the content-stream order: shaped Thai comes back in logical order (the default,
    # layout-guessing mode reorders tone marks that HarfBuzz has positioned)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pages(path) -> int:
    need("pdfinfo")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_cli_writes_an_a4_pdf(pdfs):
    data = pdfs["th"].read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    need("pdfinfo")
    info = subprocess.run(["pdfinfo", str(pdfs["th"])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)


def test_thai_text_extracts_as_written(pdfs, subject):
    text = pdftotext(pdfs["th"])
    body = flat(text)
    name = display_name(subject["name_th"], subject["type"])
    for needle in (name, "พ.ศ.2568", m("lao_pdf_summary"), m("lao_fix_title"), m("lao_table_title"),
                   m("lao_pdf_notes"), m("col_frame"), m("col_delivered"), "ขั้นต่ำ", "ผู้"):
        assert flat(needle) in body, needle
    for row in subject["indicators"].itertuples():      # every indicator, its full Thai name and outcome wording
        assert row.code in text
        assert flat(row.name_th) in body, row.code
        assert flat(OUTCOME_LABELS["th"][row.outcome]) in body
    assert flat(m("lao_pdf_synthetic")) in body                       # the sample is synthetic
    assert f"laos.example.go.th/dashboard/report/{subject['code']}/{YEAR}.pdf" in body   # the public report
    assert "\u200b" not in text and "\ufffd" not in text              # nothing inserted, nothing unknown


def test_every_page_is_numbered(pdfs):
    n = pages(pdfs["th"])
    text = pdftotext(pdfs["th"])
    assert n >= 5
    for i in range(1, n + 1):
        assert f"หน้า {i}/{n}" in text
    assert [p for p in pdftotext(pdfs["en"]).split("\f") if p.strip()][-1].count(f"Page {pages(pdfs['en'])} of") == 1


def test_english_report(pdfs, subject):
    body = flat(pdftotext(pdfs["en"]))
    assert flat(display_name(subject["name_th"], subject["type"], "en", subject["name_en"])) in body
    assert flat(m("lao_fix_title", "en")) in body and flat("Assessment frame (1)") in body
    for row in subject["indicators"].itertuples():
        assert flat(row.name_en) in body
    assert f"/report/{subject['code']}/{YEAR}.pdf?lang=en" in body


def test_pages_render_to_png_with_content(pdfs, tmp_path):
    need("pdftoppm")
    from PIL import Image
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdfs["th"]), str(tmp_path / "page")], check=True)
    files = sorted(tmp_path.glob("page-*.png"))
    assert len(files) == pages(pdfs["th"])
    for f in files:
        img = Image.open(f).convert("L")
        dark = sum(img.histogram()[:128])
        assert img.size[1] > img.size[0] and dark > 500, f.name            # portrait, and not blank


def images(path) -> list[str]:
    need("pdfimages")
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [ln for ln in out.splitlines()[2:] if ln.strip()]


def test_fonts_are_embedded(pdfs):
    need("pdffonts")
    fonts = subprocess.run(["pdffonts", str(pdfs["th"])], capture_output=True, text=True, check=True).stdout
    embedded = [ln for ln in fonts.splitlines()[2:] if ln.strip()]
    assert embedded and all(" yes " in ln for ln in embedded)
    assert any(name in fonts for name in ("Sarabun", "Garuda", "Loma"))


def test_qr_code_encodes_the_public_report_address(pdfs, subject, tmp_path):
    from PIL import Image, ImageChops
    assert len(images(pdfs["th"])) == 1
    subprocess.run(["pdfimages", "-png", str(pdfs["th"]), str(tmp_path / "img")], check=True)
    drawn = Image.open(tmp_path / "img-000.png").convert("1")
    url = f"https://laos.example.go.th/dashboard/report/{subject['code']}/{YEAR}.pdf"
    expected = Image.open(qr_png(url)).convert("1")
    assert drawn.size == expected.size and ImageChops.difference(drawn, expected).getbbox() is None
    assert flat(m("lao_public_link")) in flat(pdftotext(pdfs["th"]))


def test_without_a_public_address_there_is_no_link_and_the_report_says_where_to_look(pdfs, subject):
    text = pdftotext(pdfs["unset"])
    assert images(pdfs["unset"]) == [] and "localhost" not in text and "http" not in text
    where = m("lao_online_elsewhere").format(code=subject["code"], year=f"พ.ศ. {YEAR}")
    assert flat(where) in flat(text)


def test_an_unpublished_round_is_provisional_and_needs_a_sign_in(pdfs):
    text = flat(pdftotext(pdfs["open"]))
    assert images(pdfs["open"]) == [] and "http" not in text           # no public link to an open round
    assert flat(m("lao_pdf_unpublished")) in text and flat(m("lao_online_signin")) in text
    assert flat("ไม่ต้องเข้าสู่ระบบ") not in text                        # never "no sign-in needed"


def test_unknown_lao_or_missing_submission_is_a_readable_error(sample_db_url, subject, tmp_path, capsys):
    assert main(["--db", sample_db_url, "report", "--lao", "9999999", "--year", str(YEAR),
                 "--out", str(tmp_path / "x.pdf")]) == 1
    assert "9999999" in capsys.readouterr().err
    assert main(["--db", sample_db_url, "report", "--lao", subject["missing"], "--year", str(YEAR),
                 "--out", str(tmp_path / "y.pdf")]) == 1
    assert "no scored submission" in capsys.readouterr().err
    assert main(["--db", sample_db_url, "report", "--lao", subject["code"], "--year", "2501",
                 "--out", str(tmp_path / "z.pdf")]) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_scorecard_workbook(sample_db_url, subject):
    from openpyxl import load_workbook
    card = build(scorecard_inputs(make_engine(sample_db_url), PUBLIC_SCOPE, subject["code"], YEAR))
    wb = load_workbook(io.BytesIO(sheets_to_xlsx(sheets(card, "th"))))
    assert wb.sheetnames == [m(k) for k in ("lao_sheet_summary", "lao_sheet_domains", "lao_sheet_indicators",
                                            "lao_sheet_fix", "lao_sheet_trend", "lao_sheet_history")]
    rows = list(wb[m("lao_sheet_indicators")].values)
    assert rows[0][0] == m("col_code") and len(rows) - 1 == len(subject["indicators"])
    assert {r[0] for r in rows[1:]} == set(subject["indicators"]["code"])
    fix = list(wb[m("lao_sheet_fix")].values)
    assert len(fix) - 1 == (subject["indicators"]["outcome"].isin(["fail", "not_done"])).sum()
    assert not any(isinstance(c, str) and c.startswith("=") for r in rows for c in r)
