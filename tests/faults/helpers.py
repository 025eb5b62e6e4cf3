"""Shared pieces of the fault tests: running the app as a user, reading its messages, a file made
read-only even for root, and a file of submissions to commit."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.i18n import messages
from sample_data.round_file import round_frame
from store.db import make_engine
from tests.app.apptest import open_page
from tests.store.fingerprint import table_fingerprint

OPEN = 2569


def m(key: str, lang: str = "th", **fmt) -> str:
    text = messages()[key][lang]
    return text.format(**fmt) if fmt else text


def overview_title(lang: str = "th") -> str:
    """The overview's heading with no filter chosen (it names the view: the whole country)."""
    return m("overview_title", lang, scope=m("scope_nation", lang))


def page(url_path: str = "overview", user: str | None = None, token: str | None = None, **params) -> AppTest:
    """Run the whole app on /<url_path>?params, signed in as `user` (tests.accounts) or with a session token."""
    return open_page(url_path, user=user, token=token, **params)


SIGN_IN_TABLES = ("auth_session", "sign_in_limit", "app_secret")     # who is signed in, not the data


def fingerprint(url: str) -> dict:
    """table_fingerprint of the data in the database at `url` (sign-in bookkeeping left out), with its own
    short-lived engine."""
    engine = make_engine(url)
    try:
        return {k: v for k, v in table_fingerprint(engine).items() if k not in SIGN_IN_TABLES}
    finally:
        engine.dispose()


def shown(at: AppTest) -> dict[str, list[str]]:
    """Messages on the page by kind."""
    return {kind: [str(e.value) for e in getattr(at, kind)] for kind in ("error", "warning", "success", "title")}


def fault_free(at: AppTest, title: str) -> bool:
    """The page drew its heading and no error or fault message."""
    return not at.exception and not at.error and title in shown(at)["title"]


def round_file(db_url: str, n: int = 3) -> tuple[str, bytes, str]:
    """(name, CSV bytes, mime) of a good submissions file for `n` LAOs of province 30 with nothing yet
    in the open round, as the admin page's uploader takes it."""
    path = db_url.split("///", 1)[-1]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        codes = [r[0] for r in con.execute(
            "SELECT l.code FROM lao l LEFT JOIN submission s ON s.lao_code = l.code AND s.year = ? "
            "WHERE l.province_code = '30' AND s.id IS NULL ORDER BY l.code LIMIT ?", (OPEN, n))]
    engine = make_engine(db_url)
    frame = round_frame(engine, OPEN, codes)
    engine.dispose()
    return "faults.csv", frame.to_csv(index=False).encode(), "text/csv"


class ReadOnly:
    """Make a database file read-only and writable again.

    Not root: chmod. Root ignores file modes, so: the immutable attribute (chattr +i), which stops root
    too. Where neither works (a container without CAP_LINUX_IMMUTABLE), `emulated` is True and the test
    opens the same file through SQLite's read-only mode (`?mode=ro`) instead, which fails writes with
    the same error; making it writable then means a new connection URL."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.emulated = False
        self.how = "chmod" if os.geteuid() != 0 else "chattr" if shutil.which("chattr") else None
        if self.how == "chattr":
            self.on()
            if self._writable():
                self.how = None
            self.off()
        if self.how is None:
            self.emulated = True

    def _writable(self) -> bool:
        try:
            with open(self.path, "r+b"):
                return True
        except OSError:
            return False

    def url(self, read_only: bool) -> str:
        if self.emulated and read_only:
            return f"sqlite:///file:{self.path}?mode=ro&uri=true"
        return f"sqlite:///{self.path}"

    def on(self) -> None:
        if self.how == "chmod":
            self.path.chmod(0o444)
        elif self.how == "chattr":
            subprocess.run(["chattr", "+i", str(self.path)], check=False, capture_output=True)

    def off(self) -> None:
        if self.how == "chmod":
            self.path.chmod(0o644)
        elif self.how == "chattr":
            subprocess.run(["chattr", "-i", str(self.path)], check=False, capture_output=True)
