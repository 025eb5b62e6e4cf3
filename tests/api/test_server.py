"""`streamlit run dashboard/app.py` (the README's command) serves the HTTP routes beside the pages:
same server, same port, the pages unchanged, every answer unframeable, JSON gzipped, and /metrics counts
a page run that a (browserless) visitor caused."""
from __future__ import annotations

import gzip
import json
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.browser.conftest import StreamlitServer
from tools.stclient import Session, in_thread


@pytest.fixture(scope="module")
def server(sample_db_url):
    s = StreamlitServer(sample_db_url)
    yield s
    s.stop()


def fetch(url: str, headers: dict | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, dict(r.headers), r.read()


def metric(base: str, name: str, labels: dict) -> float:
    _, _, body = fetch(f"{base}/metrics")
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def test_routes_and_pages_on_one_server(server):
    status, headers, body = fetch(f"{server.url}/api/v1/")
    assert status == 200 and json.loads(body)["published_rounds"]
    for path in ("/overview", "/", "/_stcore/health", "/api/v1/laos?limit=1", "/healthz"):
        status, headers, body = fetch(server.url + path)
        assert status == 200, path
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff", path
        assert headers["content-security-policy"] == "frame-ancestors 'none'", path
    status, headers, body = fetch(f"{server.url}/overview")
    assert headers["content-type"].startswith("text/html") and b"<div id=\"root\">" in body
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and "No runtime found" not in log


def test_api_answers_are_gzipped(server):
    url = f"{server.url}/api/v1/results?year=2568&limit=1000"
    _, plain_headers, plain = fetch(url)
    _, headers, packed = fetch(url, {"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip" and "content-encoding" not in plain_headers
    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 3
    assert headers["etag"] == plain_headers["etag"]


def test_metrics_count_a_page_run_and_the_session(server):
    base = server.url
    before = metric(base, "lao_page_run_seconds_count", {"page": "overview"})

    async def visit():
        async with Session.connect(base) as s:
            run = await s.open("overview?year=2567")
            return run, metric(base, "lao_sessions_active", {})

    run, sessions = in_thread(visit())      # its own loop: a browser test's may be running in this process
    assert not run.errors and run.nbytes > 10_000
    assert sessions >= 1
    assert metric(base, "lao_page_run_seconds_count", {"page": "overview"}) == before + 1
    assert metric(base, "lao_page_run_seconds_sum", {"page": "overview"}) > 0
