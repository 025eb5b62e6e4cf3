"""The shared sidebar filters (round, LAO type, region), kept in the URL."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.laotypes import TYPE_CODES, type_name

from . import data, ui
from .i18n import year_label

ALL = "all"
REGIONS = {"th": {"North": "ภาคเหนือ", "Northeast": "ภาคตะวันออกเฉียงเหนือ", "Central": "ภาคกลาง",
                  "East": "ภาคตะวันออก", "West": "ภาคตะวันตก", "South": "ภาคใต้"}}


def region_name(code: str, lang: str) -> str:
    return REGIONS.get(lang, {}).get(code, code)


def year(published_only: bool = False) -> int | None:
    """Rounds the user may see, newest first; the default is the newest published one."""
    rounds = data.rounds(data.version(), data.scope())
    if published_only:
        rounds = rounds[rounds["state"] == "published"]
    if rounds.empty:
        st.info(ui.tr("no_rounds"))
        return None
    years = sorted(rounds["year"].tolist(), reverse=True)
    published = rounds.loc[rounds["state"] == "published", "year"]
    default = int(published.max()) if not published.empty else years[0]
    return ui.query_select("year", years, ui.tr("year"), default=default, parse=int,
                           format_func=lambda y: year_label(y, ui.lang()))


def lao_type() -> str:
    lang = ui.lang()
    return ui.query_select("type", [ALL, *TYPE_CODES], ui.tr("lao_type"), default=ALL,
                           format_func=lambda c: ui.tr("all_types") if c == ALL else type_name(c, lang))


def region() -> str:
    lang = ui.lang()
    regions = sorted(data.provinces(data.version())["region6"].unique())
    return ui.query_select("region", [ALL, *regions], ui.tr("region"), default=ALL,
                           format_func=lambda r: ui.tr("all_regions") if r == ALL else region_name(r, lang))


def apply(laos: pd.DataFrame, type_code: str = ALL, region_code: str = ALL) -> pd.DataFrame:
    """LAOs within the chosen type and region (laos needs a region6 column for the region filter)."""
    keep = pd.Series(True, index=laos.index)
    if type_code != ALL:
        keep &= laos["type"] == type_code
    if region_code != ALL:
        keep &= laos["region6"] == region_code
    return laos[keep]
