"""Properties of the scoring rules (scoring/rules.py) and roll-ups (scoring/engine.py), on generated data.

Each test states a rule of docs/design.md "Scoring" (or the dashboard's documented count/yes-no
conventions) for every input Hypothesis tries, checked against plain Python arithmetic per row.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import assume, given, strategies as st

from scoring.engine import rollup, score, score_submissions
from scoring.rules import OUTCOMES

MEASURES = ("ratio", "count", "yesno")
# Figures as people type them: whole numbers and one or two decimals, up to the import's limit scale.
amount = st.one_of(st.integers(0, 10_000).map(float),
                   st.decimals(0, 100_000, places=2, allow_nan=False).map(float))
maybe = st.one_of(st.none(), amount)                     # None: the cell was left empty
target = st.one_of(st.integers(0, 100).map(float), st.floats(0, 100, allow_nan=False))


def outcomes(measure, frame, delivered, tgt, at_target=True):
    df = pd.DataFrame({"frame": pd.array(frame, dtype="Float64"), "delivered": pd.array(delivered, dtype="Float64")})
    out = score(df, [measure] * len(df), [tgt] * len(df), at_target)
    return list(out["outcome"].astype(str)), out["pct"].to_numpy()


def expected_ratio(f, d, t, at_target=True):
    """docs/design.md, row by row in plain Python."""
    if f == 0:
        return "no_service", None
    if f is None or d is None:
        return "not_done", None
    pct = d / f * 100
    return ("pass" if (pct >= t if at_target else pct > t) else "fail"), pct


@given(st.lists(st.tuples(maybe, maybe), min_size=1, max_size=40), target, st.booleans())
def test_ratio_outcome_and_pct_follow_the_contract_row_by_row(rows, tgt, at_target):
    frames, delivered = [r[0] for r in rows], [r[1] for r in rows]
    got, pct = outcomes("ratio", frames, delivered, tgt, at_target)
    for (f, d), o, p in zip(rows, got, pct):
        want, want_pct = expected_ratio(f, d, tgt, at_target)
        assert o == want
        assert (math.isnan(p) if want_pct is None else math.isclose(p, want_pct, rel_tol=1e-12))


@given(st.floats(0.01, 1e6, allow_nan=False), st.floats(0, 1, allow_nan=False), target)
def test_ratio_passes_exactly_when_the_unrounded_pct_reaches_the_target(f, share, tgt):
    d = f * share
    (o,), (p,) = outcomes("ratio", [f], [d], tgt)
    assert (o == "pass") == (p >= tgt)          # the very float compared, never a rounded one
    assert o in ("pass", "fail")


@given(st.sampled_from(MEASURES), st.floats(0.5, 1e4), st.floats(0, 1e4), st.floats(0, 1e4), target)
def test_delivering_more_never_turns_a_pass_into_a_fail(measure, f, d1, d2, tgt):
    if measure != "count":
        f = 1.0 if measure == "yesno" else f
    lo, hi = sorted((d1, d2))
    (o_lo, o_hi), _ = outcomes(measure, [f, f], [lo, hi], tgt)
    assert o_lo in ("pass", "fail") and o_hi in ("pass", "fail")
    assert not (o_lo == "pass" and o_hi == "fail")


@given(st.sampled_from(MEASURES), st.lists(st.tuples(maybe, maybe), min_size=1, max_size=30), target)
def test_every_row_gets_exactly_one_known_outcome_and_gates_come_first(measure, rows, tgt):
    got, pct = outcomes(measure, [r[0] for r in rows], [r[1] for r in rows], tgt)
    assert set(got) <= set(OUTCOMES)
    for (f, d), o, p in zip(rows, got, pct):
        if f == 0:
            assert o == "no_service" and math.isnan(p)           # no such service, whatever (2) says
        elif f is None or d is None:
            assert o == "not_done" and math.isnan(p)             # nothing entered
        else:
            assert o in ("pass", "fail") and not math.isnan(p)


@given(st.lists(st.tuples(st.sampled_from(MEASURES), maybe, maybe, target), min_size=1, max_size=30),
       st.randoms(use_true_random=False))
def test_scoring_many_rows_at_once_equals_scoring_each_alone_in_any_order(rows, rnd):
    df = pd.DataFrame(rows, columns=["measure", "frame", "delivered", "target"]).astype(
        {"frame": "Float64", "delivered": "Float64"})
    together = score(df, df["measure"], df["target"])
    alone = [score(df.iloc[[i]], df["measure"].iloc[[i]], df["target"].iloc[[i]])["outcome"].iloc[0]
             for i in range(len(df))]
    assert list(together["outcome"]) == alone
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = df.iloc[order]
    again = score(shuffled, shuffled["measure"], shuffled["target"])
    assert list(again["outcome"]) == [alone[i] for i in order]


@given(st.floats(0.5, 1e4), st.floats(0, 1e4), target)
def test_count_and_yes_no_conventions(f, d, tgt):
    (o,), (p,) = outcomes("count", [f], [d], tgt)
    assert (o == "pass") == (d >= tgt)
    assert (math.isclose(p, d / tgt * 100) if tgt > 0 else True)
    (o,), (p,) = outcomes("yesno", [1.0], [d], tgt)
    assert (o == "pass") == (d >= 1) and p in (0.0, 100.0)


results_rows = st.lists(st.tuples(st.sampled_from(["1000001", "1000002", "1000003"]), st.sampled_from([2567, 2568]),
                                  st.integers(1, 8), st.sampled_from(OUTCOMES)), min_size=1, max_size=120)


def as_results(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["lao_code", "year", "domain", "outcome"])
    df["outcome"] = pd.Categorical(df["outcome"], categories=list(OUTCOMES))
    return df


@given(results_rows)
def test_rollup_counts_sum_to_the_rows_and_all_is_the_sum_of_domains(rows):
    res = as_results(rows)
    out = rollup(res)
    counts = ["n_pass", "n_fail", "n_not_done", "n_no_service"]
    for (lao, year, dom), grp in res.assign(domain=res["domain"].astype(str)).groupby(
            ["lao_code", "year", "domain"], observed=True):
        row = out[(out["lao_code"] == lao) & (out["year"] == year) & (out["domain"] == dom)]
        assert len(row) == 1 and int(row[counts].sum(axis=1).iloc[0]) == len(grp)
        for c, name in zip(counts, OUTCOMES):
            assert int(row[c].iloc[0]) == int((grp["outcome"] == name).sum())
    whole = out[out["domain"] == "all"].set_index(["lao_code", "year"])[counts]
    parts = out[out["domain"] != "all"].groupby(["lao_code", "year"])[counts].sum()
    pd.testing.assert_frame_equal(whole.sort_index(), parts.sort_index(), check_dtype=False)
    assert int(whole.to_numpy().sum()) == len(res)


@given(results_rows)
def test_pass_rate_is_bounded_and_empty_only_without_assessed_indicators(rows):
    out = rollup(as_results(rows))
    denom = out["n_pass"] + out["n_fail"] + out["n_not_done"]
    empty = out["pass_rate"].isna()
    assert (empty == (denom == 0)).all()                           # only no-service rows: no rate
    rate = out.loc[~empty, "pass_rate"]
    assert ((rate >= 0) & (rate <= 100)).all()
    assert np.allclose(rate, 100 * out.loc[~empty, "n_pass"] / denom[~empty])


@given(st.lists(st.tuples(st.sampled_from(["1.01", "1.02", "2.01", "2.02", "3.01"]), maybe, maybe),
                min_size=1, max_size=5, unique_by=lambda r: r[0]),
       st.data())
def test_leaving_a_row_out_of_a_submission_never_improves_the_result(rows, data):
    """An applicable indicator without a row counts as not carried out (scoring/engine.py)."""
    cat = pd.DataFrame({"year": 2568, "code": ["1.01", "1.02", "2.01", "2.02", "3.01"], "domain": [1, 1, 2, 2, 3],
                        "measure": "ratio", "target": 80.0, "applies_to": "sao;town"})
    subs = pd.DataFrame({"submission_id": [1], "lao_code": ["1000001"], "year": [2568], "type": ["sao"]})
    values = pd.DataFrame([(1, c, f, d) for c, f, d in rows],
                          columns=["submission_id", "indicator_code", "frame", "delivered"]).astype(
        {"frame": "Float64", "delivered": "Float64"})
    drop = data.draw(st.integers(0, len(values) - 1))

    def overall(v):
        r = rollup(score_submissions(v, subs, cat))
        return r[r["domain"] == "all"].iloc[0]

    full, less = overall(values), overall(values.drop(index=drop))
    assert int(full[["n_pass", "n_fail", "n_not_done", "n_no_service"]].sum()) == len(cat)   # every indicator
    assert less["n_pass"] <= full["n_pass"]
    assume(not math.isnan(full["pass_rate"]))
    assert less["pass_rate"] <= full["pass_rate"] + 1e-9
