"""The load test command (`python -m tools.loadtest`, not run in CI) stays runnable: it imports
without Streamlit, refuses bad arguments before any work, and its summary is the median and the slowest
session; the client's percentiles and widget handling, without a server (tests/tools/test_wsload.py has one)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(("argv", "message"), [
    (["--mode", "save"], "--mode save writes accounts and drafts: name the database (a copy) with --db"),
    (["--mode", "ws", "--runs", "0"], "--runs must be at least 1"),
    (["--pages", "overview"], "--pages is for --mode ws"),
    (["--mode", "ws", "--pages", "overview,lao page"], "--pages: 'lao page': give url paths like 'overview'"),
    (["--mode", "ws", "--pages", " , "], "--pages: no page"),
    (["--mode", "ws", "--url", "http://192.0.2.1:8501"], "the browserless modes only talk to this machine"),
    (["--mode", "ws", "--url", "ftp://127.0.0.1"], "is not an http:// address"),
    (["--mode", "nosuch"], "invalid choice: 'nosuch'"),
])
def test_bad_arguments_are_refused_before_any_work(argv, message, capsys):
    from tools.loadtest import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_percentiles_are_values_some_run_took():
    from tools.stclient import percentile

    xs = [0.5, 0.1, 0.9, 0.3, 2.0]
    assert (percentile(xs, 0.5), percentile(xs, 0.95), percentile(xs, 0.0)) == (0.5, 2.0, 0.1)
    assert percentile(list(range(1, 101)), 0.95) == 95 and percentile([], 0.5) is None


def test_only_widgets_take_values_and_only_buttons_are_pressed():
    from streamlit.proto.Button_pb2 import Button
    from streamlit.proto.TextInput_pb2 import TextInput

    from tools.stclient import Element, Session, in_thread

    s = Session(ws=None, timeout=1)
    button = Element("button", (0, 1), "", Button(id="$$ID-abc-entry_save", label="Save"))
    box = Element("text_input", (0, 2), "", TextInput(id="$$ID-def-None", label="1.01 (1)", default="3"))
    assert (button.key, box.key, box.value, s.value(box)) == ("entry_save", None, "3", "3")
    s.set(box, "12")
    assert s.value(box) == "12" and box.value == "3"
    with pytest.raises(TypeError, match="cannot set a button"):
        s.set(button, True)
    with pytest.raises(TypeError, match="cannot click a text_input"):
        in_thread(s.click(box))
