"""Markdown and HTML from the URL and from the registry, in a real browser: an LAO whose name is a link, a
remote image and an <img> tag, and URL parameters carrying the same. The pages show them as text: no link or
image of the attacker's appears, and the browser never asks the attacker's server for anything."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from urllib.parse import quote, urlparse

import pytest

from tests.browser.views import PROVINCE, YEAR

EVIL = "evil.example"
PAYLOAD = f"[คลิก](https://{EVIL}/a) ![x](https://{EVIL}/p.png) <img src=https://{EVIL}/q.png>"


@pytest.fixture(scope="module")
def served(private_server):
    return private_server("injection")


@pytest.fixture(scope="module")
def named(served) -> str:
    """An LAO of the province renamed to the payload (logged, so the server's caches see the change)."""
    with sqlite3.connect(served[1]) as con:
        code = con.execute("SELECT MIN(code) FROM lao WHERE province_code = ? AND type = 'sao'",
                           (PROVINCE,)).fetchone()[0]
        con.execute("UPDATE lao SET name_th = ?, name_en = ? WHERE code = ?", (f"บ้าน {PAYLOAD}", PAYLOAD, code))
        con.execute("INSERT INTO change_log (at, who, action, detail) VALUES (?, 'test', 'import-laos', 'rename')",
                    (datetime.now().replace(microsecond=0).isoformat(sep=" "),))
    return code


def views(code: str) -> list[str]:
    p = quote(PAYLOAD)
    return [f"/lao?lao={code}&year={YEAR}", f"/lao?lao={code}&year={YEAR}&lang=en",
            f"/province?province={PROVINCE}&year={YEAR}&view=flags", f"/province?province={PROVINCE}&year={YEAR}",
            f"/lao?lao={p}&year={YEAR}", f"/indicators?year={YEAR}&domain=1&indicator={p}",
            f"/overview?year={YEAR}&type={p}&region={p}", f"/lao?q={p}"]


def test_markdown_and_html_from_the_registry_and_the_url_stay_text(page, served, named, goto):
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    for path in views(named):
        goto(page, served[0], path, 60_000)
        page.wait_for_timeout(500)                  # charts and images load after the run
        links = page.locator(f'a[href*="{EVIL}"]')
        assert links.count() == 0, (path, [a.evaluate("e => e.parentElement.outerHTML.slice(0, 200)")
                                           for a in links.all()])
        assert page.locator(f'img[src*="{EVIL}"]').count() == 0, path
        if path.startswith(f"/lao?lao={named}"):
            # the name is shown, as the characters it is made of
            assert page.get_by_text(f"https://{EVIL}/a", exact=False).count() > 0, path
    assert asked and [u for u in asked if urlparse(u).hostname != "127.0.0.1"] == []     # nothing left the machine
