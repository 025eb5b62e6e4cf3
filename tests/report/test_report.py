"""The council report PDF and the scorecard workbook: made by the CLI on the small sample, pages
rendered to PNG, Thai text extracted back (pdftotext), Thai line breaking and the page furniture."""
from __future__ import annotations

import io
import re
import shutil
import sqlite3
import subprocess
import unicodedata

import pandas as pd
import pytest
import yaml

from dashboard import report
from dashboard.cli import main
from dashboard.i18n import messages
from dashboard.lao_view import public_url, scorecard_xlsx
from scoring.catalogue import CATALOGUE_DIR
from scoring.laotypes import display_name
from scoring.rules import OUTCOME_LABELS
from scoring.scorecard import build
from store.access import PUBLIC
from store.db import make_engine
from store.queries_lao import scorecard_inputs
from tests.conftest import REQUIRE_ALL

YEAR = 2568


def need(tool: str) -> None:
    if shutil.which(tool) is None:
        message = f"needs {tool} (apt-get install poppler-utils)"
        if REQUIRE_ALL:
            pytest.fail(f"{message}, and LAO_REQUIRE_ALL=1 forbids skipping", pytrace=False)
        pytest.skip(message)


def m(key: str, lang: str = "th") -> str:
    return messages()[key][lang]


def flat(text: str) -> str:
    """Extracted text without the zero-width spaces and without line breaks or spaces."""
    return re.sub(r"\s+", "", text.replace("\u200b", ""))


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
    con.close()
    return row


@pytest.fixture(scope="module")
def pdfs(sample_db_url, subject, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports")
    paths = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("LAO_PUBLIC_URL", raising=False)             # the default public address
        for lang in ("th", "en"):
            path = out / f"report-{lang}.pdf"
            assert main(["--db", sample_db_url, "report", "--lao", subject["code"], "--year", str(YEAR),
                         "--out", str(path), "--lang", lang]) == 0
            paths[lang] = path
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
    assert flat(f"lao?lao={subject['code']}&year={YEAR}") in body      # the public scorecard address


def test_every_page_is_numbered(pdfs):
    n = pages(pdfs["th"])
    text = pdftotext(pdfs["th"])
    assert n >= 5
    for i in range(1, n + 1):
        assert f"หน้า {i}/{n}" in text.replace("\u200b", "")
    assert [p for p in pdftotext(pdfs["en"]).split("\f") if p.strip()][-1].count(f"Page {pages(pdfs['en'])} of") == 1


def test_english_report(pdfs, subject):
    body = flat(pdftotext(pdfs["en"]))
    assert flat(display_name(subject["name_th"], subject["type"], "en", subject["name_en"])) in body
    assert flat(m("lao_fix_title", "en")) in body and flat("Assessment frame (1)") in body
    for row in subject["indicators"].itertuples():
        assert flat(row.name_en) in body
    assert "lang=en" in body


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


def test_fonts_are_embedded_and_a_qr_code_is_drawn(pdfs):
    need("pdffonts")
    fonts = subprocess.run(["pdffonts", str(pdfs["th"])], capture_output=True, text=True, check=True).stdout
    embedded = [ln for ln in fonts.splitlines()[2:] if ln.strip()]
    assert embedded and all(" yes " in ln for ln in embedded)
    assert any(name in fonts for name in ("Sarabun", "Garuda", "Loma"))
    images = subprocess.run(["pdfimages", "-list", str(pdfs["th"])], capture_output=True, text=True, check=True).stdout
    assert len([ln for ln in images.splitlines()[2:] if ln.strip()]) == 1                 # the QR code


def test_qr_code_encodes_the_public_scorecard_address(pdfs, subject, tmp_path, monkeypatch):
    need("pdfimages")
    from PIL import Image, ImageChops
    subprocess.run(["pdfimages", "-png", str(pdfs["th"]), str(tmp_path / "img")], check=True)
    drawn = Image.open(tmp_path / "img-000.png").convert("1")
    url = f"http://localhost:8501/lao?lao={subject['code']}&year={YEAR}"        # LAO_PUBLIC_URL unset
    expected = Image.open(report._qr_png(url)).convert("1")
    assert drawn.size == expected.size and ImageChops.difference(drawn, expected).getbbox() is None
    monkeypatch.setenv("LAO_PUBLIC_URL", "https://laos.example.go.th/dashboard/")
    assert public_url(subject["code"], YEAR, "en") == \
        f"https://laos.example.go.th/dashboard/lao?lao={subject['code']}&year={YEAR}&lang=en"


def test_thai_words_are_joined_by_zero_width_spaces_only_between_words():
    catalogue = yaml.safe_load((CATALOGUE_DIR / "2565.yaml").read_text(encoding="utf-8"))
    names = [r["name_th"] for r in catalogue["indicators"]]
    names += ["ศักดิ์สิทธิ์ ผู้ใหญ่บ้าน น้ำประปา", "อบต.คลองท่อมใต้"]
    leading = set("เแโใไ")
    for name in names:
        out = report.breakable(name)
        assert out.replace("\u200b", "") == name
        for i, ch in enumerate(out):
            if ch == "\u200b":
                after, before = out[i + 1], out[i - 1]
                assert unicodedata.category(after) != "Mn" and after not in "ะาำๆ", name
                assert before not in leading, name
    assert "\u200b" in report.breakable("ร้อยละของถนนลาดยาง")
    assert report.breakable("Road maintenance 12 km") == "Road maintenance 12 km"


def test_the_fast_dictionary_cuts_the_same_words_as_pythainlps_own():
    from pythainlp.tokenize import word_tokenize
    texts = [r[k] for r in yaml.safe_load((CATALOGUE_DIR / "2565.yaml").read_text(encoding="utf-8"))["indicators"]
             for k in ("name_th", "frame_th", "delivered_th")]
    texts += [v["th"] for v in yaml.safe_load((report.Path(report.__file__).parent / "locale" / "lao.yaml")
                                              .read_text(encoding="utf-8")).values()]
    for text in texts:
        assert word_tokenize(text, engine="newmm", keep_whitespace=True, custom_dict=report.thai_dictionary()) == \
            word_tokenize(text, engine="newmm", keep_whitespace=True), text


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
    card = build(scorecard_inputs(make_engine(sample_db_url), PUBLIC, subject["code"], YEAR))
    wb = load_workbook(io.BytesIO(scorecard_xlsx(card, "th")))
    assert wb.sheetnames == [m(k) for k in ("lao_sheet_summary", "lao_sheet_domains", "lao_sheet_indicators",
                                            "lao_sheet_fix", "lao_sheet_trend", "lao_sheet_history")]
    rows = list(wb[m("lao_sheet_indicators")].values)
    assert rows[0][0] == m("col_code") and len(rows) - 1 == len(subject["indicators"])
    assert {r[0] for r in rows[1:]} == set(subject["indicators"]["code"])
    fix = list(wb[m("lao_sheet_fix")].values)
    assert len(fix) - 1 == (subject["indicators"]["outcome"].isin(["fail", "not_done"])).sum()
    assert not any(isinstance(c, str) and c.startswith("=") for r in rows for c in r)
