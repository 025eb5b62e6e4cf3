"""Every scoring rule and boundary of the contract (docs/design.md, Scoring)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.engine import rollup, score, score_submissions
from scoring.rules import OUTCOME_LABELS, RULES


def one(measure, frame, delivered, target, at_target_passes=True):
    df = pd.DataFrame({"frame": [frame], "delivered": [delivered]})
    out = score(df, [measure], [target], at_target_passes)
    return out["outcome"].iloc[0], out["pct"].iloc[0]


@pytest.mark.parametrize("frame, delivered, outcome", [
    (0, 0, "no_service"), (0, None, "no_service"), (0, 5, "no_service"),     # frame 0: no such service
    (10, None, "not_done"), (10, np.nan, "not_done"),                         # delivered empty
    (None, 5, "not_done"),                                                    # nothing entered for the frame
    (10, 8, "pass"), (10, 7.99, "fail"), (10, 10, "pass"), (10, 0, "fail"),
])
def test_ratio_outcomes(frame, delivered, outcome):
    assert one("ratio", frame, delivered, 80)[0] == outcome


def test_exactly_at_target_passes_and_the_unrounded_pct_is_compared():
    assert one("ratio", 200, 160, 80) == ("pass", 80.0)
    assert one("ratio", 100000, 79999.9, 80)[0] == "fail"  # 79.9999 would round to 80.0 but must fail


def test_at_target_can_be_configured_as_failing():
    assert one("ratio", 10, 8, 80, at_target_passes=False)[0] == "fail"
    assert one("ratio", 10, 8.01, 80, at_target_passes=False)[0] == "pass"


def test_pct_is_delivered_over_frame_times_100():
    assert one("ratio", 40, 30, 75)[1] == pytest.approx(75.0)
    assert math.isnan(one("ratio", 0, 0, 75)[1])
    assert math.isnan(one("ratio", 5, None, 75)[1])


@pytest.mark.parametrize("frame, delivered, outcome, p", [
    (1, 2, "pass", 100.0), (1, 3, "pass", 150.0), (1, 1, "fail", 50.0), (0, 4, "no_service", None),
    (1, None, "not_done", None),
])
def test_count_rule(frame, delivered, outcome, p):
    got, pct = one("count", frame, delivered, 2)
    assert got == outcome
    assert (math.isnan(pct) if p is None else pct == p)


@pytest.mark.parametrize("frame, delivered, outcome", [
    (1, 1, "pass"), (1, 0, "fail"), (0, 0, "no_service"), (1, None, "not_done")])
def test_yesno_rule(frame, delivered, outcome):
    assert one("yesno", frame, delivered, 100)[0] == outcome


def test_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="no scoring rule"):
        one("stars", 1, 1, 1)


def test_every_rule_describes_itself_in_both_languages():
    for r in RULES.values():
        assert r.describe("th") and r.describe("en") and r.describe("th") != r.describe("en")
    assert OUTCOME_LABELS["th"]["pass"] == "ผ่านค่ามาตรฐานขั้นต่ำ"
    assert not RULES["count"].official and RULES["ratio"].official


def test_rollup_counts_and_pass_rate():
    res = pd.DataFrame({"lao_code": ["A"] * 5 + ["B"], "year": 2566,
                        "domain": [1, 1, 1, 2, 2, 1],
                        "outcome": pd.Categorical(["pass", "fail", "not_done", "no_service", "no_service", "pass"],
                                                  categories=["pass", "fail", "not_done", "no_service"])})
    out = rollup(res).set_index(["lao_code", "domain"])
    assert out.loc[("A", "1"), ["n_pass", "n_fail", "n_not_done", "n_no_service"]].tolist() == [1, 1, 1, 0]
    assert out.loc[("A", "1"), "pass_rate"] == pytest.approx(100 / 3)
    assert math.isnan(out.loc[("A", "2"), "pass_rate"])             # only 'no service': no rate, not 0
    assert out.loc[("A", "all"), ["n_pass", "n_no_service"]].tolist() == [1, 2]
    assert out.loc[("B", "all"), "pass_rate"] == 100.0


def test_missing_rows_of_a_submission_count_as_not_done():
    cat = pd.DataFrame({"year": 2566, "code": ["1.01", "1.02", "2.01"], "domain": [1, 1, 2],
                        "measure": "ratio", "target": 80.0, "applies_to": ["sao", "sao;town", "town"]})
    subs = pd.DataFrame({"submission_id": [1], "lao_code": ["6810101"], "year": [2566], "type": ["sao"]})
    vals = pd.DataFrame({"submission_id": [1], "indicator_code": ["1.01"], "frame": [10.0], "delivered": [9.0]})
    out = score_submissions(vals, subs, cat).set_index("indicator_code")
    assert out["outcome"].astype(str).to_dict() == {"1.01": "pass", "1.02": "not_done"}   # 2.01 does not apply


def test_scoring_is_vectorised_and_fast():
    n = 300_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"frame": rng.integers(0, 50, n).astype(float), "delivered": rng.integers(0, 50, n).astype(float)})
    out = score(df, np.full(n, "ratio", dtype=object), np.full(n, 80.0))
    assert len(out) == n and out["outcome"].notna().all()
