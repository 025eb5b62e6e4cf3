"""Accessibility and language in a real browser, on every page of tests/browser/views.py:

* axe-core (bundled by axe-playwright-python) finds no serious or critical violation, nor a skipped
  heading level, in Thai and English, at desktop (1,400 px) and phone (390 px) width; the page's
  <html lang> is the page's language. Screenshots: test-artifacts/screenshots/a11y-<page>-<lang>-<width>.png.
* A Thai page says nothing in Latin letters outside tests/thai_words.ALLOWED (codes, units, file types),
  with every "show as a table" opened: not in text, nor in tooltips, labels and placeholders, Streamlit's
  and plotly's own texts included.
* The drill path overview → province → scorecard → council PDF works with the keyboard alone.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.views import LANGS, SIGNED_IN, VIEWS, facts, m, open_view
from tests.thai_words import latin_words

WIDTHS = (1400, 390)
BLOCKING = ("serious", "critical")
ALSO = ("heading-order",)                 # moderate in axe, but a skipped level confuses screen-reader users


@pytest.fixture(scope="module")
def served(private_server):
    return private_server("a11y")


@pytest.fixture(scope="module")
def known(served) -> dict:
    return facts(served[1])


def settle(page, wait_for_app) -> None:
    page.wait_for_timeout(800)             # plotly draws after the script run ends
    wait_for_app(page)


def violations(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']}; e.g. {[n['target'] for n in v['nodes'][:3]]}"
            for v in found if v["impact"] in BLOCKING or v["id"] in ALSO]


def open_at(page, served, known, name, lang, width, wait_for_app) -> None:
    # signing in happens in the sidebar, which a phone-wide window folds away: sign in wide, then narrow
    page.set_viewport_size({"width": 1400 if name in SIGNED_IN else width, "height": 900})
    open_view(page, served[0], name, lang, known, wait_for_app)
    if name in SIGNED_IN:
        page.set_viewport_size({"width": width, "height": 900})
    settle(page, wait_for_app)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", VIEWS)
def test_no_serious_accessibility_violation(page, served, known, wait_for_app, screenshot, name, lang, width):
    open_at(page, served, known, name, lang, width, wait_for_app)
    assert page.evaluate("document.documentElement.lang") == lang
    problems = violations(page)
    screenshot(page, f"a11y-{name}-{lang}-{width}", full_page=False)
    assert not problems, "\n".join(problems)


LATIN_JS = """() => {
    const out = [];
    const icon = (el) => el.closest('[data-testid^="stIcon"], [data-testid="stExpanderIcon"], .material-symbols')
        || /Material/.test(getComputedStyle(el).fontFamily);
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
        const el = walk.currentNode.parentElement;
        if (!el || el.closest('script, style, noscript') || icon(el)) continue;
        out.push(walk.currentNode.nodeValue);
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [data-title], [alt]'))
        for (const a of ['aria-label', 'title', 'placeholder', 'data-title', 'alt'])
            if (el.getAttribute(a)) out.push(el.getAttribute(a));
    return out;
}"""


@pytest.mark.parametrize("name", VIEWS)
def test_a_thai_page_says_nothing_in_english(page, served, known, wait_for_app, name):
    open_at(page, served, known, name, "th", 1400, wait_for_app)
    for summary in page.locator('[data-testid="stExpander"] summary').all():   # every table behind a chart
        if summary.is_visible() and m("show_table") in summary.inner_text():
            summary.click()
    settle(page, wait_for_app)
    found = {}
    for text in page.evaluate(LATIN_JS):
        for word in latin_words(text) - latin_words(SIGNED_IN.get(name, "")):   # the user's name is data
            found.setdefault(word, text[:80])
    assert not found, found


def test_library_texts_that_appear_later_are_thai_too(page, served, known, wait_for_app):
    """Texts Streamlit draws only on use (a search with no match) are put in Thai as they appear."""
    open_at(page, served, known, "overview", "th", 1400, wait_for_app)
    box = page.get_by_role("combobox", name=m("overview_goto"), exact=True)
    box.click()
    page.keyboard.type("zzzz")
    listbox = page.get_by_text(m("lib_no_results"))
    listbox.wait_for(timeout=10_000)
    assert not page.get_by_text("No results", exact=True).count()
    page.keyboard.press("Escape")


FOCUSED_JS = """(label) => { const a = document.activeElement; if (!a) return false;
    return a.getAttribute('aria-label') === label
        || (['A', 'BUTTON'].includes(a.tagName) && (a.innerText || '').includes(label)); }"""


def tab_to(page, label: str, limit: int = 150) -> None:
    """Press Tab (only) until the focused element is named `label`, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_JS, label):
            return
    raise AssertionError(f"{label!r} cannot be reached with the Tab key")


def test_drill_path_by_keyboard_alone_ends_in_a_pdf(page, served, known, wait_for_app, tmp_path):
    import re
    import sqlite3

    from tests.browser.views import PROVINCE, YEAR
    base, db = served
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        lao = con.execute("SELECT l.code FROM lao l JOIN summary s ON s.lao_code = l.code WHERE l.province_code = ? "
                          "AND s.year = ? AND s.domain = 'all' ORDER BY l.code LIMIT 1", (PROVINCE, YEAR)).fetchone()[0]
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{base}/overview?year={YEAR}", wait_until="domcontentloaded")
    wait_for_app(page, 60_000)
    province = known["province"]["th"]
    tab_to(page, m("overview_goto"))
    page.keyboard.type(province)
    page.get_by_role("option", name=province).wait_for()      # the list has narrowed to it
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile(m("overview_goto_link", name=province))).wait_for()  # the rerun's link
    tab_to(page, m("overview_goto_link", name=province))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/province\?.*province={PROVINCE}"))
    wait_for_app(page, 60_000)
    tab_to(page, m("province_open_lao"))
    page.keyboard.type(lao)
    page.get_by_role("option", name=re.compile(lao)).wait_for()
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile(m("province_open_lao_link", name=""))).wait_for()
    tab_to(page, m("province_open_lao_link", name=""))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/lao\?.*lao={lao}"))
    wait_for_app(page, 60_000)
    tab_to(page, m("lao_download_pdf"))
    with page.expect_download(timeout=90_000) as got:
        page.keyboard.press("Enter")
    path = tmp_path / "report.pdf"
    got.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF") and lao in got.value.suggested_filename
