"""Overview page: figures shown equal an independent computation from the database."""
from __future__ import annotations

import sqlite3

import pytest

from tests.app.apptest import open_page, plotly_specs
from tests.app.plotly_values import values

YEAR = 2568


@pytest.fixture(autouse=True)
def _app_db(monkeypatch, sample_db_url):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)


def sql(url: str, query: str, *args):
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(query, args).fetchall()


def national(url, year, type_code=None):
    where = "AND l.type = ?" if type_code else ""
    args = (year, type_code) if type_code else (year,)
    (p, f, nd, n_sub), = sql(url, "SELECT SUM(n_pass), SUM(n_fail), SUM(n_not_done), COUNT(*) FROM summary s "
                                  f"JOIN lao l ON l.code = s.lao_code WHERE s.year = ? AND s.domain = 'all' {where}",
                             *args)
    (n_all,), = sql(url, f"SELECT COUNT(*) FROM lao l WHERE 1=1 {where.replace('AND', 'AND', 1)}",
                    *((type_code,) if type_code else ()))
    return 100 * p / (p + f + nd), n_sub, n_all


def metric(at, i):
    return at.metric[i].value


@pytest.mark.parametrize("type_code", [None, "sao", "town"])
def test_headline_figures_match_the_database(sample_db_url, type_code):
    params = {"year": YEAR, "lang": "en"} | ({"type": type_code} if type_code else {})
    at = open_page("overview", **params)
    assert not at.exception
    rate, n_sub, n_all = national(sample_db_url, YEAR, type_code)
    prev, _, _ = national(sample_db_url, YEAR - 1, type_code)
    assert metric(at, 0) == f"{n_sub:,} / {n_all:,}"
    assert metric(at, 1) == f"{rate:.1f}%"
    assert metric(at, 3) == f"{rate - prev:+.1f} pp"           # English: percentage points


def test_share_of_laos_passing_everything(sample_db_url):
    at = open_page("overview", year=YEAR)
    (n_all_pass, n_sub), = sql(sample_db_url, "SELECT SUM(n_fail = 0 AND n_not_done = 0 AND n_pass > 0), COUNT(*) "
                                              "FROM summary WHERE year = ? AND domain = 'all'", YEAR)
    assert metric(at, 2) == f"{100 * n_all_pass / n_sub:.1f}%"


@pytest.mark.parametrize("metric_name", ["pass_rate", "coverage", "change", "domain"])
def test_every_metric_draws_all_77_provinces(metric_name):
    at = open_page("overview", year=YEAR, metric=metric_name, domain=3)
    assert not at.exception
    spec = plotly_specs(at)[0]
    drawn = [loc for trace in spec["data"] for loc in values(trace.get("locations", []))]
    assert len(set(drawn)) == 77


def test_province_values_on_the_map(sample_db_url):
    at = open_page("overview", year=YEAR, metric="domain", domain=3)
    (p, f, nd), = sql(sample_db_url, "SELECT SUM(n_pass), SUM(n_fail), SUM(n_not_done) FROM summary s JOIN lao l "
                                     "ON l.code = s.lao_code WHERE year = ? AND domain = '3' AND l.province_code = '81'",
                      YEAR)
    spec = plotly_specs(at)[0]
    valued = [t for t in spec["data"] if t.get("showscale", True) and "z" in t]    # the grey 'no data' trace has no scale
    shown = dict(zip(values(valued[0]["locations"]), values(valued[0]["z"])))
    assert shown["81"] == pytest.approx(100 * p / (p + f + nd))
    assert "40" not in shown                      # Khon Kaen has no LAOs in the small sample: no value


def test_filters_are_restored_from_the_url():
    at = open_page("overview", year=2566, type="subdistrict_mun", region="South", metric="coverage", lang="en")
    assert at.selectbox(key="qp_year").value == 2566
    assert at.selectbox(key="qp_type").value == "subdistrict_mun"
    assert at.selectbox(key="qp_region").value == "South"
    assert at.selectbox(key="qp_metric").value == "coverage"
    assert at.title[0].value == "Minimum-standard assessment: Subdistrict municipality, South"


def test_a_link_value_that_is_not_a_choice_is_named_not_dropped_silently():
    at = open_page("overview", year=2566, region="northeast", type="sao,town", lang="en")
    notices = [i.value for i in at.info if "not a choice here" in i.value]
    assert len(notices) == 2, notices
    assert any("Region “northeast”" in n for n in notices) and any("“sao,town”" in n for n in notices)
    assert at.selectbox(key="qp_region").value == "all" and at.selectbox(key="qp_year").value == 2566
    at = open_page("overview", year=2566, region="Northeast", lang="en")            # a real choice: no notice
    assert not [i.value for i in at.info if "not a choice here" in i.value]


def test_choosing_a_province_offers_a_link_that_keeps_the_filters():
    at = open_page("overview", year=2567, type="sao")
    at.selectbox(key="goto_province").select("30").run()
    links = at.get("page_link")
    assert links, "no link to the province page"
    proto = links[-1].proto
    assert "province" in proto.page
    assert "province=30" in proto.query_string and "year=2567" in proto.query_string and "type=sao" in proto.query_string


# --- items 14.3, 14.4, 14.10, 14.11 ----------------------------------------------------------------------

def test_titles_headline_and_trend_name_the_view_and_the_domain():
    at = open_page("overview", year=YEAR, type="sao", region="Northeast", metric="domain", domain="3")
    assert not at.exception
    assert at.title[0].value == "ผลการประเมินมาตรฐานขั้นต่ำ: องค์การบริหารส่วนตำบล ภาคตะวันออกเฉียงเหนือ"
    rate_label = at.metric[1].label
    assert "ทั้งประเทศ" not in rate_label and "ด้าน 3" in rate_label and "ภาคตะวันออกเฉียงเหนือ" in rate_label
    trend = next(s for s in plotly_specs(at) if s["layout"].get("title", {}).get("text", "").startswith("อัตราผ่าน"))
    assert "ด้าน 3" in trend["layout"]["title"]["text"] and "ทั้งประเทศ" not in trend["layout"]["title"]["text"]
    plain = open_page("overview", year=YEAR)
    assert plain.title[0].value.endswith("ทั้งประเทศ") and plain.metric[1].label == "อัตราผ่าน: ทั้งประเทศ"


def test_the_improved_and_fell_tables_show_the_change_next_to_the_name():
    at = open_page("overview", year=YEAR, lang="en")
    movers = [d.value for d in at.dataframe if list(d.value.columns)[:2] == ["Province", "Change (points)"]]
    improved = movers[0]
    assert list(improved["Change (points)"]) == sorted(improved["Change (points)"], reverse=True)
    assert (improved["Change (points)"] > 0).all()
    # every sample province rose in 2568: "fell most" says none fell instead of listing the smallest rises
    assert len(movers) == 1 and "No province's pass rate fell since last round" in [c.value for c in at.caption]


def test_a_view_without_results_says_so_instead_of_empty_tables_and_downloads():
    at = open_page("overview", year=YEAR, type="city", region="South", lang="en")
    assert not at.exception
    assert any("has no results for City municipality, South" in i.value for i in at.info)
    assert not at.dataframe and not at.get("plotly_chart") and not at.get("download_button")


def test_the_district_table_is_not_worked_out_while_its_tab_is_hidden(monkeypatch):
    import dashboard.overview_figures as figures
    levels = []
    real = figures.area_table
    monkeypatch.setattr(figures, "area_table", lambda s, laos, by, *a: levels.append(by) or real(s, laos, by, *a))
    open_page("overview", year=YEAR)
    assert "district_code" not in levels and "province_code" in levels
    levels.clear()
    open_page("overview", year=YEAR, level="district")
    assert "district_code" in levels


def test_the_figures_are_worked_out_once_per_data_version_and_view(monkeypatch):
    """A second visitor of the same view (and a rerun) reads the figures from the cache: no area is worked out."""
    import dashboard.overview_figures as figures
    levels = []
    real = figures.area_table
    monkeypatch.setattr(figures, "area_table", lambda s, laos, by, *a: levels.append(by) or real(s, laos, by, *a))
    first = open_page("overview", year=YEAR)
    assert levels and not first.exception
    levels.clear()
    second = open_page("overview", year=YEAR)
    assert levels == [] and [m.value for m in second.metric] == [m.value for m in first.metric]
    open_page("overview", year=YEAR, type="sao")                     # another view is its own entry
    assert levels
