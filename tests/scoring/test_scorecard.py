"""One LAO's scorecard from plain frames: the official table, peers, trend and catalogue changes."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.scorecard import ABSENT, NO_SUBMISSION, Inputs, build, peer_position


def cat_rows(year, codes, retired=()):
    recs = []
    for code in codes:
        if code in retired:
            continue
        recs.append(dict(year=year, code=code, domain=int(code[0]), name_th=f"ตัวชี้วัด {code}", name_en=f"Indicator {code}",
                         mission_th=None, mission_en=None, measure="ratio", target=80.0, applies_to="sao;subdistrict_mun",
                         frame_th="กรอบ (กม.)", frame_en="Frame (km)", delivered_th="ทำได้ (กม.)", delivered_en="Done (km)",
                         unit_th="กม.", unit_en="km", provenance="illustrative", source="sample"))
    return recs


CATALOGUE = pd.DataFrame(cat_rows(2566, ["1.01", "1.13", "2.01"]) + cat_rows(2567, ["1.01", "1.14", "2.01"])
                         + cat_rows(2568, ["1.01", "1.14", "2.01"]))
LAO = dict(lao_code="6810404", name_th="คลองท่อมใต้", name_en="Khlong Thom Tai", type="sao", province_code="81",
           district_code="8104", population=3400, province_th="กระบี่", province_en="Krabi", district_th="คลองท่อม",
           district_en="Khlong Thom")


def summary(year, domain, n_pass, n_fail, n_nd=0, n_ns=0):
    denom = n_pass + n_fail + n_nd
    return dict(year=year, domain=domain, n_pass=n_pass, n_fail=n_fail, n_not_done=n_nd, n_no_service=n_ns,
                pass_rate=100 * n_pass / denom if denom else np.nan)


def inputs(**over):
    results = pd.DataFrame([
        (2566, "1.01", 1, 50.0, "fail"), (2566, "1.13", 1, 100.0, "pass"), (2566, "2.01", 2, 90.0, "pass"),
        # 2567: no submission
        (2568, "1.01", 1, 90.0, "pass"), (2568, "1.14", 1, None, "not_done"), (2568, "2.01", 2, 50.0, "fail"),
    ], columns=["year", "indicator_code", "domain", "pct", "outcome"])
    summaries = pd.DataFrame([summary(2566, "1", 1, 1), summary(2566, "2", 1, 0), summary(2566, "all", 2, 1),
                              summary(2568, "1", 1, 0, 1), summary(2568, "2", 0, 1), summary(2568, "all", 1, 1, 1)])
    # peers: 12 SAOs in the same band (population under 5,000) with overall pass rates 0, 10, ... 110 capped
    rates = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100]
    peers = [dict(lao_code=f"6{i:06d}", domain="all", pass_rate=r, population=2000) for i, r in enumerate(rates)]
    peers += [dict(lao_code=f"6{i:06d}", domain="1", pass_rate=r, population=2000) for i, r in enumerate(rates)]
    peers += [dict(lao_code="6810404", domain="all", pass_rate=100 / 3, population=3400),
              dict(lao_code="6810404", domain="1", pass_rate=50.0, population=3400),
              dict(lao_code="6999999", domain="all", pass_rate=0.0, population=90000)]      # other band
    values = pd.DataFrame([("1.01", 10.0, 9.0), ("1.14", 5.0, None), ("2.01", 4.0, 2.0)],
                          columns=["indicator_code", "frame", "delivered"])
    base = dict(lao=LAO, year=2568, rounds=pd.DataFrame({"year": [2566, 2567, 2568, 2569],
                                                          "state": ["published"] * 3 + ["open"]}),
                catalogue=CATALOGUE, values=values, results=results, summaries=summaries,
                peers=pd.DataFrame(peers),
                type_outcomes=pd.DataFrame({"indicator_code": ["1.14", "2.01"], "n_pass": [6, 3], "n_judged": [10, 10]}),
                nearby=pd.DataFrame(columns=["lao_code", "name_th", "name_en", "type", "district_code",
                                             "indicator_code", "pct"]),
                synthetic=True)
    base.update(over)
    return Inputs(**base)


@pytest.fixture(scope="module")
def card():
    return build(inputs())


def test_official_table_has_every_applicable_indicator_of_the_round(card):
    t = card.indicators.set_index("code")
    assert list(t.index) == ["1.01", "1.14", "2.01"]
    assert t.at["1.01", "frame"] == 10 and t.at["1.01", "delivered"] == 9 and t.at["1.01", "pct"] == 90
    assert t.at["1.14", "outcome"] == "not_done" and math.isnan(t.at["1.14", "pct"])
    assert (t["target"] == 80).all() and card.has_results


def test_overall_counts_and_change(card):
    o = card.overall
    assert (o.n_pass, o.n_fail, o.n_not_done, o.n_judged) == (1, 1, 1, 3)
    assert math.isclose(o.pass_rate, 100 / 3)
    assert card.prev_year == 2567 and math.isnan(o.change)     # no 2567 submission: no change figure


def test_peer_group_is_type_and_size_band():
    pos = peer_position(inputs().peers, "6810404", 3400)
    assert pos["basis"] == "type_band" and pos["band"] == "S" and pos["n_peers"] == 13
    # 33.3 is above 0, 10, 20, 30 among 13 values: average rank 5 of 13
    assert math.isclose(pos["percentile"], 5 / 13 * 100)
    assert pos["domain_medians"]["1"] == 50.0


def test_peer_group_falls_back_to_type_when_band_is_small_or_unknown():
    assert peer_position(inputs().peers, "6810404", None)["basis"] == "type"
    assert peer_position(inputs().peers, "6999999", 90000)["basis"] == "type"    # alone in its band


def test_history_marks_absent_indicators_and_missing_submissions(card):
    h = card.history.set_index("code")
    assert h.at["1.13", 2566] == "pass" and h.at["1.13", 2568] == ABSENT
    assert h.at["1.14", 2566] == ABSENT and h.at["1.14", 2568] == "not_done"
    assert (h[2567] == NO_SUBMISSION).sum() == 3 and h.at["1.13", 2567] == ABSENT
    assert 2569 not in h.columns                  # history stops at the round shown


def test_trend_keeps_missing_years_empty_not_zero(card):
    tr = card.trend.set_index(["year", "domain"])
    assert not tr.at[(2567, "all"), "submitted"] and math.isnan(tr.at[(2567, "all"), "pass_rate"])
    assert tr.at[(2566, "all"), "pass_rate"] == pytest.approx(200 / 3)


def test_changes_need_both_rounds_submitted(card):
    assert card.changes.empty                      # 2567 had no submission
    c = build(inputs(year=2567, rounds=pd.DataFrame({"year": [2566, 2567], "state": ["published"] * 2}),
                     results=inputs().results.replace({2568: 2567}),
                     summaries=inputs().summaries.replace({2568: 2567}))).changes.set_index("code")
    assert c.at["1.01", "change"] == "newly_passed" and c.at["2.01", "change"] == "newly_failed"
    assert c.at["1.14", "change"] == "added" and c.at["1.13", "change"] == "retired"


def test_fix_first_lists_failures_and_not_done(card):
    f = card.fix_first
    assert set(f["code"]) == {"1.14", "2.01"}
    row = f.set_index("code").loc["2.01"]
    assert (row["goal"], row["needed"]) == (4, 2)        # 80% of 4 is 3.2, rounded up to a whole 4


def test_domains_compare_with_peer_medians(card):
    d = card.domains.set_index("domain")
    assert list(d.index) == ["1", "2"]
    assert d.at["1", "pass_rate"] == 50 and d.at["1", "peer_median"] == 50 and d.at["1", "vs_peers"] == 0


def test_an_lao_without_a_submission_has_no_results():
    c = build(inputs(results=inputs().results[lambda r: r["year"] != 2568],
                     summaries=inputs().summaries[lambda s: s["year"] != 2568]))
    assert not c.has_results and c.fix_first.empty and c.indicators["outcome"].isna().all()
