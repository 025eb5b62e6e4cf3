"""Public links (dashboard.links): only ever to an address readers elsewhere can open."""
from __future__ import annotations

import pytest

from dashboard import links


@pytest.mark.parametrize("base, expected", [
    ("https://lao.example.go.th", "https://lao.example.go.th/report/6810404/2568.pdf"),
    ("https://lao.example.go.th/dashboard/", "https://lao.example.go.th/dashboard/report/6810404/2568.pdf"),
    ("http://10.0.0.5:8501", "http://10.0.0.5:8501/report/6810404/2568.pdf"),
    (None, None),                                   # unset: no link at all (never localhost)
    ("", None),
    ("http://localhost:8501", None),
    ("http://127.0.0.1:8501", None),
    ("http://[::1]:8501", None),
    ("http://0.0.0.0", None),
    ("http://app.localhost", None),
    ("lao.example.go.th", None),                    # no scheme
    ("javascript:alert(1)", None),
    ("ftp://lao.example.go.th", None),
    ("https://lao.example.go.th/?x=1", None),
    ("https://lao example.go.th", None),
    ("https://[bad", None),
])
def test_report_url(monkeypatch, base, expected):
    if base is None:
        monkeypatch.delenv("LAO_PUBLIC_URL", raising=False)
    else:
        monkeypatch.setenv("LAO_PUBLIC_URL", base)
    assert links.report_url("6810404", 2568) == expected


def test_english_report_and_codes_are_escaped(monkeypatch):
    monkeypatch.setenv("LAO_PUBLIC_URL", "https://lao.example.go.th")
    assert links.report_url("6810404", 2568, "en") == "https://lao.example.go.th/report/6810404/2568.pdf?lang=en"
    assert links.report_url("68/10?4", 2568) == "https://lao.example.go.th/report/68%2F10%3F4/2568.pdf"
