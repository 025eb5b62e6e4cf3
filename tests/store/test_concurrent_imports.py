"""Imports at the same time (issue 12.8): they run one after the other under the import lock, so two
submission imports both land (never a raw IntegrityError), a lock held too long ends in a plain
message, and a submissions import racing a catalogue import cannot leave figures for an indicator
the new catalogue drops."""
from __future__ import annotations

import contextlib
import sqlite3
import threading
import time

import pandas as pd
import pytest

from scoring import catalogue
from scoring.errors import ValidationError
from store import catalogue_import, imports
from store.catalogue_import import import_catalogue
from store.db import make_engine
from store.imports import import_submissions

from .helpers import read, rows_for

YEAR, LAO, EXTRA = 2569, "6810101", "8.99"


def run_in_thread(fn, *args, **kw):
    out = {}

    def target():
        try:
            out["result"] = fn(*args, **kw)
        except Exception as exc:          # noqa: BLE001 - the test looks at whatever happened
            out["error"] = exc
    t = threading.Thread(target=target)
    t.start()
    return t, out


def test_two_imports_at_once_both_land_as_successive_revisions(db, monkeypatch):
    content = rows_for(db, [LAO]).to_csv(index=False).encode()
    both_checked = threading.Barrier(2, timeout=1.5)
    original = imports._pairs

    def pairs(conn, clean):               # without the lock both would compute the same revision here
        out = original(conn, clean)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return out
    monkeypatch.setattr(imports, "_pairs", pairs)
    runs = [run_in_thread(import_submissions, db, (content, f"f{i}.csv"), who=f"w{i}") for i in range(2)]
    for t, _ in runs:
        t.join(60)
    assert [sorted(out) for _, out in runs] == [["result"], ["result"]], [out.get("error") for _, out in runs]
    revs = read(db, "SELECT revision, counted FROM submission WHERE lao_code = :l AND year = :y ORDER BY revision",
                l=LAO, y=YEAR)
    assert revs["revision"].tolist() == [1, 2, 3] and [bool(c) for c in revs["counted"]] == [False, False, True]


def test_a_lock_held_too_long_ends_in_a_plain_message(sqlite_engine, monkeypatch):
    monkeypatch.setenv("LAO_SQLITE_BUSY_TIMEOUT", "0.2")
    engine = make_engine(sqlite_engine.url.render_as_string(hide_password=False))
    content = rows_for(engine, [LAO]).to_csv(index=False).encode()
    holder = sqlite3.connect(sqlite_engine.url.database)
    holder.execute("BEGIN IMMEDIATE")             # another writer that does not let go
    try:
        with pytest.raises(ValidationError) as exc:
            import_submissions(engine, (content, "f.csv"), who="t")
    finally:
        holder.rollback()
        holder.close()
    assert "another import or change is still being written" in exc.value.problems[0].message.en
    assert "ลองใหม่" in exc.value.problems[0].message.th
    engine.dispose()


def _catalogue(with_extra: bool) -> bytes:
    table = catalogue.load(YEAR).indicators.reset_index()
    if with_extra:
        extra = table[table["code"] == "8.01"].assign(code=EXTRA)
        table = pd.concat([table, extra])
    return table.to_csv(index=False).encode()


def _orphans(db) -> int:
    """Counted figures of the year for an indicator the year's catalogue does not have."""
    return int(read(db, "SELECT COUNT(*) AS n FROM indicator_value v JOIN submission s ON s.id = v.submission_id "
                        "LEFT JOIN indicator i ON i.year = s.year AND i.code = v.indicator_code "
                        "WHERE s.year = :y AND s.counted AND i.code IS NULL", y=YEAR)["n"].iloc[0])


@pytest.fixture
def with_extra_indicator(db):
    """The open round's catalogue with one more indicator, which nobody has figures for yet."""
    import_catalogue(db, (_catalogue(True), "extra.csv"), YEAR, who="t")
    applies = read(db, "SELECT applies_to FROM indicator WHERE year = :y AND code = :c", y=YEAR, c=EXTRA).iloc[0, 0]
    assert "sao" in applies
    return db


def _file_with_extra(db) -> bytes:
    """The LAO's file for the round, written while the catalogue has the extra indicator."""
    df = rows_for(db, [LAO])
    assert EXTRA in set(df["indicator_code"])
    return df.to_csv(index=False).encode()


def _pause(monkeypatch, module, name: str, inside: threading.Event):
    original = getattr(module, name)

    def paused(*args, **kw):
        out = original(*args, **kw)
        inside.set()
        time.sleep(1.0)                    # the other import starts meanwhile
        return out
    monkeypatch.setattr(module, name, paused)


def test_a_catalogue_import_after_a_submissions_import_sees_its_figures(with_extra_indicator, monkeypatch):
    db, inside = with_extra_indicator, threading.Event()
    _pause(monkeypatch, imports, "_write", inside)
    sub, sub_out = run_in_thread(import_submissions, db, (_file_with_extra(db), "s.csv"), who="t")
    assert inside.wait(30), sub_out
    cat, cat_out = run_in_thread(import_catalogue, db, (_catalogue(False), "c.csv"), YEAR, who="t")
    sub.join(60)
    cat.join(60)
    assert "result" in sub_out, sub_out
    assert isinstance(cat_out.get("error"), ValidationError) and "lacks it" in str(cat_out["error"])
    assert _orphans(db) == 0


def test_a_submissions_import_after_a_catalogue_import_is_checked_against_it(with_extra_indicator, monkeypatch):
    db, inside = with_extra_indicator, threading.Event()
    _pause(monkeypatch, catalogue_import, "_replace", inside)
    cat, cat_out = run_in_thread(import_catalogue, db, (_catalogue(False), "c.csv"), YEAR, who="t")
    assert inside.wait(30), cat_out
    sub, sub_out = run_in_thread(import_submissions, db, (_file_with_extra(db), "s.csv"), who="t")
    cat.join(60)
    sub.join(60)
    assert "result" in cat_out, cat_out
    assert isinstance(sub_out.get("error"), ValidationError)
    assert f"indicator {EXTRA} is not in that year's catalogue" in str(sub_out["error"])
    assert _orphans(db) == 0
