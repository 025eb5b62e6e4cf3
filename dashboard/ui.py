"""Shared UI pieces: language, filters kept in the URL, downloads, chart + table alternative.

The URL is the single source of truth for a view: each filter reads its value from the query
parameters on every run and writes the user's change back, so any view can be shared by link.
"""
from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd

import geo
import streamlit as st

from . import data
from store.spreadsheet import to_csv_bytes, to_xlsx_bytes
from .i18n import norm_lang, t


def lang() -> str:
    return norm_lang(url_value("lang"))


def url_value(param: str):
    """A view parameter: from the URL, else the value last chosen in this session.

    Streamlit's sidebar navigation drops query parameters, so the session remembers the user's
    choices and puts them back in the URL; a value in the URL always wins.
    """
    raw = st.query_params.get(param)
    return raw if raw is not None else st.session_state.get("_sticky", {}).get(param)


def remember(param: str, value) -> None:
    st.session_state.setdefault("_sticky", {})[param] = str(value)
    st.query_params[param] = str(value)


def tr(key: str, **fmt) -> str:
    return t(key, lang(), **fmt)


def query_select(param: str, options: Sequence, label: str, default=None,
                 format_func: Callable = str, where=None, parse: Callable = str, **kw):
    """A selectbox whose value lives in the URL query parameter `param` (contract names and values).

    An unknown or malformed value in the URL falls back to the default instead of failing, and the
    chosen value is always written to the URL, so a shared link keeps meaning the same view.
    """
    where = where or st.sidebar
    options = list(options)
    if not options:
        return None
    raw = url_value(param)
    try:
        value = parse(raw) if raw is not None else default
    except (TypeError, ValueError):
        value = default
    if value not in options:
        value = default if default in options else options[0]
    key = f"qp_{param}"
    st.session_state[key] = value         # the URL wins over any stale widget state
    where.selectbox(label, options, key=key, format_func=format_func,
                    on_change=lambda: remember(param, st.session_state[key]), **kw)
    remember(param, value)
    return value


def carry_params(*names: str, **overrides) -> dict[str, str]:
    """The current view's filters, to carry into a link to another page."""
    keep = {k: st.query_params[k] for k in names if k in st.query_params}
    keep.update({k: str(v) for k, v in overrides.items() if v is not None})
    return keep


def downloads(df: pd.DataFrame, name: str, where=None, key: str | None = None) -> None:
    """CSV and Excel downloads of exactly the table shown (formula-safe), built only when clicked."""
    where = where or st
    key = key or name
    c1, c2 = where.columns(2)
    c1.download_button(tr("download_csv"), lambda: to_csv_bytes(df), f"{name}.csv", "text/csv", key=f"csv_{key}",
                       icon=":material/download:")
    c2.download_button(tr("download_xlsx"), lambda: to_xlsx_bytes(df), f"{name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx_{key}",
                       icon=":material/table:")


def chart_with_table(fig, table: pd.DataFrame, name: str, summary: str | None = None,
                     config: dict | None = None, key: str | None = None, **chart_kw):
    """Every chart comes with a text summary, a table alternative and downloads of that table."""
    event = st.plotly_chart(fig, config=config or {"displaylogo": False}, key=key, **chart_kw)
    if summary:
        st.caption(summary)
    with st.expander(tr("show_table")):
        st.dataframe(table, hide_index=True, width="stretch")
        downloads(table, name, key=key or name)
    return event


def synthetic_banner() -> None:
    if data.meta(data.version()).get("synthetic") == "1":
        st.info(tr("synthetic_banner"), icon=":material/science:")


# Map figures are pure functions of their inputs; caching them keeps warm reruns well under budget.
province_map = st.cache_data(show_spinner=False, max_entries=64)(geo.province_map)
district_map = st.cache_data(show_spinner=False, max_entries=64)(geo.district_map)
