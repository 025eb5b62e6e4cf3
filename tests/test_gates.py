"""The lint gate keeps its rules: scripts/test.sh runs ruff with this configuration before any test, so weakening
it (a rule family dropped, a global ignore added, a longer line or a higher complexity allowed) must show here."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]


def test_ruff_rules_and_limits():
    ruff = ruff_config()
    assert ruff["line-length"] == 120
    assert set(ruff["lint"]["select"]) == {"E", "F", "I", "B", "SIM", "PD", "C90"}
    assert ruff["lint"]["mccabe"]["max-complexity"] == 10
    assert ruff["lint"].get("ignore", []) == ["PD008"]          # pandas' .at for one cell, on purpose


def test_exceptions_are_per_file_and_name_real_rules():
    ignores = ruff_config()["lint"].get("per-file-ignores", {})
    assert all("*" not in path for path in ignores), "list files one by one, not globs"
    known = ("E", "F", "I", "B", "SIM", "PD", "C90")
    assert all(code.startswith(known) for codes in ignores.values() for code in codes)


def test_test_script_runs_ruff_before_pytest():
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert 0 < script.index("ruff check") < script.index("-m pytest")
    assert any(line.startswith("ruff==") for line in (ROOT / "requirements-dev.txt").read_text().splitlines())
