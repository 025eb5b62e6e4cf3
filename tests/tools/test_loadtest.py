"""The load test command (`python -m tools.loadtest`, not run in CI) stays runnable: it imports
without Streamlit, refuses a bad argument, and its summary is the median and the slowest session."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_imports_without_streamlit_and_checks_its_arguments():
    code = "import sys, tools.loadtest; assert 'streamlit' not in sys.modules and 'playwright' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
    bad = subprocess.run([sys.executable, "-m", "tools.loadtest", "--sessions", "0"], cwd=ROOT,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--sessions must be at least 1" in bad.stderr


def test_summary_gives_median_and_slowest():
    from tools.loadtest import summary

    runs = [{"ok": True, "load_s": s, "change_s": s / 4} for s in (2.0, 9.0, 3.0)] + [
        {"ok": False, "load_s": None, "change_s": None}]
    out = summary(runs, 300.0, False, 12.3, 4.5)
    assert (out["sessions"], out["ok"]) == (4, 3)
    assert (out["load_median_s"], out["load_slowest_s"]) == (3.0, 9.0)
    assert (out["change_year_median_s"], out["change_year_slowest_s"]) == (0.75, 2.25)
