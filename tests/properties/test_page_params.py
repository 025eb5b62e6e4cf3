"""Every page's URL parameters, driven by hypothesis as the public and as each role: hostile values (markdown
links and remote images, HTML, formulas, control characters, huge and malformed numbers) and filters that
select nothing (a type that has no LAO in a region). No page raises, and nothing from the URL is rendered as
markdown: a link or an image of an attacker's choosing never appears inside the dashboard."""
from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import PAGES
from scoring.laotypes import TYPE_CODES
from tests.accounts import ACCOUNTS, write_accounts_file
from tests.app.apptest import open_page

PAYLOAD = "https://evil.example/"
NAMED = f" [คลิก]({PAYLOAD}n) ![x]({PAYLOAD}n.png)"        # an LAO's registry name
HOSTILE = ["", " ", "0", "-1", "99999999999999999999", "2568.5", "1e9", "NaN", "None", "all",
           f"[click]({PAYLOAD})", f"![x]({PAYLOAD}p.png)", f"<img src={PAYLOAD}p.png>", "**bold** _it_ `code`",
           "=HYPERLINK(\"x\")", "\r\n=1+1", "ก" * 300, "../../etc/passwd", "\x00", "%0d%0a", "1.01\n2", "🙂"]
VALID = {
    "year": ["2565", "2566", "2567", "2568", "2569"],
    "type": [*TYPE_CODES, "all"],
    "region": ["North", "Northeast", "Central", "East", "West", "South", "all"],
    "province": ["30", "81", "10", "20", "99", "all"],
    "lao": [],                                  # real codes, read from the sample below
    "domain": [*[str(d) for d in range(1, 9)], "all"],
    "indicator": ["1.01", "1.14", "3.02", "9.99"],
    "lang": ["th", "en"],
    "metric": ["pass_rate", "change", "domain", "submitted", "all_pass"],
    "level": ["province", "district"],
    "view": ["laos", "peers", "compare", "matrix", "flags", "types", "map", "trend"],   # province; indicators
    "tab": ["fix", "table", "trend", "upload", "rounds", "catalogue", "exports", "accounts", "contacts", "log"],
    "q": ["โคราช", "นคร", "zz"],
    "sort": ["pass_rate", "-pass_rate", "change", "name"],
    "msort": ["problems", "code"],
    "after": ["review", "steps", "worklist", "remind"],
    "kind": ["submissions", "registry"],
}
ROLES = [None, "lao", "mon30", "mon81", "exec", "admin"]
MARKDOWN_KINDS = ("markdown", "title", "header", "subheader", "caption", "info", "warning", "error", "success")


@pytest.fixture(scope="module", autouse=True)
def _app(small_sqlite_template, tmp_path_factory):
    """A copy of the small sample in which one LAO of province 30 is named with the payload (as a registry
    import could name it), and the test accounts; its own LAO user is that LAO."""
    root = tmp_path_factory.mktemp("fuzz")
    db = root / "fuzz.sqlite"
    shutil.copy(small_sqlite_template, db)
    with sqlite3.connect(db) as con:
        VALID["lao"] = [r[0] for r in con.execute(
            "SELECT MIN(code) FROM lao WHERE province_code IN ('30', '81') GROUP BY province_code, type")]
        con.execute("UPDATE lao SET name_th = ?, name_en = ? WHERE code = ?",
                    (f"บ้าน{NAMED}", NAMED, VALID["lao"][0]))
    accounts = dict(ACCOUNTS, lao={"role": "lao", "lao": VALID["lao"][0]})
    path = write_accounts_file(root / "accounts.toml", accounts)
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "LAO_ACCOUNTS_FILE")}
    os.environ.update(DATABASE_URL=f"sqlite:///{db}", LAO_ACCOUNTS_FILE=str(path))
    yield
    for k, v in saved.items():
        os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


MARKDOWN = [f"[click]({PAYLOAD})", f"![x]({PAYLOAD}p.png)"]


def value(name: str):
    return st.one_of(st.sampled_from(VALID[name]) if VALID[name] else st.nothing(), st.sampled_from(HOSTILE),
                     st.sampled_from(MARKDOWN), st.text(max_size=12))


def assert_shown_as_text(at, *context) -> None:
    assert not at.exception, (*context, [e.value for e in at.exception])
    bodies = [(kind, str(e.value)) for kind in MARKDOWN_KINDS for e in getattr(at, kind)]
    bodies += [(kind, str(e.label)) for kind in ("button", "checkbox", "radio", "selectbox", "text_input")
               for e in getattr(at, kind)]              # labels are markdown too
    bodies += [("tab", str(e.label)) for e in at.tabs] + [("expander", str(e.label)) for e in at.expander]
    for kind, body in bodies:
        assert f"]({PAYLOAD}" not in body and f"<img src={PAYLOAD}" not in body, (*context, kind, body)


NAMED_VIEWS = [("lao", {"year": "2568"}), ("lao", {"year": "2568", "tab": "trend"}), ("lao", {"year": "2569"}),
               ("province", {"province": "30", "year": "2568"}), ("province", {"province": "30", "view": "flags"}),
               ("province", {"province": "30", "view": "peers"}), ("province", {"province": "30", "view": "compare"}),
               ("province", {"province": "30", "view": "matrix"}),
               ("indicators", {"year": "2568", "indicator": "1.01"}),
               ("submissions", {"province": "30"}), ("submissions", {"province": "30", "after": "worklist"}),
               ("review", {"province": "30"}), ("review", {"year": "2569"}), ("entry", {"year": "2569"}),
               ("admin", {"tab": "contacts"}), ("lao", {"q": "บ้าน"}),
               ("indicators", {"year": "2568", "view": "map"}), ("indicators", {"year": "2568", "view": "trend"})]


@pytest.mark.parametrize("role", ["lao", "mon30", "admin"])
@pytest.mark.parametrize("page, query", NAMED_VIEWS)
def test_a_registry_name_is_shown_as_text(page, query, role):
    """The LAO named with a link and an image, wherever its name appears (its own code where a page takes one)."""
    code = {"lao": VALID["lao"][0]} if page in ("lao", "entry", "review") and "q" not in query else {}
    assert_shown_as_text(open_page(page, user=role, **query, **code), page, role, query)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", [p for p, _, _ in PAGES])
def test_markdown_in_every_parameter_is_shown_as_text(page, role):
    """Every parameter at once carries a link and a remote image, so every place that echoes one is reached."""
    at = open_page(page, user=role, **{name: f"[click]({PAYLOAD}) ![x]({PAYLOAD}p.png)" for name in VALID})
    assert_shown_as_text(at, page, role)


params = st.fixed_dictionaries({}, optional={name: st.deferred(lambda n=name: value(n)) for name in VALID})


@pytest.mark.parametrize("page", [p for p, _, _ in PAGES])
@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(role=st.sampled_from(ROLES), query=params)
def test_no_url_breaks_a_page_or_injects_markdown(page, role, query):
    query = {k: v for k, v in query.items() if "\x00" not in v}   # a browser cannot send a NUL in a URL
    assert_shown_as_text(open_page(page, user=role, **query), page, role, query)
