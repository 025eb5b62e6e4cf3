"""Sign-in in the app (dashboard/auth.py): the sidebar form with database and accounts-file accounts, what
wins, locks shown to the user, a first sign-in that must choose a password, OIDC roles only for verified
addresses of the configured issuer, and the hash helper. Store-level rules: tests/store/test_accounts.py."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest
from sqlalchemy import text

from dashboard import auth
from dashboard.i18n import t as m
from store import accounts, sessions
from store.access import PUBLIC, Scope
from store.db import make_engine
from tests.accounts import PASSWORD, toml_text
from tests.app.apptest import open_page, sign_in_as, texts

ADMIN = Scope(role="admin", user="root")
SECRETS = {"accounts": {"Admin": {"password_hash": auth.hash_password("s3cret-pass"), "role": "admin"},
                        "mon30": {"password_hash": auth.hash_password("another-pass"), "role": "monitor",
                                  "province": "30"},
                        "broken": {"password_hash": auth.hash_password("x-pass-word"), "role": "monitor"}}}


def test_accounts_file_entries_and_their_scopes():
    entries, problem = auth.load_accounts(SECRETS)
    assert problem is None and set(entries) == {"admin", "mon30", "broken"}
    assert auth.scope_for("mon30", entries["mon30"]) == Scope(role="monitor", province_code="30", user="mon30")
    assert auth.scope_for("broken", entries["broken"]) is None          # a monitor without a province
    check = auth.file_password_ok(entries)
    assert check(" ADMIN ", "s3cret-pass") and not check("admin", "wrong") and not check("broken", "x-pass-word")
    assert not check("nobody", "s3cret-pass")


def test_names_differing_only_in_case_are_refused_not_merged():
    twice = {"accounts": {"Somsri": {"password_hash": "h", "role": "admin"},
                          "somsri": {"password_hash": "h", "role": "lao", "lao": "6300101"}}}
    assert auth.load_accounts(twice)[0] == {}


@pytest.mark.parametrize("content", ["[accounts\nbroken", "accounts = 3"])
def test_a_broken_accounts_file_is_a_message_not_a_crash(tmp_path, monkeypatch, content):
    path = tmp_path / "acc.toml"
    path.write_text(content)
    monkeypatch.setenv(auth.ACCOUNTS_ENV, str(path))
    entries, problem = auth.load_accounts({})
    assert entries == {} and problem.startswith(auth.ACCOUNTS_ENV)
    monkeypatch.setenv(auth.ACCOUNTS_ENV, str(tmp_path / "missing.toml"))
    assert auth.load_accounts({})[1] is not None


def test_oidc_grants_roles_only_to_verified_addresses_of_the_issuer():
    secrets = {"auth": {"client_id": "c", "issuer": "https://login.example.go.th"},
               "oidc_users": {"Somsri.K@odloc.go.th": {"role": "admin"}}}
    good = {"email": "Somsri.K@odloc.go.th", "email_verified": True, "iss": "https://login.example.go.th"}
    assert auth.oidc_scope(good, secrets) == Scope(role="admin", user="Somsri.K@odloc.go.th")
    assert auth.oidc_scope(good | {"email_verified": False}, secrets) is None
    assert auth.oidc_scope({k: v for k, v in good.items() if k != "email_verified"}, secrets) is None
    assert auth.oidc_scope(good | {"iss": "https://evil.example"}, secrets) is None
    assert auth.oidc_scope(good | {"email": "somsri.k@odloc.go.th"}, secrets) is None     # exact address only
    assert auth.oidc_scope(good, {"auth": {"client_id": "c"}, "oidc_users": secrets["oidc_users"]}) is None


def test_oidc_is_detected_from_the_auth_section():
    assert auth.oidc_providers({}) is None
    assert auth.oidc_providers({"auth": {"redirect_uri": "x", "client_id": "c"}}) == [None]
    assert auth.oidc_providers({"auth": {"redirect_uri": "x", "microsoft": {"client_id": "c"}}}) == ["microsoft"]


def test_landing_takes_lao_staff_to_their_form_and_monitors_to_their_worklist():
    lao = Scope(role="lao", lao_code="6300101", user="6300101")
    assert auth.landing(lao, 2569, "th") == "/entry?lao=6300101&year=2569"
    assert auth.landing(lao, None, "en") == "/lao?lao=6300101&lang=en"
    mon = Scope(role="monitor", province_code="30", user="korat")
    assert auth.landing(mon, 2569, "th") == "/submissions?year=2569&province=30"


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
def app_env(monkeypatch, sqlite_engine, tmp_path):
    """The app on a private copy of the small sample, with accounts-file users admin and mon30."""
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    path = tmp_path / "accounts.toml"
    path.write_text(toml_text({"admin": {"role": "admin"}, "mon30": {"role": "monitor", "province": "30"}}))
    monkeypatch.setenv(auth.ACCOUNTS_ENV, str(path))
    return sqlite_engine


def submit(at, user, password):
    """Fill in and send the sign-in form in the sidebar."""
    at.sidebar.text_input[0].input(user)
    at.sidebar.text_input[1].input(password)
    next(b for b in at.sidebar.button if b.label == m("auth_sign_in")).click()
    return at.run()


def test_sign_in_and_out_in_the_sidebar(app_env):
    at = open_page("methodology")
    assert at.session_state["scope"] == PUBLIC
    at = submit(at, "mon30", PASSWORD)
    assert not at.exception
    assert at.session_state["scope"] == Scope(role="monitor", province_code="30", user="mon30")
    assert "mon30" in [e.value for e in at.sidebar.text]
    assert PASSWORD not in repr(at.session_state)                        # never kept in the session
    token = at.session_state[auth.TOKEN]
    assert sessions.resolve(app_env, token) is not None                   # a real session in the database
    at.button(key="auth_sign_out").click()
    at.run()
    assert at.session_state["scope"] == PUBLIC and sessions.resolve(app_env, token) is None


def test_a_database_account_wins_over_an_accounts_file_entry_of_the_same_name(app_env):
    accounts.add(app_env, ADMIN, "Mon30", "executive", "the database one 1")
    at = submit(open_page("methodology"), "mon30", PASSWORD)              # the file's password: refused
    assert at.session_state["scope"] == PUBLIC
    at = submit(at, "mon30", "the database one 1")
    assert at.session_state["scope"].role == "executive"


def test_a_wrong_password_says_so_and_the_fifth_locks_the_name(app_env):
    at = open_page("methodology")
    for _ in range(4):
        at = submit(at, "admin", "not-it")
        assert at.session_state["scope"] == PUBLIC
    assert m("auth_failed") in [e.value for e in at.error]
    at = submit(at, "admin", "not-it")                                   # the fifth failure locks the name
    assert m("auth_locked", minutes=15) in [e.value for e in at.error]
    at = submit(at, "admin", PASSWORD)
    assert at.session_state["scope"] == PUBLIC
    assert m("auth_locked", minutes=15) in [e.value for e in at.error]
    with app_env.connect() as conn:                                      # the lock is in the database
        assert conn.execute(text("SELECT COUNT(*) FROM sign_in_limit WHERE locked_until IS NOT NULL")).scalar() >= 1


def test_a_one_time_password_must_be_replaced_before_anything_else(app_env):
    code = accounts.provision_laos(app_env, ADMIN).iloc[0]
    at = submit(open_page("overview"), code["username"], code["password"])
    assert at.session_state["scope"].lao_code == code["lao_code"]
    assert at.title[0].value == m("auth_must_change_title") and not at.metric     # no page until changed
    at.text_input(key="auth_old_main").input(code["password"])
    at.text_input(key="auth_new_main").input("my chosen password 1")
    at.text_input(key="auth_again_main").input("my chosen password 1")
    next(b for b in at.button if b.label == m("auth_change_password")).click()
    at.run()
    assert not at.exception and at.title[0].value != m("auth_must_change_title")
    with app_env.connect() as conn:
        kind = conn.execute(text("SELECT password_kind FROM app_user WHERE username = :u"),
                            {"u": code["username"]}).scalar()
    assert kind == "argon2id"


def test_a_disabled_account_is_signed_out_at_its_next_click(app_env):
    user = accounts.add(app_env, ADMIN, "korat", "monitor", "a good password 25", province="30")
    at = open_page("methodology")
    sign_in_as(at, user_id=user.id)
    at.run()
    assert at.session_state["scope"].role == "monitor"
    accounts.set_active(app_env, ADMIN, "korat", False)
    at.run()
    assert at.session_state["scope"] == PUBLIC


def test_an_accounts_file_problem_is_shown_beside_the_form(app_env, monkeypatch, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[accounts\n")
    monkeypatch.setenv(auth.ACCOUNTS_ENV, str(bad))
    at = open_page("methodology")
    assert not at.exception
    assert any(auth.ACCOUNTS_ENV in c.value for c in at.sidebar.caption)


def test_sign_in_logs_name_and_outcome_but_never_the_password(app_env, caplog):
    with caplog.at_level("INFO", logger="dashboard.auth"):
        at = submit(open_page("methodology"), "admin", "wrong-guess-123")
        submit(at, "admin", PASSWORD)
    assert "sign-in refused for 'admin'" in caplog.text and "signed in: 'admin'" in caplog.text
    assert "wrong-guess-123" not in caplog.text and PASSWORD not in caplog.text


def test_sessions_survive_a_new_server_process(app_env):
    """What a reload or a new tab does: a new session of the app with the same sign-in token."""
    user = accounts.add(app_env, ADMIN, "korat", "monitor", "a good password 25", province="30")
    token = sessions.start(make_engine(str(app_env.url)), user_id=user.id)
    at = open_page("methodology")
    at.session_state[auth.TOKEN] = token
    at.run()
    assert at.session_state["scope"].province_code == "30" and "korat" in texts(at) + repr(
        [e.value for e in at.sidebar.text])
