"""The one rate helper (scoring.rates): shares with an empty denominator are NaN, never 0 or an error."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring import rates


@pytest.mark.parametrize("num, den, expected", [
    (1, 4, 0.25),
    (0, 4, 0.0),
    (3, 0, math.nan),
    (0, 0, math.nan),
    (2, math.nan, math.nan),
    (np.int64(3), np.float64(6), 0.5),
])
def test_share_of_scalars(num, den, expected):
    got = rates.share(num, den)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


def test_share_of_series_and_arrays_keeps_the_index_and_gives_nan_for_zero():
    num = pd.Series([1, 2, pd.NA], index=["a", "b", "c"], dtype="Int64")
    den = pd.Series([0, 4, 5], index=["a", "b", "c"], dtype="Int64")
    got = rates.share(num, den)
    assert got.dtype == "float64" and list(got.index) == ["a", "b", "c"]
    assert np.isnan(got["a"]) and got["b"] == 0.5 and np.isnan(got["c"])
    assert np.allclose(rates.share(np.array([1, 2]), np.array([0, 2])), [np.nan, 1.0], equal_nan=True)
    assert rates.share(pd.Series([1.0, 2.0]), 0).isna().all()


def test_pass_rate_leaves_no_service_out_and_is_empty_when_nothing_was_assessed():
    frame = pd.DataFrame({"n_pass": [1, 0, 3], "n_fail": [1, 0, 0], "n_not_done": [2, 0, 1], "n_no_service": [9, 5, 0]})
    got = rates.pass_rate(frame)
    assert got[0] == 25.0 and np.isnan(got[1]) and got[2] == 75.0


def test_pooled_rate_takes_all_indicators_together_and_ignores_no_service():
    df = pd.DataFrame({"n_pass": [9, 1], "n_fail": [1, 8], "n_not_done": [0, 1], "n_no_service": [4, 4]})
    assert rates.pooled_rate(df) == pytest.approx(100 * 10 / 20)
    assert math.isnan(rates.pooled_rate(df.iloc[:0]))
    assert math.isnan(rates.pooled_rate(df.assign(n_pass=0, n_fail=0, n_not_done=0)))


def test_constants_are_the_contracts():
    assert rates.DOMAINS == ("1", "2", "3", "4", "5", "6", "7", "8")
    assert rates.COUNT_COLUMNS == ("n_pass", "n_fail", "n_not_done", "n_no_service")
