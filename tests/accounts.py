"""Test accounts for sign-in: one per role, in the [accounts] structure of the secrets file.

write_accounts_file(path) writes them as TOML for LAO_ACCOUNTS_FILE (AppTest and browser servers).
Passwords here are for tests only; the file holds argon2id hashes, as a real one would.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PASSWORD = "correct horse 2569"
ACCOUNTS = {  # user name -> role fields (no password_hash: added when written)
    "admin": {"role": "admin", "name": "ผู้ดูแลระบบ"},
    "exec": {"role": "executive"},
    "mon30": {"role": "monitor", "province": "30"},
    "mon81": {"role": "monitor", "province": "81"},
    "lao": {"role": "lao", "lao": None},          # filled with a real LAO code of province 30 by the tests
}


@lru_cache(maxsize=1)
def password_hash() -> str:
    from dashboard.auth import hash_password

    return hash_password(PASSWORD)


def toml_text(accounts: dict[str, dict]) -> str:
    lines = []
    for user, fields in accounts.items():
        lines.append(f'[accounts."{user}"]')
        lines.append(f'password_hash = "{password_hash()}"')
        for k, v in fields.items():
            if v is not None:
                lines.append(f'{k} = "{v}"')
        lines.append("")
    return "\n".join(lines)


def write_accounts_file(path: Path, accounts: dict[str, dict] | None = None) -> Path:
    path.write_text(toml_text(accounts or ACCOUNTS), encoding="utf-8")
    return path
