"""Local accounts in the database: who may sign in, with which role and scope.

Passwords a person chooses are stored as argon2id hashes with at least the library's default cost; a
one-time password (from provisioning or a reset) is random and long (about 100 bits), so a fast salted
SHA-256 is enough for it and provisioning all 7,850 LAOs takes seconds instead of minutes. Whoever holds
a one-time password must choose their own at the next sign-in. User names are unique regardless of case:
"Somchai" is refused when "somchai" exists, never merged with it.

Every change is written to change_log by the administrator who made it; nothing here is rendered, and
no password is ever logged.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, text

from scoring.texts import Refusal

from . import settings
from .access import SIGNED_IN_ROLES, Scope
from .dataset import log_change

MIN_PASSWORD = 10
OTP_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"     # no 0/o, 1/l/i: read aloud and typed by hand
OTP_LENGTH = 20                                     # 20 × log2(31) ≈ 99 bits
NAME = re.compile(r"^[\w.@+-]{1,100}$")             # letters (Thai too), digits, . _ @ + -

_hasher = PasswordHasher()                          # argon2id with the library's current default cost
_LEAST = PasswordHasher()                           # the cost a stored hash must at least have (never changed)


@functools.cache
def _dummy() -> str:
    """Verified when a user name is unknown, so a wrong name costs as long as a wrong password (made at the
    first sign-in, not at import: each hash takes a tenth of a second and 64 MB)."""
    return _hasher.hash("not anyone's password")
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


class AccountError(Refusal, ValueError):
    """A refused account operation, with a message in Thai and English."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    lao_code: str | None
    province_code: str | None
    active: bool
    must_change: bool

    @property
    def scope(self) -> Scope:
        return Scope(role=self.role, province_code=self.province_code, lao_code=self.lao_code,
                     user=self.username)


# --- passwords --------------------------------------------------------------------------------------

def name_key(name: str) -> str:
    return (name or "").strip().casefold()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def strong_hash(stored: str) -> bool:
    """Only argon2id hashes at least as costly as the library's defaults are accepted."""
    try:
        p = extract_parameters(stored)
    except (InvalidHashError, ValueError):
        return False
    h = _LEAST
    return (p.type is Type.ID and p.memory_cost >= h.memory_cost and p.time_cost >= h.time_cost
            and p.parallelism >= h.parallelism and p.hash_len >= h.hash_len)


def _hash_slots() -> threading.BoundedSemaphore:
    """At most LAO_HASH_CONCURRENCY argon2 checks at once per process (each takes 64 MB)."""
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(max(1, int(settings.number("LAO_HASH_CONCURRENCY"))))
        return _slots


def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored` (argon2id or one-time). Unknown users, weak or foreign hashes
    cost the same as a real check and fail."""
    password = password or ""
    if stored and stored.startswith("otp$"):
        _, salt, digest = (stored.split("$") + ["", ""])[:3]
        return hmac.compare_digest(_otp_digest(salt, password), digest)
    usable = bool(stored) and strong_hash(stored)
    with _hash_slots():
        try:
            return _hasher.verify(stored if usable else _dummy(), password) and usable
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def new_otp() -> str:
    return "".join(secrets.choice(OTP_ALPHABET) for _ in range(OTP_LENGTH))


def otp_hash(otp: str) -> str:
    salt = secrets.token_hex(8)
    return f"otp${salt}${_otp_digest(salt, otp)}"


def _otp_digest(salt: str, otp: str) -> str:
    return hashlib.sha256(f"{salt}:{otp}".encode()).hexdigest()


def check_new_password(password: str, username: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร",
                           f"a password needs at least {MIN_PASSWORD} characters")
    name = name_key(username)
    if len(name) >= 4 and name in password.casefold():
        raise AccountError("รหัสผ่านต้องไม่มีชื่อผู้ใช้อยู่ในนั้น", "a password must not contain the user name")
    if any(ord(ch) < 32 for ch in password):
        raise AccountError("รหัสผ่านมีอักขระควบคุม", "a password must not contain control characters")


# --- reading ----------------------------------------------------------------------------------------

_USER_COLUMNS = "id, username, role, lao_code, province_code, active, must_change"


def _user(row) -> User | None:
    if row is None:
        return None
    return User(int(row[0]), row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]))


def find(conn: Connection, username: str) -> tuple[User | None, str | None]:
    """The account with this name (any case) and its stored hash."""
    row = conn.execute(text(f"SELECT {_USER_COLUMNS}, password_hash FROM app_user WHERE username_key = :k"),
                       {"k": name_key(username)}).first()
    return (_user(row), row[7]) if row is not None else (None, None)


def by_id(conn: Connection, user_id: int) -> User | None:
    return _user(conn.execute(text(f"SELECT {_USER_COLUMNS} FROM app_user WHERE id = :i"), {"i": user_id}).first())


def users(engine: Engine, actor: Scope) -> pd.DataFrame:
    """Every account, without hashes (the admin page and `users list`): administrators only."""
    actor.require_admin("list accounts")
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT username, role, lao_code, province_code, active, must_change, email, "
                                "created_at, created_by, last_sign_in_at FROM app_user ORDER BY username_key"),
                           conn)


# --- changes ----------------------------------------------------------------------------------------

def _scope_fields(conn: Connection, role: str, lao: str | None, province: str | None) -> tuple[str | None, str | None]:
    if role not in SIGNED_IN_ROLES:
        raise AccountError(f"ไม่รู้จักบทบาท '{role}' ({', '.join(SIGNED_IN_ROLES)})",
                           f"unknown role '{role}' ({', '.join(SIGNED_IN_ROLES)})")
    if role == "lao":
        lao = (lao or "").strip()
        if not re.fullmatch(r"\d{7}", lao) or conn.execute(text("SELECT 1 FROM lao WHERE code = :c"),
                                                            {"c": lao}).first() is None:
            raise AccountError(f"ไม่พบ อปท. รหัส '{lao}' ในทะเบียน", f"no LAO with code '{lao}' in the registry")
        return lao, None
    if role == "monitor":
        province = (province or "").strip().zfill(2)
        if conn.execute(text("SELECT 1 FROM province WHERE code = :c"), {"c": province}).first() is None:
            raise AccountError(f"ไม่พบจังหวัดรหัส '{province}'", f"no province with code '{province}'")
        return None, province
    return None, None


def add(engine: Engine, actor: Scope, username: str, role: str, password: str, *, lao: str | None = None,
        province: str | None = None, email: str | None = None, one_time: bool = False) -> User:
    """Create an account. `one_time`: the password is a one-time one (the user must change it)."""
    actor.require_admin("add accounts")
    username = (username or "").strip()
    if not NAME.fullmatch(username):
        raise AccountError("ชื่อผู้ใช้ต้องมี 1-100 ตัวอักษร (ตัวอักษร ตัวเลข . _ @ + -) ไม่มีช่องว่าง",
                           "a user name has 1-100 characters (letters, digits, . _ @ + -), no spaces")
    if not one_time:
        check_new_password(password, username)
    with engine.begin() as conn:
        lao, province = _scope_fields(conn, role, lao, province)
        if conn.execute(text("SELECT 1 FROM app_user WHERE username_key = :k"), {"k": name_key(username)}).first():
            raise AccountError(f"มีผู้ใช้ชื่อ '{username}' อยู่แล้ว (ไม่แยกตัวพิมพ์เล็กใหญ่)",
                               f"a user named '{username}' exists already (names ignore case)")
        now = _now()
        conn.execute(text("INSERT INTO app_user (username, username_key, role, lao_code, province_code, "
                          "password_hash, password_kind, must_change, active, email, created_at, created_by, "
                          "password_changed_at) VALUES (:u, :k, :r, :l, :p, :h, :kind, :mc, :a, :e, :now, :by, :now)"),
                     {"u": username, "k": name_key(username), "r": role, "l": lao, "p": province,
                      "h": otp_hash(password) if one_time else hash_password(password),
                      "kind": "otp" if one_time else "argon2id", "mc": one_time, "a": True,
                      "e": (email or None), "now": now, "by": actor.user})
        log_change(conn, actor.user, "user-add", f"{username}: {role} {lao or province or ''}".strip())
        user, _ = find(conn, username)
    return user


def set_active(engine: Engine, actor: Scope, username: str, active: bool) -> None:
    """Disable (or enable) an account; disabling ends its open sessions at once."""
    actor.require_admin("disable accounts")
    with engine.begin() as conn:
        user = _existing(conn, username)
        conn.execute(text("UPDATE app_user SET active = :a WHERE id = :i"), {"a": active, "i": user.id})
        if not active:
            revoke_all(conn, user.id)
        log_change(conn, actor.user, "user-enable" if active else "user-disable", user.username)


def reset(engine: Engine, actor: Scope, username: str) -> str:
    """A new one-time password (returned once, never stored in clear); open sessions end."""
    actor.require_admin("reset passwords")
    otp = new_otp()
    with engine.begin() as conn:
        user = _existing(conn, username)
        conn.execute(text("UPDATE app_user SET password_hash = :h, password_kind = 'otp', must_change = :t, "
                          "password_changed_at = :now WHERE id = :i"),
                     {"h": otp_hash(otp), "t": True, "now": _now(), "i": user.id})
        revoke_all(conn, user.id)
        conn.execute(text("DELETE FROM sign_in_limit WHERE key = :k OR key LIKE :pair"),
                     {"k": f"user:{name_key(user.username)}", "pair": f"pair:{name_key(user.username)}|%"})
        log_change(conn, actor.user, "user-reset", user.username)
    return otp


def change_password(engine: Engine, user_id: int, old: str, new: str, keep_session: str | None = None) -> None:
    """The user's own change: the old password must be right; every other session of the user ends."""
    with engine.begin() as conn:
        user = by_id(conn, user_id)
        stored = conn.execute(text("SELECT password_hash FROM app_user WHERE id = :i"), {"i": user_id}).scalar()
        if user is None or not user.active or not verify_password(stored, old):
            raise AccountError("รหัสผ่านเดิมไม่ถูกต้อง", "the current password is wrong")
        check_new_password(new, user.username)
        if new == old:
            raise AccountError("รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสเดิม", "the new password must differ from the old one")
        conn.execute(text("UPDATE app_user SET password_hash = :h, password_kind = 'argon2id', must_change = :f, "
                          "password_changed_at = :now WHERE id = :i"),
                     {"h": hash_password(new), "f": False, "now": _now(), "i": user_id})
        revoke_all(conn, user_id, keep=keep_session)
        log_change(conn, user.username, "user-password", user.username)


def provision_laos(engine: Engine, actor: Scope) -> pd.DataFrame:
    """One account per LAO that has none: user name = LAO code, a one-time password. Returns the new
    accounts with their passwords (username, lao_code, name_th, province_code, password); a re-run adds
    only LAOs still without one. The passwords exist only in what is returned."""
    actor.require_admin("provision LAO accounts")
    with engine.begin() as conn:
        todo = pd.read_sql(text(
            "SELECT l.code AS lao_code, l.name_th, l.province_code FROM lao l WHERE NOT EXISTS "
            "(SELECT 1 FROM app_user u WHERE u.lao_code = l.code) AND NOT EXISTS "
            "(SELECT 1 FROM app_user u WHERE u.username_key = l.code) ORDER BY l.code"), conn)
        if todo.empty:
            return todo.assign(username=[], password=[])[["username", "lao_code", "name_th", "province_code",
                                                           "password"]]
        passwords = [new_otp() for _ in range(len(todo))]
        now = _now()
        conn.execute(text("INSERT INTO app_user (username, username_key, role, lao_code, province_code, "
                          "password_hash, password_kind, must_change, active, created_at, created_by, "
                          "password_changed_at) VALUES (:u, :u, 'lao', :l, NULL, :h, 'otp', :t, :t, :now, :by, :now)"),
                     [{"u": c, "l": c, "h": otp_hash(p), "t": True, "now": now, "by": actor.user}
                      for c, p in zip(todo["lao_code"], passwords)])
        log_change(conn, actor.user, "user-provision", f"{len(todo):,} LAO accounts", n_rows=len(todo))
    return pd.DataFrame({"username": todo["lao_code"], "lao_code": todo["lao_code"], "name_th": todo["name_th"],
                         "province_code": todo["province_code"], "password": passwords})


def _existing(conn: Connection, username: str) -> User:
    user, _ = find(conn, username)
    if user is None:
        raise AccountError(f"ไม่พบผู้ใช้ '{username}'", f"no user '{username}'")
    return user


def revoke_all(conn: Connection, user_id: int, keep: str | None = None) -> None:
    """End every session of a user (but `keep`, the session id making the change)."""
    conn.execute(text("UPDATE auth_session SET revoked_at = :now WHERE user_id = :u AND revoked_at IS NULL "
                      "AND id <> :keep"), {"now": _now(), "u": user_id, "keep": keep or ""})


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)
