"""What every page run sends to the browser besides the page itself (the shell, dashboard/app.py, calls
frame() once per run): the document's language, the page's language for the texts Streamlit and plotly.js
draw themselves (locale/library.yaml: neither library can be told them), a keyboard stop on scrollable
tables, and the few styles the theme options cannot express (colours from dashboard.theme).

Only fixed code and catalogue texts reach the browser here, as JSON; nothing from a URL, a file or the
database does.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import streamlit as st

from . import theme
from .i18n import messages, t

LIBRARY_PREFIX = "lib_"


def library_texts() -> list[tuple[str, str]]:
    """(library's English text, Thai) for every lib_ entry of the catalogue."""
    return [(entry["en"], entry["th"]) for key, entry in messages().items() if key.startswith(LIBRARY_PREFIX)]


@lru_cache(maxsize=2)
def script(lang: str) -> str:
    config = {"lang": lang, "texts": library_texts(), "scrollName": t("table_region", lang)}
    code = (Path(__file__).with_name("browser.js")).read_text(encoding="utf-8")
    # Streamlit's sanitiser drops a script whose text has "<" before a letter or "/" (mXSS guard)
    payload = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    if re.search(r"<[/\w]", code):
        raise ValueError("dashboard/browser.js must not contain '<' before a letter or '/'")
    return "<script>" + code.replace("__CONFIG__", payload) + "</script>"


@lru_cache(maxsize=1)
def style() -> str:
    return f"""<style>
[data-testid="stCaptionContainer"] {{ color: {theme.CAPTION}; opacity: 1; }}
[data-testid="stMain"] h2 {{ font-size: 1.5rem; }}
[data-testid="stMain"] h3 {{ font-size: 1.2rem; }}
[data-testid="stSidebar"] [data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script) {{ display: none; }}
</style>"""


def frame(lang: str) -> None:
    """Called first in every run, so the page's language is in place before the page arrives."""
    st.html(style())                                            # style only: takes no room on the page
    st.sidebar.html(script(lang), unsafe_allow_javascript=True, width="content")
