"""The registered pages by url path, so a page can link to another (st.page_link / st.switch_page
need the st.Page object for pages that are functions)."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

_PAGES: dict[str, st.Page] = {}


def register(pages: dict[str, st.Page]) -> None:
    _PAGES.clear()
    _PAGES.update(pages)


def page(url_path: str) -> st.Page:
    return _PAGES[url_path]


def link(url_path: str, label: str, params: dict[str, str], where=None, **kw) -> None:
    (where or st).page_link(page(url_path), label=label, query_params=params, **kw)


def scorecard_url(lao_code: str, year: int, lang: str = "th") -> str:
    """The relative link to one LAO's scorecard (the one place such links are built)."""
    params = {"lao": lao_code, "year": year} | ({"lang": lang} if lang != "th" else {})
    return f"lao?{urlencode(params)}"
