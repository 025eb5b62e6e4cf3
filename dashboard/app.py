"""Entry point: `streamlit run dashboard/app.py`. Registers the pages, the language switch and the
shared frame (banner, attribution); each page module renders only its own content."""
from __future__ import annotations

import streamlit as st

from dashboard import auth, data, nav, ui
from dashboard.i18n import LANGS
from pages import admin, indicators, lao, methodology, overview, province, submissions
from store.db import has_schema

PAGES = (  # url path (contract), title key, render function; the first is the default
    ("overview", "nav_overview", overview.render),
    ("province", "nav_province", province.render),
    ("lao", "nav_lao", lao.render),
    ("indicators", "nav_indicators", indicators.render),
    ("submissions", "nav_submissions", submissions.render),
    ("admin", "nav_admin", admin.render),
    ("methodology", "nav_methodology", methodology.render),
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


def forward_to_overview() -> None:
    st.switch_page(nav.page("overview"), query_params=st.query_params.to_dict())


def main() -> None:
    st.set_page_config(page_title=ui.tr("app_short"), layout="wide")
    lang = ui.lang()
    scope = auth.sync()            # who is signed in decides what the data layer returns
    # The admin page is left out of the menu for everyone but administrators; its render() and the
    # store functions it calls refuse non-administrators too, so a typed-in /admin gets nothing.
    # No page icons: Streamlit turns them into favicons fetched from the internet.
    pages = [st.Page(fn, title=ui.tr(key), url_path=path,
                     visibility="visible" if path != "admin" or scope.can_administer else "hidden")
             for path, key, fn in PAGES]
    nav.register({path: p for (path, *_), p in zip(PAGES, pages)})
    # Streamlit serves the default page only at "/", so /overview would not open; a hidden entry page
    # at "/" forwards to /overview with the query parameters instead.
    entry = st.Page(forward_to_overview, title=ui.tr("nav_overview"), url_path="home", default=True,
                    visibility="hidden")
    page = st.navigation([entry, *pages])
    st.session_state["qp_lang"] = lang
    st.sidebar.segmented_control(ui.tr("language"), LANGS, key="qp_lang", required=True,
                                 format_func={"th": "ไทย", "en": "English"}.get,
                                 on_change=lambda: ui.remember("lang", st.session_state["qp_lang"]))
    ui.remember("lang", lang)
    auth.sidebar(ui.tr)
    if database_ready():
        ui.synthetic_banner()
        page.run()
    st.sidebar.caption(ui.tr("attribution"))


main()
