"""Everything the overview shows, worked out from the registry and the per-LAO summaries once per data version
and view (dashboard.data caches it), not once per visitor: a publication-day crowd asks for the same few views.

Pure pandas: no Streamlit, no database. The result holds only small tables (a row per province, per round, per
group), so handing a copy to each run costs little; the district table is built on its own, when its tab opens.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring.areas import area_table, distribution, select


@dataclass(frozen=True)
class Figures:
    nation: pd.Series            # one area_table row for everything in view (with change when there is a prev)
    has_prev: bool
    provinces: pd.DataFrame      # area_table by province, with change
    trend: pd.DataFrame          # year, pass_rate: every round in view
    spread: dict                 # "type" | "region6" -> distribution() of LAO pass rates
    empty: bool                  # no result in view for the round


def _in_view(laos: pd.DataFrame, provinces: pd.DataFrame, type_code: str, region: str) -> pd.DataFrame:
    laos = laos.merge(provinces[["province_code", "region6"]], on="province_code")
    return select(laos, type_code, region)


def build(laos: pd.DataFrame, provinces: pd.DataFrame, summaries: pd.DataFrame, year: int, type_code: str,
          region: str) -> Figures:
    """`summaries`: every round's per-LAO rows of one domain that the figures may use."""
    laos = _in_view(laos, provinces, type_code, region)
    rows = summaries[summaries["lao_code"].isin(laos["lao_code"])]
    summary, prev = rows[rows["year"] == year], rows[rows["year"] == year - 1]
    has_prev = not prev.empty
    if summary.empty:
        none = pd.DataFrame()
        return Figures(pd.Series(dtype=object), has_prev, none, none, {}, True)
    nation = area_table(summary, laos, None, prev if has_prev else None).iloc[0]
    by_province = area_table(summary, laos, "province_code", prev)
    trend = pd.DataFrame([(int(y), area_table(g, laos, None).iloc[0]["pass_rate"]) for y, g in rows.groupby("year")],
                         columns=["year", "pass_rate"])
    with_region = summary.merge(laos[["lao_code", "region6"]], on="lao_code")
    spread = {by: distribution(with_region, by) for by in ("type", "region6")}
    return Figures(nation, has_prev, by_province, trend, spread, False)


def districts(laos: pd.DataFrame, provinces: pd.DataFrame, summaries: pd.DataFrame, year: int, type_code: str,
              region: str) -> pd.DataFrame:
    """area_table by district (with change), for the district map."""
    laos = _in_view(laos, provinces, type_code, region).dropna(subset=["district_code"])
    rows = summaries[summaries["lao_code"].isin(laos["lao_code"])]
    return area_table(rows[rows["year"] == year], laos, "district_code", rows[rows["year"] == year - 1])
