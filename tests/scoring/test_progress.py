"""Submission progress statuses and tallies (scoring/progress.py)."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from scoring import progress


def frame():
    return pd.DataFrame({
        "lao_code": ["1", "2", "3", "4", "5", "6"],
        "province_code": ["30", "30", "30", "20", "20", "20"],
        "district_code": ["3001", "3001", "3002", "2001", None, "2001"],
        "type": ["sao", "sao", "pao", "sao", "city", "sao"],
        "state": ["submitted", "submitted", "in_progress", "not_started", "submitted", None],
        "submitted_at": ["2026-12-15 23:59:00", "2026-12-16 00:00:00", None, None, "2026-11-01 09:00:00", None],
    })


def test_late_means_after_the_closing_day():
    s = progress.classify(frame(), "2026-12-15")
    assert s.tolist() == ["submitted", "late", "in_progress", "not_started", "submitted", "not_started"]
    assert progress.classify(frame(), None).tolist()[1] == "submitted"       # no window: never late


def test_tally_overall_and_by_group():
    df = frame().assign(status=progress.classify(frame(), "2026-12-15"))
    total = progress.tally(df).iloc[0]
    assert (total["expected"], total["done"], total["late"], total["not_started"]) == (6, 3, 1, 2)
    assert np.isclose(total["submission_rate"], 50.0) and np.isclose(total["on_time_rate"], 100 * 2 / 6)
    by = progress.tally(df, ["province_code"]).set_index("province_code")
    assert by.loc["30", ["submitted", "late", "in_progress"]].tolist() == [1, 1, 1]
    assert by.loc["20", "expected"] == 3 and by.loc["20", "done"] == 1


def test_days_left_counts_to_the_closing_day():
    assert progress.days_left("2026-12-15", date(2026, 11, 24)) == 21
    assert progress.days_left("2026-12-15", date(2026, 12, 15)) == 0
    assert progress.days_left("2026-12-15", date(2026, 12, 20)) == -5
    assert progress.days_left(None, date(2026, 12, 20)) is None


def test_worklist_lists_who_still_owes_not_started_first():
    df = frame().assign(status=progress.classify(frame(), "2026-12-15"))
    w = progress.worklist(df)
    assert w["lao_code"].tolist() == ["4", "6", "3"]
