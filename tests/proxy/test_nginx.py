"""Two processes behind nginx (scripts/serve.sh): a browser signs in through nginx and stays on its
process, sees a change committed through the other process, and 50 browserless sessions through nginx
run without an error. The HTTP routes answer through nginx too."""
from __future__ import annotations

import gzip
import json
import subprocess
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from sample_data.round_file import round_frame
from store.db import make_engine
from tests.browser.test_admin import metric as shown, nav, sign_in, upload
from tools.stclient import load

from .conftest import ROOT, get

OPEN = 2569


def metric(base: str, name: str, labels: dict | None = None) -> float:
    _, _, body = get(f"{base}/metrics")
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in (labels or {}).items()):
                return s.value
    return 0.0


def runs(base: str) -> float:
    """Page runs of one process, every page."""
    _, _, body = get(f"{base}/metrics")
    return sum(s.value for f in text_string_to_metric_families(body.decode()) for s in f.samples
               if s.name == "lao_page_run_seconds_count")


def a_good_file(db_url: str, tmp_path) -> Path:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        codes = [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l LEFT JOIN submission s ON s.lao_code = l.code AND s.year = :y "
            "WHERE l.province_code = '20' AND s.id IS NULL ORDER BY l.code LIMIT 4"), {"y": OPEN})]
    good = round_frame(engine, OPEN, codes)
    engine.dispose()
    path = tmp_path / "ชลบุรี.csv"
    path.write_bytes(good.to_csv(index=False).encode("utf-8"))
    return path


def test_signed_in_through_nginx_a_browser_sees_a_change_committed_through_the_other_process(
        served, browser, page, wait_for_app, tmp_path):
    page.goto(f"{served.url}/submissions", wait_until="domcontentloaded")
    wait_for_app(page)
    sign_in(page, "admin", wait_for_app)
    sessions = {p: metric(served.process(p), "lao_sessions_active") for p in served.ports}
    assert sorted(sessions.values()) == [0, 1], sessions     # the browser's session lives in one process
    mine = next(p for p, n in sessions.items() if n == 1)
    other = next(p for p in served.ports if p != mine)
    before = shown(page, "ส่งแล้ว")

    # An administrator commits 4 submissions through the other process, straight to its port.
    admin = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        there = admin.new_page()
        there.goto(f"{served.process(other)}/admin", wait_until="domcontentloaded")
        wait_for_app(there)
        sign_in(there, "admin", wait_for_app)
        upload(there, a_good_file(served.db_url, tmp_path), wait_for_app)
        there.get_by_text("ตรวจแล้วไม่พบข้อผิดพลาด", exact=False).wait_for()
        there.get_by_role("button", name="ยืนยันการนำเข้า").click()
        there.get_by_text("บันทึกแล้ว", exact=False).wait_for()
    finally:
        admin.close()

    # Back through nginx: still signed in, still on the same process, and the change is there.
    nav(page, "ติดตามการส่งข้อมูล", wait_for_app)
    assert page.get_by_text("เข้าสู่ระบบในชื่อ").is_visible()
    assert shown(page, "ส่งแล้ว") == before + 4
    # A reload opens a new websocket; the cookie sends it to the same process again.
    on_mine, on_other = runs(served.process(mine)), runs(served.process(other))
    page.reload(wait_until="domcontentloaded")
    wait_for_app(page)
    assert runs(served.process(mine)) > on_mine and runs(served.process(other)) == on_other


def test_fifty_sessions_through_nginx_run_without_an_error(served):
    before = {p: runs(served.process(p)) for p in served.ports}
    summary = load(served.url, sessions=50, steps=["overview"], timeout=240)
    assert summary["errors"] == [] and summary["runs"] == 50, summary
    assert all(runs(served.process(p)) > before[p] for p in served.ports)     # nginx spread them


def test_the_http_routes_through_nginx(served):
    status, headers, body = get(f"{served.url}/api/v1/")
    assert status == 200 and json.loads(body)["published_rounds"] == [2565, 2566, 2567, 2568]
    assert headers["X-Frame-Options"] == "DENY" and "lao_route=" in headers.get("Set-Cookie", "")
    req = urllib.request.Request(f"{served.url}/api/v1/results?year=2568&limit=1000",
                                 headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.headers["Content-Encoding"] == "gzip" and len(json.loads(gzip.decompress(r.read()))["rows"]) == 1000
    assert get(f"{served.url}/api/v1/results?year={OPEN}")[0] == 404
    assert get(f"{served.url}/data/2568.zip")[0] == 200


def test_more_than_one_process_refuses_sqlite():
    done = subprocess.run(["bash", "scripts/serve.sh", "--processes", "2"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///x.sqlite"})
    assert done.returncode == 2 and "PostgreSQL" in done.stderr and "SQLite" in done.stderr
