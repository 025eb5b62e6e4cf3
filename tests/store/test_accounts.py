"""Accounts, sign-in limits and sessions in the database (store.accounts, store.signin, store.sessions), on
SQLite and PostgreSQL: what holds across server processes and restarts."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from store import accounts, sessions, signin
from store.access import PermissionDenied, Scope

ADMIN = Scope(role="admin", user="root")
GOOD = "a good password 25"


def lao_code(db) -> str:
    with db.connect() as conn:
        return conn.execute(text("SELECT code FROM lao WHERE type = 'sao' ORDER BY code LIMIT 1")).scalar_one()


def scalar(db, sql, **params):
    with db.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_accounts_have_roles_scopes_and_argon2id_hashes(db):
    code = lao_code(db)
    staff = accounts.add(db, ADMIN, "Somchai", "lao", GOOD, lao=code)
    assert staff.scope == Scope(role="lao", lao_code=code, user="Somchai")
    assert accounts.add(db, ADMIN, "korat", "monitor", GOOD, province="30").scope.province_code == "30"
    stored = scalar(db, "SELECT password_hash FROM app_user WHERE username = 'Somchai'")
    assert stored.startswith("$argon2id$") and GOOD not in stored and accounts.strong_hash(stored)
    assert scalar(db, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "user-add"


@pytest.mark.parametrize("name, role, extra, message", [
    ("somchai", "lao", {"lao": None}, "exists already"),          # differs from 'Somchai' only in case
    ("new one", "executive", {}, "user name"),
    ("x" * 101, "executive", {}, "user name"),
    ("boss", "king", {}, "unknown role"),
    ("far", "lao", {"lao": "9999999"}, "no LAO"),
    ("mon", "monitor", {"province": "99"}, "no province"),
])
def test_bad_accounts_are_refused_and_nothing_is_written(db, name, role, extra, message):
    accounts.add(db, ADMIN, "Somchai", "lao", GOOD, lao=lao_code(db))
    before = scalar(db, "SELECT COUNT(*) FROM app_user")
    extra = {k: (lao_code(db) if k == "lao" and v is None else v) for k, v in extra.items()}
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add(db, ADMIN, name, role, GOOD, **extra)
    assert scalar(db, "SELECT COUNT(*) FROM app_user") == before


@pytest.mark.parametrize("password", ["short", "somchai-12345", "x\x00" * 8])
def test_weak_passwords_are_refused(db, password):
    with pytest.raises(accounts.AccountError):
        accounts.add(db, ADMIN, "somchai", "executive", password)


def test_only_administrators_manage_accounts(db):
    for actor in (Scope(role="executive", user="e"), Scope(role="monitor", province_code="30", user="m")):
        with pytest.raises(PermissionDenied):
            accounts.add(db, actor, "someone", "executive", GOOD)
        with pytest.raises(PermissionDenied):
            accounts.provision_laos(db, actor)


def test_weak_or_foreign_hashes_never_sign_in():
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("pw-123456789")
    argon2i = PasswordHasher(type=__import__("argon2").Type.I).hash("pw-123456789")
    for stored in (weak, argon2i, "plain-text", "$2b$12$abcdefghijklmnopqrstuv"):
        assert not accounts.strong_hash(stored)
        assert not accounts.verify_password(stored, "pw-123456789")
    assert accounts.verify_password(accounts.hash_password("pw-123456789"), "pw-123456789")


def test_provisioning_gives_every_lao_one_account_once(db):
    first = accounts.provision_laos(db, ADMIN)
    n_laos = scalar(db, "SELECT COUNT(*) FROM lao")
    assert len(first) == n_laos and list(first.columns) == ["username", "lao_code", "name_th", "province_code",
                                                             "password"]
    assert (first["username"] == first["lao_code"]).all() and first["password"].str.len().eq(20).all()
    assert first["password"].nunique() == n_laos
    assert scalar(db, "SELECT COUNT(*) FROM app_user WHERE must_change AND password_kind = 'otp'") == n_laos
    assert len(accounts.provision_laos(db, ADMIN)) == 0                 # a re-run adds only missing ones
    row = first.iloc[0]
    got = signin.sign_in(db, row["username"], row["password"], "10.0.0.1")
    assert got.ok and got.user.must_change and got.user.scope.lao_code == row["lao_code"]


def test_a_reset_gives_a_one_time_password_and_ends_sessions(db):
    user = accounts.add(db, ADMIN, "korat", "monitor", GOOD, province="30")
    token = sessions.start(db, user_id=user.id)
    otp = accounts.reset(db, ADMIN, "KORAT")
    assert sessions.resolve(db, token) is None
    assert not signin.sign_in(db, "korat", GOOD, "c").ok
    got = signin.sign_in(db, "korat", otp, "c")
    assert got.ok and got.user.must_change
    accounts.change_password(db, user.id, otp, "my own new password")
    assert signin.sign_in(db, "korat", "my own new password", "c").user.must_change is False
    assert scalar(db, "SELECT password_kind FROM app_user WHERE id = :i", i=user.id) == "argon2id"


def test_a_password_change_or_disabling_ends_the_other_sessions(db):
    user = accounts.add(db, ADMIN, "korat", "monitor", GOOD, province="30")
    mine, other = sessions.start(db, user_id=user.id), sessions.start(db, user_id=user.id)
    keep = sessions.resolve(db, mine).session_id
    with pytest.raises(accounts.AccountError):
        accounts.change_password(db, user.id, "wrong old one", "another good password")
    accounts.change_password(db, user.id, GOOD, "another good password", keep_session=keep)
    assert sessions.resolve(db, mine) is not None and sessions.resolve(db, other) is None
    accounts.set_active(db, ADMIN, "korat", False)
    assert sessions.resolve(db, mine) is None
    assert not signin.sign_in(db, "korat", "another good password", "c").ok


# --- sign-in limits ----------------------------------------------------------------------------------

def test_failures_lock_a_name_from_one_client_not_from_another(db):
    accounts.add(db, ADMIN, "boss", "admin", GOOD)
    for _ in range(5):
        assert not signin.sign_in(db, "boss", "guess", "6.6.6.6").ok
    locked = signin.sign_in(db, "boss", GOOD, "6.6.6.6")                 # even the right password
    assert not locked.ok and locked.locked_seconds > 14 * 60
    assert signin.sign_in(db, "boss", GOOD, "10.1.1.1").ok               # the owner elsewhere still gets in
    later = datetime.now() + timedelta(minutes=16)
    assert signin.sign_in(db, "boss", GOOD, "6.6.6.6", now=later).ok


def test_an_administrator_lifts_a_lock(db):
    accounts.add(db, ADMIN, "boss", "admin", GOOD)
    for _ in range(6):
        signin.sign_in(db, "boss", "guess", "6.6.6.6")
    assert not signin.sign_in(db, "boss", GOOD, "6.6.6.6").ok
    with pytest.raises(PermissionDenied):
        signin.unlock(db, Scope(role="executive", user="e"), "boss")
    assert signin.unlock(db, ADMIN, "BOSS") > 0
    assert signin.sign_in(db, "boss", GOOD, "6.6.6.6").ok


def test_one_client_cannot_try_many_names(db):
    for i in range(20):
        signin.sign_in(db, f"name{i}", "guess", "6.6.6.6")
    assert signin.sign_in(db, "anyone", "guess", "6.6.6.6").locked_seconds > 0


def test_unknown_names_are_counted_like_known_ones(db):
    for _ in range(5):
        signin.sign_in(db, "ghost", "x", "1.2.3.4")
    assert signin.sign_in(db, "ghost", "x", "1.2.3.4").locked_seconds > 0


def test_simultaneous_guesses_are_not_all_checked(db):
    """48 sessions guessing at once (the right password among them) from one client: attempts are
    reserved before the check, so at most the limit are verified and the right one may not even be."""
    accounts.add(db, ADMIN, "boss", "admin", GOOD)
    guesses = [f"guess-{i}" for i in range(47)] + [GOOD]
    results, start = [], threading.Barrier(len(guesses))
    checked = []
    real = accounts.verify_password

    def counting(stored, password):
        checked.append(password)
        return real(stored, password)

    def attempt(pw):
        start.wait()
        results.append(signin.sign_in(db, "boss", pw, "6.6.6.6").ok)
    signin.verify_password = counting
    try:
        threads = [threading.Thread(target=attempt, args=(g,)) for g in guesses]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        signin.verify_password = real
    assert len(results) == 48 and len(checked) <= 5


def test_password_checks_run_a_bounded_number_at_once(monkeypatch):
    monkeypatch.setenv("LAO_HASH_CONCURRENCY", "2")
    monkeypatch.setattr(accounts, "_slots", None)
    stored, running, peak = accounts.hash_password("pw-123456789"), [0], [0]
    real = accounts._hasher.verify
    lock = threading.Lock()

    def slow(h, p):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return real(h, p)
    monkeypatch.setattr(accounts, "_hasher", type("Slow", (), {"verify": staticmethod(slow)})())
    threads = [threading.Thread(target=accounts.verify_password, args=(stored, "pw-123456789")) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert peak[0] == 2


# --- sessions ----------------------------------------------------------------------------------------

def test_a_session_lives_until_idle_or_old_and_a_handoff_works_once(db, monkeypatch):
    monkeypatch.setenv("LAO_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("LAO_SESSION_MAX_HOURS", "12")
    user = accounts.add(db, ADMIN, "korat", "monitor", GOOD, province="30")
    t0 = datetime(2026, 12, 1, 9, 0)
    token = sessions.start(db, user_id=user.id, now=t0)
    assert sessions.resolve(db, token, now=t0 + timedelta(minutes=29)).user_id == user.id   # also marks it used
    assert sessions.resolve(db, token, now=t0 + timedelta(minutes=58)) is not None
    assert sessions.resolve(db, token, now=t0 + timedelta(minutes=58 + 31)) is None        # idle too long
    fresh = sessions.start(db, user_id=user.id, now=t0)
    for minutes in range(25, 12 * 60, 25):
        assert sessions.resolve(db, fresh, now=t0 + timedelta(minutes=minutes)) is not None
    assert sessions.resolve(db, fresh, now=t0 + timedelta(hours=12, minutes=1)) is None     # too old
    handoff = sessions.start(db, user_id=user.id, kind="handoff")
    assert sessions.resolve(db, handoff) is None                       # a handoff is not a session
    swapped = sessions.redeem_handoff(db, handoff)
    assert swapped and sessions.resolve(db, swapped).user_id == user.id
    assert sessions.redeem_handoff(db, handoff) is None                # once only
    late = sessions.start(db, user_id=user.id, kind="handoff")
    assert sessions.redeem_handoff(db, late, now=datetime.now() + timedelta(minutes=2)) is None


def test_cookies_are_signed_and_only_hashes_are_stored(db):
    token = sessions.start(db, file_user="admin")
    cookie = sessions.sign(db, token)
    assert sessions.unsign(db, cookie) == token
    for bad in (token, cookie[:-1] + ("0" if cookie[-1] != "0" else "1"), "a.b", "", "x" * 500, None):
        assert sessions.unsign(db, bad) is None
    assert scalar(db, "SELECT COUNT(*) FROM auth_session WHERE id = :t", t=token) == 0
    sessions.end(db, token)
    assert sessions.resolve(db, token) is None
