"""Figures per area (scoring.areas): small frames, inputs and expected columns side by side."""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from scoring import areas

NAN = np.nan
# lao_code, province_code, n_pass, n_fail, n_not_done, n_no_service, pass_rate
SUMMARY = pd.DataFrame([("a", "10", 3, 1, 0, 1, 75.0),
                        ("b", "10", 1, 1, 0, 0, 50.0),
                        ("c", "20", 0, 0, 0, 2, NAN),        # submitted, but every service is absent
                        ("e", "20", 2, 0, 0, 0, 100.0)],
                       columns=["lao_code", "province_code", "n_pass", "n_fail", "n_not_done", "n_no_service",
                                "pass_rate"])
LAOS = pd.DataFrame({"lao_code": ["a", "b", "c", "d", "e"], "province_code": ["10", "10", "20", "20", "20"]})


def test_area_table_per_province():
    got = areas.area_table(SUMMARY.drop(columns="province_code"), LAOS, "province_code")
    expected = pd.DataFrame({
        "province_code": ["10", "20"],
        "n_laos": [2, 3], "n_submitted": [2, 2], "n_all_pass": [0, 1],
        "n_pass": [4.0, 2.0], "n_fail": [2.0, 0.0], "n_not_done": [0.0, 0.0],
        "median_rate": [62.5, 100.0],
        "coverage": [100.0, 200 / 3],
        "pass_rate": [400 / 6, 100.0],          # pooled: 4 of 6 assessed; c assessed nothing
        "all_pass_share": [0.0, 50.0],          # of the LAOs that submitted
        "low_coverage": [False, True],
    })
    assert_frame_equal(got, expected, check_dtype=False)


def test_area_table_for_the_nation_with_change_since_the_previous_round():
    prev = SUMMARY.drop(columns="province_code").assign(n_pass=[1, 1, 0, 0], n_fail=[3, 1, 0, 2])
    got = areas.area_table(SUMMARY.drop(columns="province_code"), LAOS, None, prev)
    assert len(got) == 1 and "index" not in got
    assert got.at[0, "pass_rate"] == 6 / 8 * 100 and got.at[0, "pass_rate_prev"] == 2 / 8 * 100
    assert got.at[0, "change"] == 50.0 and got.at[0, "n_laos"] == 5 and got.at[0, "coverage"] == 80.0


def test_area_table_with_no_submission_has_no_rates():
    got = areas.area_table(SUMMARY.iloc[:0].drop(columns="province_code"), LAOS, "province_code")
    assert got["n_submitted"].tolist() == [0, 0] and got["pass_rate"].isna().all()
    assert got["all_pass_share"].isna().all() and got["coverage"].tolist() == [0.0, 0.0]


def test_distribution_gives_quartiles_per_group_and_skips_missing_rates():
    got = areas.distribution(SUMMARY, "province_code")
    expected = pd.DataFrame({"province_code": ["10", "20"], "n": [2.0, 1.0], "min": [50.0, 100.0],
                             "q1": [56.25, 100.0], "median": [62.5, 100.0], "q3": [68.75, 100.0],
                             "max": [75.0, 100.0]})
    assert_frame_equal(got, expected)


def test_movers_split_the_largest_rises_from_the_largest_falls():
    table = pd.DataFrame({"area": list("pqrst"), "change": [5.0, -3.0, NAN, 12.0, -8.0]})
    up, down = areas.movers(table, "area", n=2)
    assert up["area"].tolist() == ["s", "p"] and down["area"].tolist() == ["t", "q"]


def test_outcome_shares_from_counts():
    counts = pd.DataFrame({"type": ["sao", "sao", "sao", "city"], "outcome": ["pass", "fail", "no_service", "pass"],
                           "n": [6, 2, 5, 4]})
    got = areas.outcome_shares(counts, ["type"])
    expected = pd.DataFrame({"type": ["city", "sao"], "fail": [0, 2], "no_service": [0, 5], "pass": [4, 6],
                             "not_done": [0, 0], "assessed": [4, 8], "pass_rate": [100.0, 75.0],
                             "fail_share": [0.0, 25.0]})
    assert_frame_equal(got[expected.columns], expected, check_dtype=False)
