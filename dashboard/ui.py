"""Shared UI pieces: language, filters kept in the URL, downloads, chart + table alternative.

The URL is the single source of truth for a view: each filter reads its value from the query
parameters on every run and writes the user's change back, so any view can be shared by link.
"""
from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd
import streamlit as st

import geo
from store.spreadsheet import to_csv_bytes, to_xlsx_bytes

from . import data
from .format import MISSING, md_escape
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


def url_widget(param: str, widget: Callable, label: str, options: Sequence | None = None, *, default=None,
               multi: bool = False, sticky: bool = True, parse: Callable = str, where=None, key: str | None = None,
               quiet: bool = False, **kw):
    """A widget whose value lives in the URL query parameter `param` (contract names and values): the one
    way a choice is kept in the URL, so any view can be shared by link.

    The URL wins over stale widget state; an unknown or malformed value falls back to `default` (for a
    selectbox without a default: the first option) and leaves the URL. `sticky` choices (year, type, ...)
    are also remembered across sidebar navigation and always written to the URL; page-local ones appear
    in the URL only while they differ from the default. `multi`: a comma-separated list of options.
    A value the link asked for and did not get is named in a notice, never dropped silently (`quiet`: the
    page says so in its own words).
    """
    where = where or st.sidebar
    if widget in (st.selectbox, st.multiselect):
        kw.setdefault("placeholder", tr("choose_option"))     # Streamlit's own is English
    options = None if options is None else list(options)
    raw = url_value(param) if sticky else st.query_params.get(param)
    value = _parse_choice(raw, options, default, multi, parse, kw.get("max_selections"))
    if not quiet:
        _say_ignored(st.query_params.get(param), options, multi, parse, label)
    if value is None and default is None and options and not multi and widget is st.selectbox \
            and kw.get("index", 0) is not None:
        value = options[0]
    key = key or f"qp_{param}"
    st.session_state[key] = value

    def write():
        _write_param(param, st.session_state[key], default, multi, sticky)

    where_widget = getattr(where, widget.__name__)
    where_widget(label, *([options] if options is not None else []), key=key, on_change=write, **kw)
    _write_param(param, value, default, multi, sticky)
    return value


def _parse_choice(raw, options, default, multi, parse, limit):
    if raw is None or raw == "":
        return list(default or []) if multi else default
    if multi:
        picked = [c for c in str(raw).split(",") if options is None or c in options]
        return picked[:limit] if limit else picked
    try:
        value = parse(raw)
    except (TypeError, ValueError):
        return default
    return value if options is None or value in options else default


def _say_ignored(asked, options, multi, parse, label: str) -> None:
    """Name what a link asked for that is not a choice here (a remembered choice is this session's own)."""
    if asked is None or asked == "" or options is None:
        return
    ignored = [w for w in (str(asked).split(",") if multi else [asked])
               if _parse_choice(w, options, None, False, parse, None) is None]
    if ignored:
        st.info(tr("url_value_ignored", value=md_escape(", ".join(ignored)[:60]), label=md_escape(label)),
                icon=":material/link_off:")


def _write_param(param, value, default, multi, sticky) -> None:
    text = ",".join(value) if multi else ("" if value is None else str(value))
    if sticky and text:
        remember(param, text)
    elif text and value != default:
        st.query_params[param] = text
    else:
        st.query_params.pop(param, None)


def url_tabs(param: str, sections: dict[str, str], key: str) -> list:
    """Tabs whose choice lives in the URL (`param`, page-local). Returns (tab, name) pairs; run only the open
    tab's section (`tab.open`), so a hidden tab costs nothing."""
    names, labels = list(sections), list(sections.values())
    chosen = st.query_params.get(param)
    if chosen not in names:
        st.query_params.pop(param, None)
        chosen = names[0]
    st.session_state[key] = labels[names.index(chosen)]

    def write():
        picked = names[labels.index(st.session_state[key])]
        if picked == names[0]:
            st.query_params.pop(param, None)
        else:
            st.query_params[param] = picked
    return list(zip(st.tabs(labels, key=key, on_change=write), names))


def carry_params(*names: str, **overrides) -> dict[str, str]:
    """The current view's filters, to carry into a link to another page."""
    keep = {k: st.query_params[k] for k in names if k in st.query_params}
    keep.update({k: str(v) for k, v in overrides.items() if v is not None})
    return keep


def dataframe(df, where=None, **kw):
    """The one way a table is shown: a missing value reads "–" (Streamlit would write "None"), and a table
    without rows says so in words instead of drawing an empty grid marked "empty". `df` may be a Styler."""
    where = where or st
    frame = df.data if hasattr(df, "data") else df
    if frame.empty:
        where.caption(tr("no_rows"))
        return None
    kw.setdefault("hide_index", True)
    kw.setdefault("width", "stretch")
    return where.dataframe(df, placeholder=MISSING, **kw)


def downloads(df: pd.DataFrame, name: str, where=None, key: str | None = None) -> None:
    """CSV and Excel downloads of exactly the table shown (formula-safe), built only when clicked; none for
    a table without rows."""
    where = where or st
    if df.empty:
        return
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
        dataframe(table)
        downloads(table, name, key=key or name)
    return event


def synthetic_banner(view) -> None:
    if data.meta(view.v).get("synthetic") == "1":
        st.info(view.tr("synthetic_banner"), icon=":material/science:")


# Map figures are pure functions of their inputs, built once per input and shared by every session as the same
# object (cache_resource): a copy per run would be unpickled and validated again by plotly, which cost more than
# the rest of the overview's run. Callers only hand the figure to st.plotly_chart, which copies it; never change it.
province_map = st.cache_resource(show_spinner=False, max_entries=64)(geo.province_map)
district_map = st.cache_resource(show_spinner=False, max_entries=64)(geo.district_map)
