"""Every page in Thai and English on a fresh server, and the drill path by clicks.

* Each page (the admin page as a signed-in administrator) opens with its own heading, no error element
  (`stException`, `stAlertContentError`) and no console error other than Streamlit's base-path probes
  (filtered by the ``console_errors`` fixture); a screenshot of each is kept as
  test-artifacts/screenshots/suite-<page>-<lang>.png.
* The drill path an executive follows, only by clicking: the overview's province picker, the link it
  offers, an LAO link in the province table (a canvas grid: clicked at the cell's place), then the
  council report downloaded from the scorecard, which must be a PDF.

The server gets its own copy of the small sample and the test accounts, and starts with this module,
so the first page of the suite is a cold start.
"""
from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from dashboard.i18n import year_label
from scoring.laotypes import display_name
from tests.browser import views
from tests.browser.conftest import _is_known_noise
from tests.browser.views import PROVINCE, YEAR, m

ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
ROW_PX, HEADER_PX = 35, 35            # st.dataframe's row and header height (default row height)


@pytest.fixture(scope="module")
def served(private_server):
    """(base URL, database path) of a server started for this module on a private copy of the sample."""
    return private_server("suite")


@pytest.fixture(scope="module")
def facts(served) -> dict:
    """What the pages should show, read from the database directly."""
    return views.facts(served[1])


def pages(facts: dict) -> dict[str, tuple[str, dict[str, str]]]:
    return views.paths(facts)


def goto(page, base: str, path: str, wait_for_app) -> None:
    page.goto(base.rstrip("/") + path, wait_until="domcontentloaded")
    wait_for_app(page, 60_000)


def settle(page, wait_for_app) -> None:
    """Plotly draws after the script run ends; give charts a moment before looking and screenshotting."""
    page.wait_for_timeout(600)
    wait_for_app(page)


def assert_clean(page, heading: str, console_errors: list[str]) -> None:
    expect(page.locator("h1").first).to_have_text(heading)
    assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).all_inner_texts()
    assert not console_errors


def choose(page, label: str, option: str, wait_for_app) -> None:
    """Pick `option` in the selectbox labelled `label` by clicking, as a person would. The first click
    on a selectbox sometimes only focuses it while the page is still laying out, so click again then."""
    box = page.get_by_role("combobox", name=label, exact=True)
    item = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        box.click()
        try:
            item.wait_for(timeout=2_000)
            break
        except Exception:  # noqa: BLE001 - the list did not open yet
            continue
    item.click()
    wait_for_app(page)


sign_in, menu_to = views.sign_in, views.menu_to


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("name", ["overview", "province", "lao", "indicators", "submissions", "methodology"])
def test_every_public_page_opens_clean(page, served, facts, wait_for_app, console_errors, screenshot, name, lang):
    base, _ = served
    path, heading = pages(facts)[name]
    goto(page, base, path + ("&" if "?" in path else "?") + f"lang={lang}", wait_for_app)
    settle(page, wait_for_app)
    assert_clean(page, heading[lang], console_errors)
    current = page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]')
    expect(current).to_contain_text(m(f"nav_{name}", lang))            # the menu says where we are
    assert f"lang={lang}" in page.url or lang == "th"
    screenshot(page, f"suite-{name}-{lang}")


def test_admin_page_as_a_signed_in_administrator(page, served, wait_for_app, console_errors, screenshot):
    base, _ = served
    goto(page, base, "/overview", wait_for_app)
    sign_in(page, wait_for_app)
    menu_to(page, m("nav_admin"), wait_for_app)
    settle(page, wait_for_app)
    assert_clean(page, m("admin_title"), console_errors)
    expect(page.locator('[data-testid="stFileUploader"]').first).to_be_visible()     # not the refusal
    screenshot(page, "suite-admin-th")

    page.get_by_test_id("stSidebar").get_by_role("radio", name="English", exact=True).click()
    wait_for_app(page)
    settle(page, wait_for_app)
    assert_clean(page, m("admin_title", "en"), console_errors)
    expect(page.locator('[data-testid="stFileUploader"]').first).to_be_visible()
    assert "lang=en" in page.url
    screenshot(page, "suite-admin-en")


def test_drill_path_by_clicks_ends_in_a_pdf(page, context, served, facts, wait_for_app, console_errors, screenshot,
                                           tmp_path):
    base, _ = served
    goto(page, base, f"/overview?year={YEAR}", wait_for_app)
    province = facts["province"]["th"]
    choose(page, m("overview_goto"), province, wait_for_app)
    link = page.get_by_role("link", name=re.compile(re.escape(m("overview_goto_link", name=province))))
    link.click()
    page.wait_for_url(re.compile(rf"/province\?.*province={PROVINCE}"))
    wait_for_app(page, 60_000)
    expect(page.locator("h1").first).to_have_text(
        m("province_title", name=province, year=year_label(YEAR, "th")))
    expect(page.get_by_text(f"แสดง {facts['n_laos']} จาก {facts['n_laos']} แห่ง", exact=False)).to_be_visible()

    # The LAO table is a canvas; its accessible twin says which LAO the first row is.
    grid = page.locator('[data-testid="stDataFrame"]:visible').first
    grid.scroll_into_view_if_needed()
    first = re.search(r"lao=(\d{7})", grid.get_by_test_id("glide-cell-0-0").inner_text()).group(1)
    box = grid.bounding_box()
    x, y = box["x"] + 30, box["y"] + HEADER_PX + ROW_PX / 2          # the code in the first row
    page.mouse.move(x, y)                                           # the grid arms a link on hover
    page.wait_for_timeout(300)
    with context.expect_page(timeout=30_000) as opened:             # a link cell opens a new tab
        page.mouse.click(x, y)
    scorecard = opened.value
    tab_errors: list[str] = []                                      # same rule as console_errors
    scorecard.on("console", lambda msg: tab_errors.append(msg.text) if msg.type == "error" and not _is_known_noise(
        msg.text, (msg.location or {}).get("url", "")) else None)
    scorecard.on("pageerror", lambda exc: tab_errors.append(str(exc)))
    scorecard.wait_for_load_state("domcontentloaded")
    wait_for_app(scorecard, 60_000)
    assert f"lao={first}" in scorecard.url and f"year={YEAR}" in scorecard.url
    with sqlite3.connect(f"file:{served[1]}?mode=ro", uri=True) as con:
        name_th, name_en, typ = con.execute("SELECT name_th, name_en, type FROM lao WHERE code = ?",
                                            (first,)).fetchone()
    expect(scorecard.locator("h1").first).to_have_text(display_name(name_th, typ, "th", name_en))
    assert scorecard.locator(ERRORS).count() == 0
    screenshot(scorecard, "suite-drill-lao")

    with scorecard.expect_download(timeout=90_000) as got:
        scorecard.get_by_role("button", name=m("lao_download_pdf")).click()
    path = tmp_path / "report.pdf"
    got.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert first in got.value.suggested_filename
    assert not tab_errors and not console_errors
