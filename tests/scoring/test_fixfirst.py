"""What to fix first: amounts needed, the priority order and nearby LAOs that pass."""
from __future__ import annotations

import math

import pandas as pd

from scoring.fixfirst import amounts, nearby, rank


def rows(*recs):
    return pd.DataFrame(recs, columns=["code", "measure", "target", "frame", "delivered", "pct", "outcome"])


def test_ratio_needs_target_share_of_frame_minus_delivered():
    df = rows(("1.01", "ratio", 80, 50, 30, 60.0, "fail"))
    a = amounts(df).iloc[0]
    assert a["goal"] == 40 and a["needed"] == 10 and a["decimals"] == 0
    assert math.isclose(a["shortfall"], 0.25) and math.isclose(a["gap_points"], 20)


def test_amounts_round_up_and_ignore_float_noise():
    # 80% of 3 km is 2.4000000000000004 in floating point: the goal is 2.4, not 2.5
    a = amounts(rows(("1.01", "ratio", 80, 3, 2.1, 70.0, "fail"))).iloc[0]
    assert a["goal"] == 2.4 and math.isclose(a["needed"], 0.3) and a["decimals"] == 1
    # whole figures give whole amounts, rounded up: 75% of 7 points is 5.25 -> 6
    a = amounts(rows(("1.03", "ratio", 75, 7, 4, 57.1, "fail"))).iloc[0]
    assert a["goal"] == 6 and a["needed"] == 2
    # reaching the goal really passes (the unrounded percentage is compared)
    assert a["goal"] / 7 * 100 >= 75


def test_not_done_count_and_yesno():
    a = amounts(rows(("5.02", "ratio", 80, 27, None, None, "not_done"),
                     ("5.01", "count", 4, 1, 1, 25.0, "fail"),
                     ("8.03", "yesno", 100, 1, 0, 0.0, "fail"),
                     ("1.02", "ratio", 80, None, None, None, "not_done")))
    assert list(a["needed"][:3]) == [22, 3, 1]
    assert list(a["shortfall"][:3]) == [1.0, 0.75, 1.0]
    assert math.isnan(a["needed"].iloc[3])          # no frame: the figures must be entered first


def test_rank_averages_peer_share_and_shortfall():
    ind = rows(("1.01", "ratio", 80, 100, 78, 78.0, "fail"),      # close to target, few peers pass
               ("3.01", "ratio", 80, 100, 10, 10.0, "fail"),      # far, most peers pass
               ("4.01", "ratio", 80, 100, 70, 70.0, "fail"),      # middling on both
               ("2.01", "ratio", 80, 100, 90, 90.0, "pass"))      # passed: not listed
    peers = pd.DataFrame({"indicator_code": ["1.01", "3.01", "4.01", "2.01"], "n_pass": [10, 90, 80, 50],
                          "n_judged": [100, 100, 100, 100]})
    out = rank(ind, peers)
    # share ranks: 3.01=1, 4.01=2, 1.01=3; shortfall ranks: 1.01=1, 4.01=2, 3.01=3 -> all average 2.0,
    # and ties go to the indicator more peers pass
    assert list(out["priority"]) == [2.0, 2.0, 2.0]
    assert list(out["code"]) == ["3.01", "4.01", "1.01"]
    assert list(out["peer_share"]) == [0.9, 0.8, 0.1] and list(out["rank"]) == [1, 2, 3]


def test_rank_puts_common_and_nearly_met_first():
    ind = rows(("a", "ratio", 80, 100, 76, 76.0, "fail"),     # share 0.9 (1st), shortfall 0.05 (1st) -> 1.0
               ("b", "ratio", 80, 100, 40, 40.0, "fail"),     # share 0.5 (2nd), shortfall 0.5 (3rd) -> 2.5
               ("c", "ratio", 80, 100, 64, 64.0, "fail"))     # share 0.2 (3rd), shortfall 0.2 (2nd) -> 2.5
    peers = pd.DataFrame({"indicator_code": ["a", "b", "c"], "n_pass": [9, 5, 2], "n_judged": [10, 10, 10]})
    out = rank(ind, peers)
    assert list(out["code"]) == ["a", "b", "c"] and list(out["priority"]) == [1.0, 2.5, 2.5]


def test_rank_prefers_what_peers_manage_when_gaps_are_equal():
    ind = rows(("1.01", "ratio", 80, 100, 50, 50.0, "fail"), ("1.02", "ratio", 80, 100, 50, 50.0, "fail"))
    peers = pd.DataFrame({"indicator_code": ["1.01", "1.02"], "n_pass": [1, 9], "n_judged": [10, 10]})
    assert list(rank(ind, peers)["code"]) == ["1.02", "1.01"]


def test_rank_copes_with_indicators_no_peer_was_judged_on():
    ind = rows(("1.01", "ratio", 80, 100, 50, 50.0, "fail"))
    out = rank(ind, pd.DataFrame(columns=["indicator_code", "n_pass", "n_judged"]))
    assert out["peer_share"].iloc[0] == 0 and out["peer_judged"].iloc[0] == 0


def test_nearby_prefers_the_district_then_the_province():
    todo = pd.DataFrame({"code": ["1.01", "3.01", "4.01"]})
    passers = pd.DataFrame([
        ("a", "A", "A-en", "sao", "8104", "1.01", 90.0),
        ("b", "B", "B-en", "sao", "8101", "1.01", 100.0),      # other district: ignored, the district has one
        ("c", "C", "C-en", "sao", "8101", "3.01", 85.0),
        ("d", "D", "D-en", "sao", "8102", "3.01", 95.0),
    ], columns=["lao_code", "name_th", "name_en", "type", "district_code", "indicator_code", "pct"])
    out = nearby(todo, passers, "8104").set_index("code")
    assert [r["lao_code"] for r in out.at["1.01", "nearby"]] == ["a"] and out.at["1.01", "nearby_scope"] == "district"
    assert [r["lao_code"] for r in out.at["3.01", "nearby"]] == ["d", "c"]     # best result first
    assert out.at["3.01", "nearby_scope"] == "province" and out.at["3.01", "nearby_n"] == 2
    assert out.at["4.01", "nearby"] == [] and out.at["4.01", "nearby_scope"] is None


def test_nearby_lists_at_most_three_but_counts_all():
    todo = pd.DataFrame({"code": ["1.01"]})
    passers = pd.DataFrame([(c, c, c, "sao", "8104", "1.01", 80.0 + i) for i, c in enumerate("abcde")],
                           columns=["lao_code", "name_th", "name_en", "type", "district_code", "indicator_code", "pct"])
    out = nearby(todo, passers, "8104").iloc[0]
    assert [r["lao_code"] for r in out["nearby"]] == ["e", "d", "c"] and out["nearby_n"] == 5


def test_things_that_are_counted_are_needed_in_whole_units():
    """'0.1 more sites' cannot be done: countable units round up to whole ones, even from fractional
    figures, while lengths keep their decimal (case: measure, target, frame, delivered → goal, needed)."""
    cases = [  # code, target, frame, delivered, countable, goal, needed
        ("1.10", 90, 7, 5.7, True, 7, 2),           # 6.3 lamps → 7; 7 - 5.7 = 1.3 → 2
        ("1.12", 80, 245.4, 195.0, True, 197, 2),   # 196.32 → 197
        ("5.03", 90, 12, 10.8, True, 11, 1),        # 10.8 vehicles → 11; 0.2 more → 1
        ("1.01", 80, 3, 2.1, False, 2.4, 0.3),      # km: one decimal, as before
    ]
    df = pd.DataFrame([(c, "ratio", t, f, d, 100 * d / f, "fail", k) for c, t, f, d, k, _, _ in cases],
                      columns=["code", "measure", "target", "frame", "delivered", "pct", "outcome", "countable"])
    got = amounts(df)
    for (code, *_, goal, needed), (_, a) in zip(cases, got.iterrows()):
        assert math.isclose(a["goal"], goal) and math.isclose(a["needed"], needed), code
    assert list(got["decimals"]) == [0, 0, 0, 1]
