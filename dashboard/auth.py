"""Sign-in: who the visitor is, and so which rows the data layer lets them see.

This module is the only place that sets ``st.session_state["scope"]`` (read by ``data.scope()``).

Where accounts come from, in this order (README "Sign-in and who sees what"):

1. OpenID Connect through ``st.login`` when the secrets have an ``[auth]`` section: the identity provider
   says who someone is; ``[oidc_users."e-mail"]`` gives a role, only for a verified e-mail address from the
   configured issuer, matched exactly. Staff may use it; the local sign-in form stays available beside it.
2. Database accounts (``python -m dashboard users ...`` and the admin page): every LAO's account.
3. The accounts file (``[accounts.<name>]`` in the secrets, or the TOML file named by LAO_ACCOUNTS_FILE),
   for names that have no database account: a database account of the same name always wins.

A local sign-in becomes a session kept in the database (store.sessions) and an HTTP-only cookie set by
the handoff route (dashboard/auth_routes.py), so it survives a reload, a pasted link, a new tab and a
restart. Failed attempts are limited in the database (store.signin). Passwords are never stored or logged.

Hash a password for the accounts file::

    python -m dashboard.auth hash          # asks for the password (or reads it from stdin)
"""
from __future__ import annotations

import getpass
import ipaddress
import logging
import sys
import tomllib
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from scoring.texts import Refusal
from store import settings
from store.access import PUBLIC, SIGNED_IN_ROLES, Scope
from store.accounts import MIN_PASSWORD, hash_password, name_key, verify_password

ACCOUNTS_ENV = "LAO_ACCOUNTS_FILE"
TOKEN = "auth_token"                 # session_state: this browser tab's session token
LOG = logging.getLogger("dashboard.auth")      # user names and outcomes only, never a password

__all__ = ["hash_password", "load_accounts", "scope_for", "sync", "sidebar", "main"]


# --- accounts-file and OIDC entries -------------------------------------------------------------------

def scope_for(user: str, entry: Mapping) -> Scope | None:
    """The scope an account entry grants, or None when the entry is unusable (unknown role, a monitor
    without a province, ...): a broken entry never grants more than nothing."""
    role = str(entry.get("role", "")).strip()
    if role not in SIGNED_IN_ROLES:
        return None
    province, lao = entry.get("province"), entry.get("lao")
    try:
        return Scope(role=role, user=user,
                     province_code=str(province).zfill(2) if role == "monitor" and province is not None else None,
                     lao_code=str(lao).zfill(7) if role == "lao" and lao is not None else None)
    except ValueError:
        return None


def load_accounts(secrets: Mapping | None = None) -> tuple[dict[str, dict], str | None]:
    """Accounts-file entries by case-folded user name (LAO_ACCOUNTS_FILE when set, else the secrets), and a
    problem to tell administrators when the file is missing or malformed (then no file account works).
    Two entries whose names differ only in case are both refused, never merged."""
    path = settings.raw(ACCOUNTS_ENV)
    problem = None
    raw: Mapping = {}
    if path:
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh).get("accounts", {})
        except (OSError, tomllib.TOMLDecodeError, AttributeError) as exc:
            problem = f"{ACCOUNTS_ENV}: {type(exc).__name__}"
            LOG.error("accounts file %s unreadable: %s", path, exc)
            raw = {}
    else:
        raw = (secrets or {}).get("accounts", {}) or {}
    if not isinstance(raw, Mapping):
        return {}, f"{ACCOUNTS_ENV}: [accounts] is not a table"
    seen: dict[str, list] = {}
    for name, entry in raw.items():
        if isinstance(entry, Mapping):
            seen.setdefault(name_key(name), []).append(dict(entry))
    clashes = [k for k, v in seen.items() if len(v) > 1]
    if clashes:
        LOG.error("accounts file: names differing only in case refused: %s", clashes)
    return {k: v[0] for k, v in seen.items() if len(v) == 1}, problem


def file_password_ok(accounts: Mapping[str, Mapping]):
    """A check of an accounts-file name and password, for store.signin.sign_in(other=...)."""
    def check(username: str, password: str) -> bool:
        entry = accounts.get(name_key(username))
        stored = str(entry.get("password_hash", "")) if entry else ""
        return verify_password(stored or None, password) and entry is not None \
            and scope_for(name_key(username), entry) is not None
    return check


def oidc_providers(secrets: Mapping) -> list[str | None] | None:
    """None when OIDC is not configured; else the provider names to offer (None = the default one)."""
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping) or not auth:
        return None
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    return ([None] if "client_id" in auth else []) + named


def oidc_scope(user: Mapping, secrets: Mapping) -> Scope | None:
    """The role of an OIDC user: only for `email_verified` true, an issuer equal to one configured
    (`issuer` in [auth] or a provider's table), and an address listed in [oidc_users] exactly as written."""
    auth = secrets.get("auth") or {}
    issuers = {str(auth.get("issuer", "")).strip()} | {
        str(v.get("issuer", "")).strip() for v in auth.values() if isinstance(v, Mapping)}
    issuers.discard("")
    email = str(user.get("email") or "").strip()
    if user.get("email_verified") is not True or str(user.get("iss") or "") not in issuers or not email:
        return None
    entry = (secrets.get("oidc_users") or {}).get(email)
    return scope_for(email, entry) if isinstance(entry, Mapping) else None


# --- Streamlit side -----------------------------------------------------------------------------------

def _st():
    import streamlit as st   # imported lazily: `python -m dashboard.auth hash` needs no Streamlit

    return st


def _secrets() -> Mapping:
    st = _st()
    try:
        return st.secrets.to_dict() if hasattr(st.secrets, "to_dict") else dict(st.secrets)
    except Exception:  # noqa: BLE001 - no secrets file at all is the normal local case
        return {}


def client_address() -> str:
    """The visitor's address: the proxy's X-Real-IP when the connection comes from this machine (our
    nginx sets it), else the connection's own address. Anything that is not an IP address counts as
    'unknown' (one shared bucket for the sign-in limits), never as text to trust."""
    st = _st()
    direct = _ip(getattr(st.context, "ip_address", None))
    if direct in (None, "127.0.0.1", "::1"):
        headers = st.context.headers
        forwarded = _ip(headers.get("X-Real-Ip")) if hasattr(headers, "get") else None
        return forwarded or direct or "unknown"
    return direct


def _ip(value) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value).strip())) if isinstance(value, str) else None
    except ValueError:
        return None


def sync() -> Scope:
    """Work out the visitor's scope for this run and store it where data.scope() reads it. Called once per
    run by the app shell, before any page."""
    from dashboard import data        # data imports nothing from here; kept local to keep imports one-way

    st = _st()
    secrets = _secrets()
    scope, account = PUBLIC, None
    if oidc_providers(secrets) is not None and getattr(st.user, "is_logged_in", False):
        scope = oidc_scope(st.user.to_dict() if hasattr(st.user, "to_dict") else dict(st.user), secrets) or PUBLIC
    if scope is PUBLIC:
        token = st.session_state.get(TOKEN) or data.cookie_token(st.context.cookies.get(data.SESSION_COOKIE))
        principal = data.resolve_session(token) if token else None
        if principal is None:
            st.session_state.pop(TOKEN, None)
        elif principal.user_id is not None:
            account = data.account(principal.user_id)
            scope = account.scope if account is not None else PUBLIC
        else:
            entry = load_accounts(secrets)[0].get(principal.file_user)
            scope = (scope_for(principal.file_user, entry) if entry else None) or PUBLIC
            if scope is PUBLIC:
                data.end_file_sessions(principal.file_user)     # the file no longer grants it: sign out
        if principal is not None and scope.signed_in:
            st.session_state[TOKEN] = token
        st.session_state["auth_principal"] = principal
    st.session_state["auth_account"] = account
    st.session_state["scope"] = scope
    handoff = st.session_state.pop("auth_handoff", None)
    if handoff and scope.signed_in:
        _redirect(handoff)            # the browser swaps the handoff for its HTTP-only cookie (auth_routes)
    return scope


def must_change_password() -> bool:
    account = _st().session_state.get("auth_account")
    return account is not None and account.must_change


def _redirect(url: str) -> None:
    """Send the browser to a URL of this server (the handoff route), as st.login does."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        msg = ForwardMsg()
        msg.auth_redirect.url = url
        ctx.enqueue(msg)


def landing(scope: Scope, open_year: int | None, lang: str) -> str:
    """Where a sign-in lands: LAO staff on their own form (open round) or scorecard, monitors on the open
    round's worklist, everyone else back where they were."""
    keep = {"lang": lang} if lang != "th" else {}
    if scope.role == "lao":
        page = "entry" if open_year else "lao"
        return f"/{page}?" + urlencode({"lao": scope.lao_code, **({"year": open_year} if open_year else {}), **keep})
    if scope.role == "monitor" and open_year:
        return "/submissions?" + urlencode({"year": open_year, "province": scope.province_code, **keep})
    url = urlsplit(_st().context.url or "/")
    return (url.path or "/") + (f"?{url.query}" if url.query else "")


def _sign_in(username: str, password: str, open_year: int | None, lang: str) -> None:
    from dashboard import data

    st = _st()
    accounts, _ = load_accounts(_secrets())
    outcome = data.sign_in(username, password, client_address(), file_password_ok(accounts))
    if not outcome.ok:
        st.session_state["auth_error"] = ("auth_locked", max(1, round(outcome.locked_seconds / 60))) \
            if outcome.locked_seconds > 0 else ("auth_failed", 0)
        LOG.warning("sign-in refused for %r", name_key(username))
        return
    who = dict(user_id=outcome.user.id) if outcome.user else dict(file_user=name_key(username))
    st.session_state[TOKEN] = data.start_session(**who)
    st.session_state.pop("auth_error", None)
    scope = outcome.user.scope if outcome.user else scope_for(name_key(username), accounts[name_key(username)])
    LOG.info("signed in: %r as %s", scope.user, scope.role)
    _fresh_round()
    handoff = data.start_session(kind="handoff", **who)
    # Sent at the start of the next run (the form reruns the script at once): a redirect queued in a run that
    # is then cut short by st.rerun() may never reach the browser.
    st.session_state["auth_handoff"] = "/auth/session?" + urlencode({"h": handoff, "next": landing(scope, open_year,
                                                                                                   lang)})


def _sign_out() -> None:
    from dashboard import data

    st = _st()
    data.end_session(st.session_state.pop(TOKEN, None))
    for key in ("auth_principal", "auth_account"):
        st.session_state.pop(key, None)
    st.session_state["scope"] = PUBLIC
    _fresh_round()
    _redirect("/auth/signout")


def _fresh_round() -> None:
    """Signing in or out changes which rounds the user may see, so the round is chosen afresh (the
    open one for officials) instead of keeping the one remembered from before."""
    st = _st()
    if "year" in st.query_params:
        del st.query_params["year"]
    st.session_state.get("_sticky", {}).pop("year", None)


def sidebar(tr, open_year: int | None, lang: str) -> None:
    """The sign-in / sign-out box in the sidebar. `tr` is ui.tr (passed in to keep imports one-way)."""
    st = _st()
    scope = st.session_state.get("scope", PUBLIC)
    secrets = _secrets()
    providers = oidc_providers(secrets)
    box = st.sidebar.container(border=True)
    if scope.signed_in:
        box.caption(tr("auth_signed_in_as"))
        box.text(scope.user)                                    # a name is data: shown as text, never markup
        box.caption(role_text(scope, tr))
        oidc = providers is not None and getattr(st.user, "is_logged_in", False) and not st.session_state.get(TOKEN)
        box.button(tr("auth_sign_out"), on_click=st.logout if oidc else _sign_out, key="auth_sign_out",
                   icon=":material/logout:")
        if st.session_state.get("auth_account") is not None:
            with box.expander(tr("auth_change_password"), icon=":material/key:"):
                change_password_form(tr, lang, "sidebar")
        return
    if providers is not None:
        if getattr(st.user, "is_logged_in", False):
            box.caption(tr("auth_no_role"))
            box.button(tr("auth_sign_out"), on_click=st.logout, key="auth_sign_out_oidc", icon=":material/logout:")
        else:
            for p in providers:
                label = tr("auth_sign_in") if p is None else f"{tr('auth_sign_in')} ({p})"
                box.button(label, key=f"auth_oidc_{p}", icon=":material/login:",
                           on_click=(st.login if p is None else (lambda p=p: st.login(p))))
    with box.expander(tr("auth_sign_in_staff"), icon=":material/login:"):
        with st.form("auth_form", clear_on_submit=True, border=False):
            username = st.text_input(tr("auth_username"), autocomplete="username", max_chars=100)
            password = st.text_input(tr("auth_password"), type="password", autocomplete="current-password",
                                     max_chars=200)
            if st.form_submit_button(tr("auth_sign_in"), icon=":material/login:"):
                _sign_in(username, password, open_year, lang)
                if TOKEN in st.session_state:
                    st.rerun()
        error = st.session_state.get("auth_error")
        if error:
            key, minutes = error
            st.error(tr(key, minutes=minutes), icon=":material/lock:")
        problem = load_accounts(secrets)[1]
        if problem:
            st.caption(tr("auth_accounts_file_problem", problem=problem))


def change_password_form(tr, lang: str, where: str) -> bool:
    """The signed-in user's own password change. True once changed."""
    from dashboard import data

    st = _st()
    account = st.session_state.get("auth_account")
    principal = st.session_state.get("auth_principal")
    with st.form(f"auth_change_{where}", clear_on_submit=True, border=False):
        old = st.text_input(tr("auth_password_current"), type="password", autocomplete="current-password",
                            max_chars=200, key=f"auth_old_{where}")
        new = st.text_input(tr("auth_password_new", n=MIN_PASSWORD), type="password", autocomplete="new-password",
                            max_chars=200, key=f"auth_new_{where}")
        again = st.text_input(tr("auth_password_again"), type="password", autocomplete="new-password", max_chars=200,
                              key=f"auth_again_{where}")
        if not st.form_submit_button(tr("auth_change_password"), icon=":material/key:"):
            return False
    if new != again:
        st.error(tr("auth_passwords_differ"))
        return False
    try:
        data.change_password(account.id, old, new, keep_session=principal.session_id if principal else None)
    except Refusal as exc:                         # store.accounts.AccountError: Thai and English
        st.error(exc.text(lang))
        return False
    st.session_state["auth_password_changed"] = True
    return True


def role_text(scope: Scope, tr) -> str:
    text = tr(f"auth_role_{scope.role}")
    if scope.role == "monitor":
        text += f" · {tr('province')} {scope.province_code}"
    elif scope.role == "lao":
        text += f" · {scope.lao_code}"
    return text


# --- python -m dashboard.auth hash ----------------------------------------------------------------------

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
