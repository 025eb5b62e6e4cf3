"""Cached data access: the only module that mixes Streamlit and the database.

Every cached function takes the data version (the newest change-log id) as its first argument, so
a commit from the admin page shows on every page at once, without a restart.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from store import queries
from store.access import PUBLIC, Scope
from store.db import make_engine


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    return make_engine()


def scope() -> Scope:
    """The signed-in user's scope; the public until someone signs in."""
    return st.session_state.get("scope", PUBLIC)


def version() -> int:
    return queries.data_version(engine())


_cache = st.cache_data(show_spinner=False, max_entries=256, ttl=3600)


@_cache
def meta(_v: int) -> dict[str, str]:
    return queries.meta(engine())


@_cache
def rounds(_v: int, scope: Scope) -> pd.DataFrame:
    return queries.rounds(engine(), scope)


@_cache
def provinces(_v: int) -> pd.DataFrame:
    return queries.provinces(engine())


@_cache
def districts(_v: int) -> pd.DataFrame:
    return queries.districts(engine())


@_cache
def laos(_v: int) -> pd.DataFrame:
    return queries.laos(engine())


@_cache
def catalogue(_v: int, year: int | None = None) -> pd.DataFrame:
    return queries.catalogue(engine(), year)


@_cache
def summaries(_v: int, scope: Scope, year: int | None = None, domain: str | None = None,
              province: str | None = None, lao: str | None = None) -> pd.DataFrame:
    return queries.summaries(engine(), scope, year=year, domain=domain, province=province, lao=lao)


@_cache
def results(_v: int, scope: Scope, year: int | None = None, indicator: str | None = None,
            province: str | None = None, lao: str | None = None, outcome: str | None = None) -> pd.DataFrame:
    return queries.results(engine(), scope, year=year, indicator=indicator, province=province, lao=lao,
                           outcome=outcome)


@_cache
def indicator_outcomes(_v: int, scope: Scope, year: int) -> pd.DataFrame:
    return queries.indicator_outcomes(engine(), scope, year)


@_cache
def submissions(_v: int, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    return queries.submissions(engine(), scope, year, province)


@_cache
def values(_v: int, scope: Scope, lao: str, year: int) -> pd.DataFrame:
    return queries.values(engine(), scope, lao, year)


def clear() -> None:
    st.cache_data.clear()


@_cache
def indicator_history(_v: int, scope: Scope, indicator: str) -> pd.DataFrame:
    return queries.indicator_history(engine(), scope, indicator)
