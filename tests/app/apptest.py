"""Helpers for AppTest runs of the whole app against a test database."""
from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard.auth import TOKEN
from store import sessions
from store.db import make_engine

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def open_page(url_path: str | None = None, user: str | None = None, token: str | None = None, **params) -> AppTest:
    """Run the app as a browser would on /<url_path>?params, signed in as `user` (tests.accounts) if given.

    Pages are callables registered with st.navigation, which AppTest.switch_page cannot address
    (it takes file paths), so select the page by the hash Streamlit gives its url_path.
    """
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        sign_in_as(at, user)
    if token:
        at.session_state[TOKEN] = token
    for k, v in params.items():
        at.query_params[k] = str(v)
    if url_path:
        at._page_hash = calc_hash(url_path)      # what st.Page uses as the script hash
    return at.run()


def sign_in_as(at: AppTest, user: str | None = None, *, user_id: int | None = None) -> str:
    """Give the AppTest session a real sign-in session (as the handoff route would through a cookie): an
    accounts-file user (tests.accounts) by name, or a database account by id. Returns the token."""
    token = sessions.start(make_engine(), user_id=user_id, file_user=None if user_id else user)
    at.session_state[TOKEN] = token
    return token


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    """All visible text of markdown, captions, titles and headers, for simple content checks."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)
