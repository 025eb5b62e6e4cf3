"""An import killed midway (SIGKILL: no clean-up of any kind) leaves the previous data exactly as it was.

The import runs as the real command (`python -m dashboard import FILE`) on a copy of the small sample,
with every round for every LAO (~94,000 rows; the published rounds are closed first, since importing
into a published round needs a correction's reason). It is killed once it has written part of its
transaction to SQLite's write-ahead log (the log file has grown past a threshold while the process
still runs): early, while rows are inserted, and later, while results are rescored. Afterwards every
table's fingerprint equals the one taken before, the file passes SQLite's integrity check, and the same
import then goes through.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sample_data.round_file import round_frame
from store.db import make_engine
from tests.store.fingerprint import table_fingerprint

ROOT = Path(__file__).resolve().parents[2]
YEARS = (2565, 2566, 2567, 2568, 2569)


@pytest.fixture(scope="module")
def big_file(small_sqlite_template, tmp_path_factory) -> Path:
    engine = make_engine(f"sqlite:///{small_sqlite_template}")
    frame = pd.concat([round_frame(engine, y) for y in YEARS], ignore_index=True)
    engine.dispose()
    path = tmp_path_factory.mktemp("big") / "every-round.csv"
    frame.to_csv(path, index=False)
    assert len(frame) > 90_000
    return path


def fingerprint(path: Path) -> dict:
    engine = make_engine(f"sqlite:///{path}")
    try:
        return table_fingerprint(engine)
    finally:
        engine.dispose()


def start_import(db: Path, file: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dashboard", "--db", f"sqlite:///{db}", "import", str(file)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("wal_bytes", [1 << 20, 6 << 20], ids=["inserting", "rescoring"])
def test_import_killed_midway_leaves_previous_data_intact(tmp_path, small_sqlite_template, big_file, wal_bytes):
    db = tmp_path / "lao.sqlite"
    shutil.copy(small_sqlite_template, db)
    with sqlite3.connect(db) as con:     # every round importable without a correction's reason (issue 12.7)
        con.execute("UPDATE round SET state = 'closed' WHERE state = 'published'")
    wal = Path(f"{db}-wal")
    before = fingerprint(db)

    proc = start_import(db, big_file)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size >= wal_bytes:
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the import ended before it could be killed midway: use a bigger file"
    written = wal.stat().st_size
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert written >= wal_bytes                     # part of the transaction was on disk when it died

    assert fingerprint(db) == before                # every table, every row: as before the import
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    done = start_import(db, big_file)               # nothing is left half-done in the way
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err.decode()
    after = fingerprint(db)
    assert after["submission"][0] > before["submission"][0]
    assert after["change_log"][0] == before["change_log"][0] + 1
