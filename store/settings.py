"""Every setting the product reads from the environment, in one place, with its default and meaning.

`settings()` reads the environment on each call (cheap), so a test or an operator who changes a variable
sees it at once; nothing else in the product reads os.environ. The README's settings table is checked
against SETTINGS by tests/test_docs.py.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "sqlite:///data/lao.sqlite",
            "SQLAlchemy URL; postgresql://… uses psycopg 3. `--db` overrides it for the command line"),
    Setting("LAO_DB_FILE", "data/lao.sqlite", "the SQLite file `scripts/run.sh` checks before building the sample"),
    Setting("LAO_PUBLIC_URL", None,
            "public address of the site (e.g. https://lao.example.go.th); printed and QR-coded in reports. "
            "Unset: reports print no link and administrators see a warning"),
    Setting("LAO_UPLOAD_MAX_MB", "50", "largest import file (submissions, registry, catalogue, XLSX form)"),
    Setting("LAO_IMPORT_MAX_ROWS", "1000000", "most data rows an import file may have"),
    Setting("LAO_IMPORT_MAX_COLUMNS", "60", "most columns an import file may have"),
    Setting("LAO_IMPORT_MAX_CELLS", "12000000", "most cells (rows × columns) an import file may have"),
    Setting("LAO_PROBLEMS_LISTED", "500", "most problems listed for one file (the rest are counted)"),
    Setting("LAO_XLSX_SECONDS", "60", "longest time an XLSX file may take to read (it is read in a child process)"),
    Setting("LAO_XLSX_MEMORY_MB", "450", "address space of the child process that reads an XLSX file"),
    Setting("LAO_EVIDENCE_MAX_MB", "20", "largest evidence file (PDF, JPEG, PNG, XLSX)"),
    Setting("LAO_EVIDENCE_TOTAL_MB", "200", "most evidence one LAO may store for one round"),
    Setting("LAO_CACHE_DIR", "data/cache", "prepared map boundaries kept between restarts (safe to delete)"),
    Setting("LAO_ACCOUNTS_FILE", None,
            "a TOML file of extra local accounts (instead of [accounts] in the secrets file)"),
    Setting("LAO_SESSION_SECRET", None,
            "key that signs sign-in cookies; unset: a random key kept in the database (shared by every process)"),
    Setting("LAO_SESSION_IDLE_MINUTES", "60", "a sign-in ends after this long without a page run"),
    Setting("LAO_SESSION_MAX_HOURS", "12", "a sign-in ends this long after it began, used or not"),
    Setting("LAO_SIGNIN_MAX_FAILURES", "5", "wrong passwords in a row that lock a user name (and a client)"),
    Setting("LAO_SIGNIN_LOCK_MINUTES", "15", "how long such a lock lasts (an administrator can lift it)"),
    Setting("LAO_HASH_CONCURRENCY", "2", "password checks run at once per process (each takes 64 MB)"),
    Setting("LAO_SQLITE_BUSY_TIMEOUT", "30", "seconds SQLite waits for another writer's lock"),
    Setting("LAO_SMTP_HOST", None, "mail server for reminders; unset: reminders are listed but not sent"),
    Setting("LAO_SMTP_PORT", "587", "mail server port"),
    Setting("LAO_SMTP_TLS", "starttls", "`starttls`, `ssl` or `none`"),
    Setting("LAO_SMTP_USER", None, "mail server user name (no sign-in when unset)"),
    Setting("LAO_SMTP_PASSWORD", None, "mail server password"),
    Setting("LAO_SMTP_SENDER", "noreply@localhost", "From: address of reminders"),
    Setting("LAO_REQUIRE_ALL", None, "tests: `1` makes PostgreSQL, browser and proxy tests fail instead of skip"),
    Setting("LAO_CHROMIUM", "/usr/bin/chromium", "tests: the browser the browser tests drive"),
    Setting("LAO_BENCH_PG_URL", None, "bench: a PostgreSQL URL for the COPY import figure"),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def raw(name: str) -> str | None:
    """The value of a setting: the environment's (blank counts as unset), else its default."""
    spec = _BY_NAME[name]                      # KeyError: an undeclared setting is a bug
    value = os.environ.get(name)
    return value if value not in (None, "") else spec.default


def number(name: str) -> float:
    """A numeric setting; a malformed value falls back to the default rather than stopping the server."""
    try:
        value = float(raw(name))
        if value == value and value >= 0:     # not NaN, not negative
            return value
    except (TypeError, ValueError):
        pass
    return float(_BY_NAME[name].default)


def path(name: str) -> Path:
    """A path setting; relative paths are taken from the project root."""
    p = Path(raw(name))
    return p if p.is_absolute() else PROJECT_ROOT / p
