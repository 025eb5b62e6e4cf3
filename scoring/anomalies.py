"""Results a provincial monitor should check before trusting them. Pure pandas: no Streamlit, no database.

Three kinds of flag, each a prompt to look, never a finding (the thresholds are this dashboard's own
conventions, shown on the page):
- perfect: the LAO passes every indicator it was assessed on and reports full delivery ((2) = (1))
  on nearly all of its percentage indicators, while few of its peers (same type and size band, whole
  country) pass everything. Passing everything alone is common enough among good LAOs (about 1 in 20
  in the sample) that it would bury the real cases; claiming 100% on nearly every figure is the mark
  of answers filled in without looking.
- jump: the overall pass rate moved by at least JUMP_POINTS points since the round before.
- identical: the LAO's figures (frame and delivered, indicator by indicator) are the same as another
  LAO's of the same district for at least IDENTICAL_SHARE of its answers.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

KINDS = ("perfect", "jump", "identical")
PEER_PERFECT_SHARE = 0.10   # "peers do not": fewer than this share of the peer group passes everything
FULL_SHARE = 0.90           # share of percentage indicators reported at exactly full delivery
JUMP_POINTS = 30.0          # about three times the usual spread of round-to-round changes in the sample
IDENTICAL_SHARE = 0.95
MIN_ANSWERS = 10            # fewer answers than this are too few to call identical
COLUMNS = ["lao_code", "kind", "pass_rate", "previous", "change", "n_pass", "peer_share", "n_peers",
           "full_share", "district_code", "n_same", "same_as", "same_share"]


def perfect(nation: pd.DataFrame, results: pd.DataFrame | None = None, measures: pd.Series | None = None,
            province: str | None = None) -> pd.DataFrame:
    """LAOs passing everything, with (nearly) every percentage figure at 100%, where peers do not.

    nation: overall summaries of the round for every LAO, with type and size_band (and province_code);
    results: the round's results of the province (pct per indicator) and measures (indicator code →
    measure) give full_share; without them the full-delivery condition is left out.
    """
    ok = (nation["n_fail"] == 0) & (nation["n_not_done"] == 0) & (nation["n_pass"] > 0)
    groups = nation.assign(ok=ok).groupby(["type", "size_band"], dropna=False)
    share = groups["ok"].transform("mean")
    n_peers = groups["ok"].transform("size")
    hit = ok & (share < PEER_PERFECT_SHARE)
    if province is not None:
        hit &= nation["province_code"] == province
    out = nation.loc[hit, ["lao_code", "pass_rate", "n_pass"]].assign(
        kind="perfect", peer_share=100.0 * share[hit], n_peers=n_peers[hit])
    if results is not None and measures is not None and not out.empty:
        r = results[results["lao_code"].isin(out["lao_code"]) & results["pct"].notna()]
        r = r[r["indicator_code"].map(measures).eq("ratio")]
        full = (r["pct"] >= 100).groupby(r["lao_code"]).mean() * 100.0
        out["full_share"] = out["lao_code"].map(full)
        out = out[out["full_share"] >= 100.0 * FULL_SHARE]
    return out.reindex(columns=COLUMNS)


def jumps(current: pd.DataFrame, previous: pd.DataFrame, points: float = JUMP_POINTS) -> pd.DataFrame:
    """LAOs whose overall pass rate changed by at least `points` since the previous round (either way).
    Both frames: overall summaries (lao_code, pass_rate)."""
    if previous.empty:
        return pd.DataFrame(columns=COLUMNS)
    prev = previous.set_index("lao_code")["pass_rate"]
    cur = current[["lao_code", "pass_rate"]].assign(previous=current["lao_code"].map(prev))
    cur["change"] = cur["pass_rate"] - cur["previous"]
    out = cur[cur["change"].abs() >= points].assign(kind="jump")
    return out.reindex(columns=COLUMNS)


def identical(answers: pd.DataFrame, share: float = IDENTICAL_SHARE, min_answers: int = MIN_ANSWERS) -> pd.DataFrame:
    """LAOs whose figures match another LAO's of the same district on at least `share` of their answers.

    answers: lao_code, district_code, indicator_code, frame, delivered (the current submissions). Two
    answers match when indicator, frame and delivered are all equal (an empty figure equals an empty
    one). The share is taken over the larger of the two LAOs' answer counts. Vectorised: one self-join
    within districts on equal answers, so only matching pairs are ever formed.
    """
    a = answers.dropna(subset=["district_code"])[["lao_code", "district_code", "indicator_code", "frame",
                                                   "delivered"]]
    a = a.assign(frame=a["frame"].fillna(-1.0), delivered=a["delivered"].fillna(-1.0))
    n = a.groupby("lao_code").size()
    n = n[n >= min_answers]
    a = a[a["lao_code"].isin(n.index)]
    pairs = a.merge(a, on=["district_code", "indicator_code", "frame", "delivered"], suffixes=("", "_b"))
    pairs = pairs[pairs["lao_code"] != pairs["lao_code_b"]]
    same = pairs.groupby(["lao_code", "lao_code_b", "district_code"]).size().rename("n").reset_index()
    same["same_share"] = 100.0 * same["n"] / np.maximum(same["lao_code"].map(n), same["lao_code_b"].map(n))
    close = same[same["same_share"] >= 100.0 * share].sort_values(["lao_code", "lao_code_b"])
    if close.empty:
        return pd.DataFrame(columns=COLUMNS)
    g = close.groupby(["lao_code", "district_code"])
    out = pd.DataFrame({"n_same": g.size(), "same_as": g["lao_code_b"].agg(", ".join),
                        "same_share": g["same_share"].min()}).reset_index().assign(kind="identical")
    return out.reindex(columns=COLUMNS)


def flags(*parts: pd.DataFrame) -> pd.DataFrame:
    """All flags in one table: by kind (perfect, jump, identical), then LAO code."""
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["_k"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    return out.sort_values(["_k", "lao_code"], ignore_index=True).drop(columns="_k")


def for_province(nation: pd.DataFrame, current: pd.DataFrame, previous: pd.DataFrame | None, results: pd.DataFrame,
                 measures: pd.Series, answers: pd.DataFrame, province: str, laos=None) -> pd.DataFrame:
    """Every flag of a province's LAOs for one round (optionally only for the LAO codes in `laos`).
    current/previous: the province's overall summaries of this round and the one before (None: none)."""
    out = flags(perfect(nation, results, measures, province),
                jumps(current, previous) if previous is not None else pd.DataFrame(), identical(answers))
    return out if laos is None else out[out["lao_code"].isin(laos)].reset_index(drop=True)
