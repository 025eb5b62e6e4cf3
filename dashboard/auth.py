"""Sign-in: who the visitor is, and so which rows the data layer lets them see.

This module is the only place that sets ``st.session_state["scope"]`` (read by ``data.scope()``).

Two ways to sign in, chosen by the secrets (see ``.streamlit/secrets.toml.example``):

* OpenID Connect through Streamlit's ``st.login`` when an ``[auth]`` section is configured. The identity
  provider says who someone is; ``[oidc_users."e-mail"]`` says what role they have. A signed-in person
  who is not listed there stays a member of the public.
* Otherwise local accounts, ``[accounts.<username>]`` with an argon2id ``password_hash``, read from
  the secrets or from the TOML file named by ``LAO_ACCOUNTS_FILE`` (tests, small deployments).
  Passwords are never stored or logged in clear; after ``MAX_FAILURES`` wrong passwords a user name is
  locked for ``LOCK_SECONDS`` (in this server process).

Hash a password for the accounts file::

    python -m dashboard.auth hash          # asks for the password (or reads it from stdin)
"""
from __future__ import annotations

import getpass
import logging
import re
import sys
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from store import settings
from store.access import PUBLIC, SIGNED_IN_ROLES, Scope

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
ACCOUNTS_ENV = "LAO_ACCOUNTS_FILE"
LOG = logging.getLogger("dashboard.auth")      # user names and outcomes only, never a password

_hasher = PasswordHasher()          # argon2id, the library's current recommended parameters
# Verified when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("empty password")
    return _hasher.hash(password)


# --- accounts --------------------------------------------------------------------------------------

def norm_user(name: str) -> str:
    return (name or "").strip().casefold()


def scope_for(user: str, entry: Mapping) -> Scope | None:
    """The scope an account entry grants, or None when the entry is unusable (unknown role, a monitor
    without a province, ...): a broken entry never grants more than nothing."""
    role = str(entry.get("role", "")).strip()
    if role not in SIGNED_IN_ROLES:
        return None
    province = entry.get("province")
    lao = entry.get("lao")
    try:
        return Scope(role=role, user=user,
                     province_code=str(province).zfill(2) if role == "monitor" and province is not None else None,
                     lao_code=str(lao).zfill(7) if role == "lao" and lao is not None else None)
    except ValueError:
        return None


def load_accounts(secrets: Mapping | None = None) -> dict[str, dict]:
    """Local accounts by normalised user name: from LAO_ACCOUNTS_FILE when set, else the secrets."""
    path = settings.raw(ACCOUNTS_ENV)
    if path:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh).get("accounts", {})
    else:
        raw = (secrets or {}).get("accounts", {}) or {}
    return {norm_user(k): dict(v) for k, v in raw.items() if isinstance(v, Mapping)}


# --- failed attempts -------------------------------------------------------------------------------

class Limiter:
    """Failed sign-ins per user name, kept in this process: MAX_FAILURES within the lock period locks
    the name for LOCK_SECONDS. Unknown names count too, so the lock reveals nothing about who exists."""

    def __init__(self, max_failures: int = MAX_FAILURES, lock_seconds: float = LOCK_SECONDS, clock=time.monotonic):
        self.max_failures, self.lock_seconds, self.clock = max_failures, lock_seconds, clock
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, user: str) -> float:
        """Seconds the user name stays locked (0 when it is not)."""
        with self._lock:
            left = self._locked_until.get(user, 0.0) - self.clock()
            if left <= 0:
                self._locked_until.pop(user, None)
                return 0.0
            return left

    def failed(self, user: str) -> None:
        with self._lock:
            now = self.clock()
            recent = [t for t in self._failures.get(user, []) if now - t < self.lock_seconds] + [now]
            if len(recent) >= self.max_failures:
                self._locked_until[user] = now + self.lock_seconds
                recent = []
            self._failures[user] = recent

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(user, None)


LIMITER = Limiter()


@dataclass(frozen=True)
class Attempt:
    scope: Scope | None          # set when the sign-in succeeded
    locked_seconds: float = 0.0  # > 0 when the user name is locked


def authenticate(username: str, password: str, accounts: Mapping[str, Mapping],
                 limiter: Limiter = LIMITER) -> Attempt:
    """Check a user name and password against the accounts. Never says which of the two was wrong."""
    user = norm_user(username)
    left = limiter.locked_for(user)
    if left > 0:
        LOG.warning("sign-in refused: %r is locked for %.0f s", user, left)
        return Attempt(None, left)
    entry = accounts.get(user)
    stored = str(entry.get("password_hash", "")) if entry else ""
    try:
        ok = _hasher.verify(stored or _DUMMY_HASH, password or "") and bool(stored)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    scope = scope_for(user, entry) if ok else None
    if scope is None:
        limiter.failed(user)
        locked = limiter.locked_for(user)
        LOG.warning("sign-in failed for %r%s", user, " (now locked)" if locked else "")
        return Attempt(None, locked)
    limiter.succeeded(user)
    LOG.info("signed in: %r as %s", user, scope.role)
    return Attempt(scope)


# --- Streamlit side --------------------------------------------------------------------------------

def _st():
    import streamlit as st   # imported lazily: `python -m dashboard.auth hash` needs no Streamlit

    return st


def _secrets() -> Mapping:
    st = _st()
    try:
        return st.secrets.to_dict() if hasattr(st.secrets, "to_dict") else dict(st.secrets)
    except Exception:  # noqa: BLE001 - no secrets file at all is the normal local case
        return {}


def oidc_providers(secrets: Mapping) -> list[str | None] | None:
    """None when OIDC is not configured; else the provider names to offer (None = the default one)."""
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping) or not auth:
        return None
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    return ([None] if "client_id" in auth else []) + named


def _oidc_scope(secrets: Mapping) -> Scope:
    st = _st()
    if not getattr(st.user, "is_logged_in", False):
        return PUBLIC
    email = norm_user(str(st.user.get("email") or ""))
    users = {norm_user(k): v for k, v in (secrets.get("oidc_users") or {}).items() if isinstance(v, Mapping)}
    return (scope_for(email, users[email]) if email in users else None) or PUBLIC


def sync() -> Scope:
    """Work out the visitor's scope for this run and store it where data.scope() reads it.

    Called once per run by the app shell, before any page. A local account is looked up again on
    every run, so an account removed from the secrets loses its access at the next click.
    """
    st = _st()
    secrets = _secrets()
    if oidc_providers(secrets) is not None:
        scope = _oidc_scope(secrets)
    else:
        user = st.session_state.get("auth_user")
        scope = PUBLIC
        if user:
            entry = load_accounts(secrets).get(user)
            scope = (scope_for(user, entry) if entry else None) or PUBLIC
            if scope is PUBLIC:
                st.session_state.pop("auth_user", None)
    st.session_state["scope"] = scope
    return scope


def _sign_in(username: str, password: str) -> None:
    st = _st()
    attempt = authenticate(username, password, load_accounts(_secrets()))
    if attempt.scope is not None:
        st.session_state["auth_user"] = attempt.scope.user
        st.session_state["scope"] = attempt.scope
        st.session_state.pop("auth_error", None)
        _fresh_round()
    elif attempt.locked_seconds > 0:
        st.session_state["auth_error"] = ("auth_locked", max(1, round(attempt.locked_seconds / 60)))
    else:
        st.session_state["auth_error"] = ("auth_failed", 0)


def _sign_out() -> None:
    st = _st()
    st.session_state.pop("auth_user", None)
    st.session_state["scope"] = PUBLIC
    _fresh_round()


def _fresh_round() -> None:
    """Signing in or out changes which rounds the user may see, so the round is chosen afresh (the
    open one for officials) instead of keeping the one remembered from before."""
    st = _st()
    if "year" in st.query_params:
        del st.query_params["year"]
    st.session_state.get("_sticky", {}).pop("year", None)


def sidebar(tr) -> None:
    """The sign-in / sign-out box in the sidebar. `tr` is ui.tr (passed in to keep imports one-way)."""
    st = _st()
    scope = st.session_state.get("scope", PUBLIC)
    secrets = _secrets()
    providers = oidc_providers(secrets)
    box = st.sidebar.container(border=True)
    if scope.signed_in:
        box.markdown(f"**{tr('auth_signed_in_as')}** {_plain(scope.user)}")
        box.caption(role_text(scope, tr))
        if providers is not None:
            box.button(tr("auth_sign_out"), on_click=st.logout, key="auth_sign_out", icon=":material/logout:")
        else:
            box.button(tr("auth_sign_out"), on_click=_sign_out, key="auth_sign_out", icon=":material/logout:")
        return
    if providers is not None:
        if getattr(st.user, "is_logged_in", False):
            box.caption(tr("auth_no_role"))
            box.button(tr("auth_sign_out"), on_click=st.logout, key="auth_sign_out", icon=":material/logout:")
            return
        for p in providers:
            label = tr("auth_sign_in") if p is None else f"{tr('auth_sign_in')} ({p})"
            box.button(label, key=f"auth_oidc_{p}", icon=":material/login:",
                       on_click=(st.login if p is None else (lambda p=p: st.login(p))))
        return
    with box.expander(tr("auth_sign_in_staff"), icon=":material/login:"):
        with st.form("auth_form", clear_on_submit=True, border=False):
            username = st.text_input(tr("auth_username"), autocomplete="username")
            password = st.text_input(tr("auth_password"), type="password", autocomplete="current-password")
            if st.form_submit_button(tr("auth_sign_in"), icon=":material/login:"):
                _sign_in(username, password)
                st.rerun()
        error = st.session_state.get("auth_error")
        if error:
            key, minutes = error
            st.error(tr(key, minutes=minutes), icon=":material/lock:")


def _plain(value: str) -> str:
    """A name shown inside markdown, with every markdown character escaped (never markup or HTML)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$&])", r"\\\1", str(value))


def role_text(scope: Scope, tr) -> str:
    text = tr(f"auth_role_{scope.role}")
    if scope.role == "monitor":
        text += f" · {tr('province')} {scope.province_code}"
    elif scope.role == "lao":
        text += f" · {scope.lao_code}"
    return text


# --- python -m dashboard.auth hash -----------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["hash"]:
        print("usage: python -m dashboard.auth hash   (password from the terminal or stdin; "
              "prints an argon2id hash for password_hash in the accounts file)", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("the two passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        print("refusing a password shorter than 8 characters", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
