"""Indicators page: rankings and per-indicator figures equal an independent computation."""
from __future__ import annotations

import sqlite3

import pytest

from dashboard.format import md_escape
from tests.app.apptest import open_page, texts

YEAR = 2568


@pytest.fixture(autouse=True)
def _app_db(monkeypatch, sample_db_url):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)


def table_with(at, column: str):
    """The one table on the page with `column`."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def rates(url, year, group, where="", args=()):
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(
            f"SELECT {group}, 100.0 * SUM(outcome = 'pass') / SUM(outcome != 'no_service') FROM result r "
            f"JOIN lao l ON l.code = r.lao_code WHERE year = ? {where} GROUP BY {group}", (year, *args)).fetchall()
    return dict(rows)


@pytest.mark.parametrize("type_code", [None, "sao", "subdistrict_mun"])
def test_domains_ranked_by_pass_rate(sample_db_url, type_code):
    params = {"year": YEAR, "lang": "en"} | ({"type": type_code} if type_code else {})
    at = open_page("indicators", **params)
    assert not at.exception
    where, args = ("AND l.type = ?", (type_code,)) if type_code else ("", ())
    expected = rates(sample_db_url, YEAR, "r.domain", where, args)
    table = at.dataframe[0].value
    shown = dict(zip(table["Domain"].str.split(".").str[0].astype(int), table["Pass rate (%)"]))
    assert shown == pytest.approx({d: round(r, 1) for d, r in expected.items()}, abs=0.051)
    assert list(table["Pass rate (%)"]) == sorted(table["Pass rate (%)"])       # worst first


@pytest.mark.parametrize("domain", [str(d) for d in range(1, 9)])
def test_every_domain_lists_its_indicators(sample_db_url, domain):
    at = open_page("indicators", year=YEAR, domain=domain, lang="en")
    assert not at.exception
    expected = rates(sample_db_url, YEAR, "r.indicator_code", "AND r.domain = ?", (int(domain),))
    table = at.dataframe[1].value
    shown = dict(zip(table["Indicator"].str.split(" ").str[0], table["Pass rate (%)"]))
    assert shown == pytest.approx({c: round(r, 1) for c, r in expected.items()}, abs=0.051)


def test_one_indicator_by_type_marks_types_it_does_not_apply_to(sample_db_url):
    at = open_page("indicators", year=YEAR, domain=1, indicator="1.01", lang="en")
    by_type = at.dataframe[2].value.set_index("Type")["Pass rate (%)"]
    expected = rates(sample_db_url, YEAR, "l.type", "AND r.indicator_code = '1.01'")
    assert by_type["Subdistrict Administrative Organization"] == f"{expected['sao']:.1f}%"
    assert by_type["Provincial Administrative Organization"] == "does not apply to this type"


def test_indicator_absent_in_a_year_is_said_so_not_zero():
    at = open_page("indicators", year=2565, domain=1, indicator="1.14", lang="en")
    assert not at.exception
    assert "not in the 2565 catalogue" in texts(at)
    at = open_page("indicators", year=YEAR, domain=1, indicator="1.14", view="trend", lang="en")
    history = table_with(at, "Year (B.E.)").set_index("Year (B.E.)")["Pass rate (%)"]
    assert history["2565"] == "not in this round"
    assert history["2566"].endswith("%")


def test_failing_laos_link_to_their_scorecards(sample_db_url):
    at = open_page("indicators", year=YEAR, domain=1, indicator="1.01", lang="en")
    with sqlite3.connect(sample_db_url.removeprefix("sqlite:///")) as conn:
        (n,), = conn.execute("SELECT COUNT(*) FROM result WHERE year = ? AND indicator_code = '1.01' "
                             "AND outcome IN ('fail', 'not_done')", (YEAR,)).fetchall()
    table = table_with(at, "Scorecard")
    assert len(table) == n > 0
    assert table["Scorecard"].str.match(rf"lao\?lao=\d{{7}}&year={YEAR}&lang=en").all()


def test_illustrative_indicators_are_marked():
    at = open_page("indicators", year=YEAR, domain=3, lang="en")
    names = list(at.dataframe[1].value["Indicator"])
    assert names and all(n.endswith("✳") for n in names)     # domain 3 has no verified indicator


# --- item 14.2: the sidebar's type and region reach every part of the page --------------------------------

def scorecard_codes(table) -> set[str]:
    return set(table["Scorecard"].str.extract(r"lao=(\d{7})")[0])


def test_type_and_region_narrow_the_failing_laos_and_the_trend(sample_db_url):
    at = open_page("indicators", year=YEAR, domain=1, indicator="1.01", type="sao", region="Northeast", view="trend",
                   lang="en")
    assert not at.exception
    with sqlite3.connect(sample_db_url.removeprefix("sqlite:///")) as conn:
        expected = {c for (c,) in conn.execute(
            "SELECT r.lao_code FROM result r JOIN lao l ON l.code = r.lao_code JOIN province p "
            "ON p.code = l.province_code WHERE r.year = ? AND r.indicator_code = '1.01' AND l.type = 'sao' "
            "AND p.region6 = 'Northeast' AND r.outcome IN ('fail', 'not_done')", (YEAR,))}
        national = conn.execute("SELECT COUNT(*) FROM result WHERE year = ? AND indicator_code = '1.01' AND "
                                "outcome IN ('fail', 'not_done')", (YEAR,)).fetchone()[0]
    failing = table_with(at, "Scorecard")
    assert scorecard_codes(failing) == expected and 0 < len(expected) < national
    history = table_with(at, "Year (B.E.)").set_index("Year (B.E.)")
    trend = rates(sample_db_url, YEAR, "r.year", "AND r.indicator_code = '1.01' AND l.type = 'sao' AND "
                  "l.province_code IN (SELECT code FROM province WHERE region6 = 'Northeast')")
    assert history.at[str(YEAR), "Pass rate (%)"] == f"{trend[YEAR]:.1f}%"
    assert "Subdistrict Administrative Organization, Northeast" in texts(at)      # the view is named


def test_an_indicator_that_does_not_apply_to_the_type_is_not_offered_and_says_so(sample_db_url):
    with sqlite3.connect(sample_db_url.removeprefix("sqlite:///")) as conn:
        cat = conn.execute("SELECT code, domain, applies_to FROM indicator WHERE year = ?", (YEAR,)).fetchall()
    code, domain = next((c, d) for c, d, a in cat if "pao" not in a.split(";"))
    at = open_page("indicators", year=YEAR, domain=domain, indicator=code, type="pao", lang="en")
    assert not at.exception
    assert f"Indicator {md_escape(code)} does not apply to" in texts(at)
    offered = at.selectbox(key="qp_indicator").options
    assert offered and not any(o.startswith(code + " ") for o in offered)
    applies = {c for c, d, a in cat if d == int(domain) and "pao" in a.split(";")}
    assert {o.split(" ")[0] for o in offered} == applies


def test_titles_name_the_view_and_thai_tables_have_thai_headers():
    at = open_page("indicators", year=YEAR, domain=1, type="town", region="South")
    assert not at.exception
    assert at.title[0].value.endswith("เทศบาลเมือง ภาคใต้") and "ทั้งประเทศ" not in at.title[0].value
    domains = at.dataframe[0].value
    assert {"อัตราผ่าน (%)", "ผ่านค่ามาตรฐานขั้นต่ำ", "ไม่ผ่าน"} <= set(domains.columns)
    assert not {"pass", "fail", "not_done", "assessed", "pass_rate"} & set(domains.columns)


def test_a_view_without_results_says_so_instead_of_empty_tables():
    at = open_page("indicators", year=YEAR, type="city", region="South", lang="en")   # none in the small sample
    assert not at.exception
    assert "has no results for City municipality, South" in texts(at)
    assert not at.dataframe and not at.get("download_button")



def columns(at, but: str | None = None) -> set[str]:
    return {c for d in at.dataframe if but not in d.value.columns for c in d.value.columns}


def test_one_indicator_by_type_map_and_trend_are_tabs_kept_in_the_url_and_only_the_open_one_is_drawn(sample_db_url):
    at = open_page("indicators", year=YEAR, domain=1, indicator="1.01", lang="en")
    assert not at.exception
    assert [t.label for t in at.tabs][-3:] == ["By LAO type", "Map by province", "Over the rounds"]
    shown = columns(at, but="Scorecard")           # the failing LAOs' table has a province column of its own
    assert "Type" in shown and not {"Year (B.E.)", "Province"} & shown
    assert len(at.get("plotly_chart")) == 3          # domains, the domain's indicators, by type: no map
    at = open_page("indicators", year=YEAR, domain=1, indicator="1.01", view="map", region="South", lang="en")
    assert not at.exception
    prov = table_with(at, "Code")
    with sqlite3.connect(sample_db_url.removeprefix("sqlite:///")) as conn:
        south = {c for (c,) in conn.execute("SELECT code FROM province WHERE region6 = 'South'")}
    assert set(prov["Code"]) == south and "Pass rate (%)" in prov.columns
    assert "Type" not in columns(at, but="Scorecard")
