"""Prepared boundaries survive a restart on disk, and a bad or unwritable cache is never fatal."""
from __future__ import annotations

import json

from geo import diskcache


def make_counted(calls):
    @diskcache.on_disk
    def prepared(level, tolerance=None):
        calls.append((level, tolerance))
        return {"level": level, "tolerance": tolerance, "thai": "กระบี่"}
    return prepared


def test_second_process_reads_what_the_first_prepared(monkeypatch, tmp_path):
    monkeypatch.setattr(diskcache, "DIRECTORY", tmp_path)
    calls = []
    first = make_counted(calls)("district", tolerance=0.02)
    again = make_counted(calls)("district", 0.02)          # a "new process": a fresh function, same key
    assert first == again == {"level": "district", "tolerance": 0.02, "thai": "กระบี่"}
    assert calls == [("district", 0.02)]
    assert make_counted(calls)("province") != first and len(calls) == 2


def test_corrupt_entries_are_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setattr(diskcache, "DIRECTORY", tmp_path)
    calls = []
    make_counted(calls)("district")
    for f in tmp_path.glob("geo-*.json"):
        f.write_text("{half", encoding="utf-8")
    assert make_counted(calls)("district")["level"] == "district"
    assert len(calls) == 2
    assert all(json.loads(f.read_text(encoding="utf-8")) for f in tmp_path.glob("geo-*.json"))


def test_unwritable_cache_is_not_an_error(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(diskcache, "DIRECTORY", blocker / "cache")   # cannot mkdir under a file
    calls = []
    assert make_counted(calls)("province")["level"] == "province"


def test_key_changes_with_the_code():
    assert len(diskcache.fingerprint()) == 16
