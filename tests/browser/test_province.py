"""The province page in a real browser: a deep link on a fresh server draws the district map and the
LAO table, tabs keep their place in the URL, downloads hold the table, and a phone can use it."""
from __future__ import annotations

import csv
import io
import sqlite3

from playwright.sync_api import expect

DEEP_LINK = "/province?province=30&year=2568"




def districts(template: str, province: str) -> int:
    with sqlite3.connect(template) as conn:
        return conn.execute("SELECT COUNT(*) FROM district WHERE province_code = ?", (province,)).fetchone()[0]


def painted_areas(page) -> int:
    """Areas of the first map drawn with a real size on screen, not only present in the DOM."""
    return page.evaluate("""() => [...document.querySelector('[data-testid="stPlotlyChart"]')
        .querySelectorAll('path.choroplethlocation')].filter(p => { const b = p.getBoundingClientRect();
        return b.width > 0.5 && b.height > 0.5; }).length""")


def test_deep_link_on_a_fresh_server_draws_map_and_table(page, goto, fresh_url, small_sqlite_template, wait_for_app,
                                                         console_errors, screenshot):
    goto(page, fresh_url, DEEP_LINK)
    expect(page.get_by_role("heading", name="จังหวัดนครราชสีมา · พ.ศ. 2568")).to_be_visible()
    n = districts(small_sqlite_template, "30")
    page.wait_for_function(f"""() => document.querySelector('[data-testid="stPlotlyChart"]')
        ?.querySelectorAll('path.choroplethlocation').length >= {n}""", timeout=30_000)
    assert painted_areas(page) >= n
    table = page.locator('[data-testid="stDataFrame"]:visible').first
    expect(table).to_be_visible()
    box = table.bounding_box()
    assert box["height"] > 200 and box["width"] > 600
    expect(page.get_by_text("แสดง 334 จาก 334 แห่ง", exact=False)).to_be_visible()
    expect(page.get_by_role("tab", name="อปท. ในจังหวัด")).to_have_attribute("aria-selected", "true")
    screenshot(page, "province-desktop")
    assert not console_errors


def test_tabs_and_choices_live_in_the_url(page, goto, app_url, wait_for_app, console_errors):
    goto(page, app_url, DEEP_LINK + "&lang=en")
    page.get_by_role("tab", name="Indicator × LAO").click()
    wait_for_app(page)
    page.wait_for_url("**view=matrix**")
    expect(page.get_by_text("Indicators where the province's LAOs need most support")).to_be_visible()
    goto(page, app_url, "/province?province=30&year=2568&lang=en&view=compare&compare=2300101,3300101")
    expect(page.get_by_role("tab", name="Side by side")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("Pass rate by domain (%)")).to_be_visible()
    assert "compare=2300101%2C3300101" in page.url or "compare=2300101,3300101" in page.url
    assert not console_errors


def test_table_download_holds_every_lao(page, goto, app_url, wait_for_app):
    goto(page, app_url, DEEP_LINK + "&lang=en")
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Download CSV").nth(1).click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == 334
    assert {"LAO code", "Pass rate (%)", "National peer percentile"} <= set(rows[0])


def test_phone_width_is_usable(page, goto, app_url, wait_for_app, console_errors, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, app_url, DEEP_LINK)
    page.wait_for_function("""() => document.querySelector('[data-testid="stPlotlyChart"]')
        ?.querySelectorAll('path.choroplethlocation').length > 0""", timeout=30_000)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 2                                     # the page itself never scrolls sideways
    chart = page.get_by_test_id("stPlotlyChart").first.bounding_box()
    table = page.locator('[data-testid="stDataFrame"]:visible').first.bounding_box()
    assert chart["width"] <= 390 and table["width"] <= 390 and table["height"] > 150
    expect(page.get_by_role("tab", name="ข้อสังเกตให้ตรวจสอบ")).to_be_attached()
    screenshot(page, "province-phone")
    assert not console_errors
