"""The admin page: only administrators get in; upload, check, commit or discard; rounds; the change
log; and a commit shows on the other pages at once (caches are keyed on the data version)."""
from __future__ import annotations

import re
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import THAI_MONTHS, messages
from sample_data.round_file import round_frame
from tests.accounts import write_accounts_file
from tests.app.apptest import open_page, texts

OPEN = 2569


def m(key: str) -> str:
    return messages()[key]["th"]


@pytest.fixture
def app_db(monkeypatch, sqlite_engine, tmp_path):
    """A writable copy of the small sample behind the app, and the test accounts."""
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LAO_ACCOUNTS_FILE", str(write_accounts_file(tmp_path / "accounts.toml")))
    return sqlite_engine


def page_as(user: str | None, url_path: str = "admin", **params) -> AppTest:
    return open_page(url_path, user=user, **params)


def counts(engine) -> dict[str, int]:
    path = engine.url.database
    with sqlite3.connect(path) as con:
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("submission", "indicator_value", "result", "summary", "round", "change_log")}


def not_started(engine, province: str, n: int) -> list[str]:
    with sqlite3.connect(engine.url.database) as con:
        return [r[0] for r in con.execute(
            "SELECT l.code FROM lao l LEFT JOIN submission s ON s.lao_code = l.code AND s.year = ? "
            "WHERE l.province_code = ? AND s.id IS NULL ORDER BY l.code LIMIT ?", (OPEN, province, n))]


@pytest.mark.parametrize("user", [None, "mon30", "exec"])
def test_only_administrators_get_in(app_db, user):
    before = counts(app_db)
    at = page_as(user)
    assert not at.exception
    assert m("admin_denied") in [w.value for w in at.warning]
    assert not at.file_uploader and not at.tabs                 # nothing to upload with, no rounds to change
    assert m("admin_commit") not in [b.label for b in at.button]
    assert counts(app_db) == before


def test_a_bad_file_is_explained_and_changes_nothing(app_db):
    before = counts(app_db)
    at = page_as("admin")
    assert not at.exception and len(at.tabs) == 7   # upload, rounds, catalogue, exports, accounts, contact e-mails, log
    codes = not_started(app_db, "30", 1)
    bad = round_frame(app_db, OPEN, codes).astype(object)
    bad.loc[0, "frame"] = "-3"
    bad.loc[2, "lao_code"] = "9999999"
    at.file_uploader[0].set_value(("bad.csv", bad.to_csv(index=False).encode(), "text/csv"))
    at.run()
    assert not at.exception
    assert m("admin_file_bad").format(n=2) in [e.value for e in at.error]
    problems = next(d.value for d in at.dataframe if m("admin_col_message") in d.value.columns)
    assert list(problems[m("admin_col_row")]) == [2, 4]
    assert list(problems[m("admin_col_column")]) == ["frame", "lao_code"]
    assert "ติดลบ" in problems[m("admin_col_message")].iloc[0] and "9999999" in problems[m("admin_col_message")].iloc[1]
    assert m("admin_commit") not in [b.label for b in at.button]       # nothing to commit
    at.button(key="admin_discard_submissions").click()
    at.run()
    assert not at.error and at.file_uploader[0].value is None
    assert counts(app_db) == before


def test_a_good_file_commits_logs_and_every_page_shows_it_at_once(app_db):
    codes = not_started(app_db, "30", 5)
    subs = page_as("mon30", "submissions")                           # warm caches before the commit
    done_label = m("submissions_done")
    before_done = int({x.label: x.value for x in subs.metric}[done_label].replace(",", ""))
    before = counts(app_db)

    at = page_as("admin")
    good = round_frame(app_db, OPEN, codes)
    at.file_uploader[0].set_value(("โคราช-5.csv", good.to_csv(index=False).encode(), "text/csv"))
    at.run()
    assert m("admin_file_ok").format(rows=len(good)) in [s.value for s in at.success]
    assert counts(app_db) == before                                 # checked, not saved
    at.button(key="admin_commit_submissions").click()
    at.run()
    assert not at.exception
    assert m("admin_committed").format(rows=len(good)) in [s.value for s in at.success]
    after = counts(app_db)
    assert after["submission"] == before["submission"] + 5 and after["change_log"] == before["change_log"] + 1
    log = page_as("admin", tab="log").dataframe[-1].value
    newest = log.iloc[0]
    assert (newest[m("admin_log_who")], newest[m("admin_log_file_name")], newest[m("admin_log_n_rows")]) == (
        "admin", "โคราช-5.csv", len(good))

    subs.run()                                                       # same server process, no restart
    assert int({x.label: x.value for x in subs.metric}[done_label].replace(",", "")) == before_done + 5


def test_rounds_close_only_when_confirmed_and_the_public_never_sees_a_closed_round(app_db):
    at = page_as("admin", tab="rounds")
    assert at.selectbox(key="admin_state_year").value == OPEN
    at.radio(key=f"admin_state_to_{OPEN}_open").set_value("closed")
    at.button(key="admin_state_apply").click()
    at.run()
    assert m("admin_confirm_first") in [w.value for w in at.warning]
    with sqlite3.connect(app_db.url.database) as con:
        assert con.execute("SELECT state FROM round WHERE year = ?", (OPEN,)).fetchone()[0] == "open"
    at.checkbox(key=f"admin_sure_{OPEN}_open_closed").check()
    at.button(key="admin_state_apply").click()
    at.run()
    assert not at.exception and m("admin_round_saved") in [s.value for s in at.success]
    with sqlite3.connect(app_db.url.database) as con:
        assert con.execute("SELECT state FROM round WHERE year = ?", (OPEN,)).fetchone()[0] == "closed"
        assert con.execute("SELECT who, action FROM change_log ORDER BY id DESC LIMIT 1").fetchone() == (
            "admin", "round-closed")
    public = page_as(None, "submissions", year=OPEN)
    assert public.selectbox(key="qp_year").value != OPEN


def state_of(engine, year: int) -> str:
    with sqlite3.connect(engine.url.database) as con:
        return con.execute("SELECT state FROM round WHERE year = ?", (year,)).fetchone()[0]


def test_publishing_needs_its_own_fresh_confirmation_and_the_page_stays_on_the_rounds_tab(app_db):
    at = page_as("admin", tab="rounds")
    at.checkbox(key=f"admin_sure_{OPEN}_open_closed").check()
    at.button(key="admin_state_apply").click()
    at.run()
    assert state_of(app_db, OPEN) == "closed"
    assert at.query_params["tab"] == "rounds"                     # still where the administrator was
    assert at.selectbox(key="admin_state_year").value == OPEN
    at.radio(key=f"admin_state_to_{OPEN}_closed").set_value("published")
    at.run()
    sure = at.checkbox(key=f"admin_sure_{OPEN}_closed_published")
    assert sure.value is False                                      # the tick for closing did not carry over
    assert "2569" in sure.label and m("admin_to_published") in sure.label   # names the round and the step
    at.button(key="admin_state_apply").click()
    at.run()
    assert m("admin_confirm_first") in [w.value for w in at.warning]
    assert state_of(app_db, OPEN) == "closed"
    at.checkbox(key=f"admin_sure_{OPEN}_closed_published").check()
    at.button(key="admin_state_apply").click()
    at.run()
    assert state_of(app_db, OPEN) == "published"


def test_the_change_log_is_in_thai_with_buddhist_era_times(app_db):
    at = page_as("admin", tab="rounds")
    at.checkbox(key=f"admin_sure_{OPEN}_open_closed").check()
    at.button(key="admin_state_apply").click()
    at.run()
    log = page_as("admin", tab="log").dataframe[-1].value
    newest, seed = log.iloc[0], log.iloc[-1]
    assert newest[m("admin_log_action")] == m("admin_log_action_round_closed")
    states = m("submissions_state_open"), m("submissions_state_closed")
    assert newest[m("admin_log_detail")] == f"รอบ {OPEN}: {states[0]} → {states[1]}"
    when = newest[m("admin_log_at")]
    assert re.fullmatch(r"\d{1,2} (\S+) 25\d\d \d\d:\d\d", when) and when.split()[1] in THAI_MONTHS
    assert seed[m("admin_log_detail")] == m("admin_log_detail_seed")


def test_a_second_open_round_is_refused_with_a_thai_message(app_db):
    at = page_as("admin", tab="rounds")
    at.number_input[0].set_value(2570)
    next(b for b in at.button if b.label == m("admin_open_round")).click()
    at.run()
    assert any("ยังเปิดรับข้อมูลอยู่" in e.value for e in at.error)


def test_english_admin_page(app_db):
    at = page_as("admin", lang="en", tab="log")
    assert not at.exception
    assert at.title[0].value == "Data intake and assessment rounds"
    assert "Every change to the data" in texts(at)
