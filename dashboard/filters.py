"""The shared choices (round, LAO type, region, province), each written once and kept in the URL."""
from __future__ import annotations

from typing import Literal

import streamlit as st

from scoring import areas
from scoring.catalogue import domains
from scoring.laotypes import TYPE_CODES, type_name

from . import data, provisional, ui
from .context import View
from .i18n import t, year_label

ALL = areas.ALL     # the one value meaning "every type / region / province"


def region_name(code: str, lang: str) -> str:
    """The 6-region scheme's names come from the text catalogue (region_<code>)."""
    return t(f"region_{code}", lang)


def scope_label(view: View, type_code: str = ALL, region_code: str = ALL, domain: str | None = None) -> str:
    """What the figures on a page cover, in words: 'ทั้งประเทศ', 'เทศบาลนคร · ภาคใต้', 'ด้าน 1 … · ทั้งประเทศ'.
    Titles, headline figures and trends say it, so a filtered figure never passes for a national one."""
    typ = None if type_code == ALL else type_name(type_code, view.lang)
    reg = None if region_code == ALL else region_name(region_code, view.lang)
    where = (view.tr("scope_type_region", type=typ, region=reg) if typ and reg else
             view.tr("scope_type", type=typ) if typ else reg if reg else view.tr("scope_nation"))
    if domain in (None, ALL):
        return where
    return f"{view.tr('domain')} {domain} {domains()[f'name_{view.lang}'][int(domain)]} · {where}"


def round_year(view: View, default: Literal["published", "open", "newest"] = "published", *, where=None,
               explain_hidden: bool = False, catalogues: bool = False) -> int | None:
    """The one round picker: the rounds the user may see, newest first. The default is the newest
    published round (default="open": the round still collecting; "newest": the newest of all). With
    `explain_hidden`, a round in the URL that exists but the user may not see yet gets a message and no
    picker (never a silent switch to another round). `catalogues`: every round, for its indicator
    catalogue (a round's form is public even before its results are)."""
    rounds = data.lao_round_states(view.v) if catalogues else data.rounds(view.v, view.scope)
    asked = ui.url_value("year")
    if explain_hidden and asked is not None and str(asked).isdigit() and int(asked) not in set(rounds["year"]) \
            and int(asked) in set(data.lao_round_states(view.v)["year"]):
        st.warning(view.tr("round_not_public", year=year_label(int(asked), view.lang)), icon=":material/lock_clock:")
        published = rounds.loc[rounds["state"] == "published", "year"]
        if not published.empty:
            latest = int(published.max())
            st.button(view.tr("round_go_published", year=year_label(latest, view.lang)), key="round_go_published",
                      on_click=ui.remember, args=("year", latest))
        return None
    if rounds.empty:
        st.info(view.tr("no_rounds"))
        return None
    years = sorted(rounds["year"].astype(int).tolist(), reverse=True)
    preferred = rounds["year"] if default == "newest" else rounds.loc[rounds["state"] == default, "year"]
    if preferred.empty and default == "open":
        preferred = rounds.loc[rounds["state"] == "published", "year"]
    fallback = int(preferred.max()) if not preferred.empty else years[0]
    year = ui.url_widget("year", st.selectbox, view.tr("year"), years, default=fallback, parse=int, where=where,
                         format_func=lambda y: year_label(y, view.lang))
    if not catalogues:
        provisional.mark(view, year)     # every page showing an unpublished round's figures says they may change
    return year


def lao_type(view: View, where=None) -> str:
    return ui.url_widget("type", st.selectbox, view.tr("lao_type"), [ALL, *TYPE_CODES], default=ALL, where=where,
                         format_func=lambda c: view.tr("all_types") if c == ALL else type_name(c, view.lang))


def region(view: View, where=None) -> str:
    regions = sorted(data.provinces(view.v)["region6"].unique())
    return ui.url_widget("region", st.selectbox, view.tr("region"), [ALL, *regions], default=ALL, where=where,
                         format_func=lambda r: view.tr("all_regions") if r == ALL else region_name(r, view.lang))


def province(view: View, options: list[str], default: str | None = None, *, allow_all: bool = False,
             where=None) -> str:
    """A province (2-digit code) among `options`; with `allow_all`, also every province at once."""
    names = data.provinces(view.v).set_index("province_code")[f"name_{view.lang}"]
    choices = ([ALL] if allow_all else []) + list(options)
    return ui.url_widget("province", st.selectbox, view.tr("province"), choices,
                         default=default if default in choices else choices[0], where=where,
                         format_func=lambda c: view.tr("all_provinces") if c == ALL else names.get(c, c))
