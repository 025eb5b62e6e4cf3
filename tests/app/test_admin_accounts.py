"""The admin page's accounts tab (dashboard/admin_accounts.py): add, disable, reset, unlock and provision every
LAO, with one-time passwords shown once; only administrators (the store refuses everyone else too)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from dashboard.i18n import t as m
from store import accounts, sessions, signin
from store.access import PermissionDenied, Scope
from tests.app.apptest import open_page, sign_in_as

ADMIN = Scope(role="admin", user="root")


@pytest.fixture
def admin_page(monkeypatch, sqlite_engine):
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    boss = accounts.add(sqlite_engine, ADMIN, "boss", "admin", "a good password 25")

    def open_it():
        at = open_page(None)
        sign_in_as(at, user_id=boss.id)
        at.query_params["tab"] = "accounts"          # the admin page's tabs are lazy and kept in the URL
        from streamlit.util import calc_hash
        at._page_hash = calc_hash("admin")
        return at.run()
    return sqlite_engine, open_it


def count(db, sql, **p):
    with db.connect() as conn:
        return conn.execute(text(sql), p).scalar()


def test_add_an_account_with_a_one_time_password_shown_once(admin_page):
    db, open_it = admin_page
    at = open_it()
    assert not at.exception
    form = [x for x in at.text_input if x.label == m("auth_username")][0]
    form.input("korat")
    role = next(s for s in at.selectbox if s.label == m("admin_col_role"))
    role.select("monitor")
    next(x for x in at.text_input if x.label == m("admin_account_scope")).input("30")
    next(b for b in at.button if b.label == m("admin_add_account")).click()
    at.run()
    assert not at.exception
    assert count(db, "SELECT COUNT(*) FROM app_user WHERE username = 'korat' AND province_code = '30' "
                     "AND must_change AND password_kind = 'otp'") == 1
    assert any(m("admin_one_time_new", name="korat") in w.value for w in at.warning)
    shown = next(d.value for d in at.dataframe if "password" in d.value.columns)
    otp = shown["password"].iloc[0]
    assert signin.sign_in(db, "korat", otp, "1.1.1.1").ok
    at.button(key="admin_one_time_dismiss").click().run()
    assert not any(m("admin_one_time_once") in w.value for w in at.warning)       # gone for good


def test_a_bad_account_gets_the_store_message_and_nothing_is_added(admin_page):
    db, open_it = admin_page
    at = open_it()
    next(x for x in at.text_input if x.label == m("auth_username")).input("Boss")        # differs only in case
    next(s for s in at.selectbox if s.label == m("admin_col_role")).select("executive")
    next(b for b in at.button if b.label == m("admin_add_account")).click()
    at.run()
    assert any("มีผู้ใช้ชื่อ" in e.value for e in at.error)
    assert count(db, "SELECT COUNT(*) FROM app_user") == 1


def test_disable_reset_and_unlock_from_the_page(admin_page):
    db, open_it = admin_page
    user = accounts.add(db, ADMIN, "korat", "monitor", "a good password 25", province="30")
    token = sessions.start(db, user_id=user.id)
    at = open_it()
    at.selectbox(key="admin_account_pick").select("korat").run()
    at.button(key="admin_account_active").click().run()
    assert count(db, "SELECT active FROM app_user WHERE username = 'korat'") in (0, False)
    assert sessions.resolve(db, token) is None
    at.selectbox(key="admin_account_pick").select("korat").run()
    at.button(key="admin_account_reset").click().run()
    assert count(db, "SELECT password_kind FROM app_user WHERE username = 'korat'") == "otp"
    for _ in range(6):
        signin.sign_in(db, "boss", "guess", "6.6.6.6")
    at.selectbox(key="admin_account_pick").select("boss").run()
    at.button(key="admin_account_unlock").click().run()
    assert signin.sign_in(db, "boss", "a good password 25", "6.6.6.6").ok


def test_provision_every_lao_once_and_download_the_passwords_once(admin_page):
    db, open_it = admin_page
    at = open_it()
    at.checkbox(key="admin_provision_sure").check().run()
    at.button(key="admin_provision").click().run()
    n = count(db, "SELECT COUNT(*) FROM lao")
    assert count(db, "SELECT COUNT(*) FROM app_user WHERE role = 'lao'") == n
    assert any(m("admin_one_time_provisioned", n=n) in w.value for w in at.warning)
    labels = [b.proto.label for b in at.get("download_button")]
    assert m("admin_one_time_download") in labels


def test_only_administrators_manage_accounts_whatever_the_page_shows(sqlite_engine):
    for who in (Scope(role="executive", user="e"), Scope(role="lao", lao_code="6810404", user="x")):
        with pytest.raises(PermissionDenied):
            accounts.users(sqlite_engine, who)
        with pytest.raises(PermissionDenied):
            accounts.reset(sqlite_engine, who, "anyone")
        with pytest.raises(PermissionDenied):
            signin.unlock(sqlite_engine, who, "anyone")
