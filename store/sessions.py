"""Sign-in sessions kept in the database, so a sign-in survives a reload, a pasted link, a new tab and a
server restart, and holds across processes behind a proxy.

A session token is 32 random bytes; the cookie carries it with an HMAC signature (LAO_SESSION_SECRET, else
a random key kept in the database), and the database keeps only the token's SHA-256. A session ends on
sign-out, when its account is disabled or its password changes (store.accounts.revoke_all), after
LAO_SESSION_IDLE_MINUTES without use, and LAO_SESSION_MAX_HOURS after it began.

Browsers get the cookie through a handoff: the sign-in form (a websocket message, which cannot set an
HTTP-only cookie) creates a one-use token valid for a minute and sends the browser to the handoff route,
which swaps it for a session and sets the cookie.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from . import settings

COOKIE = "lao_session"
HANDOFF_SECONDS = 60
TOUCH_EVERY = timedelta(minutes=1)       # last_seen_at is written at most this often per session


@dataclass(frozen=True)
class Principal:
    """Who a session belongs to: a database account or an accounts-file one."""
    session_id: str
    user_id: int | None
    file_user: str | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_SECRETS: dict[str, bytes] = {}        # per database URL: read once per process (it never changes)


def _secret(engine: Engine) -> bytes:
    configured = settings.raw("LAO_SESSION_SECRET")
    if configured:
        return configured.encode()
    key = engine.url.render_as_string(hide_password=True)
    if key not in _SECRETS:
        _SECRETS[key] = _stored_secret(engine)
    return _SECRETS[key]


def _stored_secret(engine: Engine) -> bytes:
    with engine.begin() as conn:
        row = conn.execute(text("SELECT value FROM app_secret WHERE name = 'session'")).first()
        if row is None:
            conn.execute(text("INSERT INTO app_secret (name, value) VALUES ('session', :v) "
                              "ON CONFLICT (name) DO NOTHING"), {"v": secrets.token_hex(32)})
            row = conn.execute(text("SELECT value FROM app_secret WHERE name = 'session'")).first()
    return row[0].encode()


def sign(engine: Engine, token: str) -> str:
    mac = hmac.new(_secret(engine), token.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{token}.{mac}"


def unsign(engine: Engine, cookie: str | None) -> str | None:
    """The token of a well-formed, correctly signed cookie value, else None (no database lookup)."""
    if not cookie or len(cookie) > 200 or cookie.count(".") != 1:
        return None
    token, mac = cookie.split(".")
    good = hmac.new(_secret(engine), token.encode(), hashlib.sha256).hexdigest()[:32]
    return token if hmac.compare_digest(mac, good) else None


def _limits() -> tuple[timedelta, timedelta]:
    return (timedelta(minutes=settings.number("LAO_SESSION_IDLE_MINUTES")),
            timedelta(hours=settings.number("LAO_SESSION_MAX_HOURS")))


def start(engine: Engine, *, user_id: int | None = None, file_user: str | None = None, kind: str = "session",
          now: datetime | None = None) -> str:
    """A new session (or handoff) token for an account; the token itself is never stored."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    life = timedelta(seconds=HANDOFF_SECONDS) if kind == "handoff" else _limits()[1]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO auth_session (id, user_id, file_user, created_at, last_seen_at, expires_at, "
                          "kind) VALUES (:id, :u, :f, :now, :now, :exp, :kind)"),
                     {"id": _digest(token), "u": user_id, "f": file_user, "now": now, "exp": now + life,
                      "kind": kind})
    return token


def redeem_handoff(engine: Engine, token: str, now: datetime | None = None) -> str | None:
    """Swap a valid handoff token (once) for a new session token; None when it is unknown, used or old."""
    now = now or datetime.now()
    with engine.begin() as conn:
        row = conn.execute(text("DELETE FROM auth_session WHERE id = :id AND kind = 'handoff' AND revoked_at IS NULL "
                                "AND expires_at > :now RETURNING user_id, file_user"),
                           {"id": _digest(token or ""), "now": now}).first()
    if row is None:
        return None
    return start(engine, user_id=row[0], file_user=row[1], now=now)


def resolve(engine: Engine, token: str | None, now: datetime | None = None) -> Principal | None:
    """The account behind a live session token, or None (unknown, revoked, idle too long, too old, or
    the account disabled). Marks the session as used."""
    if not token:
        return None
    now = now or datetime.now()
    idle, _ = _limits()
    sid = _digest(token)
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT s.user_id, s.file_user, s.last_seen_at FROM auth_session s LEFT JOIN app_user u ON u.id = s.user_id "
            "WHERE s.id = :id AND s.kind = 'session' AND s.revoked_at IS NULL AND s.expires_at > :now "
            "AND s.last_seen_at > :idle AND (s.user_id IS NULL OR u.active)"),
            {"id": sid, "now": now, "idle": now - idle}).first()
    if row is None:
        return None
    seen = row[2] if not isinstance(row[2], str) else datetime.fromisoformat(row[2])
    if now - seen > TOUCH_EVERY:
        try:
            with engine.begin() as conn:
                conn.execute(text("UPDATE auth_session SET last_seen_at = :now WHERE id = :id"), {"now": now, "id": sid})
        except OperationalError:          # a read-only or busy database still lets a signed-in user read
            pass
    return Principal(sid, row[0], row[1])


def end(engine: Engine, token: str | None) -> None:
    if token:
        with engine.begin() as conn:
            conn.execute(text("UPDATE auth_session SET revoked_at = :now WHERE id = :id"),
                         {"now": datetime.now(), "id": _digest(token)})


def end_file_user(engine: Engine, file_user: str) -> None:
    """An accounts-file entry removed or changed: its sessions end (the shell checks the file each run)."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE auth_session SET revoked_at = :now WHERE file_user = :f AND revoked_at IS NULL"),
                     {"now": datetime.now(), "f": file_user})


def purge(engine: Engine, now: datetime | None = None) -> int:
    """Forget sessions that ended more than a day ago (called now and then; the table stays small)."""
    now = now or datetime.now()
    with engine.begin() as conn:
        return conn.execute(text("DELETE FROM auth_session WHERE expires_at < :old OR revoked_at < :old"),
                            {"old": now - timedelta(days=1)}).rowcount
