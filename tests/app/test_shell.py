"""The app shell and the methodology page, in Thai and English, on the small sample."""
from __future__ import annotations

import pytest

from dashboard.i18n import messages
from scoring.catalogue import load
from tests.app.apptest import open_page, texts


@pytest.fixture(autouse=True)
def _app_db(monkeypatch, sample_db_url):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)


def test_methodology_in_thai_by_default():
    at = open_page("methodology")
    assert not at.exception
    assert at.title[0].value == messages()["meth_title"]["th"]
    body = texts(at)
    assert "ผ่านค่ามาตรฐานขั้นต่ำ" in body and "ไม่มีบริการสาธารณะ" in body
    assert messages()["synthetic_banner"]["th"] in body          # the sample says it is synthetic
    assert "geoBoundaries" in "\n".join(str(c.value) for c in at.sidebar.caption)


def test_methodology_in_english_shows_the_requested_year():
    at = open_page("methodology", lang="en", year=2566)
    assert not at.exception
    assert at.title[0].value == "Method and indicator catalogue"
    assert at.selectbox(key="qp_year").value == 2566
    shown = sum(len(df.value) for df in at.dataframe[2:])       # after the outcome and size-band tables
    assert shown == len(load(2566).indicators) == 53
    assert "Added: 1.14, 1.15, 1.16" in texts(at)
    assert "Retired: 1.13" in texts(at)


def test_catalogue_marks_provenance_in_every_row():
    at = open_page("methodology", lang="en", year=2565)
    tables = [df.value for df in at.dataframe[2:]]
    provenance = [v for df in tables for v in df["Provenance"]]
    assert set(provenance) == {"verified in published reports", "illustrative"}
    assert provenance.count("verified in published reports") == (load(2565).indicators["provenance"] == "verified").sum()


def test_unknown_url_values_fall_back_instead_of_failing():
    at = open_page("methodology", lang="xx", year="abc")
    assert not at.exception
    assert at.title[0].value == messages()["meth_title"]["th"]


def test_missing_database_gives_a_plain_message(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    at = open_page("methodology")
    assert not at.exception
    assert "python -m dashboard seed" in texts(at)


def test_an_unexpected_error_gives_the_visitor_a_plain_message_not_a_traceback(caplog):
    """What st.App's on_script_error shows when a page run fails (dashboard/routes.py)."""
    from streamlit.testing.v1 import AppTest

    def script():
        from dashboard.routes import unexpected_error
        unexpected_error(RuntimeError("boom at /work/secret/path.py"))

    at = AppTest.from_function(script).run()
    assert [e.value for e in at.error] == [messages()["unexpected_error"]["th"]]
    assert "boom" not in repr([e.value for e in at.error])
