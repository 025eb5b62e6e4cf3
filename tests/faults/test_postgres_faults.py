"""PostgreSQL going down, restarting and crashing under a running app and under an import.

The module starts a PostgreSQL server of its own (tests/faults/pgcluster.py), seeded once with the
small sample as a template; each test works on a fresh database made from it. The app runs in AppTest
(the same process and connection pool throughout, as a server would), the import as the real command.

Marked `postgres`: scripts/test.sh and CI (LAO_REQUIRE_ALL=1) run it; elsewhere it is skipped only
when there is no PostgreSQL at all.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from sample_data.round_file import round_frame
from store.db import make_engine
from store.seed import seed
from tests.accounts import write_accounts_file
from tests.conftest import REQUIRE_ALL
from tests.faults.helpers import OPEN, fault_free, fingerprint, m, overview_title, page, shown
from tests.faults.pgcluster import Cluster, bindir

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cluster():
    if bindir() is None:
        message = "needs the PostgreSQL server binaries (initdb)"
        pytest.fail(message + " and LAO_REQUIRE_ALL=1") if REQUIRE_ALL else pytest.skip(message)
    c = Cluster()
    admin = create_engine(c.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "tpl"'))
    admin.dispose()
    engine = make_engine(c.url("tpl"))
    seed(engine, small=True)
    engine.dispose()
    yield c
    c.remove()


@pytest.fixture
def pg(cluster, monkeypatch, tmp_path):
    """(cluster, URL of a fresh copy of the sample) with the app pointed at it and the test accounts."""
    if not cluster.running():
        cluster.start()
    name = f"t_{uuid.uuid4().hex[:8]}"
    admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "tpl"'))
    admin.dispose()
    url = cluster.url(name)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LAO_ACCOUNTS_FILE", str(write_accounts_file(tmp_path / "accounts.toml")))
    yield cluster, url
    if not cluster.running():
        cluster.start()


def good_file(url: str, n: int = 3) -> tuple[str, bytes, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        codes = [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l LEFT JOIN submission s ON s.lao_code = l.code AND s.year = :y "
            "WHERE l.province_code = '30' AND s.id IS NULL ORDER BY l.code LIMIT :n"), {"y": OPEN, "n": n})]
    frame = round_frame(engine, OPEN, codes)
    engine.dispose()
    return "faults.csv", frame.to_csv(index=False).encode(), "text/csv"


def test_server_down_is_explained_then_the_same_session_recovers(pg):
    cluster, url = pg
    before = fingerprint(url)
    at = page("overview")
    assert fault_free(at, overview_title())
    cluster.stop()
    at.run()
    assert not at.exception
    assert shown(at)["error"] == [m("database_error")]
    en = page("province", province="30", lang="en")              # another visitor, in English
    assert not en.exception and shown(en)["error"] == [m("database_error", "en")]
    cluster.start()
    at.button(key="faults_retry").click()
    at.run()
    assert fault_free(at, overview_title())
    assert fingerprint(url) == before


def test_a_restart_between_two_clicks_goes_unnoticed(pg):
    cluster, url = pg
    at = page("province", province="30")
    assert fault_free(at, m("province_title", name="นครราชสีมา", year="พ.ศ. 2568"))
    cluster.stop()
    cluster.start()                                   # every pooled connection is now dead
    at.run()
    assert fault_free(at, m("province_title", name="นครราชสีมา", year="พ.ศ. 2568"))


def test_a_commit_while_the_server_is_down_saves_nothing_and_works_once_it_is_back(pg):
    cluster, url = pg
    good = good_file(url)
    before = fingerprint(url)
    at = page("admin", user="admin")
    at.file_uploader[0].set_value(good)
    at.run()
    assert m("admin_commit") in [b.label for b in at.button]
    cluster.stop()
    at.button(key="admin_commit_submissions").click()
    at.run()
    assert not at.exception and shown(at)["error"] == [m("database_error")]
    cluster.start()
    assert fingerprint(url) == before
    # The page was not drawn while the server was down, so the browser let go of the upload: the
    # administrator retries, picks the file again and saves it.
    at.button(key="faults_retry").click()
    at.run()
    assert fault_free(at, m("admin_title"))
    at.file_uploader[0].set_value(good)
    at.run()
    at.button(key="admin_commit_submissions").click()
    at.run()
    assert not at.exception and not at.error
    assert m("admin_committed", rows=good[1].count(b"\n") - 1) in shown(at)["success"]
    after = fingerprint(url)
    assert after["submission"][0] == before["submission"][0] + 3


WRITING = ("SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid() AND "
           "state = 'active' AND (query ILIKE 'copy%' OR query ILIKE 'insert%' OR query ILIKE 'update%' "
           "OR query ILIKE 'delete%')")


@pytest.mark.parametrize("fault", ["import killed", "server crashed"])
def test_an_import_interrupted_midway_leaves_previous_data_intact(pg, tmp_path, fault):
    cluster, url = pg
    engine = make_engine(url)
    frame = pd.concat([round_frame(engine, y) for y in (2565, 2566, 2567, 2568, 2569)], ignore_index=True)
    with engine.begin() as conn:        # every round importable without a correction's reason (issue 12.7)
        conn.execute(text("UPDATE round SET state = 'closed' WHERE state = 'published'"))
    engine.dispose()
    big = tmp_path / "every-round.csv"
    frame.to_csv(big, index=False)
    before = fingerprint(url)

    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--db", url, "import", str(big)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watch = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    db = url.rsplit("/", 1)[1]
    deadline, seen = time.monotonic() + 120, False
    with watch.connect() as conn:
        while proc.poll() is None and time.monotonic() < deadline:
            if conn.execute(text(WRITING), {"db": db}).scalar_one():
                seen = True                            # the import's transaction is writing rows
                break
            time.sleep(0.005)
    watch.dispose()
    assert seen and proc.poll() is None, "the import ended before it could be interrupted"
    if fault == "import killed":
        os.kill(proc.pid, signal.SIGKILL)
    else:
        cluster.stop("immediate")                     # the server dies under the import
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    if not cluster.running():
        cluster.start()                               # crash recovery replays only committed work

    assert fingerprint(url) == before
    done = subprocess.run([sys.executable, "-m", "dashboard", "--db", url, "import", str(big)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert fingerprint(url)["submission"][0] > before["submission"][0]
