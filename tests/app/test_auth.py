"""Sign-in (dashboard/auth.py): argon2 hashes, accounts from secrets or LAO_ACCOUNTS_FILE, the lock
after repeated failures, the hash helper, and the sign-in box in a running app."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest

from dashboard import auth
from store.access import PUBLIC, Scope
from tests.accounts import PASSWORD, toml_text, write_accounts_file
from tests.app.apptest import open_page, texts

SECRETS = {"accounts": {"Admin": {"password_hash": auth.hash_password("s3cret-pass"), "role": "admin"},
                        "mon30": {"password_hash": auth.hash_password("another-pass"), "role": "monitor",
                                  "province": "30"},
                        "broken": {"password_hash": auth.hash_password("x-pass-word"), "role": "monitor"},
                        "laostaff": {"password_hash": auth.hash_password("lao-pass-1"), "role": "lao",
                                     "lao": 3300101}}}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_hashes_are_argon2id_and_never_the_password():
    h = auth.hash_password("s3cret-pass")
    assert h.startswith("$argon2id$") and "s3cret-pass" not in h
    assert auth.hash_password("s3cret-pass") != h               # salted


def test_accounts_sign_in_with_the_right_scope():
    accounts = auth.load_accounts(SECRETS)
    got = auth.authenticate(" admin ", "s3cret-pass", accounts, auth.Limiter())
    assert got.scope == Scope(role="admin", user="admin")
    got = auth.authenticate("mon30", "another-pass", accounts, auth.Limiter())
    assert got.scope == Scope(role="monitor", province_code="30", user="mon30")
    got = auth.authenticate("laostaff", "lao-pass-1", accounts, auth.Limiter())
    assert got.scope.lao_code == "3300101"                   # a TOML integer is read as the 7-digit code


@pytest.mark.parametrize("user, password", [("admin", "wrong"), ("nobody", "s3cret-pass"), ("admin", ""),
                                            ("broken", "x-pass-word")])
def test_wrong_names_passwords_and_broken_entries_get_nothing(user, password):
    got = auth.authenticate(user, password, auth.load_accounts(SECRETS), auth.Limiter())
    assert got.scope is None


def test_five_failures_lock_the_name_for_fifteen_minutes():
    clock, accounts = Clock(), auth.load_accounts(SECRETS)
    limiter = auth.Limiter(clock=clock)
    for _ in range(auth.MAX_FAILURES):
        assert auth.authenticate("admin", "guess", accounts, limiter).scope is None
    locked = auth.authenticate("admin", "s3cret-pass", accounts, limiter)     # even the right password
    assert locked.scope is None and locked.locked_seconds > 14 * 60
    assert auth.authenticate("mon30", "another-pass", accounts, limiter).scope is not None   # per user
    clock.now += auth.LOCK_SECONDS + 1
    assert auth.authenticate("admin", "s3cret-pass", accounts, limiter).scope is not None


def test_unknown_names_are_locked_too_so_the_lock_reveals_nobody():
    limiter = auth.Limiter(clock=Clock())
    for _ in range(auth.MAX_FAILURES):
        auth.authenticate("ghost", "x", {}, limiter)
    assert limiter.locked_for("ghost") > 0


def test_accounts_file_from_the_environment_wins(tmp_path, monkeypatch):
    path = write_accounts_file(tmp_path / "acc.toml", {"exec": {"role": "executive"}})
    monkeypatch.setenv(auth.ACCOUNTS_ENV, str(path))
    accounts = auth.load_accounts(SECRETS)
    assert set(accounts) == {"exec"}
    assert auth.authenticate("exec", PASSWORD, accounts, auth.Limiter()).scope.role == "executive"


def test_oidc_is_detected_from_the_auth_section():
    assert auth.oidc_providers({}) is None
    assert auth.oidc_providers({"auth": {"redirect_uri": "x", "client_id": "c"}}) == [None]
    assert auth.oidc_providers({"auth": {"redirect_uri": "x", "microsoft": {"client_id": "c"}}}) == ["microsoft"]


def test_the_hash_helper_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password\n"))
    assert auth.main(["hash"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("$argon2id$") and "a-long-password" not in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert auth.main(["hash"]) == 1
    assert auth.main([]) == 2


def test_the_hash_helper_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "dashboard.auth", "hash"], input="another-long-one\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("$argon2id$")
    assert "another-long-one" not in done.stdout + done.stderr


# --- in the app ------------------------------------------------------------------------------------

@pytest.fixture
def app_env(monkeypatch, sample_db_url, tmp_path):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)
    path = tmp_path / "accounts.toml"
    path.write_text(toml_text({"admin": {"role": "admin"}, "mon30": {"role": "monitor", "province": "30"}}))
    monkeypatch.setenv(auth.ACCOUNTS_ENV, str(path))
    auth.LIMITER._failures.clear()
    auth.LIMITER._locked_until.clear()


def submit(at, user, password):
    """Fill in and send the sign-in form in the sidebar."""
    at.sidebar.text_input[0].input(user)
    at.sidebar.text_input[1].input(password)
    next(b for b in at.sidebar.button if b.label == "เข้าสู่ระบบ").click()
    return at.run()


def test_sign_in_and_out_in_the_sidebar(app_env):
    at = open_page("methodology")
    assert at.session_state["scope"] == PUBLIC
    at = submit(at, "mon30", PASSWORD)
    assert not at.exception
    assert at.session_state["scope"] == Scope(role="monitor", province_code="30", user="mon30")
    assert "mon30" in texts(at)
    assert PASSWORD not in repr(at.session_state)                        # never kept in the session
    at.button(key="auth_sign_out").click()
    at.run()
    assert at.session_state["scope"] == PUBLIC


def test_a_wrong_password_says_so_and_the_sixth_try_is_locked(app_env):
    at = open_page("methodology")
    for _ in range(auth.MAX_FAILURES):
        at = submit(at, "admin", "not-it")
        assert at.session_state["scope"] == PUBLIC
    assert any("รหัสผ่านไม่ถูกต้อง" in e.value or "ระงับ" in e.value for e in at.error)
    at = submit(at, "admin", PASSWORD)
    assert at.session_state["scope"] == PUBLIC
    assert any("ระงับ" in e.value for e in at.error)


def test_sign_in_logs_name_and_outcome_but_never_the_password(caplog):
    accounts = auth.load_accounts(SECRETS)
    with caplog.at_level("INFO", logger="dashboard.auth"):
        auth.authenticate("admin", "wrong-guess-123", accounts, auth.Limiter())
        auth.authenticate("admin", "s3cret-pass", accounts, auth.Limiter())
    assert "sign-in failed for 'admin'" in caplog.text and "signed in: 'admin'" in caplog.text
    assert "wrong-guess-123" not in caplog.text and "s3cret-pass" not in caplog.text
