"""Province comparisons (scoring.compare) on small hand-made frames whose answers are worked out by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring import compare as cmp
from scoring.peers import MIN_PEERS

PROVINCES = pd.DataFrame({"province_code": ["30", "31", "50"], "region6": ["Northeast", "Northeast", "North"]})


def summary(code, n_pass, n_fail, n_not_done=0, type_="sao", province="30", population=6000, domain="all",
            district=None):
    denom = n_pass + n_fail + n_not_done
    return {"lao_code": code, "domain": domain, "n_pass": n_pass, "n_fail": n_fail, "n_not_done": n_not_done,
            "n_no_service": 0, "pass_rate": 100.0 * n_pass / denom if denom else np.nan, "type": type_,
            "province_code": province, "population": population, "district_code": district or province + "01",
            "name_th": code, "name_en": None}


def nation_frame(rows):
    return cmp.with_attributes(pd.DataFrame(rows), PROVINCES)


def test_with_attributes_adds_region_and_size_band():
    out = nation_frame([summary("a", 1, 1, population=4000), summary("b", 1, 1, province="50", population=None)])
    assert out["region"].tolist() == ["Northeast", "North"]
    assert out["size_band"].tolist() == ["S", "unknown"]


def test_headline_compares_province_region_and_nation():
    nat = nation_frame([summary("a", 8, 2), summary("b", 6, 4), summary("c", 5, 5, province="31"),
                        summary("d", 1, 9, province="50")])
    prev = pd.DataFrame([summary("a", 5, 5), summary("b", 5, 5)])
    h = cmp.headline(nat, "30", prev)
    assert h["province"] == pytest.approx(70.0)
    assert h["region"] == pytest.approx(19 / 30 * 100)
    assert h["nation"] == pytest.approx(20 / 40 * 100)
    assert h["change"] == pytest.approx(20.0)
    assert h["n_with_results"] == 2 and h["region_code"] == "Northeast"
    assert math.isnan(cmp.headline(nat, "30")["change"])


def _province():
    laos = nation_frame([summary(c, 0, 0, type_=t, population=p, district=d)
                         for c, t, p, d in (("a", "sao", 6000, "3001"), ("b", "sao", 6000, "3001"),
                                            ("c", "pao", 900_000, "3001"), ("d", "sao", 3000, "3002"))])
    laos = laos[["lao_code", "name_th", "name_en", "type", "province_code", "district_code", "population", "region",
                 "size_band"]]
    dom = pd.DataFrame([summary("a", 8, 2), summary("a", 2, 0, domain="1"), summary("a", 1, 1, domain="2"),
                        summary("b", 5, 5), summary("b", 1, 3, domain="1"),
                        summary("c", 9, 1, type_="pao", population=900_000)])
    prev = pd.DataFrame([summary("a", 5, 5), summary("c", 9, 1)])
    states = pd.DataFrame({"lao_code": ["a", "b", "c"], "state": ["submitted", "submitted", "in_progress"]})
    return laos, dom, prev, states


def test_lao_table_keeps_every_lao_with_domains_change_and_peers():
    laos, dom, prev, states = _province()
    ranks = cmp.peer_ranks(nation_frame(dom[dom["domain"] == "all"].to_dict("records")))
    t = cmp.lao_table(laos, dom, prev, ranks, states).set_index("lao_code")
    assert list(t.index) == ["a", "b", "c", "d"]
    assert t.at["a", "pass_rate"] == 80 and t.at["a", "d1"] == 100 and t.at["a", "d2"] == 50
    assert math.isnan(t.at["a", "d3"]) and t.at["b", "d1"] == 25
    assert t.at["a", "change"] == pytest.approx(30) and math.isnan(t.at["b", "change"]) and t.at["c", "change"] == 0
    assert t.at["d", "state"] == "not_started" and t.at["c", "state"] == "in_progress"
    assert math.isnan(t.at["d", "pass_rate"]) and t.at["a", "n_assessed"] == 10
    # a and b are the only two 'sao M' peers: a is above b; both groups are far below MIN_PEERS
    assert t.at["a", "percentile"] == 100 and t.at["b", "percentile"] == 50 and t.at["a", "n_peers"] == 2
    assert t.loc[["a", "b", "c"], "small_group"].all() and not t.at["d", "small_group"]


def test_sort_table_puts_missing_values_last_in_both_directions():
    t = pd.DataFrame({"lao_code": ["a", "b", "c", "d"], "pass_rate": [50, np.nan, 10, 50],
                      "change": [1, 2, np.nan, -5], "percentile": [1, 2, 3, 4]})
    assert cmp.sort_table(t, "pass_rate")["lao_code"].tolist() == ["c", "a", "d", "b"]
    assert cmp.sort_table(t, "-pass_rate")["lao_code"].tolist() == ["a", "d", "c", "b"]
    assert cmp.sort_table(t, "change")["lao_code"].tolist() == ["d", "a", "b", "c"]
    assert cmp.sort_table(t, "-change")["lao_code"].tolist() == ["b", "a", "d", "c"]
    assert cmp.sort_table(t.iloc[::-1], "code")["lao_code"].tolist() == ["a", "b", "c", "d"]
    assert set(cmp.SORTS) >= {"pass_rate", "-pass_rate", "change", "percentile", "code"}


def test_search_is_plain_text_and_case_blind():
    t = pd.DataFrame({"lao_code": ["6300101", "5300102"], "name_th": ["โนนสูง", "ครบุรี"],
                      "name_en": ["Non Sung", None], "district": ["โนนสูง", "ครบุรี"]})
    assert cmp.search(t, "non sung")["lao_code"].tolist() == ["6300101"]
    assert cmp.search(t, "ครบุรี")["lao_code"].tolist() == ["5300102"]
    assert cmp.search(t, "530")["lao_code"].tolist() == ["5300102"]
    assert len(cmp.search(t, ".*")) == 0 and len(cmp.search(t, "  ")) == 2


def test_district_rates_pool_counts_leave_out_the_pao_and_flag_low_coverage():
    laos, dom, prev, states = _province()
    t = cmp.lao_table(laos, dom, prev, pd.DataFrame(columns=["percentile", "n_peers", "small_group"]), states)
    d = cmp.district_rates(t).set_index("district_code")
    assert d.at["3001", "pass_rate"] == pytest.approx(13 / 20 * 100)       # a and b; the PAO c left out
    assert d.at["3001", "n_laos"] == 2 and d.at["3001", "n_with_results"] == 2
    assert not d.at["3001", "low_coverage"]
    assert math.isnan(d.at["3002", "pass_rate"]) and d.at["3002", "low_coverage"]


def _peer_nation():
    rows = [summary(f"p{i}", 10 + i, 10 - i, type_="sao", province="30" if i < 3 else "31" if i < 6 else "50")
            for i in range(12)]
    rows += [summary("x", 20, 0, type_="town", population=20_000, province="50")]
    return nation_frame(rows)


def test_peer_groups_give_medians_per_scope_and_flag_small_groups():
    g = cmp.peer_groups(_peer_nation(), "sao", "M", "30", "Northeast").set_index("scope")
    assert g.at["province", "n_peers"] == 3 and g.at["province", "median_pass"] == 11
    assert g.at["region", "n_peers"] == 6 and g.at["region", "median_pass"] == 12.5
    assert g.at["nation", "n_peers"] == 12 and g.at["nation", "median_pass"] == 15.5
    assert (g["median_assessed"] == 20).all()
    assert g["small"].tolist() == [True, True, 12 < MIN_PEERS]


def test_lao_benchmark_places_the_lao_within_each_scope():
    b = cmp.lao_benchmark(_peer_nation(), "p2").set_index("scope")
    assert b.at["province", "lao_pass"] == 12 and b.at["province", "lao_assessed"] == 20
    assert b.at["province", "percentile"] == 100                          # best of p0..p2
    assert b.at["nation", "percentile"] == pytest.approx(3 / 12 * 100)
    assert cmp.lao_benchmark(_peer_nation(), "nope").empty


def test_benchmark_picks_an_lao_or_the_largest_group():
    nat = _peer_nation()
    table = nat[nat["province_code"] == "30"].assign(lao_code=lambda d: d["lao_code"])
    typ, band, members, bench = cmp.benchmark(nat, table, "30", "Northeast", lao="p1")
    assert (typ, band, members) == ("sao", "M", ["p1"]) and "percentile" in bench
    typ, band, members, bench = cmp.benchmark(nat, table, "30", "Northeast")
    assert (typ, band) == ("sao", "M") and members == ["p0", "p1", "p2"] and "percentile" not in bench
    assert cmp.province_groups(table).to_dict() == {"sao:M": 3}


def test_domain_benchmark_medians_per_domain():
    rows = [summary(c, p, 4 - p, domain=d, province=pr) for c, pr in (("a", "30"), ("b", "30"), ("c", "50"))
            for d, p in (("1", {"a": 4, "b": 2, "c": 0}[c]), ("all", {"a": 3, "b": 1, "c": 1}[c]))]
    out = cmp.domain_benchmark(nation_frame(rows), "sao", "M", "30", "Northeast", ["a"])
    assert out.at["1", "members"] == 100 and out.at["1", "province"] == 75 and out.at["1", "nation"] == 50
    assert out.at["all", "region"] == 50 and math.isnan(out.at["5", "nation"])


def test_compare_domains():
    dom = pd.DataFrame([summary("a", 4, 0, domain="1"), summary("b", 2, 2, domain="1"),
                        summary("a", 1, 1, domain="2"), summary("b", 1, 1, domain="2")])
    wide = cmp.compare_domains(dom, ["b", "a"])
    assert list(wide.columns) == ["b", "a", "spread"]
    assert wide.at["1", "spread"] == 50 and wide.at["2", "spread"] == 0


def test_compare_indicators_flags_rows_that_differ():
    res = pd.DataFrame({"lao_code": ["a", "b", "a", "b", "a"],
                        "indicator_code": ["1.01", "1.01", "1.02", "1.02", "1.03"],
                        "domain": [1, 1, 1, 1, 1], "outcome": ["pass", "fail", "pass", "pass", "fail"]})
    out = cmp.compare_indicators(res, ["a", "b"]).set_index("indicator_code")
    assert out["differs"].to_dict() == {"1.01": True, "1.02": False, "1.03": False}
    assert list(out.index) == ["1.01", "1.02", "1.03"] and pd.isna(out.at["1.03", "b"])


def _results():
    rows = [("a", "1.01", "fail"), ("a", "1.02", "fail"), ("a", "2.01", "pass"),
            ("b", "1.01", "pass"), ("b", "1.02", "not_done"), ("b", "2.01", "no_service"),
            ("c", "1.01", "pass"), ("c", "1.02", "fail")]
    df = pd.DataFrame(rows, columns=["lao_code", "indicator_code", "outcome"])
    df["domain"] = df["indicator_code"].str[0].astype(int)
    return df


def test_outcome_matrix_orders_by_problems_or_code():
    m = cmp.outcome_matrix(_results())
    assert list(m.index) == ["a", "b", "c"] and list(m.columns) == ["n_fail", "n_not_done", "1.02", "1.01", "2.01"]
    assert m.loc["a", "n_fail"] == 2 and m.loc["b", "n_not_done"] == 1 and m.loc["b", "2.01"] == "no_service"
    assert pd.isna(m.loc["c", "2.01"])
    by_code = cmp.outcome_matrix(_results(), "code")
    assert list(by_code.columns) == ["n_fail", "n_not_done", "1.01", "1.02", "2.01"]


def test_indicator_problems_counts_laos_per_outcome():
    p = cmp.indicator_problems(_results()).set_index("indicator_code")
    assert list(p.index) == ["1.02", "1.01", "2.01"]
    assert p.at["1.02", "fail"] == 2 and p.at["1.02", "not_done"] == 1 and p.at["1.02", "problem_share"] == 100
    assert p.at["2.01", "n_assessed"] == 1 and p.at["2.01", "no_service"] == 1 and p.at["2.01", "problem_share"] == 0
