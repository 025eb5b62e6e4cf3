"""In a real browser: an administrator signs in, is told what is wrong with a bad file, commits a good
one and sees the submission counts change; a provincial monitor signs in and sees only its province.

The server gets its own writable copy of the small sample and test accounts (LAO_ACCOUNTS_FILE).
"""
from __future__ import annotations

import re
import sqlite3

import pytest

from sample_data.round_file import round_frame
from store.db import make_engine
from tests.accounts import PASSWORD

OPEN = 2569


@pytest.fixture(scope="module")
def served(private_server):
    """(base URL, database path) of a dashboard on a private copy of the sample, with test accounts."""
    return private_server("admin-browser")


def go(page, base: str, path: str, wait_for_app):
    page.goto(base.rstrip("/") + path, wait_until="domcontentloaded")
    wait_for_app(page)
    return page


def sign_in(page, user: str, wait_for_app, password: str = PASSWORD):
    page.get_by_text("เข้าสู่ระบบสำหรับเจ้าหน้าที่").click()
    page.get_by_label("ชื่อผู้ใช้").fill(user)
    page.get_by_label("รหัสผ่าน", exact=True).fill(password)   # not "แสดงรหัสผ่าน", the show button
    page.get_by_role("button", name="เข้าสู่ระบบ", exact=True).click()
    page.get_by_text("เข้าสู่ระบบในชื่อ").wait_for()
    wait_for_app(page)


def nav(page, label: str, wait_for_app):
    """Switch page through the sidebar menu (keeps the signed-in session, unlike a new page load)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=label).click()
    page.wait_for_timeout(300)
    wait_for_app(page)


def menu(page) -> list[str]:
    return [a.inner_text().strip() for a in page.locator('[data-testid="stSidebarNav"] a').all()]


def metric(page, label: str) -> int:
    box = page.locator('[data-testid="stMetric"]', has=page.locator('[data-testid="stMetricLabel"]',
                                                                    has_text=re.compile(f"^{re.escape(label)}$")))
    return int(box.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def upload(page, path, wait_for_app):
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(path))
    page.wait_for_timeout(500)
    wait_for_app(page)


def test_admin_checks_a_bad_file_commits_a_good_one_and_the_counts_change(
        page, served, wait_for_app, console_errors, screenshot, tmp_path):
    base, db = served
    go(page, base, "/admin", wait_for_app)
    assert page.get_by_text("หน้านี้สำหรับผู้ดูแลระบบเท่านั้น").is_visible()
    assert "นำเข้าและจัดการรอบ" not in menu(page)               # hidden from the signed-out menu
    assert page.locator('[data-testid="stFileUploader"]').count() == 0

    sign_in(page, "admin", wait_for_app)
    assert "นำเข้าและจัดการรอบ" in menu(page)
    nav(page, "ติดตามการส่งข้อมูล", wait_for_app)
    before = metric(page, "ส่งแล้ว")
    engine = make_engine(f"sqlite:///{db}")
    with sqlite3.connect(db) as con:
        codes = [r[0] for r in con.execute(
            "SELECT l.code FROM lao l LEFT JOIN submission s ON s.lao_code = l.code AND s.year = ? "
            "WHERE l.province_code = '20' AND s.id IS NULL ORDER BY l.code LIMIT 4", (OPEN,))]
    good = round_frame(engine, OPEN, codes)
    engine.dispose()
    bad = good.astype(object).copy()
    bad.loc[1, "delivered"] = "-1"
    bad.loc[3, "indicator_code"] = "9.99"
    (tmp_path / "bad.csv").write_bytes(bad.to_csv(index=False).encode("utf-8-sig"))
    (tmp_path / "ชลบุรี.csv").write_bytes(good.to_csv(index=False).encode("utf-8"))

    nav(page, "นำเข้าและจัดการรอบ", wait_for_app)
    upload(page, tmp_path / "bad.csv", wait_for_app)
    page.get_by_text("ไฟล์นี้นำเข้าไม่ได้ พบปัญหา 2 รายการ", exact=False).wait_for()
    screenshot(page, "admin-bad-file")
    with sqlite3.connect(db) as con:
        n_subs = con.execute("SELECT COUNT(*) FROM submission").fetchone()[0]
    assert page.get_by_role("button", name="ยืนยันการนำเข้า").count() == 0
    page.get_by_role("button", name="ยกเลิก").click()
    page.get_by_text("ไฟล์นี้นำเข้าไม่ได้", exact=False).wait_for(state="detached")
    wait_for_app(page)

    upload(page, tmp_path / "ชลบุรี.csv", wait_for_app)
    page.get_by_text("ตรวจแล้วไม่พบข้อผิดพลาด", exact=False).wait_for()
    page.get_by_role("button", name="ยืนยันการนำเข้า").click()
    page.get_by_text("บันทึกแล้ว", exact=False).wait_for()
    wait_for_app(page)
    screenshot(page, "admin-committed")
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM submission").fetchone()[0] == n_subs + 4
        who, file_name, n = con.execute("SELECT who, file_name, n_rows FROM change_log ORDER BY id DESC").fetchone()
    assert (who, file_name, n) == ("admin", "ชลบุรี.csv", len(good))

    nav(page, "ติดตามการส่งข้อมูล", wait_for_app)
    assert metric(page, "ส่งแล้ว") == before + 4
    assert not console_errors


def test_a_monitor_sees_only_its_province(page, served, wait_for_app, console_errors, screenshot):
    base, db = served
    go(page, base, "/submissions?province=20", wait_for_app)
    sign_in(page, "mon30", wait_for_app)
    assert "นำเข้าและจัดการรอบ" not in menu(page)
    with sqlite3.connect(db) as con:
        n30 = con.execute("SELECT COUNT(*) FROM lao WHERE province_code = '30'").fetchone()[0]
        done30 = con.execute("SELECT COUNT(*) FROM submission s JOIN lao l ON l.code = s.lao_code WHERE s.year = ? "
                             "AND s.is_current AND s.state = 'submitted' AND l.province_code = '30'",
                             (OPEN,)).fetchone()[0]
    assert metric(page, "อปท. ที่ต้องส่ง") == n30
    assert metric(page, "ส่งแล้ว") == done30
    assert page.get_by_text("คุณเห็นเฉพาะ อปท. ในจังหวัดที่รับผิดชอบ (นครราชสีมา)").is_visible()
    province_box = page.get_by_role("combobox", name="จังหวัด", exact=True)
    assert province_box.input_value() == "นครราชสีมา"
    province_box.click()
    page.locator('[role="option"]').first.wait_for()
    options = [o.inner_text().strip() for o in page.locator('[role="option"]').all()]
    assert options == ["นครราชสีมา"]
    page.keyboard.press("Escape")
    page.locator(".js-plotly-plot").first.wait_for()
    screenshot(page, "submissions-monitor")
    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page)
    screenshot(page, "submissions-monitor-phone")
    assert not console_errors
