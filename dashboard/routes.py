"""What Streamlit's server carries beside the pages, handed to `st.App` by dashboard/app.py: the HTTP
routes (dashboard/api.py), headers that keep every answer (pages included) out of other sites' frames,
and the sessions gauge of /metrics.

`streamlit run dashboard/app.py` sees `app = st.App(...)` in that file, imports it once as a module
and serves the routes; every page run executes the file afresh as __main__ (README, architecture).
"""
from __future__ import annotations

import logging

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from streamlit import runtime

from . import auth_routes, metrics
from .api import OpenData

LOG = logging.getLogger("dashboard")

# Streamlit frames its own custom components (same origin); nothing else may be framed.
FRAMED_PATHS = ("/component/", "/_stcore/bidi-components/")


class SecurityHeaders:
    """Anti-framing and no-sniffing headers on every HTTP answer (plain ASGI: websockets pass by)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        own = scope["path"].startswith(FRAMED_PATHS)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Frame-Options", "SAMEORIGIN" if own else "DENY")
                headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'" if own
                                   else "frame-ancestors 'none'")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def active_sessions() -> int:
    if not runtime.exists():
        return 0
    # Streamlit has no public count of connected sessions; its session manager keeps one.
    return runtime.get_instance()._session_mgr.num_active_sessions()


class _BeforeRuntime(logging.Filter):
    """The page modules' @st.cache_data decorations run when the server imports dashboard/app.py, before
    Streamlit's runtime exists; each then logs a harmless "No runtime found" warning (the real cache is
    chosen on first use). Drop those, and only those."""

    def filter(self, record: logging.LogRecord) -> bool:
        return runtime.exists() or "No runtime found" not in record.getMessage()


def unexpected_error(exc: Exception) -> bool:
    """A bug a page run did not catch: logged in full for the operator; the visitor gets a plain message in
    their language, never a traceback (with `showErrorDetails = "none"` Streamlit's own box would be English)."""
    import streamlit as st

    from . import ui

    LOG.error("page run failed", exc_info=exc)
    st.error(ui.tr("unexpected_error"), icon=":material/error:")
    return True


def server_options() -> dict:
    """Keyword arguments of st.App for dashboard/app.py."""
    logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(_BeforeRuntime())
    metrics.SESSIONS.set_function(active_sessions)
    return {"routes": OpenData().routes() + auth_routes.ROUTES, "middleware": [Middleware(SecurityHeaders)],
            "on_script_error": unexpected_error}
