"""The pages every browser check walks, in one list: the suite, the accessibility check and the Thai-word
walk all take their pages from here, so a new page (entry) is added once, with the user it needs.

``VIEWS``                names of the pages in menu order
``SIGNED_IN``            page -> test account (tests/accounts.py) that opens it; others are public
``facts(db)``            what the pages should show, read from the database directly
``paths(facts)``         page -> (URL with its view parameters, the page heading expected in each language)
``open_view(...)``       open a page as a person would (signing in and using the menu where it needs a user)
"""
from __future__ import annotations

import sqlite3

from dashboard.i18n import messages, year_label
from scoring.laotypes import display_name
from tests.accounts import PASSWORD

YEAR = 2568
PROVINCE = "30"                       # Nakhon Ratchasima: the sample's big province (334 LAOs)
VIEWS = ("overview", "province", "lao", "indicators", "submissions", "review", "entry", "admin", "methodology")
SIGNED_IN = {"review": "mon30", "entry": "lao", "admin": "admin"}   # "lao": staff of STAFF_LAO (conftest)
LANGS = ("th", "en")


def m(key: str, lang: str = "th", **fmt) -> str:
    text = messages()[key][lang]
    return text.format(**fmt) if fmt else text


def facts(db) -> dict:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        province = dict(zip(LANGS, con.execute(
            "SELECT name_th, name_en FROM province WHERE code = ?", (PROVINCE,)).fetchone(), strict=True))
        code, name_th, name_en, typ = con.execute(
            "SELECT l.code, l.name_th, l.name_en, l.type FROM lao l JOIN summary s ON s.lao_code = l.code "
            "WHERE l.province_code = '81' AND s.year = ? AND s.domain = 'all' ORDER BY l.code LIMIT 1",
            (YEAR,)).fetchone()
        n_laos = con.execute("SELECT COUNT(*) FROM lao WHERE province_code = ?", (PROVINCE,)).fetchone()[0]
    return {"province": province, "n_laos": n_laos, "lao": code,
            "lao_name": {lang: display_name(name_th, typ, lang, name_en) for lang in LANGS}}


def paths(facts: dict) -> dict[str, tuple[str, dict[str, str]]]:
    def same(key, **fmt):
        return {lang: m(key, lang, **{k: v(lang) for k, v in fmt.items()}) for lang in LANGS}
    nation = {"scope": lambda lang: m("scope_nation", lang)}
    return {
        "overview": (f"/overview?year={YEAR}", same("overview_title", **nation)),
        "province": (f"/province?province={PROVINCE}&year={YEAR}",
                     {lang: m("province_title", lang, name=facts["province"][lang], year=year_label(YEAR, lang))
                      for lang in LANGS}),
        "lao": (f"/lao?lao={facts['lao']}&year={YEAR}", facts["lao_name"]),
        "indicators": (f"/indicators?year={YEAR}&domain=1&indicator=1.01", same("indicators_title", **nation)),
        "submissions": ("/submissions", same("submissions_title")),
        "review": ("/review", same("review_title")),
        "entry": ("/entry", same("entry_title")),
        "admin": ("/admin", same("admin_title")),
        "methodology": (f"/methodology?year={YEAR}", same("meth_title")),
    }


def sign_in(page, wait_for_app, user: str = "admin") -> None:
    page.get_by_text(m("auth_sign_in_staff")).click()
    page.get_by_label(m("auth_username"), exact=True).fill(user)
    page.get_by_label(m("auth_password"), exact=True).fill(PASSWORD)       # not the show-password button
    page.get_by_role("button", name=m("auth_sign_in"), exact=True).click()
    try:     # the landing page may be the signed-in user's own first run of a page on a busy CI machine
        page.get_by_text(m("auth_signed_in_as")).wait_for(timeout=60_000)
    except Exception as exc:
        shown = page.locator('[data-testid="stAlert"], [data-testid="stSidebar"] [data-testid="stMarkdown"]')
        raise AssertionError(f"{user} not signed in at {page.url}; the page says {shown.all_inner_texts()}") from exc
    wait_for_app(page)


def menu_to(page, label: str, wait_for_app) -> None:
    """Switch page through the sidebar menu, which keeps the signed-in session (a new load would not)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=label).click()
    page.wait_for_timeout(300)
    wait_for_app(page)


def open_view(page, base: str, name: str, lang: str, facts: dict, wait_for_app) -> None:
    """Open page `name` in `lang`: by URL, or for a page that needs a user, by signing in on the overview and
    going there through the menu, then switching the language in the sidebar."""
    path = paths(facts)[name][0]
    if name not in SIGNED_IN:
        page.goto(base.rstrip("/") + path + ("&" if "?" in path else "?") + f"lang={lang}",
                  wait_until="domcontentloaded")
        wait_for_app(page, 60_000)
        return
    page.goto(base.rstrip("/") + "/overview", wait_until="domcontentloaded")
    wait_for_app(page, 60_000)
    sign_in(page, wait_for_app, SIGNED_IN[name])
    menu_to(page, m(f"nav_{name}"), wait_for_app)
    if lang != "th":
        page.get_by_test_id("stSidebar").get_by_role("radio", name="English", exact=True).click()
        wait_for_app(page)
