"""HTTP routes of the sign-in (served by the app's own server, see dashboard/app.py): the handoff that turns
a sign-in into an HTTP-only session cookie, and sign-out, which removes it. A websocket message cannot set
an HTTP-only cookie, so the sign-in form sends the browser here once (store.sessions)."""
from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from store import sessions, settings

_NEXT = re.compile(r"^/[A-Za-z0-9_\-/]*(\?[A-Za-z0-9_\-=&%.,+]*)?$")


def safe_next(value: str | None) -> str:
    """Only a path of this site (never another host, never a scheme): an open redirect helps phishing."""
    value = value or "/"
    return value if len(value) <= 500 and _NEXT.fullmatch(value) and not value.startswith("//") else "/"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _redirect(request: Request) -> RedirectResponse:
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _engine():
    from . import data        # imported on first use: the server imports this module before Streamlit runs
    return data.engine()


async def session_handoff(request: Request) -> RedirectResponse:
    engine = _engine()
    token = await run_in_threadpool(sessions.redeem_handoff, engine, request.query_params.get("h", "")[:100])
    response = _redirect(request)
    if token:
        response.set_cookie(sessions.COOKIE, await run_in_threadpool(sessions.sign, engine, token),
                            max_age=int(settings.number("LAO_SESSION_MAX_HOURS") * 3600), path="/",
                            httponly=True, samesite="lax", secure=_secure(request))
    return response


async def sign_out(request: Request) -> RedirectResponse:
    engine = _engine()
    token = await run_in_threadpool(sessions.unsign, engine, request.cookies.get(sessions.COOKIE))
    await run_in_threadpool(sessions.end, engine, token)
    response = _redirect(request)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request))
    return response


ROUTES = [Route("/auth/session", session_handoff, methods=["GET"]),
          Route("/auth/signout", sign_out, methods=["GET"])]
