"""Correcting a published round from the admin page (a reason is asked for, then logged) and the
methodology page's list of corrections, shown as plain text whatever the reason says."""
from __future__ import annotations

import sqlite3

import pytest

from dashboard.i18n import messages
from sample_data.round_file import round_frame
from tests.accounts import write_accounts_file
from tests.app.apptest import open_page

PUBLISHED = 2568
REASON = "[ลิงก์](https://evil.example) ![x](https://evil.example/x.png) **แก้ตัวเลข** ตามหนังสือ สถจ."


def m(key: str, lang: str = "th") -> str:
    return messages()[key][lang]


@pytest.fixture
def app_db(monkeypatch, sqlite_engine, tmp_path):
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LAO_ACCOUNTS_FILE", str(write_accounts_file(tmp_path / "accounts.toml")))
    return sqlite_engine


def test_a_published_round_is_corrected_only_with_a_reason_and_the_methodology_page_lists_it(app_db):
    at = open_page("admin", user="admin")
    content = round_frame(app_db, PUBLISHED, ["6810101"]).to_csv(index=False).encode()
    at.file_uploader[0].set_value(("fix.csv", content, "text/csv"))
    at.run()
    assert not at.exception and m("admin_file_bad").format(n=1) in [e.value for e in at.error]
    assert m("admin_commit") not in [b.label for b in at.button]
    box = at.text_area(key="admin_reason_submissions_0")
    assert box.label == m("admin_correction_reason")
    box.set_value(REASON)
    at.run()
    assert not at.exception and m("admin_file_ok").format(rows=len(content.splitlines()) - 1) in [
        s.value for s in at.success]
    at.button(key="admin_commit_submissions").click()
    at.run()
    assert not at.exception
    with sqlite3.connect(app_db.url.database) as con:
        assert con.execute("SELECT who, action, year, reason FROM change_log ORDER BY id DESC LIMIT 1").fetchone() == (
            "admin", "import", PUBLISHED, REASON)

    for lang in ("th", "en"):
        page = open_page("methodology", lang=lang)
        assert not page.exception
        assert m("meth_corrections", lang) in [h.value for h in page.subheader]
        table = next(d.value for d in page.dataframe if m("meth_correction_reason", lang) in d.value.columns)
        assert table[m("meth_correction_reason", lang)].tolist() == [REASON]
        assert table[m("meth_correction_file", lang)].tolist() == ["fix.csv"]
        assert "admin" not in table.to_string()                          # the public never sees user names
        assert not any("evil.example" in str(e.value) for e in page.markdown)


def test_the_methodology_page_says_when_nothing_was_corrected(app_db):
    page = open_page("methodology")
    assert not page.exception and m("meth_no_corrections") in [t.value for t in page.text]
