"""Public addresses printed on pages, in workbooks and in reports: built here only, so none of them can
point somewhere that does not work for the reader (a QR code on paper must never lead to localhost).

The base is the LAO_PUBLIC_URL setting; unset, malformed or a local address means "no public address",
and callers then print no link at all and say where the report can be found instead.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import quote, urlsplit

from store import settings

LOCAL_NAMES = ("localhost", "localhost.localdomain", "")


def public_base() -> str | None:
    """LAO_PUBLIC_URL without a trailing '/', or None when it cannot serve readers elsewhere."""
    raw = (settings.raw("LAO_PUBLIC_URL") or "").strip()
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or host in LOCAL_NAMES or host.endswith(".localhost"):
        return None
    if parts.query or parts.fragment or any(c.isspace() for c in raw):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified:
            return None
    except ValueError:
        pass                                        # a host name, not an address
    return raw.rstrip("/")


def report_url(lao_code: str, year: int, lang: str = "th") -> str | None:
    """The public council report of a published round: {LAO_PUBLIC_URL}/report/{lao}/{year}.pdf
    (the HTTP route serves published rounds only), or None without a public address."""
    base = public_base()
    if base is None:
        return None
    url = f"{base}/report/{quote(str(lao_code), safe='')}/{int(year)}.pdf"
    return url + "?lang=en" if lang == "en" else url
