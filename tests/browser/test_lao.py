"""The public LAO scorecard in a real browser: deep link on a fresh server, the council report
downloaded as a real Thai PDF, search by typing, and the page on a phone."""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess

import pytest
from playwright.sync_api import expect

from dashboard.i18n import messages
from scoring.laotypes import display_name
from tests.conftest import REQUIRE_ALL

YEAR = 2568


def m(key: str, lang: str = "th") -> str:
    return messages()[key][lang]



@pytest.fixture(scope="module")
def subject(small_sqlite_template) -> dict:
    con = sqlite3.connect(f"file:{small_sqlite_template}?mode=ro", uri=True)
    code, name_th, type_ = con.execute(
        """SELECT l.code, l.name_th, l.type FROM result r JOIN lao l ON l.code = r.lao_code
           WHERE r.year = ? AND l.province_code = '81' GROUP BY l.code
           HAVING SUM(r.outcome IN ('fail', 'not_done')) >= 2 ORDER BY l.code LIMIT 1""", (YEAR,)).fetchone()
    con.close()
    return {"code": code, "name": display_name(name_th, type_)}



def test_public_scorecard_link_downloads_the_council_pdf(page, goto, fresh_url, wait_for_app, console_errors, screenshot,
                                                          subject, tmp_path):
    goto(page, fresh_url, f"/lao?lao={subject['code']}&year={YEAR}")
    expect(page.get_by_role("heading", name=subject["name"])).to_be_visible()
    expect(page.get_by_text(m("lao_metric_rate"), exact=True)).to_be_visible()
    assert f"lao={subject['code']}" in page.url and f"year={YEAR}" in page.url
    screenshot(page, "lao-desktop")

    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=m("lao_download_pdf")).click()
    download = info.value
    assert download.suggested_filename == f"scorecard-{subject['code']}-{YEAR}-th.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    if shutil.which("pdftotext") is None:
        if REQUIRE_ALL:
            pytest.fail("needs pdftotext (poppler-utils), and LAO_REQUIRE_ALL=1 forbids skipping")
    else:
        text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = re.sub(r"\s+", "", text)
        assert re.sub(r"\s+", "", subject["name"]) in flat and "\u200b" not in text
        # the test server has no public address (LAO_PUBLIC_URL unset): no link, and where to look instead
        assert "ผ่านค่ามาตรฐานขั้นต่ำ" in flat and "localhost" not in flat and subject["code"] in flat
        assert re.sub(r"\s+", "", m("lao_online_elsewhere").split("{")[0]) in flat
    assert not console_errors


def test_search_then_open_and_phone_layout(page, goto, app_url, wait_for_app, console_errors, screenshot, subject):
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, app_url, "/lao")
    box = page.get_by_role("textbox", name=m("lao_search"))
    box.fill(subject["code"])
    box.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name=re.compile(subject["code"])).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=subject["name"])).to_be_visible()
    page.wait_for_url(re.compile(f"lao={subject['code']}"))
    wait_for_app(page)
    expect(page.get_by_text(m("lao_metric_rate"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(subject["code"]))).to_have_count(0)   # the matches are gone
    screenshot(page, "lao-phone")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 400                                          # nothing wider than the phone
    assert not console_errors


def test_unpublished_round_is_a_message_for_the_public(page, goto, app_url, wait_for_app, subject):
    goto(page, app_url, f"/lao?lao={subject['code']}&year=2569")
    expect(page.get_by_text(m("round_not_public").format(year="พ.ศ. 2569"))).to_be_visible()
    expect(page.get_by_role("button", name=m("lao_download_pdf"))).to_have_count(0)
