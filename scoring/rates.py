"""Rates and the column names they are built from: one definition each (pure pandas/numpy).

The pass rate is the contract's: 100 × passed ÷ (passed + failed + not carried out), empty when that
sum is 0, because "no such service" is not counted against an LAO. A pooled rate takes every
indicator of a set of LAOs together (this dashboard's convention for areas and peer groups).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DOMAINS = tuple(str(d) for d in range(1, 9))           # '1'…'8'; roll-ups add 'all'
ASSESSED = ("n_pass", "n_fail", "n_not_done")          # the outcomes a pass rate is judged on
COUNT_COLUMNS = (*ASSESSED, "n_no_service")            # every outcome count of a roll-up


def share(num, den):
    """num ÷ den (scalars, arrays or Series), NaN where den is 0 or missing: a share of nothing is no
    share at all, never 0 (and never a division error)."""
    if np.ndim(num) == 0 and np.ndim(den) == 0:
        num, den = float(num), float(den)
        return num / den if den and not np.isnan(den) else np.nan
    if isinstance(den, pd.Series):
        den = den.astype("float64")
        safe = den.where(den != 0)
    else:
        den = np.asarray(den, dtype="float64")
        safe = np.where(den != 0, den, np.nan)
    num = num.astype("float64") if isinstance(num, pd.Series) else np.asarray(num, dtype="float64")
    return num / safe

def assessed(frame: pd.DataFrame) -> pd.Series:
    """Indicators judged per row: passed + failed + not carried out."""
    return frame[list(ASSESSED)].sum(axis=1, min_count=1)


def pass_rate(frame: pd.DataFrame) -> pd.Series:
    """The pass rate of each row of a frame with n_pass, n_fail, n_not_done."""
    return 100.0 * share(frame["n_pass"], assessed(frame))


def pooled_rate(frame: pd.DataFrame) -> float:
    """The pass rate of all rows taken together (NaN when nothing was assessed)."""
    return 100.0 * share(frame["n_pass"].sum(), frame[list(ASSESSED)].to_numpy(dtype="float64", na_value=0).sum())
