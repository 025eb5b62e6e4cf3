"""Faults of the database and of the files shipped with the app, seen through the whole app (AppTest).

For each: the page shows a plain message in the visitor's language (no traceback), the data is
unchanged (table fingerprints), and once the fault clears the same session works again with no server
restart (the same AppTest, so the same process, caches and connection pool).
"""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from dashboard.i18n import year_label
from scoring import catalogue
from scoring.errors import ValidationError
from store import sessions
from store.db import BUSY_TIMEOUT_ENV, fault_kind, make_engine
from tests.accounts import write_accounts_file
from tests.faults.helpers import ReadOnly, fault_free, fingerprint, m, overview_title, page, round_file, shown


def retry(at, url_path: str, lang: str, **params):
    """After the fault clears: the same session presses the retry button (Thai), or, in English, the
    visitor reloads: a new session in the same server process. (AppTest formats widget labels outside
    the script run, in Thai, so an English session's rerun fails in AppTest alone, never in a browser.)"""
    if lang == "th":
        at.button(key="faults_retry").click()
        return at.run()
    return page(url_path, lang=lang, **params)


@pytest.fixture
def copy(tmp_path, small_sqlite_template):
    path = tmp_path / "db" / "lao.sqlite"
    path.parent.mkdir()
    shutil.copy(small_sqlite_template, path)
    return path


@pytest.fixture
def accounts(monkeypatch, tmp_path):
    monkeypatch.setenv("LAO_ACCOUNTS_FILE", str(write_accounts_file(tmp_path / "accounts.toml")))


@pytest.mark.parametrize("lang", ["th", "en"])
def test_missing_file_is_explained_and_the_app_recovers_when_it_appears(monkeypatch, tmp_path, small_sqlite_template,
                                                                         lang):
    path = tmp_path / "later" / "lao.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    at = page("overview", lang=lang)
    assert not at.exception and not at.error
    assert shown(at)["warning"] == [m("no_database", lang)]
    assert not path.exists()                      # looking did not leave an empty database behind
    shutil.copy(small_sqlite_template, path)
    at.run()
    assert fault_free(at, overview_title(lang))
    assert m("no_database", lang) not in shown(at)["warning"]


def test_file_removed_while_running_then_put_back(monkeypatch, copy):
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    before = fingerprint(url)
    at = page("overview")
    assert fault_free(at, overview_title())
    aside = copy.with_name("aside.sqlite")
    copy.rename(aside)                            # the pool still holds the old file open
    at.run()
    assert not at.exception and shown(at)["warning"] == [m("no_database")]
    aside.rename(copy)
    at.run()
    assert fault_free(at, overview_title())
    assert fingerprint(url) == before


def test_read_only_file_still_shows_data_refuses_a_commit_plainly_then_saves_once_writable(
        monkeypatch, copy, accounts):
    # Thai only: AppTest formats the admin page's radio labels outside the script run, so in English
    # its re-run fails on its own (the browser suite shows the admin page in English). The English
    # wording of the fault messages is checked by the tests below.
    lang = "th"
    ro = ReadOnly(copy)
    good = round_file(ro.url(False))
    before = fingerprint(ro.url(False))
    token = sessions.start(make_engine(ro.url(False)), file_user="admin")    # signed in before it went read-only
    ro.on()
    try:
        monkeypatch.setenv("DATABASE_URL", ro.url(True))
        assert fault_free(page("overview", lang=lang), overview_title(lang))   # reading works
        at = page("admin", lang=lang, token=token)
        at.file_uploader[0].set_value(good)
        at.run()
        assert m("admin_file_ok", lang, rows=good[1].count(b"\n") - 1) in shown(at)["success"]
        at.button(key="admin_commit_submissions").click()
        at.run()
        assert not at.exception
        assert shown(at)["error"] == [m("faults_read_only", lang)]
    finally:
        ro.off()
    assert fingerprint(ro.url(False)) == before                 # nothing written, nothing lost
    if ro.emulated:      # no way to make the file itself read-only here: a new URL is a new connection
        monkeypatch.setenv("DATABASE_URL", ro.url(False))
        import streamlit as st
        st.cache_resource.clear()
    at.button(key="admin_commit_submissions").click()            # the same session tries again
    at.run()
    assert not at.exception and not at.error
    assert m("admin_committed", lang, rows=good[1].count(b"\n") - 1) in shown(at)["success"]
    after = fingerprint(ro.url(False))
    assert after["submission"][0] == before["submission"][0] + 3
    assert after["change_log"][0] == before["change_log"][0] + 1


def test_a_writer_holding_the_lock_blocks_a_commit_plainly_but_never_the_readers(monkeypatch, copy, accounts):
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "1")          # wait 1 s for the lock instead of 30
    good = round_file(url)
    before = fingerprint(url)
    at = page("admin", user="admin")
    at.file_uploader[0].set_value(good)
    at.run()
    other = sqlite3.connect(copy, isolation_level=None)     # e.g. a long import from the command line
    other.execute("BEGIN IMMEDIATE")
    try:
        assert fault_free(page("overview"), overview_title())      # readers are not blocked (WAL)
        at.button(key="admin_commit_submissions").click()
        at.run()
        # the import waited for the lock, gave up and says so in its report: nothing was written
        assert not at.exception and shown(at)["error"] == [m("admin_file_bad", n=1)]
        assert any("นานเกินรอ" in str(df.value.to_numpy()) for df in at.dataframe)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert fingerprint(url) == before
    at.file_uploader[0].set_value(good)              # the refused file is uploaded again, once the lock is gone
    at.run()
    at.button(key="admin_commit_submissions").click()
    at.run()
    assert not at.exception and not at.error
    assert fingerprint(url)["submission"][0] == before["submission"][0] + 3


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_database_locked_even_for_readers_is_explained_then_recovers(monkeypatch, copy, lang):
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "0.5")
    before = fingerprint(url)
    holder = sqlite3.connect(copy, isolation_level=None)    # exclusive locking mode shuts everyone else out
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("COMMIT")
    try:
        at = page("province", province="30", lang=lang)
        assert not at.exception
        assert shown(at)["error"] == [m("faults_locked", lang)]
        assert m("faults_retry", lang) in [b.label for b in at.button]
    finally:
        holder.close()
    at = retry(at, "province", lang, province="30")
    name = {"th": "นครราชสีมา", "en": "Nakhon Ratchasima"}[lang]
    assert fault_free(at, m("province_title", lang, name=name, year=year_label(2568, lang)))
    assert fingerprint(url) == before


@pytest.fixture
def catalogue_dir(monkeypatch, tmp_path):
    """A copy of the shipped catalogue folder that the app reads instead (domains() cache emptied)."""
    folder = tmp_path / "catalogues"
    shutil.copytree(catalogue.CATALOGUE_DIR, folder)
    monkeypatch.setattr(catalogue, "CATALOGUE_DIR", folder)
    catalogue.domains.cache_clear()
    yield folder
    catalogue.domains.cache_clear()


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("damage", ["not yaml", "a domain missing", "file gone"])
def test_broken_domain_file_is_explained_and_the_app_recovers_when_fixed(monkeypatch, sample_db_url, catalogue_dir,
                                                                          damage, lang):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)
    before = fingerprint(sample_db_url)
    domains = catalogue_dir / "domains.yaml"
    good = domains.read_text(encoding="utf-8")
    if damage == "not yaml":
        domains.write_text(good.replace("- domain: 3", "- domain: [3"), encoding="utf-8")
    elif damage == "a domain missing":
        domains.write_text(good.replace("- domain: 8", "- domain: 7"), encoding="utf-8")
    else:
        domains.unlink()
    at = page("overview", lang=lang)
    assert not at.exception
    assert shown(at)["error"] == [m("faults_catalogue", lang)]
    detail = [t.value for t in at.text]
    assert len(detail) == 1 and detail[0].startswith("domains.yaml:")
    assert ("อ่านไฟล์ไม่ได้" if lang == "th" else "cannot be read") in detail[0] or "1-8" in detail[0]
    domains.write_text(good, encoding="utf-8")
    at = retry(at, "overview", lang)
    assert fault_free(at, overview_title(lang))
    assert fingerprint(sample_db_url) == before


def test_only_faults_are_turned_into_messages():
    """Bugs must still show as errors: only database faults and catalogue problems are classified."""
    def wrapped(message: str, cls=OperationalError):
        return cls("SELECT 1", {}, sqlite3.OperationalError(message))

    assert fault_kind(wrapped("attempt to write a readonly database")) == "read_only"
    assert fault_kind(wrapped("database is locked")) == "locked"
    assert fault_kind(wrapped("unable to open database file")) == "unreachable"
    assert fault_kind(sqlite3.OperationalError("database is locked")) == "locked"      # a raw driver error
    try:
        raise ValueError("while reading") from wrapped("database is locked")
    except ValueError as chained:
        assert fault_kind(chained) == "locked"
    assert fault_kind(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))) is None
    assert fault_kind(ValueError("a bug")) is None
    assert fault_kind(KeyError("a bug")) is None
    assert ValidationError([], "catalogue").what == "catalogue"


def test_every_fault_message_is_in_thai_and_english():
    from dashboard.i18n import messages

    keys = [k for k in messages() if str(k).startswith("faults_")] + ["database_error", "no_database"]
    assert len(keys) == 6
    for key in keys:
        th, en = messages()[key]["th"], messages()[key]["en"]
        assert th and en and th != en and not any("\u0e00" <= c <= "\u0e7f" for c in en)
