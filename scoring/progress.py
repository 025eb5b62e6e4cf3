"""Submission progress during an assessment window (pure pandas, vectorised).

Each LAO has one status for a round, in the reporting-rate vocabulary of DHIS2 (expected, actual,
on time): `submitted` (on time), `late` (submitted after the window closed), `in_progress` (started,
not submitted) or `not_started` (no data at all). Late means submitted on a day after window_close.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .rates import share

STATUSES = ("submitted", "late", "in_progress", "not_started")
DONE = ("submitted", "late")


def classify(subs: pd.DataFrame, window_close) -> pd.Series:
    """Status per row of `subs` (columns state, submitted_at), given the round's closing date."""
    state = subs["state"].fillna("not_started").astype(str)
    status = state.where(state.isin(STATUSES), "not_started").to_numpy(dtype=object).copy()
    if window_close is not None and not pd.isna(window_close):
        close = pd.Timestamp(window_close).normalize() + pd.Timedelta(days=1)
        at = pd.to_datetime(subs["submitted_at"], errors="coerce")
        status[((state == "submitted") & (at >= close)).to_numpy()] = "late"
    return pd.Series(status, index=subs.index, name="status")


def tally(df: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Counts of each status, expected, and rates (percent of expected), per group of `by` (or overall).

    submission_rate = (submitted + late) / expected; on_time_rate = submitted / expected.
    """
    by = list(by or [])
    dummies = pd.get_dummies(pd.Categorical(df["status"], categories=STATUSES)).astype(int)
    dummies.index = df.index
    if by:
        out = dummies.groupby([df[c] for c in by], observed=True, sort=True).sum().reset_index()
    else:
        out = dummies.sum().to_frame().T
    out["expected"] = out[list(STATUSES)].sum(axis=1)
    done = out["submitted"] + out["late"]
    out["submission_rate"] = 100.0 * share(done, out["expected"])
    out["on_time_rate"] = 100.0 * share(out["submitted"], out["expected"])
    out["done"] = done
    return out[by + ["expected", "done", *STATUSES, "submission_rate", "on_time_rate"]]


def days_left(window_close, today: date) -> int | None:
    """Days from today to the closing day: 0 on the closing day itself, negative once it has passed."""
    if window_close is None or pd.isna(window_close):
        return None
    return (pd.Timestamp(window_close).date() - today).days


def worklist(df: pd.DataFrame) -> pd.DataFrame:
    """LAOs that still owe their data (in progress or not started), most behind first."""
    owed = df[df["status"].isin(("in_progress", "not_started"))]
    order = owed["status"].map({"not_started": 0, "in_progress": 1})
    return owed.assign(_o=order).sort_values(["_o", "province_code", "district_code", "lao_code"],
                                             na_position="last").drop(columns="_o")
