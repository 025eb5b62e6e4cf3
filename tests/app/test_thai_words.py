"""Every table a Thai page shows (and so every download, which is the same frame) speaks Thai: headers
are words, not code names, and no cell says "None", "nan" or anything else in English; the words
Streamlit draws itself (placeholders) are Thai too. The browser walk in tests/browser/test_a11y.py
checks what the browser finally shows, library texts included."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard.i18n import messages
from tests.app.apptest import open_page
from tests.thai_words import latin_words

YEAR = 2568


def m(key: str) -> str:
    return messages()[key]["th"]

VIEWS = [  # (url path, query parameters, signed-in user)
    ("overview", {"year": YEAR}, None),
    ("overview", {"year": YEAR, "metric": "change", "level": "district"}, None),
    ("province", {"year": YEAR, "province": "30"}, None),
    *[("province", {"year": YEAR, "province": "30", "view": v}, None)
      for v in ("peers", "compare", "matrix", "flags")],
    ("province", {"year": YEAR, "province": "30", "view": "compare", "compare": "3000100,3000101"}, None),
    ("lao", {"year": YEAR, "lao": "1100000"}, None),
    *[("lao", {"year": YEAR, "lao": "1100000", "tab": t}, None) for t in ("table", "trend")],
    ("indicators", {"year": YEAR, "domain": "1", "indicator": "1.01"}, None),
    ("indicators", {"year": YEAR, "domain": "5", "type": "city", "region": "south"}, None),
    ("submissions", {}, "admin"),
    ("submissions", {"province": "30"}, "admin"),
    ("methodology", {"year": YEAR}, None),
    *[("admin", {"tab": t}, "admin") for t in ("upload", "rounds", "catalogue", "exports", "log")],
]


@pytest.fixture(autouse=True)
def _app_db(monkeypatch, sample_db_url, tmp_path):
    from tests.accounts import write_accounts_file
    monkeypatch.setenv("DATABASE_URL", sample_db_url)
    monkeypatch.setenv("LAO_ACCOUNTS_FILE", str(write_accounts_file(tmp_path / "accounts.toml")))


NAMES_OF_USERS = {m("submissions_col_last_by"), m("admin_log_who")}     # user names are data, like codes


def english_in(frame: pd.DataFrame, missing_shown_as: str) -> dict[str, set[str]]:
    """Latin words in headers and text cells; missing cells count as "None" unless the table shows them
    as something else (st.dataframe's placeholder)."""
    found = {f"header {c!r}": latin_words(c) for c in map(str, frame.columns)}
    for col in frame.columns:
        if str(col) in NAMES_OF_USERS:
            continue
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            found[f"cells of {col!r}"] = set().union(*(latin_words(v) for v in frame[col].dropna().astype(str)))
        if frame[col].isna().any():
            found[f"cells of {col!r}"] = found.get(f"cells of {col!r}", set()) | latin_words(missing_shown_as)
    return {k: v for k, v in found.items() if v}


@pytest.mark.parametrize("path, params, user", VIEWS, ids=[f"{p}-{'-'.join(map(str, q.values()))}"
                                                           for p, q, _ in VIEWS])
def test_every_table_on_a_thai_page_is_thai(path, params, user):
    at = open_page(path, user=user, **params)
    assert not at.exception, at.exception
    problems = {}
    for i, el in enumerate([*at.dataframe, *at.table]):
        frame = el.value.data if hasattr(el.value, "data") else el.value      # a Styler shows its frame
        shown = getattr(el.proto, "placeholder", "") or "None"                # what a missing cell reads
        problems |= {f"table {i}: {k}": v for k, v in english_in(frame, shown).items()}
    for box in [*at.selectbox, *at.multiselect]:
        placeholder = box.proto.placeholder        # empty: Streamlit shows its own "Choose an option"
        if not placeholder or latin_words(placeholder):
            problems[f"placeholder of {box.label!r}"] = latin_words(placeholder) or {"Choose an option"}
    assert not problems, problems
