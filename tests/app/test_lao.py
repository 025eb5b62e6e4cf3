"""The `lao` page on the small sample: search, the scorecard's figures against an independent
computation from the database, the fix-first order, the trend, and what the public may see."""
from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from dashboard import auth
from dashboard.format import md_escape
from dashboard.i18n import messages
from scoring.laotypes import display_name
from scoring.rules import OUTCOME_LABELS
from tests.accounts import PASSWORD, write_accounts_file
from tests.app.apptest import open_page, plotly_specs, texts

YEAR = 2568


def m(key: str, lang: str = "th") -> str:
    return messages()[key][lang]


@pytest.fixture(autouse=True)
def _app_db(monkeypatch, sample_db_url):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)


@pytest.fixture(scope="module")
def con(sample_db_url):
    c = sqlite3.connect(f"file:{sample_db_url.split('///', 1)[1]}?mode=ro", uri=True)
    yield c
    c.close()


def sql(con, query, *params) -> pd.DataFrame:
    return pd.read_sql(query, con, params=params)


@pytest.fixture(scope="module")
def subject(con) -> dict:
    """An SAO of Nakhon Ratchasima with several indicators to fix in 2568 and a 2567 result."""
    row = sql(con, """SELECT l.code, l.name_th, l.name_en, l.type, l.district_code, l.population,
                      SUM(r.outcome IN ('fail', 'not_done')) AS n_bad FROM result r JOIN lao l ON l.code = r.lao_code
                      WHERE r.year = ? AND l.type = 'sao' AND l.province_code = '30' AND l.population IS NOT NULL
                      AND l.code IN (SELECT lao_code FROM result WHERE year = ?)
                      GROUP BY l.code HAVING n_bad >= 4 ORDER BY n_bad DESC, l.code LIMIT 1""", YEAR, YEAR - 1)
    return row.iloc[0].to_dict()


def metric(at, key: str) -> str:
    return next(x.value for x in at.metric if x.label == m(key))


def tables_with(at, column: str) -> list[pd.DataFrame]:
    return [t.value for t in at.table if column in t.value.columns]


# --- search ----------------------------------------------------------------------------------------

def test_without_an_lao_the_page_invites_a_search():
    at = open_page("lao")
    assert not at.exception
    assert at.title[0].value == m("lao_title")
    assert m("lao_start") in texts(at)


@pytest.mark.parametrize("query", ["คลองท่อม", "อบต.คลองท่อมใต้", "คลองทอมใต้", "klong thom tai", "6810404"])
def test_search_in_thai_english_partial_typo_or_code(query, con):
    expected = sql(con, "SELECT code, name_th, type FROM lao WHERE code = '6810404'").iloc[0]
    at = open_page("lao")
    at.text_input(key="lao_q").input(query).run()
    assert not at.exception
    labels = [b.label for b in at.button if b.key and b.key.startswith("lao_hit_")]
    assert any(lb.startswith(display_name(expected["name_th"], expected["type"])) and "6810404" in lb
               for lb in labels), labels


def test_partial_thai_name_lists_every_match_and_a_click_opens_it(con):
    names = sql(con, "SELECT code FROM lao WHERE name_th LIKE '%คลองท่อม%' ORDER BY code")["code"].tolist()
    at = open_page("lao", year=YEAR)
    at.text_input(key="lao_q").input("คลองท่อม").run()
    shown = [b.key.removeprefix("lao_hit_") for b in at.button if b.key and b.key.startswith("lao_hit_")]
    assert set(names) <= set(shown)
    at.button(key=f"lao_hit_{names[0]}").click().run()
    assert not at.exception
    assert at.query_params["lao"] == names[0]
    name = sql(con, "SELECT name_th, type FROM lao WHERE code = ?", names[0]).iloc[0]
    assert at.title[0].value == md_escape(display_name(name["name_th"], name["type"]))    # shown as text


def test_a_search_with_no_match_says_so():
    at = open_page("lao")
    at.text_input(key="lao_q").input("zzzqqxx").run()
    assert m("lao_search_none").format(q="zzzqqxx") in texts(at)


# --- scorecard figures against the database ------------------------------------------------------

def band(pop) -> str:
    if pop is None or pd.isna(pop):
        return "unknown"
    return "S" if pop < 5000 else "M" if pop < 10000 else "L" if pop < 50000 else "XL"


def test_scorecard_figures_match_an_independent_computation(subject, con):
    code = subject["code"]
    at = open_page("lao", lao=code, year=YEAR, tab="table")       # tabs are lazy: the URL opens this one
    assert not at.exception
    assert at.title[0].value == md_escape(display_name(subject["name_th"], subject["type"]))

    # overall pass rate straight from the result table
    per_lao = sql(con, """SELECT r.lao_code, l.population, SUM(r.outcome = 'pass') AS p,
                          SUM(r.outcome IN ('pass', 'fail', 'not_done')) AS j FROM result r
                          JOIN lao l ON l.code = r.lao_code WHERE r.year = ? AND l.type = ? GROUP BY r.lao_code""",
                  YEAR, subject["type"])
    per_lao["rate"] = 100.0 * per_lao["p"] / per_lao["j"]
    mine = per_lao.set_index("lao_code").loc[code]
    assert metric(at, "lao_metric_rate") == f"{mine['rate']:.1f}%"
    assert m("lao_metric_rate_delta").format(n_pass=int(mine["p"]), n_judged=int(mine["j"])) in texts(at)

    # percentile among same type and population band (all of the type when the band has < 10)
    per_lao["band"] = per_lao["population"].map(band)
    group = per_lao[per_lao["band"] == band(subject["population"])]
    if len(group) < 10:
        group = per_lao
    rates = group["rate"].to_numpy()
    v = mine["rate"]
    expected = ((rates < v).sum() + ((rates == v).sum() + 1) / 2) / len(rates) * 100
    assert metric(at, "lao_metric_percentile") == f"{expected:.0f}"

    # the official table: every applicable indicator, its figures and the official wording
    official = pd.concat(tables_with(at, m("col_frame")), ignore_index=True).set_index(m("col_code"))
    want = sql(con, """SELECT i.code, i.measure, i.target, r.outcome, r.pct, v.frame, v.delivered FROM indicator i
                       JOIN result r ON r.indicator_code = i.code AND r.year = i.year AND r.lao_code = ?
                       LEFT JOIN submission s ON s.lao_code = r.lao_code AND s.year = r.year AND s.is_current
                       LEFT JOIN indicator_value v ON v.submission_id = s.id AND v.indicator_code = i.code
                       WHERE i.year = ? ORDER BY i.code""", code, YEAR).set_index("code")
    assert list(official.index) == list(want.index)
    for c, w in want.iterrows():
        got = official.loc[c]
        assert got[m("outcome_col")] == OUTCOME_LABELS["th"][w["outcome"]]
        if w["measure"] == "ratio":
            assert got[m("col_target")] == f"{w['target']:g}%"
            assert got[m("lao_col_pct")] == ("–" if pd.isna(w["pct"]) else f"{w['pct']:,.2f}")
            assert got[m("col_frame")].split()[0] == f"{w['frame']:,.{0 if w['frame'] == int(w['frame']) else 1}f}"


def test_domain_results_are_compared_with_the_peer_median(subject):
    at = open_page("lao", lao=subject["code"], year=YEAR)
    fig = next(s for s in plotly_specs(at) if any(tr.get("type") == "bar" for tr in s["data"]))
    names = [tr["name"] for tr in fig["data"]]
    assert names == [m("lao_chart_lao"), m("lao_chart_median")]
    assert "ด้าน" in texts(at) and m("lao_domains_summary").split("{")[0] in texts(at)


def test_fix_first_order_matches_the_documented_rule(subject, con):
    code = subject["code"]
    bad = sql(con, """SELECT r.indicator_code AS code, i.measure, i.target, r.pct, v.delivered FROM result r
                      JOIN indicator i ON i.code = r.indicator_code AND i.year = r.year
                      JOIN submission s ON s.lao_code = r.lao_code AND s.year = r.year AND s.is_current
                      LEFT JOIN indicator_value v ON v.submission_id = s.id AND v.indicator_code = r.indicator_code
                      WHERE r.lao_code = ? AND r.year = ? AND r.outcome IN ('fail', 'not_done')""", code, YEAR)
    share = sql(con, """SELECT r.indicator_code AS code, 1.0 * SUM(r.outcome = 'pass') /
                        SUM(r.outcome <> 'no_service') AS share FROM result r JOIN lao l ON l.code = r.lao_code
                        WHERE r.year = ? AND l.type = ? GROUP BY r.indicator_code""", YEAR, subject["type"])
    bad = bad.merge(share, on="code", how="left").fillna({"share": 0.0})
    t = bad["target"]
    bad["short"] = np.select(
        [bad["measure"] == "ratio", bad["measure"] == "count"],
        [((t - bad["pct"]) / t).clip(lower=0).fillna(1.0), ((t - bad["delivered"]) / t).clip(lower=0).fillna(1.0)],
        np.where(bad["delivered"] >= 1, 0.0, 1.0))
    bad["priority"] = (bad["share"].rank(ascending=False, method="min") + bad["short"].rank(method="min")) / 2
    expected = bad.sort_values(["priority", "share", "short", "code"], ascending=[True, False, True, True])["code"]

    at = open_page("lao", lao=code, year=YEAR)
    fix = tables_with(at, m("lao_col_needed"))[0]
    assert [s.split()[0] for s in fix[m("col_indicator")]] == list(expected)
    assert list(fix[m("lao_col_rank")]) == list(range(1, len(expected) + 1))
    # every nearby LAO named is of the same type, passes that indicator, and is in the district if any there does
    first = expected.iloc[0]
    passers = sql(con, """SELECT l.code, l.name_th, l.type, l.district_code FROM result r
                          JOIN lao l ON l.code = r.lao_code WHERE r.year = ? AND r.indicator_code = ? AND r.outcome = 'pass' AND l.type = ?
                          AND l.province_code = '30' AND l.code <> ?""", YEAR, first, subject["type"], code)
    in_district = passers[passers["district_code"] == subject["district_code"]]
    pool = in_district if len(in_district) else passers
    cell = fix[m("lao_col_nearby")].iloc[0]
    if len(pool):
        named = [n for n in pool["name_th"] if display_name(n, subject["type"]) in cell]
        assert named and f"{len(pool)}" in cell
    else:
        assert cell == m("lao_nearby_none")


def test_needed_amount_is_in_the_indicators_unit(subject, con):
    at = open_page("lao", lao=subject["code"], year=YEAR)
    fix = tables_with(at, m("lao_col_needed"))[0]
    assert all(("เพิ่มอีก" in s) or ("ให้ได้อย่างน้อย" in s) or ("ดำเนินการ" in s) or ("กรอก" in s)
               for s in fix[m("lao_col_needed")])


def test_trend_and_changes_since_last_round(subject, con):
    code = subject["code"]
    at = open_page("lao", lao=code, year=YEAR, tab="trend")
    before = sql(con, "SELECT indicator_code, outcome FROM result WHERE lao_code = ? AND year = ?", code, YEAR - 1)
    now = sql(con, "SELECT indicator_code, outcome FROM result WHERE lao_code = ? AND year = ?", code, YEAR)
    both = before.merge(now, on="indicator_code", suffixes=("_b", "_n"))
    up = both[(both["outcome_n"] == "pass") & both["outcome_b"].isin(["fail", "not_done"])]["indicator_code"]
    down = both[(both["outcome_b"] == "pass") & both["outcome_n"].isin(["fail", "not_done"])]["indicator_code"]
    changes = tables_with(at, m("lao_col_change"))
    shown = changes[0] if changes else pd.DataFrame(columns=[m("lao_col_change"), m("col_indicator")])
    got = {(k, s.split()[0]) for k, s in zip(shown[m("lao_col_change")], shown[m("col_indicator")])}
    assert {c for k, c in got if k == m("lao_change_newly_passed")} == set(up)
    assert {c for k, c in got if k == m("lao_change_newly_failed")} == set(down)
    history = next(d.value for d in at.dataframe if m("col_indicator") in d.value.columns and "2565" in d.value.columns)
    retired = history[history[m("col_indicator")].str.startswith("1.13")]
    assert retired[str(YEAR)].iloc[0] == m("lao_absent")               # retired in 2566: absent, not zero
    assert retired["2565"].iloc[0] != m("lao_absent")


def test_english_scorecard(subject):
    at = open_page("lao", lao=subject["code"], year=YEAR, lang="en", tab="table")
    assert not at.exception
    assert at.title[0].value == md_escape(display_name(subject["name_th"], subject["type"], "en", subject["name_en"]))
    official = pd.concat(tables_with(at, m("col_frame", "en")), ignore_index=True)
    assert set(official[m("outcome_col", "en")]) <= set(OUTCOME_LABELS["en"].values())


# --- rounds and access -----------------------------------------------------------------------------

def test_an_unpublished_round_gives_the_public_a_message_not_data(subject):
    at = open_page("lao", lao=subject["code"], year=2569)
    assert not at.exception
    assert m("round_not_public").format(year="พ.ศ. 2569") in [w.value for w in at.warning]
    assert not at.metric and not at.table and not at.get("plotly_chart")
    at.button(key="round_go_published").click().run()
    assert at.query_params["year"] == str(YEAR) and at.metric


def test_a_monitor_sees_the_open_round_of_their_province(subject, con, monkeypatch, tmp_path):
    open_round = sql(con, "SELECT lao_code FROM result WHERE year = 2569 AND lao_code LIKE '_30%' LIMIT 1")
    code = open_round["lao_code"].iloc[0]
    monkeypatch.setenv(auth.ACCOUNTS_ENV, str(write_accounts_file(tmp_path / "accounts.toml")))
    at = open_page("lao", lao=code, year=2569)
    at.sidebar.text_input[0].input("mon30")
    at.sidebar.text_input[1].input(PASSWORD)
    next(b for b in at.sidebar.button if b.label == "เข้าสู่ระบบ").click()
    at.run()
    at.query_params["year"] = "2569"
    at.run()
    assert not at.exception
    assert m("lao_round_state_open") in texts(at) and at.metric


def test_the_default_round_is_the_latest_published(subject):
    at = open_page("lao", lao=subject["code"])
    assert at.selectbox(key="qp_year").value == YEAR


def test_unknown_code_and_missing_submission(con):
    at = open_page("lao", lao="9999999", year=YEAR)
    assert m("lao_unknown").format(code="9999999") in texts(at)
    missing = sql(con, """SELECT code, name_th, type FROM lao WHERE code NOT IN
                          (SELECT lao_code FROM result WHERE year = ?) ORDER BY code LIMIT 1""", YEAR).iloc[0]
    at = open_page("lao", lao=missing["code"], year=YEAR)
    assert not at.exception and not at.metric
    assert m("lao_no_results").format(name=display_name(missing["name_th"], missing["type"]),
                                      year="พ.ศ. 2568") in texts(at)


def test_downloads_are_offered_with_the_public_report_link(subject, monkeypatch):
    monkeypatch.setenv("LAO_PUBLIC_URL", "https://lao.example.go.th")
    at = open_page("lao", lao=subject["code"], year=YEAR)
    buttons = {b.proto.label for b in at.get("download_button")}
    assert {m("lao_download_pdf"), m("lao_download_pdf_en"), m("lao_download_xlsx")} <= buttons
    assert [c.value for c in at.code] == [f"https://lao.example.go.th/report/{subject['code']}/{YEAR}.pdf"]
    assert m("lao_public_link") in texts(at)


def test_without_a_public_address_no_link_is_shown_and_the_page_says_where_to_look(subject, monkeypatch):
    monkeypatch.delenv("LAO_PUBLIC_URL", raising=False)
    at = open_page("lao", lao=subject["code"], year=YEAR)
    assert not at.code and "localhost" not in texts(at)
    assert m("lao_online_elsewhere").format(code=subject["code"], year=f"พ.ศ. {YEAR}") in texts(at)


def test_the_scorecard_outcomes_carry_colour_as_well_as_their_words(con):
    from dashboard.theme import OUTCOME_TINTS
    (code,), = con.execute("SELECT lao_code FROM result WHERE year = 2568 AND outcome = 'fail' LIMIT 1").fetchall()
    at = open_page("lao", lao=code, year=2568, tab="table")
    assert not at.exception and at.table
    styles = " ".join(t.proto.arrow_data.styler.styles for t in at.table)
    assert OUTCOME_TINTS["pass"] in styles and OUTCOME_TINTS["fail"] in styles
