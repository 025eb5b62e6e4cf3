"""AppTest helpers for the round's paper trail on the pages: a writable copy of the small sample, a cast of
signed-in people (an accounts file, as LAO_ACCOUNTS_FILE), and pages opened as one of them."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard.i18n import t
from store.access import Scope
from tests.accounts import write_accounts_file
from tests.app.apptest import APP, sign_in_as
from tests.store.trail_helpers import OPEN, people

THAI = re.compile("[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Cast:
    engine: Engine
    lao: str               # a submitted LAO of province 30 (account "staff")
    neighbour: str         # another of province 30 (account "neighbour")
    far: str               # a submitted LAO of province 81 (account "far")
    scopes: dict[str, Scope]


ACCOUNT_SCOPES = {"staff": "staff", "neighbour": "neighbour_staff", "far": "far_staff", "mon30": "monitor",
                  "mon81": "far_monitor", "exec": "executive", "admin": "admin"}


@pytest.fixture
def cast(monkeypatch, sqlite_engine, tmp_path) -> Cast:
    """The small sample (a fresh copy) as the app's database, with one account per person of
    tests.store.trail_helpers.people; the store's Scope of each is in `scopes` under the account name."""
    p = people(sqlite_engine)
    accounts = {"staff": {"role": "lao", "lao": p.lao}, "neighbour": {"role": "lao", "lao": p.neighbour},
                "far": {"role": "lao", "lao": p.far}, "mon30": {"role": "monitor", "province": "30"},
                "mon81": {"role": "monitor", "province": "81"}, "exec": {"role": "executive"},
                "admin": {"role": "admin"}}
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    monkeypatch.setenv("LAO_ACCOUNTS_FILE", str(write_accounts_file(tmp_path / "accounts.toml", accounts)))
    scopes = {name: Scope(role=getattr(p, attr).role, province_code=getattr(p, attr).province_code,
                          lao_code=getattr(p, attr).lao_code, user=name) for name, attr in ACCOUNT_SCOPES.items()}
    return Cast(sqlite_engine, p.lao, p.neighbour, p.far, scopes)


def open_as(user: str | None, url_path: str, **params) -> AppTest:
    """The app on /<url_path>?params, signed in as an account of the cast (or signed out)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        sign_in_as(at, user)
    for k, v in {"year": OPEN, **params}.items():
        if v is not None:
            at.query_params[k] = str(v)
    at._page_hash = calc_hash(url_path)
    return at.run()


def shown(at: AppTest, main_only: bool = False) -> str:
    """Every text the page shows (`main_only`: not the sidebar's): markdown, captions, headings, alerts, plain
    text, labels, table cells."""
    at = at.main if main_only else at
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "text", "metric"):
        parts += [str(getattr(e, "value", "")) + " " + str(getattr(e, "label", "")) for e in at.get(kind)]
    for kind in ("button", "text_input", "text_area", "selectbox", "radio", "checkbox", "multiselect",
                 "file_uploader", "download_button", "toggle", "tabs", "expander"):
        parts += [str(getattr(e, "label", "")) for e in at.get(kind) if hasattr(e, "label")]
    parts += [e.proto.text for e in at.get("progress")]
    for df in at.get("dataframe"):
        parts.append(df.value.to_csv(index=False))
    return "\n".join(parts)


def m(key: str, lang: str = "th", **fmt) -> str:
    return t(key, lang, **fmt)


def english_words(text: str, allowed: set[str] = frozenset()) -> set[str]:
    """Runs of three or more Latin letters in a Thai page's text, less what may appear in Thai text (file
    names, type names, user names, links, codes): what a Thai page must not show."""
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    return words - set(allowed)


def unescaped(text: str) -> str:
    """Markdown-escaped text (dashboard.format.md_escape) as the reader sees it."""
    return re.sub(r"\\(.)", r"\1", text)


def errors(at: AppTest) -> str:
    """Every error message on the page, as the reader sees it."""
    return "\n".join(unescaped(e.value) for e in at.error)


def successes(at: AppTest) -> str:
    return "\n".join(unescaped(e.value) for e in at.success)


def table_with(at: AppTest, column: str):
    """The first table on the page that has `column` (pages show several)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}: {[list(d.value.columns) for d in at.dataframe]}")
