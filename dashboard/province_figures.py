"""The province page's tables for one view, worked out from the registry and the summaries once per data version
and view (dashboard.data caches them), not once per visitor: the national peer ranks and the province's LAO table
were most of a province run's own work.

Pure pandas: no Streamlit, no database.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring import compare as cmp
from scoring.areas import ALL


@dataclass(frozen=True)
class Tables:
    nation: pd.DataFrame            # every LAO's overall summary of the round, with attributes
    previous: pd.DataFrame | None   # the province's overall summaries of the round before (None: no such round)
    domains: pd.DataFrame           # the province's summaries per domain
    table: pd.DataFrame             # one row per LAO of the province (and type): scoring.compare.lao_table
    district_names: pd.Series       # district code -> name in the view's language


def build(laos: pd.DataFrame, provinces: pd.DataFrame, nation: pd.DataFrame, previous: pd.DataFrame | None,
          domains: pd.DataFrame, submissions: pd.DataFrame, district_names: pd.Series, code: str, type_code: str,
          partial: bool) -> Tables:
    """`nation`: the round's overall summaries of every LAO the user may see; `previous`: the province's of the
    round before; `partial`: an unpublished round seen in part, where ranks among the user's own rows would be
    no national position."""
    def keep(df: pd.DataFrame) -> pd.DataFrame:
        return df if type_code == ALL else df[df["type"] == type_code]

    nation = cmp.with_attributes(nation, provinces)
    previous = None if previous is None else keep(previous)
    here = keep(cmp.with_attributes(laos[laos["province_code"] == code], provinces))
    table = cmp.lao_table(here, domains, previous, cmp.peer_ranks(nation), submissions, district_names)
    if partial:
        table = table.assign(percentile=float("nan"), n_peers=float("nan"), small_group=False)
    return Tables(nation=nation, previous=previous, domains=domains, table=table, district_names=district_names)
