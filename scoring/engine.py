"""Vectorised scoring of indicator values and roll-ups per LAO × year × domain.

Everything here is plain pandas/numpy over whole frames: no Python loop per row, so a national
round (hundreds of thousands of rows) scores in well under a second.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .rates import pass_rate
from .catalogue import typed_targets
from .rules import NO_SERVICE, NOT_DONE, OUTCOMES, PASS, FAIL, RULES

OUTCOME_DTYPE = pd.CategoricalDtype(list(OUTCOMES))


def score(values: pd.DataFrame, measure, target, at_target_passes: bool = True) -> pd.DataFrame:
    """Score rows of (frame, delivered) given each row's measure and target (arrays or Series aligned
    with `values`). Returns `values` with `pct` and `outcome` (categorical) columns added."""
    codes, pct = score_arrays(values["frame"].to_numpy(dtype="float64", na_value=np.nan),
                              values["delivered"].to_numpy(dtype="float64", na_value=np.nan),
                              measure, target, at_target_passes)
    out = values.copy()
    out["pct"] = pct
    out["outcome"] = pd.Categorical.from_codes(codes, dtype=OUTCOME_DTYPE)
    return out


def score_arrays(frame, delivered, measure, target, at_target_passes: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """score() on plain arrays: (outcome codes into OUTCOMES, pct). For a few rows (the entry form, on every
    keystroke) this skips the frames' cost; for millions it is the same vectorised work."""
    measure = np.asarray(measure, dtype=object)
    target = np.asarray(target, dtype="float64")
    frame = np.asarray(frame, dtype="float64")
    delivered = np.asarray(delivered, dtype="float64")
    codes = np.full(len(frame), -1, dtype="int8")
    pct = np.full(len(frame), np.nan)
    for name, r in RULES.items():          # one vectorised pass per measure, not per row
        m = measure == name
        if m.any():
            codes[m], pct[m] = r.score(frame[m], delivered[m], target[m], at_target_passes)
    if (codes < 0).any():
        unknown = sorted(set(measure[codes < 0].astype(str)))
        raise ValueError(f"no scoring rule for measure(s) {unknown}")
    return codes, pct


def score_with_catalogue(values: pd.DataFrame, catalogue: pd.DataFrame,
                         at_target_passes: bool = True) -> pd.DataFrame:
    """`values` has year, indicator_code, frame, delivered; `catalogue` has year, code, measure,
    target, domain (all years stacked). Adds domain, pct and outcome."""
    key = ["year", "indicator_code"]
    cat = catalogue.rename(columns={"code": "indicator_code"})[key + ["domain", "measure", "target"]]
    merged = values.merge(cat, on=key, how="left", validate="many_to_one")
    if merged["measure"].isna().any():
        bad = merged.loc[merged["measure"].isna(), key].drop_duplicates().head(5).to_dict("records")
        raise ValueError(f"values for indicators missing from the catalogue, e.g. {bad}")
    scored = score(merged, merged["measure"], merged["target"], at_target_passes)
    return scored.drop(columns=["measure", "target"])


def rollup(results: pd.DataFrame, by: tuple[str, ...] = ("lao_code", "year")) -> pd.DataFrame:
    """Counts per outcome and pass_rate per `by` × domain, plus domain 'all'.

    pass_rate = 100 × pass / (pass + fail + not_done); empty (NaN) when that sum is 0, because
    'no such service' is not counted against an LAO (scoring.rates). Domain is a string: '1'…'8', 'all'.
    """
    by = list(by)
    codes = results["outcome"].cat.codes.to_numpy()
    onehot = pd.DataFrame({f"n_{name}": (codes == i).astype("int32") for i, name in enumerate(OUTCOMES)},
                          index=results.index)
    base = pd.concat([results[by], results["domain"].astype(int).astype(str).rename("domain"), onehot], axis=1)
    per_domain = base.groupby(by + ["domain"], observed=True, sort=False).sum().reset_index()
    overall = base.drop(columns="domain").groupby(by, observed=True, sort=False).sum().reset_index()
    overall.insert(len(by), "domain", "all")
    out = pd.concat([per_domain, overall], ignore_index=True)
    return add_pass_rate(out)


def add_pass_rate(counts: pd.DataFrame) -> pd.DataFrame:
    counts["pass_rate"] = pass_rate(counts).to_numpy()
    return counts


__all__ = ["score", "score_arrays", "score_with_catalogue", "rollup", "add_pass_rate", "OUTCOME_DTYPE",
           "PASS", "FAIL", "NOT_DONE", "NO_SERVICE"]


def score_submissions(values: pd.DataFrame, submissions: pd.DataFrame, catalogue: pd.DataFrame,
                      at_target_passes: bool = True) -> pd.DataFrame:
    """Score finished submissions against every indicator that applies to each LAO's type.

    submissions: submission_id, lao_code, year, type (submitted ones only).
    values: submission_id, indicator_code, frame, delivered.
    catalogue: year, code, domain, measure, target, applies_to ('a;b;c'), optionally targets (per-type
    targets, 'type=value;...': scoring.catalogue.typed_targets).
    An applicable indicator with no row in the submission counts as not carried out, so leaving a
    row out can never improve a result. Returns lao_code, year, indicator_code, domain, pct, outcome.
    """
    applies = typed_targets(catalogue)           # each LAO type's own target where it has one
    expected = submissions.merge(applies, on=["year", "type"])
    expected = expected.rename(columns={"code": "indicator_code"})
    rows = expected.merge(values[["submission_id", "indicator_code", "frame", "delivered"]],
                          on=["submission_id", "indicator_code"], how="left")
    measures = catalogue.rename(columns={"code": "indicator_code"})[["year", "indicator_code", "domain", "measure"]]
    rows = rows.merge(measures, on=["year", "indicator_code"], how="left", validate="many_to_one")
    scored = score(rows, rows["measure"], rows["target"], at_target_passes)
    return scored[["lao_code", "year", "indicator_code", "domain", "pct", "outcome"]]
