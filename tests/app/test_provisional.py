"""An unpublished round seen truthfully (issue 10.6): every page marks it provisional; someone who sees only
part of it (a monitor, an LAO's staff) never gets their own rows passed off as the province's, the region's or
the nation's, nor "not submitted" for LAOs outside their access; trends mark the round with * for those who see
it whole and leave it out for the others."""
from __future__ import annotations

import json
import sqlite3

import pytest

from dashboard.i18n import messages
from tests.accounts import ACCOUNTS, write_accounts_file
from tests.app.apptest import open_page, plotly_specs, texts

OPEN, PUBLISHED = 2569, 2568


def m(key: str, **kw) -> str:
    return messages()[key]["th"].format(**kw)


@pytest.fixture
def submitted30(sample_db_url) -> str:
    """An LAO of province 30 with provisional results in the open round (it submitted)."""
    with sqlite3.connect(sample_db_url.split("///", 1)[1]) as con:
        return con.execute("SELECT s.lao_code FROM summary s JOIN lao l ON l.code = s.lao_code WHERE s.year = ? "
                           "AND s.domain = 'all' AND l.province_code = '30' AND l.type = 'sao' ORDER BY 1 LIMIT 1",
                           (OPEN,)).fetchone()[0]


@pytest.fixture(autouse=True)
def _app(monkeypatch, sample_db_url, tmp_path, submitted30):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)
    accounts = dict(ACCOUNTS, lao={"role": "lao", "lao": submitted30})
    monkeypatch.setenv("LAO_ACCOUNTS_FILE", str(write_accounts_file(tmp_path / "accounts.toml", accounts)))


def notices(at) -> list[str]:
    return [str(e.value) for e in [*at.warning, *at.info]]


def banner(year: int = OPEN) -> str:
    return m("provisional_round", year=f"พ.ศ. {year}")


def test_the_round_picker_marks_an_unpublished_round_and_not_a_published_one():
    at = open_page("overview", user="exec", year=OPEN)
    assert not at.exception and banner() in notices(at)
    assert at.metric, "executives see the whole round, so its national figures are real"
    published = open_page("overview", user="exec", year=PUBLISHED)
    assert not published.exception and not [n for n in notices(published) if "ผลเบื้องต้น" in n]


@pytest.mark.parametrize("page", ["overview", "indicators"])
@pytest.mark.parametrize("user", ["mon30", "lao"])
def test_the_nation_is_withheld_from_someone_who_sees_part_of_the_round(page, user):
    at = open_page(page, user=user, year=OPEN)
    assert not at.exception
    assert m("withheld_nation") in notices(at) and banner() in notices(at)
    assert not at.metric and not at.dataframe and not plotly_specs(at)


def trend_years(at) -> list[str]:
    """The x values of the overview's trend (the one line chart with category years)."""
    for spec in plotly_specs(at):
        for trace in spec["data"]:
            if trace.get("type") == "scatter" and trace.get("mode") == "lines+markers+text":
                return [str(x) for x in trace["x"]]
    raise AssertionError("no trend chart")


def test_a_published_overview_trend_leaves_the_partial_round_out_and_stars_it_for_executives():
    monitor = open_page("overview", user="mon30", year=PUBLISHED)
    assert not monitor.exception
    assert not [y for y in trend_years(monitor) if y.startswith(str(OPEN))]
    executive = open_page("overview", user="exec", year=PUBLISHED)
    years = trend_years(executive)
    assert f"{OPEN}*" in years and str(PUBLISHED) in years
    assert m("provisional_star") in texts(executive)
    public = open_page("overview", year=PUBLISHED)
    assert str(OPEN) not in json.dumps(trend_years(public)) and m("provisional_star") not in texts(public)


def test_a_monitor_sees_their_province_without_false_comparisons():
    at = open_page("province", user="mon30", year=OPEN, province="30")
    assert not at.exception and banner() in notices(at)
    labels = [x.label for x in at.metric]
    assert len(labels) == 2 and not [x for x in labels if "ทั้งประเทศ" in x or "ภาค" in x], labels
    assert m("withheld_comparisons") in notices(at)
    peers = open_page("province", user="mon30", year=OPEN, province="30", view="peers")
    assert not peers.exception and m("withheld_peers") in notices(peers)
    # ranks among the monitor's own rows are no national position: the percentile column is empty
    rank = m("province_col_percentile")
    laos = [df.value for df in at.dataframe if rank in df.value.columns]
    assert len(laos) == 1 and len(laos[0]) > 1 and laos[0][rank].isna().all()
    whole = open_page("province", user="exec", year=OPEN, province="30")
    assert len(whole.metric) == 4 and m("withheld_comparisons") not in notices(whole)


@pytest.mark.parametrize("user, province", [("mon30", "81"), ("lao", "30"), ("mon81", "30")])
def test_a_province_outside_the_users_access_is_withheld_not_shown_as_not_submitted(user, province):
    at = open_page("province", user=user, year=OPEN, province=province)
    assert not at.exception
    assert m("withheld_province") in notices(at)
    assert not at.dataframe and not at.metric


def test_an_lao_sees_its_own_provisional_scorecard_with_the_peers_withheld(submitted30):
    at = open_page("lao", user="lao", year=OPEN, lao=submitted30)
    assert not at.exception and banner() in notices(at)
    assert m("withheld_peers") in texts(at)
    assert m("lao_no_peers") not in texts(at)
    trend = open_page("lao", user="lao", year=OPEN, lao=submitted30, tab="trend")
    assert m("provisional_star") in texts(trend)
    columns = [c for df in trend.dataframe for c in df.value.columns] + [
        c for tb in trend.table for c in tb.value.columns]
    assert f"{OPEN}*" in columns and str(PUBLISHED) in columns
