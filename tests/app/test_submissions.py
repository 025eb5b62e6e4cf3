"""The submissions page for every role, with its figures checked against plain SQL on the sample."""
from __future__ import annotations

import sqlite3
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

import geo
from dashboard import browser
from dashboard.i18n import messages
from sample_data.generate import open_window
from tests.accounts import ACCOUNTS, write_accounts_file
from tests.app.apptest import APP, plotly_specs, sign_in_as, texts
from tests.app.plotly_values import values

OPEN, PUBLISHED = 2569, 2568


@pytest.fixture
def lao30(sample_db_url) -> str:
    with sqlite3.connect(sample_db_url.split("///", 1)[1]) as con:
        return con.execute("SELECT code FROM lao WHERE province_code = '30' AND type = 'sao' ORDER BY code "
                           "LIMIT 1").fetchone()[0]


@pytest.fixture(autouse=True)
def _app(monkeypatch, sample_db_url, tmp_path, lao30):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)
    accounts = dict(ACCOUNTS, lao={"role": "lao", "lao": lao30})
    monkeypatch.setenv("LAO_ACCOUNTS_FILE", str(write_accounts_file(tmp_path / "accounts.toml", accounts)))


def page_as(user: str | None, **params) -> AppTest:
    """The submissions page as `user` (an account of tests/accounts.py), or signed out."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        sign_in_as(at, user)
    for k, v in params.items():
        at.query_params[k] = str(v)
    at._page_hash = calc_hash("submissions")
    return at.run()


def expected(sample_db_url, year: int, province: str | None = None, lao_type: str | None = None) -> pd.DataFrame:
    """Each LAO's status worked out independently from the tables."""
    with sqlite3.connect(sample_db_url.split("///", 1)[1]) as con:
        df = pd.read_sql("SELECT l.code AS lao_code, l.province_code, l.type, s.state, s.submitted_at, "
                         "r.window_close FROM lao l JOIN round r ON r.year = ? LEFT JOIN submission s "
                         "ON s.lao_code = l.code AND s.year = r.year AND s.is_current = 1", con, params=(year,))
    if province:
        df = df[df["province_code"] == province]
    if lao_type:
        df = df[df["type"] == lao_type]
    late = (df["state"] == "submitted") & (df["submitted_at"].str[:10] > df["window_close"].str[:10])
    df["status"] = df["state"].fillna("not_started").where(~late, "late")
    return df


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def m(key: str, lang: str = "th") -> str:
    return messages()[key][lang]


def check_metrics(at, df: pd.DataFrame, lang: str = "th") -> None:
    got = metrics(at)
    done = df["status"].isin(["submitted", "late"]).sum()
    assert got[m("submissions_expected", lang)] == f"{len(df):,}"
    assert got[m("submissions_done", lang)] == f"{done:,}"
    for s in ("late", "in_progress", "not_started"):
        assert got[m(f"submissions_status_{s}", lang)] == f"{(df['status'] == s).sum():,}", s


def worklist(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if m("submissions_col_status") in d.value.columns)


def test_the_public_sees_published_rounds_only(sample_db_url):
    at = page_as(None)
    assert not at.exception
    years = at.selectbox(key="qp_year").options
    assert str(OPEN) not in " ".join(years) and at.selectbox(key="qp_year").value == PUBLISHED
    assert m("submissions_public_note") in texts(at)
    check_metrics(at, expected(sample_db_url, PUBLISHED))
    at = page_as(None, year=OPEN)                        # asking for the open round in the URL changes nothing
    assert at.selectbox(key="qp_year").value == PUBLISHED


def test_an_executive_follows_the_open_round_nationally(sample_db_url):
    at = page_as("exec")
    assert not at.exception
    assert at.selectbox(key="qp_year").value == OPEN      # the open round is the default
    df = expected(sample_db_url, OPEN)
    check_metrics(at, df)
    left = (open_window()[1] - date.today()).days         # the sample's window is set around today
    assert left > 0 and m("submissions_days_left").format(days=left) in texts(at)
    specs = plotly_specs(at)
    assert len(specs) == 1 and specs[0]["data"][0]["type"] in ("choropleth", "choroplethmap", "choroplethmapbox")
    chart = at.get("plotly_chart")[0].proto
    assert geo.PLOTLY_CONFIG["topojsonURL"] in chart.config
    owed = df[df["status"].isin(["in_progress", "not_started"])]
    wl = worklist(at)
    assert set(wl[m("submissions_col_lao_code")]) == set(owed["lao_code"])
    assert len(wl) == len(owed) and set(wl[m("submissions_col_province")]) <= {
        "กรุงเทพมหานคร", "ชลบุรี", "นครราชสีมา", "กระบี่"}
    first_in_progress = list(wl[m("submissions_col_status")]).index(m("submissions_status_in_progress"))
    assert set(wl[m("submissions_col_status")][:first_in_progress]) == {m("submissions_status_not_started")}


def test_a_monitor_sees_only_its_province(sample_db_url):
    at = page_as("mon30", province="20")                 # another province in the URL is not honoured
    assert not at.exception
    assert at.selectbox(key="qp_province").options == ["นครราชสีมา"]
    df = expected(sample_db_url, OPEN, "30")
    check_metrics(at, df)
    wl = worklist(at)
    owed = df[df["status"].isin(["in_progress", "not_started"])]
    assert sorted(wl[m("submissions_col_lao_code")]) == sorted(owed["lao_code"])
    assert all(c[1:3] == "30" or c == "1100000" for c in wl[m("submissions_col_lao_code")])
    # the map shows the districts of province 30, coloured by their own share
    traces = plotly_specs(at)[0]["data"]
    coloured = [loc for t in traces if t.get("name") != m("submissions_map_missing") for loc in t["locations"]]
    assert coloured and all(str(c).startswith("30") and len(str(c)) == 4 for c in coloured)
    by_district = df.assign(d=df["lao_code"].str[1:5])
    assert len(coloured) <= by_district["d"].nunique()
    for d in at.dataframe:                                 # no table mentions another province's LAOs
        for col in d.value.columns:
            if col == m("submissions_col_lao_code"):
                assert set(d.value[col].str[1:3]) <= {"30"}


def test_lao_staff_see_their_own_lao(sample_db_url, lao30):
    at = page_as("lao")
    assert not at.exception
    got = metrics(at)
    assert got[m("submissions_expected")] == "1"
    assert m("submissions_scope_lao") in texts(at)


def test_type_filter_and_english(sample_db_url):
    at = page_as("exec", type="sao", lang="en")
    assert not at.exception
    assert at.title[0].value == "Submission progress"
    check_metrics(at, expected(sample_db_url, OPEN, lao_type="sao"), "en")


def test_data_from_the_files_is_shown_as_text_not_html(sample_db_url):
    at = page_as("exec")
    # the only HTML is the shell's own, fixed text (dashboard/browser.py): nothing from data
    assert {h.proto.body for h in at.get("html")} == {browser.style(), browser.script("th")}
    for md in at.markdown:
        assert "<" not in str(md.value)


def test_the_national_map_colour_range_fits_the_provinces():
    at = page_as("exec")
    assert not at.exception
    spec = plotly_specs(at)[0]
    valued = next(t for t in spec["data"] if t.get("showscale", True) and "zmin" in t)
    rates = values(valued["z"])
    assert valued["zmin"] == pytest.approx(min(rates)) and valued["zmax"] == pytest.approx(max(rates))
    assert valued["zmin"] > 0                                            # not 0-100 with one flat colour
