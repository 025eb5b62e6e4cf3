"""The entry form's checks (scoring/entry.py): what a typed figure may be, the outcome it would get, and the
warnings that need a one-line explanation before submitting."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from scoring import entry as checks


@pytest.mark.parametrize("raw, value", [("12", 12.0), (" 1,234.5 ", 1234.5), ("๑๒๓", 123.0), ("0", 0.0), (".5", 0.5),
                                        (7, 7.0), (2.5, 2.5), ("", None), (None, None), ("   ", None),
                                        (float("nan"), None), ("1 000", 1000.0)])
def test_figures_people_type_are_read(raw, value):
    got, problem = checks.parse_number(raw)
    assert problem is None and got == value


@pytest.mark.parametrize("raw, says", [("-5", "negative"), ("abc", "not a number"), ("1e9", "not a number"),
                                       ("12,34", "not a number"), ("inf", "not a number"), (float("inf"), "finite"),
                                       ("1" * 14, "implausibly large"), ("=1+1", "not a number"), (-1, "negative"),
                                       ("1.2.3", "not a number")])
def test_bad_figures_get_a_message(raw, says):
    got, problem = checks.parse_number(raw)
    assert got is None and says in problem.en and problem.th


def indicators(**rows):
    return pd.DataFrame(rows or {"measure": ["ratio", "count", "yesno"], "target": [80.0, 2.0, 100.0]},
                        index=pd.Index(["1.01", "1.13", "2.03"], name="code"))


def figures(frame, delivered, not_done=(False, False, False), explanation=(None, None, None)):
    return pd.DataFrame({"frame_raw": frame, "delivered_raw": delivered, "not_done": list(not_done),
                         "explanation": list(explanation)}, index=pd.Index(["1.01", "1.13", "2.03"], name="code"))


def test_outcomes_come_from_the_scoring_rules():
    got = checks.check(indicators(), figures(["100", "1", "1"], ["85", "3", "0"]))
    assert got["status"].tolist() == ["complete"] * 3
    assert got["outcome"].tolist() == ["pass", "pass", "fail"] and got.at["1.01", "pct"] == 85.0


def test_the_import_rules_are_checked_beside_each_field():
    got = checks.check(indicators(), figures(["100", "2", "1"], ["120", "3", "5"]))
    assert "more than (1)" in got.at["1.01", "delivered_error"].en
    assert "must be 1" in got.at["1.13", "frame_error"].en and "must be 1" in got.at["2.03", "delivered_error"].en
    assert got["status"].tolist() == ["incomplete"] * 3 and got["outcome"].isna().all()


def test_empty_incomplete_and_deliberately_not_carried_out():
    got = checks.check(indicators(), figures(["100", None, "0"], [None, None, None], not_done=(False, False, False)))
    assert got["status"].tolist() == ["incomplete", "empty", "complete"]      # frame 0: no such service
    assert got.at["2.03", "outcome"] == "no_service"
    done = checks.check(indicators(), figures(["100", "1", "1"], [None, None, None], not_done=(True, True, True)))
    assert done["status"].tolist() == ["complete"] * 3 and set(done["outcome"]) == {"not_done"}
    both = checks.check(indicators(), figures(["100", "1", "1"], ["5", None, None], not_done=(True, True, True)))
    assert "must stay empty" in both.at["1.01", "delivered_error"].en


def test_warnings_need_an_explanation_before_submit():
    last = pd.DataFrame({"frame": [100.0, 1.0, 1.0], "pct": [90.0, 100.0, 100.0]}, index=["1.01", "1.13", "2.03"])
    jump = checks.check(indicators(), figures(["100", "1", "0"], ["30", "3", None]), last)
    assert "moved from 90.0 to 30.0" in jump.at["1.01", "warning"].en
    assert "no such service" in jump.at["2.03", "warning"].en
    assert not checks.ready_to_submit(jump)
    said = checks.check(indicators(), figures(["100", "1", "0"], ["30", "3", None],
                                             explanation=("ถนนชำรุดจากน้ำท่วม", None, "ยุบรวมกับ อปท. อื่น")), last)
    assert checks.ready_to_submit(said)
    far = checks.check(indicators(), figures(["400", "1", "1"], ["380", "3", "1"]), last)
    assert "far from last round" in far.at["1.01", "warning"].en
    peers = pd.DataFrame({"perfect_share": [0.02], "median_frame": [50.0]}, index=["1.01"])
    perfect = checks.check(indicators(), figures(["100", "1", "1"], ["100", "3", "1"]), None, peers)
    assert "only 2 %" in perfect.at["1.01", "warning"].en


def test_a_summary_per_domain_and_overall():
    got = checks.check(indicators(), figures(["100", None, "1"], ["120", None, "1"]))
    summary = checks.summary(got, pd.Series([1, 1, 2], index=["1.01", "1.13", "2.03"]))
    assert summary.loc[1].tolist() == [2, 0, 1, 0] and summary.loc[2].tolist() == [1, 1, 0, 0]
    assert summary.loc["all"].tolist() == [3, 1, 1, 0]
    assert not math.isnan(got.at["2.03", "pct"])
