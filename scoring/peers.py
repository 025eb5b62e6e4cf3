"""Peer groups and percentiles: the dashboard's own conventions, labelled as such wherever shown.

An LAO's peers share its type and size band; comparisons can be made within its province, its
region (6-region scheme) or the nation. Size bands use registered population because it is what
officials already use to talk about LAO size; an unknown population gives the band 'unknown'.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# Upper bounds (exclusive) of population bands; a convention of this dashboard, not an official one.
SIZE_BANDS = (("S", 5_000), ("M", 10_000), ("L", 50_000), ("XL", np.inf))
SIZE_LABELS = {
    "th": {"S": "เล็ก (ไม่ถึง 5,000 คน)", "M": "กลาง (5,000–9,999 คน)", "L": "ใหญ่ (10,000–49,999 คน)",
           "XL": "ใหญ่มาก (50,000 คนขึ้นไป)", "unknown": "ไม่ทราบจำนวนประชากร"},
    "en": {"S": "Small (under 5,000 people)", "M": "Medium (5,000–9,999)", "L": "Large (10,000–49,999)",
           "XL": "Very large (50,000 or more)", "unknown": "Population unknown"},
}
MIN_PEERS = 10   # fewer peers than this and a comparison is flagged as too small to mean much
SCOPES = ("province", "region", "nation")


def size_band(population: pd.Series) -> pd.Series:
    pop = pd.to_numeric(population, errors="coerce")
    edges = [0] + [b for _, b in SIZE_BANDS]
    band = pd.cut(pop, bins=edges, right=False, labels=[n for n, _ in SIZE_BANDS])
    return band.astype(object).where(pop.notna(), "unknown").astype(str)


def peer_keys(laos: pd.DataFrame, scope: str) -> list[str]:
    """Columns defining a peer group at a scope; `laos` needs type, size_band, province_code, region."""
    extra = {"province": ["province_code"], "region": ["region"], "nation": []}[scope]
    return ["type", "size_band", *extra]


def percentiles(frame: pd.DataFrame, value: str, keys: list[str]) -> pd.DataFrame:
    """Percentile rank (0–100) of `value` within groups of `keys`, with the group size and median.

    Ties share the average rank; rows with no value get no percentile and do not count in n_peers.
    """
    g = frame.groupby(keys, observed=True, dropna=False)[value]
    out = pd.DataFrame(index=frame.index)
    out["n_peers"] = g.transform("count")
    out["peer_median"] = g.transform("median")
    out["percentile"] = g.rank(pct=True, method="average") * 100
    out["small_group"] = out["n_peers"] < MIN_PEERS
    return out
