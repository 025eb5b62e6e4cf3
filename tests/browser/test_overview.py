"""The shell and the overview in a real browser, with no network beyond this machine."""
from __future__ import annotations

import csv
import io

import pytest
from PIL import Image
from playwright.sync_api import expect




def test_methodology_deep_link_on_a_fresh_server(page, goto, fresh_url, wait_for_app, console_errors, screenshot):
    goto(page, fresh_url, "/methodology?lang=en")
    expect(page.get_by_role("heading", name="Method and indicator catalogue")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("National overview")).to_be_visible()      # the shell is around the page
    expect(nav.get_by_text("Methodology")).to_be_visible()
    assert "lang=en" in page.url
    screenshot(page, "methodology-en")
    assert not console_errors


def painted_provinces(page) -> int:
    """Provinces drawn with a real area on screen, not just present in the DOM."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')][0]
        .querySelectorAll('path.choroplethlocation').length && [...document.querySelectorAll(
        '[data-testid="stPlotlyChart"]')][0].querySelectorAll('path.choroplethlocation')""") and page.evaluate(
        """() => { const chart = document.querySelector('[data-testid="stPlotlyChart"]');
        const seen = new Set();
        for (const p of chart.querySelectorAll('path.choroplethlocation')) {
            const b = p.getBoundingClientRect();
            const fill = getComputedStyle(p).fill;
            if (b.width > 0.5 && b.height > 0.5 && fill && fill !== 'none') seen.add(p.__data__ ? p.__data__.id
                || JSON.stringify([b.x, b.y]) : JSON.stringify([b.x, b.y]));
        }
        return seen.size; }""")


def test_overview_map_draws_every_province(page, goto, app_url, wait_for_app, console_errors, screenshot, tmp_path):
    goto(page, app_url, "/overview?year=2568")
    page.wait_for_function("""() => document.querySelector('[data-testid="stPlotlyChart"]')
        ?.querySelectorAll('path.choroplethlocation').length >= 77""", timeout=30_000)
    assert painted_provinces(page) >= 77
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.screenshot(path=str(tmp_path / "map.png"))
    img = Image.open(tmp_path / "map.png").convert("RGB")
    colours = img.getcolors(maxcolors=1 << 20)
    painted = sum(n for n, c in colours if c != (255, 255, 255))
    assert painted / (img.width * img.height) > 0.08           # a country, not an empty frame
    assert len(colours) > 20                                   # many shades, not one flooded rectangle
    expect(page.get_by_role("heading", name="ผลการประเมินมาตรฐานขั้นต่ำ: ทั้งประเทศ")).to_be_visible()
    screenshot(page, "overview-desktop")
    assert not console_errors


def test_deep_link_reproduces_the_view(page, goto, app_url, wait_for_app):
    goto(page, app_url, "/overview?year=2566&type=sao&metric=coverage&lang=en")
    expect(page.get_by_role("heading", name="Minimum-standard assessment: Subdistrict Administrative Organization, "
                                            "whole country")).to_be_visible()       # the heading names the view
    # a selectbox shows its value in an <input>
    expect(page.get_by_role("combobox", name="Assessment round (B.E. year)")).to_have_value("B.E. 2566 (2023)")
    expect(page.get_by_role("combobox", name="LAO type")).to_have_value("Subdistrict Administrative Organization")
    expect(page.get_by_role("combobox", name="Shown on the map")).to_have_value("Submission coverage")
    for part in ("year=2566", "type=sao", "metric=coverage", "lang=en"):
        assert part in page.url


def test_download_delivers_the_table_shown(page, goto, app_url, wait_for_app):
    goto(page, app_url, "/overview?year=2568&lang=en")
    page.get_by_text("Show as a table").first.click()
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as info:      # the file is built when asked (a run)
        page.get_by_role("button", name="Download CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert {r["Code"] for r in rows} == {"10", "20", "30", "81"}    # the provinces of the small sample
    krabi = next(r for r in rows if r["Code"] == "81")
    assert krabi["Province"] == "Krabi" and float(krabi["Pass rate (%)"]) > 0


@pytest.mark.parametrize("width, height, name", [(1440, 900, "desktop"), (390, 844, "phone")])
def test_screenshots_of_overview_and_indicators(page, goto, app_url, wait_for_app, screenshot, width, height, name):
    page.set_viewport_size({"width": width, "height": height})
    for path in ("overview?year=2568", "indicators?year=2568&domain=1&indicator=1.01"):
        goto(page, app_url, "/" + path)
        page.wait_for_timeout(800)             # plotly draws after the script run ends
        screenshot(page, f"{path.split('?')[0]}-{name}")
