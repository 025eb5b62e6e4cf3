"""`python -m dashboard bench` (the command-line contract) runs tools/bench.py, which lives outside the
runtime packages; a bad --only is refused at once, before the national sample is built."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dashboard.cli as cli
import tools.bench as bench

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_command_is_the_tools_module():
    args = cli.parser().parse_args(["bench", "--only", "pdf,maps"])
    assert args.func is cli.cmd_bench
    assert not (ROOT / "dashboard" / "bench.py").exists()
    assert Path(bench.APP) == ROOT / "dashboard" / "app.py" and Path(bench.APP).is_file()


def test_an_unknown_bench_is_refused_before_any_work(tmp_path):
    out = subprocess.run([sys.executable, "-m", "dashboard", "bench", "--only", "scoring,nosuch"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out.stderr
    assert "unknown bench nosuch" in out.stderr and "scoring" in out.stderr
    assert not list(tmp_path.iterdir())


def test_budgets_are_checked_in_the_right_direction():
    assert bench.record("scoring", 2e6, "rows/s", "score_rows_per_s")["ok"]
    assert not bench.record("seed", 91, "s", "seed_s")["ok"]
    assert bench.record("seed", 90, "s", "seed_s") == {"bench": "seed", "value": 90, "unit": "s", "budget": 90,
                                                       "ok": True}
