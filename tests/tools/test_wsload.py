"""The browserless client (tools/stclient.py) and the load test's modes without browsers (tools/wsload.py)
against a real server on a copy of the small sample: five sessions read their scorecards and switch the
round, five LAO officers save their forms at once and the database holds exactly what they typed, and
pages are measured beside the floor app. No outside service is needed (the server is started here)."""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.proto.Alert_pb2 import Alert

from dashboard.format import pct
from dashboard.i18n import t, year_label
from store.db import make_engine
from tests.browser.conftest import StreamlitServer
from tools import wsload
from tools.stclient import Element, Run, Session, in_thread

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Served:
    url: str
    floor: str
    db_url: str


@pytest.fixture(scope="module")
def served(small_sqlite_template, tmp_path_factory):
    db = tmp_path_factory.mktemp("wsload") / "wsload.sqlite"
    shutil.copy(small_sqlite_template, db)
    db_url = f"sqlite:///{db}"
    app, floor = StreamlitServer(db_url), StreamlitServer(db_url, ROOT / "tools" / "floor.py")
    yield Served(app.url, floor.url, db_url)
    app.stop()
    floor.stop()


def rows(db_url: str, sql: str, **params) -> list[tuple]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        out = [tuple(r) for r in conn.execute(text(sql), params)]
    engine.dispose()
    return out


def test_five_sessions_read_their_scorecards_and_switch_the_round(served):
    codes = [r[0] for r in rows(served.db_url, "SELECT code FROM lao ORDER BY code LIMIT 5")]
    rate = {(c, y): r for c, y, r in rows(served.db_url, "SELECT lao_code, year, pass_rate FROM summary WHERE "
                                                         "domain = 'all' AND year IN (2567, 2568)")}
    label = t("lao_metric_rate")

    async def visitor(code: str):
        async with Session.connect(served.url) as s:
            first = await s.open(f"lao?lao={code}&year=2568")
            shown = s.one("metric", label=label).proto.body
            year_box = s.one("selectbox", key="qp_year")
            before = s.value(year_box)
            s.set(year_box, year_label(2567))
            second = await s.rerun()
            return first, shown, before, second, s.one("metric", label=label).proto.body, s.query, \
                s.value(s.one("selectbox", key="qp_year"))

    async def everyone():
        return await asyncio.gather(*(visitor(c) for c in codes))

    for code, (first, shown, before, second, shown_after, query, after) in zip(codes, in_thread(everyone()),
                                                                                strict=True):
        assert first.errors == [] and second.errors == [], (first.errors, second.errors)
        assert first.seconds > 0 and first.nbytes > 10_000 and first.deltas >= len(first.elements) > 10
        assert (shown, before) == (pct(rate[(code, 2568)]), year_label(2568))
        assert (shown_after, after) == (pct(rate[(code, 2567)]), year_label(2567))
        assert f"lao={code}" in query and "year=2567" in query


def test_five_officers_save_at_once_and_the_database_holds_what_they_typed(served):
    lines: list[dict] = []
    out = wsload.saves(served.url, make_engine(served.db_url), 5, timeout=120, report=lines.append)
    assert (out["saves"], out["errors"], out["drafts_checked"], out["drafts_wrong"]) == (5, 0, 5, 0), out
    assert [(line["phase"], line["runs"], line["errors"]) for line in lines] == [
        ("open", 5, 0), ("fill", 5, 0), ("save", 5, 0)]
    # a save redraws its own button and message, not the domain's fields (what keeps 50 at once within budget)
    fill, save = lines[1]["mean_deltas"], lines[2]["mean_deltas"]
    assert save <= 4 < fill, (fill, save)
    assert 0 < out["save_p50_s"] <= out["save_p95_s"] <= out["save_max_s"]
    assert out["within_budget"] == (out["save_p95_s"] <= 2.0)
    year = out["year"]
    assert len(out["typed"]) == 5
    for code, typed in out["typed"].items():
        (sub, state, by), = rows(served.db_url, "SELECT id, state, updated_by FROM submission WHERE lao_code = :c "
                                                "AND year = :y AND is_current", c=code, y=year)
        assert (state, by) == ("in_progress", f"loadtest-{code}")
        saved = {c: (f, d) for c, f, d in rows(served.db_url, "SELECT indicator_code, frame, delivered FROM "
                                                              "indicator_value WHERE submission_id = :s", s=sub)}
        assert saved == {c: (float(f), float(d)) for c, (f, d) in typed.items()}
        assert all(c.startswith("1.") for c in saved)
        assert rows(served.db_url, "SELECT who, action, domain FROM entry_event WHERE lao_code = :c AND year = :y",
                    c=code, y=year) == [(f"loadtest-{code}", "save", 1)]
    # the load test's sign-ins ended with it
    assert rows(served.db_url, "SELECT COUNT(*) FROM auth_session s JOIN app_user u ON u.id = s.user_id WHERE "
                               "u.username LIKE 'loadtest-%' AND s.revoked_at IS NULL") == [(0,)]


def test_a_save_run_that_did_not_save_is_an_error():
    def run(*alerts) -> Run:
        r = Run("entry")
        r.elements = [Element("alert", (0, i), "f", Alert(format=fmt, body=body))
                      for i, (fmt, body) in enumerate(alerts)]
        r.errors = [f"error box: {b}" for f, b in alerts if f == Alert.ERROR]
        return r

    saved = t("entry_saved", "th", domain=1)
    assert wsload.save_problems(run((Alert.SUCCESS, saved))) == []
    conflict = run((Alert.ERROR, "บันทึกไม่ได้: somsri บันทึกไว้ก่อน"))
    assert wsload.save_problems(conflict) == ["error box: บันทึกไม่ได้: somsri บันทึกไว้ก่อน",
                                              "the save run did not say the draft was saved"]
    assert wsload.save_problems(run((Alert.SUCCESS, t("entry_saved", "th", domain=2)))) == [
        "the save run did not say the draft was saved"]


def test_pages_are_measured_beside_the_floor(served):
    code = rows(served.db_url, "SELECT MIN(code) FROM lao")[0][0]
    card = f"lao?lao={code}&year=2568"
    lines: list[dict] = []
    out = wsload.pages(served.url, served.floor, [card, "nosuchpage"], sessions=2, runs=2, timeout=60,
                       report=lines.append)
    by = {line["page"]: line for line in lines}
    assert list(by) == ["floor (before)", card, "nosuchpage", "floor (after)"]
    good, floor = by[card], (by["floor (before)"]["runs_per_s"] + by["floor (after)"]["runs_per_s"]) / 2
    assert (good["runs"], good["errors"], by["floor (before)"]["errors"]) == (4, 0, 0)
    assert good["runs_per_s"] > 0 and 0 < good["p50_s"] <= good["p95_s"] <= good["max_s"] and good["mean_kb"] > 5
    assert good["x_floor"] == round(good["runs_per_s"] / floor, 2) == out["x_floor"][card]
    assert by["nosuchpage"]["errors"] == 4 and "page not found" in by["nosuchpage"]["error_sample"][0], \
        by["nosuchpage"]
    assert out["errors"] == 4 and out["floor_runs_per_s"] == [by["floor (before)"]["runs_per_s"],
                                                              by["floor (after)"]["runs_per_s"]]


def test_the_command_measures_a_page_and_the_floor_in_one_run(served):
    code = rows(served.db_url, "SELECT MIN(code) FROM lao")[0][0]
    done = subprocess.run([sys.executable, "-m", "tools.loadtest", "--mode", "ws", "--url", served.url, "--db",
                           served.db_url, "--pages", f"lao?lao={code}&year=2568", "--sessions", "2", "--runs", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line.get("page") for line in lines[:-1]] == ["floor (before)", f"lao?lao={code}&year=2568",
                                                          "floor (after)"]
    summary = lines[-1]
    assert summary["summary"] and summary["mode"] == "ws" and summary["errors"] == 0 and summary["cores"] >= 1
    assert list(summary["x_floor"]) == [f"lao?lao={code}&year=2568"] and summary["date"]


def test_a_session_talks_only_to_this_machine():
    async def remote():
        async with Session.connect("http://example.org:8501"):
            pass

    with pytest.raises(ValueError, match="only this machine"):
        in_thread(remote())
