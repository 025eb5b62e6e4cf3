"""Entry point: `streamlit run dashboard/app.py`. Registers the pages, the language switch and the
shared frame (banner, attribution); each page module renders only its own content."""
from __future__ import annotations

import streamlit as st

from dashboard import data, nav, ui
from dashboard.i18n import LANGS
from pages import admin, indicators, lao, methodology, overview, province, submissions
from store.db import has_schema

PAGES = (  # url path (contract), title key, render function, icon; the first is the default
    ("overview", "nav_overview", overview.render, ":material/map:"),
    ("province", "nav_province", province.render, ":material/location_city:"),
    ("lao", "nav_lao", lao.render, ":material/assignment:"),
    ("indicators", "nav_indicators", indicators.render, ":material/checklist:"),
    ("submissions", "nav_submissions", submissions.render, ":material/inbox:"),
    ("admin", "nav_admin", admin.render, ":material/admin_panel_settings:"),
    ("methodology", "nav_methodology", methodology.render, ":material/menu_book:"),
)


def database_ready() -> bool:
    try:
        if has_schema(data.engine()) and data.meta(data.version()) is not None and not data.laos(data.version()).empty:
            return True
        st.warning(ui.tr("no_database"), icon=":material/database:")
    except Exception as exc:  # noqa: BLE001 - any driver error gets the same plain message
        st.error(ui.tr("database_error"), icon=":material/cloud_off:")
        st.caption(type(exc).__name__)
    return False


def main() -> None:
    st.set_page_config(page_title=ui.tr("app_short"), page_icon=":material/account_balance:", layout="wide")
    lang = ui.lang()
    pages = [st.Page(fn, title=ui.tr(key), icon=icon, url_path=path, default=(i == 0))
             for i, (path, key, fn, icon) in enumerate(PAGES)]
    nav.register({path: p for (path, *_), p in zip(PAGES, pages)})
    page = st.navigation(pages)
    st.session_state["qp_lang"] = lang
    st.sidebar.segmented_control(ui.tr("language"), LANGS, key="qp_lang", required=True,
                                 format_func={"th": "ไทย", "en": "English"}.get,
                                 on_change=lambda: ui.remember("lang", st.session_state["qp_lang"]))
    ui.remember("lang", lang)
    if database_ready():
        ui.synthetic_banner()
        page.run()
    st.sidebar.caption(ui.tr("attribution"))


main()
