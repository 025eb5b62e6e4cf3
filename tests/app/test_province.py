"""The province page on the small sample: picker, table and sorting, peers, comparison, matrix, flags.

Figures on the page are checked against independent computations from the database in plain SQL and
pandas (not the scoring.compare functions the page uses)."""
from __future__ import annotations

import re
import sqlite3

import numpy as np
import pandas as pd
import pytest

from dashboard.format import pct
from dashboard.theme import OUTCOME_TINTS
from tests.app.apptest import open_page, plotly_specs, texts


@pytest.fixture(autouse=True)
def _app_db(monkeypatch, sample_db_url):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)


@pytest.fixture(scope="module")
def sql(sample_db_url):
    conn = sqlite3.connect(sample_db_url.removeprefix("sqlite:///"))
    yield lambda q, *a: pd.read_sql_query(q, conn, params=a)
    conn.close()


def overall(sql, year):
    return sql("SELECT s.*, l.type, l.province_code, l.district_code, l.population, p.region6 AS region "
               "FROM summary s JOIN lao l ON l.code = s.lao_code JOIN province p ON p.code = l.province_code "
               "WHERE s.year = ? AND s.domain = 'all'", year)


def band(pop):
    """Size bands as documented on the methodology page: under 5,000 / 10,000 / 50,000 / more."""
    return np.select([pop.isna(), pop < 5000, pop < 10000, pop < 50000], ["unknown", "S", "M", "L"], "XL")


def table(at, i=-1):
    return at.dataframe[i].value


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- picker and arrival --------------------------------------------------------------------------------------

def test_arrival_from_the_overview_keeps_its_filters(sql):
    at = ok(open_page("province", province="81", year=2567, type="sao", lang="en"))
    assert at.selectbox(key="qp_province").value == "81" and at.selectbox(key="qp_year").value == 2567
    assert at.selectbox(key="qp_type").value == "sao"
    assert at.title[0].value.startswith("Krabi")
    saos = sql("SELECT code FROM lao WHERE province_code = '81' AND type = 'sao'")["code"]
    t = table(at)
    assert len(t) == len(saos)
    assert set(t["LAO code"]) == {f"lao?lao={c}&year=2567&lang=en" for c in saos}
    assert set(t["Type"]) == {"SAO"}


def test_picker_changes_the_province_and_the_url(sql):
    at = ok(open_page("province", year=2568))
    assert at.selectbox(key="qp_province").value == "30"              # default: the largest sample province
    at.selectbox(key="qp_province").set_value("20").run()
    ok(at)
    assert at.query_params["province"] == "20"
    assert len(table(at)) == len(sql("SELECT code FROM lao WHERE province_code = '20'"))
    assert "ชลบุรี" in at.title[0].value


def test_headline_figures_match_plain_sql(sql):
    at = ok(open_page("province", province="30", year=2568))
    cur, prev = overall(sql, 2568), overall(sql, 2567)

    def pooled(df):
        return 100 * df["n_pass"].sum() / (df["n_pass"] + df["n_fail"] + df["n_not_done"]).sum()
    here = cur[cur["province_code"] == "30"]
    metrics = {m.label: m for m in at.metric}
    assert metrics["อัตราผ่านของจังหวัดนครราชสีมา"].value == pct(pooled(here))
    assert metrics["อัตราผ่าน: ทั้งประเทศ"].value == pct(pooled(cur))
    assert metrics["อัตราผ่านของภาคตะวันออกเฉียงเหนือ"].value == pct(pooled(cur[cur["region"] == "Northeast"]))
    change = pooled(here) - pooled(prev[prev["province_code"] == "30"])
    assert metrics["จังหวัดนี้เปลี่ยนจากรอบก่อน"].value == f"{change:+.1f} จุด"
    assert f"{len(here)} จาก {len(sql('SELECT code FROM lao WHERE province_code = ?', '30'))}" in texts(at)


def test_district_map_shows_every_district_of_the_province(sql):
    at = ok(open_page("province", province="81", year=2568))
    spec = plotly_specs(at)[0]
    shown = {loc for trace in spec["data"] for loc in trace.get("locations", [])}
    assert shown == set(sql("SELECT code FROM district WHERE province_code = '81'")["code"])


# --- the LAO table ----------------------------------------------------------------------------------------------

def test_table_rates_changes_and_percentiles_match_an_independent_computation(sql):
    at = ok(open_page("province", province="30", year=2568, lang="en"))
    t = table(at).assign(code=lambda d: d["LAO code"].str.extract(r"lao=(\d+)")[0]).set_index("code")
    cur, prev = overall(sql, 2568), overall(sql, 2567).set_index("lao_code")
    cur["band"] = band(cur["population"])
    cur["pctl"] = cur.groupby(["type", "band"])["pass_rate"].rank(pct=True) * 100
    cur = cur[cur["province_code"] == "30"].set_index("lao_code")
    assert np.allclose(t.loc[cur.index, "Pass rate (%)"], cur["pass_rate"], equal_nan=True)
    assert np.allclose(t.loc[cur.index, "Change since last round (points)"],
                       cur["pass_rate"] - prev["pass_rate"].reindex(cur.index), equal_nan=True)
    assert np.allclose(t.loc[cur.index, "National peer percentile"], cur["pctl"], equal_nan=True)
    d3 = sql("SELECT lao_code, pass_rate FROM summary WHERE year = 2568 AND domain = '3'").set_index("lao_code")
    assert np.allclose(t.loc[cur.index, "Domain 3 (%)"], d3["pass_rate"].reindex(cur.index), equal_nan=True)
    missing = sorted(set(t.index) - set(cur.index))                  # LAOs without a result are listed too
    assert set(t.loc[missing, "Submission"]) <= {"Not submitted", "In progress"}


def test_sorting_by_url_and_by_the_picker():
    at = ok(open_page("province", province="30", year=2568, sort="-pass_rate", lang="en"))
    rates = table(at)["Pass rate (%)"]
    filled = rates.dropna()
    assert filled.is_monotonic_decreasing and rates.iloc[: len(filled)].notna().all()
    at.selectbox(key="qp_sort").set_value("change").run()
    ok(at)
    assert at.query_params["sort"] == "change"
    change = table(at)["Change since last round (points)"].dropna()
    assert change.is_monotonic_increasing


def test_search_filters_the_table_and_is_kept_in_the_url(sql):
    at = ok(open_page("province", province="30", year=2568, lang="en"))
    at.text_input(key="province_q").set_value("63001").run()
    ok(at)
    codes = table(at)["LAO code"].str.extract(r"lao=(\d+)")[0]
    assert len(codes) and codes.str.contains("63001").all()
    assert at.query_params["q"] == "63001"
    again = ok(open_page("province", province="30", year=2568, q="63001"))
    assert len(table(again)) == len(codes)


# --- peer benchmark -------------------------------------------------------------------------------------------

def test_peer_figures_for_one_lao_match_an_independent_computation(sql):
    code = "6300204"
    at = ok(open_page("province", province="30", year=2568, view="peers", lao=code, lang="en"))
    cur = overall(sql, 2568)
    cur["band"], cur["n"] = band(cur["population"]), cur["n_pass"] + cur["n_fail"] + cur["n_not_done"]
    me = cur[cur["lao_code"] == code].iloc[0]
    peers = cur[(cur["type"] == me["type"]) & (cur["band"] == me["band"])]
    lines = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert len(lines) == 3
    scopes = (peers[peers["province_code"] == "30"], peers[peers["region"] == "Northeast"], peers)
    for line, group in zip(lines, scopes):
        assert f"{len(group)} LAOs like this pass {group['n_pass'].median():g} of {group['n'].median():g}" in line
        assert f"this one passes {me['n_pass']} of {me['n']}" in line
        share = (group["pass_rate"] < me["pass_rate"]).sum() + ((group["pass_rate"] == me["pass_rate"]).sum() + 1) / 2
        assert f"above {100 * share / len(group):.0f}% of the group" in line
    assert "⚠" not in "".join(lines)


def test_peer_figures_for_a_group_and_small_groups_are_flagged(sql):
    at = ok(open_page("province", province="30", year=2568, view="peers", group="city:XL", lang="en"))
    lines = [m.value for m in at.markdown if m.value.startswith("- **")]
    cities = overall(sql, 2568).query("type == 'city'")
    assert all("⚠" in line for line in lines[:2])                     # one city in the province and region
    n = (band(cities["population"]) == "XL").sum()
    assert f"{n} LAOs like this" in lines[2] and ("⚠" in lines[2]) == (n < 10)
    domains = table(at)
    assert list(domains.columns) == ["Domain", "Nationwide", "In the region",
                                     "In the province"]              # key column first: the nation
    assert at.selectbox(key="province_group").value == "city:XL"
    assert not any("rank" in c.lower() for c in domains.columns)     # medians, never a national league table


# --- side-by-side comparison ----------------------------------------------------------------------------------

def test_comparison_of_chosen_laos(sql):
    codes = ["2300101", "3300101", "4300201"]
    at = ok(open_page("province", province="30", year=2568, view="compare", compare=",".join(codes), lang="en"))
    assert at.multiselect(key="province_compare").value == codes
    doms, inds = at.dataframe[0].value, at.dataframe[1].value
    want = sql("SELECT lao_code, domain, pass_rate FROM summary WHERE year = 2568 AND lao_code IN (?, ?, ?)", *codes)
    want = want.pivot(index="domain", columns="lao_code", values="pass_rate")
    for code in codes:
        col = next(c for c in doms.columns if c.endswith(f"({code})"))
        shown = doms[col].str.extract(r"([\d.]+)")[0].astype(float).to_numpy()
        assert np.allclose(shown, want.loc[[*map(str, range(1, 9)), "all"], code].round(1), equal_nan=True)
    assert doms.iloc[:, 1:4].apply(lambda s: s.str.contains("▲")).to_numpy().any()
    res = sql("SELECT lao_code, indicator_code, outcome FROM result WHERE year = 2568 AND lao_code IN (?, ?, ?)",
              *codes)
    n_diff = (res.groupby("indicator_code")["outcome"].nunique() > 1).sum()
    assert (inds["Differs"] == "≠").sum() == n_diff and (inds["Differs"].iloc[:n_diff] == "≠").all()
    assert len(inds) == res["indicator_code"].nunique()


def test_comparison_keeps_at_most_five_valid_laos():
    many = "3300101,4300201,5300101,5300102,5300103,5300104,9999999"
    at = ok(open_page("province", province="30", year=2568, view="compare", compare="9999999," + many))
    assert at.multiselect(key="province_compare").value == many.split(",")[:5]
    one = ok(open_page("province", province="30", year=2568, view="compare", compare="3300101"))
    assert not one.dataframe and "อย่างน้อย 2 แห่ง" in texts(one)


def test_choices_made_on_the_page_go_into_the_url():
    at = ok(open_page("province", province="30", year=2568, view="compare"))
    at.multiselect(key="province_compare").set_value(["3300101", "4300201"]).run()
    ok(at)
    assert at.query_params["compare"] == "3300101,4300201" and len(at.dataframe) == 2
    at = ok(open_page("province", province="30", year=2568, view="peers", lao="9999999"))
    assert "lao" not in at.query_params                                # an LAO of nowhere leaves the URL
    at.selectbox(key="province_lao").set_value("3300101").run()
    ok(at)
    assert at.query_params["lao"] == "3300101" and "อปท. นี้ผ่าน" in texts(at)


def test_an_empty_filter_says_so():
    at = ok(open_page("province", province="30", year=2568, type="pattaya"))
    assert not at.dataframe and not at.tabs and "ไม่มี อปท. ตามตัวกรองนี้" in texts(at)


# --- indicator x LAO matrix -----------------------------------------------------------------------------------

def test_matrix_cells_and_counts_match_the_results(sql):
    at = ok(open_page("province", province="81", year=2568, view="matrix", lang="en"))
    m = at.dataframe[0].value.set_index("LAO code")
    res = sql("SELECT r.lao_code, r.indicator_code, r.outcome FROM result r JOIN lao l ON l.code = r.lao_code "
              "WHERE r.year = 2568 AND l.province_code = '81'")
    symbols = {"pass": "✓", "fail": "✗", "not_done": "!", "no_service": "○"}
    assert set(m.index) == set(res["lao_code"])
    for r in res.sample(40, random_state=1).itertuples():
        assert m.at[r.lao_code, r.indicator_code] == symbols[r.outcome]
    fails = res[res["outcome"] == "fail"].groupby("lao_code").size().reindex(m.index, fill_value=0)
    assert (m["Failed (indicators)"] == fails).all()
    problems = m["Failed (indicators)"] + m["Not carried out (indicators)"]
    assert problems.is_monotonic_decreasing                             # most problems first
    by_ind = at.dataframe[1].value
    assert by_ind["Failed or not carried out (LAOs)"].is_monotonic_decreasing
    both = by_ind["Failed (LAOs)"] + by_ind["Not carried out (LAOs)"]
    assert (by_ind["Failed or not carried out (LAOs)"] == both).all()


def test_matrix_of_one_domain_sorted_by_code():
    at = ok(open_page("province", province="81", year=2568, view="matrix", domain="3", msort="code", lang="en"))
    m = at.dataframe[0].value
    inds = [c for c in m.columns if re.fullmatch(r"\d\.\d\d", c)]
    assert inds and all(c.startswith("3.") for c in inds) and inds == sorted(inds)
    assert list(m["LAO code"]) == sorted(m["LAO code"])


# --- flags and the URL ------------------------------------------------------------------------------------------

def test_copied_answers_are_flagged(sql):
    at = ok(open_page("province", province="20", year=2568, view="flags", lang="en"))
    flags = at.dataframe[0].value
    flagged = set(flags.loc[flags["What to check"].str.startswith("Same figures"), "LAO code"].str[8:15])
    vals = sql("SELECT s.lao_code, l.district_code, v.indicator_code, v.frame, v.delivered FROM indicator_value v "
               "JOIN submission s ON s.id = v.submission_id AND s.is_current JOIN lao l ON l.code = s.lao_code "
               "WHERE s.year = 2568 AND l.province_code = '20' ORDER BY s.lao_code, v.indicator_code")
    figures = vals[["frame", "delivered"]].fillna(-1).astype(float).astype(str)
    vals["answer"] = vals["indicator_code"].astype(str) + ":" + figures["frame"] + ":" + figures["delivered"]
    sig = vals.groupby(["lao_code", "district_code"])["answer"].agg("|".join).reset_index()
    sizes = sig.groupby(["district_code", "answer"])["lao_code"].transform("size")
    exact = set(sig.loc[sizes > 1, "lao_code"])
    assert exact and exact <= flagged <= set(sig.loc[sig["district_code"] == "2001", "lao_code"])


def test_collapse_and_perfect_answers_are_flagged(sql):
    at = ok(open_page("province", province="30", year=2567, view="flags", lang="en"))
    flags = at.dataframe[0].value
    jumps = set(flags.loc[flags["What to check"].str.startswith("Large jump"), "LAO code"].str[8:15])
    cur, prev = overall(sql, 2567).set_index("lao_code"), overall(sql, 2566).set_index("lao_code")
    delta = (cur["pass_rate"] - prev["pass_rate"]).dropna()
    assert jumps == set(delta[(delta.abs() >= 30) & delta.index.str[1:3].isin(["30"])].index)
    at = ok(open_page("province", province="30", year=2568, view="flags", lang="en"))
    flags = at.dataframe[0].value
    perfect = set(flags.loc[flags["What to check"].str.startswith("Passes everything"), "LAO code"].str[8:15])
    ratio = sql("SELECT r.lao_code, MIN(r.pct) AS low FROM result r JOIN indicator i ON i.year = r.year AND "
                "i.code = r.indicator_code WHERE r.year = 2568 AND i.measure = 'ratio' AND r.pct IS NOT NULL "
                "AND r.lao_code LIKE '_30%' GROUP BY r.lao_code")
    all_pass = overall(sql, 2568).query("n_fail == 0 and n_not_done == 0")["lao_code"]
    assert perfect and perfect <= set(ratio.loc[ratio["low"] >= 100, "lao_code"]) & set(all_pass)


def test_every_view_is_in_the_url_and_bad_values_fall_back():
    at = ok(open_page("province", province="99", year=1900, type="x", view="nope", compare="abc", sort="zz"))
    assert at.selectbox(key="qp_province").value == "30" and at.selectbox(key="qp_type").value == "all"
    params = {k: at.query_params.get(k) for k in ("province", "year", "type", "sort", "lang", "view")}
    # page-local choices (sort, view) stay out of the URL while they are the default
    assert params == {"province": "30", "year": "2568", "type": "all", "sort": None, "lang": "th", "view": None}
    full = dict(province="20", year="2567", type="sao", lang="en", view="matrix", domain="2", msort="code")
    again = ok(open_page("province", **full))
    assert {k: again.query_params[k] for k in full} == full
    assert len(again.get("download_button")) == 4                     # matrix and per-indicator tables


# --- items 14.3, 14.5, 14.10 ----------------------------------------------------------------------------

def test_with_a_type_the_national_figure_is_named_for_that_type():
    at = ok(open_page("province", province="30", year=2568, type="sao"))
    labels = [m.label for m in at.metric]
    assert "อัตราผ่าน: องค์การบริหารส่วนตำบล ทั้งประเทศ" in labels and "อัตราผ่าน: ทั้งประเทศ" not in labels


def test_a_link_to_an_unpublished_round_says_so_instead_of_showing_another_round():
    at = ok(open_page("province", province="30", year=2569))
    assert any("2569" in w.value for w in at.warning)
    assert not at.title or "2569" not in at.title[0].value and "2568" not in at.title[0].value
    assert not at.dataframe


def test_matrix_outcomes_carry_colour_as_well_as_their_symbol():
    at = ok(open_page("province", province="30", year=2568, view="matrix"))
    matrix = next(d for d in at.dataframe if (d.value == "✗").any().any())
    css = matrix.proto.arrow_data.styler.styles                        # the Styler's CSS, sent with the table
    assert all(OUTCOME_TINTS[o] in css for o in ("pass", "fail"))
    assert (matrix.value == "✓").any().any()                           # the symbols stay


def test_long_texts_stay_readable_flag_details_in_full_and_the_mark_beside_the_code():
    at = ok(open_page("province", province="30", year=2568, view="flags", lang="en"))
    flags = next(d.value for d in at.dataframe if "Details" in d.value.columns)
    listed = "\n".join(m.value for m in at.markdown)
    assert len(flags) and all(d.replace("%", "") in listed.replace("\\", "").replace("%", "")
                              for d in flags["Details"])     # every detail in full, as text that wraps
    at = ok(open_page("province", province="30", year=2568, view="matrix", lang="en"))
    by_indicator = next(d.value for d in at.dataframe if "Indicator name" in d.value.columns)
    marked = by_indicator["Indicator name"].str.endswith("✳")
    assert marked.any()
    assert (by_indicator.loc[marked, "Indicator"].str.endswith("✳")).all()   # seen even when the name is cut
    assert not by_indicator.loc[~marked, "Indicator"].str.contains("✳").any()


def test_the_tables_are_worked_out_once_per_data_version_and_view(monkeypatch):
    """A second visitor of the same province view reads its tables from the cache: no peer ranks, no LAO table."""
    import dashboard.province_figures as figures
    built = []
    real = figures.cmp.lao_table
    monkeypatch.setattr(figures.cmp, "lao_table", lambda *a: built.append(1) or real(*a))
    first = open_page("province", province="81", year=2568)
    assert built and not first.exception
    built.clear()
    second = open_page("province", province="81", year=2568)
    assert built == [] and [m.value for m in second.metric] == [m.value for m in first.metric]
    open_page("province", province="81", year=2568, type="sao")          # another view is its own entry
    assert built
