"""Entry point: `streamlit run dashboard/app.py`. Registers the pages, the language switch and the
shared frame (banner, attribution); each page module renders only its own content."""
from __future__ import annotations

import streamlit as st

if __name__ != "__main__":   # `streamlit run` imports this file once, as a module: the server, with HTTP routes
    from dashboard.routes import server_options
    app = st.App(__file__, **server_options())

from dashboard import auth, browser, data, nav, ui
from dashboard.context import View
from dashboard.i18n import LANGS
from pages import admin, entry, indicators, lao, methodology, overview, province, review, submissions
from scoring.errors import ValidationError
from store.access import PUBLIC
from store.db import fault_kind, has_schema, sqlite_file
from dashboard.metrics import page_run

PAGES = (  # url path (contract), title key, render function; the first is the default
    ("overview", "nav_overview", overview.render),
    ("province", "nav_province", province.render),
    ("lao", "nav_lao", lao.render),
    ("indicators", "nav_indicators", indicators.render),
    ("submissions", "nav_submissions", submissions.render),
    ("review", "nav_review", review.render),
    ("entry", "nav_entry", entry.render),
    ("admin", "nav_admin", admin.render),
    ("methodology", "nav_methodology", methodology.render),
)


def show_fault(exc: Exception) -> bool:
    """Show a database fault (read-only, locked, unreachable) or a broken data file shipped with the app
    as a plain message with a retry button, and drop pooled connections so the next run connects afresh
    (a replaced file, a restarted server). False when `exc` is no such fault: a bug, to be raised."""
    kind = fault_kind(exc)
    if kind is None and isinstance(exc, ValidationError) and exc.what == "catalogue":
        kind = "catalogue"
    if kind is None:
        return False
    data.reset_connections()
    st.error(ui.tr("database_error" if kind == "unreachable" else f"faults_{kind}"), icon=":material/cloud_off:")
    if kind == "catalogue":
        st.text(exc.report(ui.lang()))            # where the file is wrong, as plain text
    st.button(ui.tr("faults_retry"), icon=":material/refresh:", key="faults_retry")   # a click reruns
    return True


def ready_version() -> int | None:
    """The data version when the database answers and holds an LAO registry, else None (after saying why)."""
    try:
        engine = data.engine()
        path = sqlite_file(engine)          # never connect to a missing file: that would create an empty one
        if (path is None or path.exists()) and has_schema(engine):
            v = data.version()
            if data.has_laos(v):
                return v
        data.reset_connections()            # a file put in place later is opened afresh
        st.warning(ui.tr("no_database"), icon=":material/database:")
    except Exception as exc:  # noqa: BLE001 - any driver error gets a plain message
        if not show_fault(exc):
            data.reset_connections()
            st.error(ui.tr("database_error"), icon=":material/cloud_off:")
            st.caption(type(exc).__name__)
    return None


def _with_view(render, run_view: dict):
    """st.Page calls its function without arguments; each page's render(view) gets this run's context."""
    def page() -> None:
        render(run_view["view"])
    page.__name__ = page.__qualname__ = render.__module__.rsplit(".", 1)[-1]   # Streamlit names pages by it
    return page


def forward_to_overview() -> None:
    st.switch_page(nav.page("overview"), query_params=st.query_params.to_dict())


def open_year(v: int) -> int | None:
    """The round now collecting (its existence and window are public; its data is not)."""
    states = data.lao_round_states(v)
    years = states.loc[states["state"] == "open", "year"]
    return int(years.max()) if len(years) else None


def must_change(view: View) -> None:
    """After a reset or with a one-time password, the user chooses a password before anything else."""
    st.title(view.tr("auth_must_change_title"))
    st.info(view.tr("auth_must_change"), icon=":material/key:")
    if auth.change_password_form(view.tr, view.lang, "main"):
        st.rerun()


def main() -> None:
    st.set_page_config(page_title=ui.tr("app_short"), layout="wide")
    lang = ui.lang()
    browser.frame(lang)            # first: the page's language is set before the page itself arrives
    v = ready_version()            # sessions live in the database, so it answers before anyone signs in
    scope = PUBLIC
    if v is not None:
        try:
            scope = auth.sync()    # who is signed in decides what the data layer returns
        except Exception as exc:  # noqa: BLE001 - faults become messages; anything else is raised again
            if not show_fault(exc):
                raise
            v = None
    # Pages for a role are left out of the menu for everyone else (admin: administrators; entry: LAO staff
    # and administrators); their render() and the store functions they call refuse others too, so a
    # typed-in URL gets a message and no data. No page icons: Streamlit turns them into favicons fetched
    # from the internet.
    run_view: dict[str, View] = {}     # the context of this run, built once the database answers
    shown = {"admin": scope.can_administer, "entry": scope.role in ("lao", "admin"),
             "review": scope.role in ("monitor", "executive", "admin")}
    pages = [st.Page(_with_view(fn, run_view), title=ui.tr(key), url_path=path,
                     visibility="visible" if shown.get(path, True) else "hidden")
             for path, key, fn in PAGES]
    nav.register({path: p for (path, *_), p in zip(PAGES, pages)})
    # Streamlit serves the default page only at "/", so /overview would not open; a hidden home page
    # at "/" forwards to /overview with the query parameters instead.
    home = st.Page(forward_to_overview, title=ui.tr("nav_overview"), url_path="home", default=True,
                   visibility="hidden")
    page = st.navigation([home, *pages])
    st.session_state["qp_lang"] = lang
    st.sidebar.segmented_control(ui.tr("language"), LANGS, key="qp_lang", required=True,
                                 format_func={"th": "ไทย", "en": "English"}.get,
                                 on_change=lambda: ui.remember("lang", st.session_state["qp_lang"]))
    ui.remember("lang", lang)
    if v is not None:
        try:
            auth.sidebar(ui.tr, open_year(v), lang)
            view = run_view["view"] = View(lang=lang, scope=scope, v=v)
            if scope.signed_in and auth.must_change_password():
                must_change(view)
            else:
                ui.synthetic_banner(view)
                with page_run(page.url_path or "home"):   # /metrics: runs and durations per page
                    page.run()
        except Exception as exc:  # noqa: BLE001 - faults become messages; anything else is raised again
            if not show_fault(exc):
                raise
    st.sidebar.caption(ui.tr("attribution"))


if __name__ == "__main__":   # every page run executes this file as __main__
    main()
