"""A production database with a registry but no results yet (after `init` and `import-laos`, before or just
after a round opens): every page says what is missing, for the public and for each role, never an exception."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard.app import PAGES
from dashboard.cli import main
from store import accounts
from store.access import Scope
from store.db import make_engine
from tests.app.apptest import open_page, sign_in_as

ROOT = Path(__file__).resolve().parents[2]
ROLES = {"public": None, "admin": {"role": "admin"}, "executive": {"role": "executive"},
         "monitor": {"role": "monitor", "province": "81"}, "lao": {"role": "lao", "lao": "6810404"}}


@pytest.fixture(scope="module", params=["registry only", "round open"])
def fresh(request, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'prod.sqlite'}"
    assert main(["--db", url, "init"]) == 0
    assert main(["--db", url, "import-laos", str(ROOT / "sample_data/examples/dla_registry_sample.csv")]) == 0
    if request.param == "round open":
        today = date.today()
        assert main(["--db", url, "round", "open", "2569", "--window-open", str(today - timedelta(days=1)),
                     "--window-close", str(today + timedelta(days=9))]) == 0
    engine = make_engine(url)
    ids = {}
    for role, fields in ROLES.items():
        if fields:
            ids[role] = accounts.add(engine, Scope(role="admin", user="root"), f"u-{role}", fields["role"],
                                     "a good password 25", lao=fields.get("lao"), province=fields.get("province")).id
    return url, ids


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("path", [p for p, *_ in PAGES])
def test_every_page_says_what_is_missing(fresh, monkeypatch, role, path):
    url, ids = fresh
    monkeypatch.setenv("DATABASE_URL", url)
    at = open_page(None)
    if role in ids:
        sign_in_as(at, user_id=ids[role])
    at.query_params["lao"] = "6810404"
    from streamlit.util import calc_hash
    at._page_hash = calc_hash(path)
    at.run()
    assert not at.exception, (path, role, [e.message for e in at.exception])
    shown = [e.value for kind in ("info", "warning", "success", "markdown", "caption") for e in getattr(at, kind)]
    assert shown, f"{path} as {role} shows nothing at all"
