"""Sign-in attempts, limited in the database so every server process and restart agrees.

An attempt is reserved before the password is checked: one atomic upsert per key counts it as a failure,
so simultaneous guesses from many sessions cannot all be tried; a success gives the reservation back.
Three keys limit each attempt:

* the user name from this client (`pair:`): LAO_SIGNIN_MAX_FAILURES, the lock a real user meets;
* the client (`client:`), across every name: 4 × that, so one address cannot try many names;
* the user name from anywhere (`user:`): 10 × that, against guesses spread over many addresses.

A lock lasts LAO_SIGNIN_LOCK_MINUTES and an administrator can lift it (`users reset` also clears it).
Someone outside can therefore lock a name only from the addresses they use, never for good: the owner
signing in from elsewhere meets the per-name limit only after 10 × the failures.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, text

from . import settings
from .access import Scope
from .accounts import User, find, name_key, verify_password


@dataclass(frozen=True)
class Outcome:
    ok: bool = False
    user: User | None = None           # the database account that signed in (None: another source's)
    locked_seconds: float = 0.0        # > 0: refused (now or from now on) for this long


def limits() -> tuple[int, timedelta]:
    return max(1, int(settings.number("LAO_SIGNIN_MAX_FAILURES"))), \
        timedelta(minutes=settings.number("LAO_SIGNIN_LOCK_MINUTES"))


def keys(username: str, client: str) -> list[tuple[str, int]]:
    n, _ = limits()
    user, client = name_key(username)[:80], (client or "unknown")[:80]
    return [(f"pair:{user}|{client}", n), (f"client:{client}", 4 * n), (f"user:{user}", 10 * n)]


_UPSERT = text("""
INSERT INTO sign_in_limit (key, failures, window_start, locked_until) VALUES (:k, 1, :now, NULL)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN sign_in_limit.window_start < :floor OR sign_in_limit.locked_until <= :now
                  THEN 1 ELSE sign_in_limit.failures + 1 END,
  window_start = CASE WHEN sign_in_limit.window_start < :floor OR sign_in_limit.locked_until <= :now
                      THEN :now ELSE sign_in_limit.window_start END,
  locked_until = CASE WHEN sign_in_limit.locked_until <= :now THEN NULL ELSE sign_in_limit.locked_until END
RETURNING failures, locked_until""")


def reserve(engine: Engine, username: str, client: str, now: datetime | None = None) -> float:
    """Count an attempt before it is checked. Returns 0 when it may be checked, else the seconds the
    name (or client) stays locked."""
    now = now or datetime.now()
    _, lock = limits()
    with engine.begin() as conn:
        for key, limit in keys(username, client):
            failures, locked_until = conn.execute(_UPSERT, {"k": key, "now": now, "floor": now - lock}).one()
            locked_until = _as_datetime(locked_until)
            if locked_until is not None and locked_until > now:
                return (locked_until - now).total_seconds()
            if failures > limit:
                until = now + lock
                conn.execute(text("UPDATE sign_in_limit SET locked_until = :u WHERE key = :k"), {"u": until, "k": key})
                return lock.total_seconds()
    return 0.0


def settle(engine: Engine, username: str, client: str, succeeded: bool, now: datetime | None = None) -> float:
    """After the check: a success gives the reservation back (and clears the name-and-client count); a
    failure at the limit locks. Returns the seconds now locked (0 when not)."""
    now = now or datetime.now()
    _, lock = limits()
    locked = 0.0
    with engine.begin() as conn:
        for key, limit in keys(username, client):
            if succeeded:
                conn.execute(text("UPDATE sign_in_limit SET failures = CASE WHEN key LIKE 'pair:%' THEN 0 "
                                  "WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE key = :k"), {"k": key})
                continue
            row = conn.execute(text("SELECT failures FROM sign_in_limit WHERE key = :k"), {"k": key}).first()
            if row is not None and row[0] >= limit:
                conn.execute(text("UPDATE sign_in_limit SET locked_until = :u WHERE key = :k"),
                             {"u": now + lock, "k": key})
                locked = max(locked, lock.total_seconds())
    return locked


def unlock(engine: Engine, actor: Scope, username: str) -> int:
    """An administrator lifts every lock on a user name (from any client). Returns locks removed."""
    actor.require_admin("lift sign-in locks")
    user = name_key(username)
    with engine.begin() as conn:
        return conn.execute(text("DELETE FROM sign_in_limit WHERE key = :u OR key LIKE :p"),
                            {"u": f"user:{user}", "p": f"pair:{user}|%"}).rowcount


def sign_in(engine: Engine, username: str, password: str, client: str, *,
            other=None, now: datetime | None = None) -> Outcome:
    """Check a user name and password, never saying which of the two was wrong. A database account is
    tried first; `other(username, password)` may check another source (the accounts file) and return a
    truthy value on success, for names with no database account."""
    left = reserve(engine, username, client, now)
    if left > 0:
        return Outcome(locked_seconds=left)   # not checked at all
    with engine.connect() as conn:
        user, stored = find(conn, username)
    if user is not None:
        ok = verify_password(stored, password) and user.active
    else:
        ok = bool(other(username, password)) if other is not None else verify_password(None, password)
    locked = settle(engine, username, client, bool(ok), now)
    if ok and user is not None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE app_user SET last_sign_in_at = :now WHERE id = :i"),
                         {"now": (now or datetime.now()).replace(microsecond=0), "i": user.id})
    return Outcome(ok=True, user=user) if ok else Outcome(locked_seconds=locked)


def _as_datetime(value):
    """SQLite hands timestamps back as text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value
