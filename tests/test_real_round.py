"""A real round from an empty database, on SQLite and PostgreSQL, the way an administrator runs it (README
"Running a real round"): init → registry → catalogue → round → accounts → an LAO enters and submits → close →
publish → the public sees its scorecard. Nothing synthetic is involved."""
from __future__ import annotations

import csv
import uuid
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard.cli import main
from scoring import catalogue
from store import accounts, entry, sessions, signin
from store.access import PUBLIC
from store.db import make_engine
from store.queries_lao import scorecard_inputs

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "sample_data" / "examples" / "dla_registry_sample.csv"
YEAR = 2570


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty(request, tmp_path):
    """The URL of a database with nothing in it at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'prod.sqlite'}"
        return
    pg_url = request.getfixturevalue("pg_url")
    name = f"lao_real_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(pg_url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def cli(url: str, *args: str) -> None:
    assert main(["--db", url, *args]) == 0, args


def official_catalogue(path: Path) -> Path:
    """An 'official' catalogue file for the new round, as ODLOC would send it (here: the shipped one)."""
    ind = catalogue.load(2569).indicators.reset_index()
    ind.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


def test_a_whole_round_on_a_database_made_by_init(empty, tmp_path, monkeypatch):
    cli(empty, "init")
    engine = make_engine(empty)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM lao")).scalar() == 0
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'synthetic'")).scalar() == "0"
    cli(empty, "import-laos", str(REGISTRY))
    cli(empty, "import-catalogue", str(YEAR), str(official_catalogue(tmp_path / "catalogue.csv")))
    today = date.today()
    cli(empty, "round", "open", str(YEAR), "--window-open", str(today - timedelta(days=3)),
        "--window-close", str(today + timedelta(days=30)))
    cli(empty, "users", "provision-laos", "--out", str(tmp_path / "passwords.csv"))
    handed_out = pd.read_csv(tmp_path / "passwords.csv", dtype=str, encoding="utf-8-sig")
    with engine.connect() as conn:
        sao = conn.execute(text("SELECT code FROM lao WHERE type = 'sao' ORDER BY code LIMIT 1")).scalar()
    otp = handed_out.set_index("lao_code").at[sao, "password"]

    # the LAO signs in with its one-time password, chooses its own, enters every figure and submits
    first = signin.sign_in(engine, sao, otp, "10.0.0.7")
    assert first.ok and first.user.must_change
    accounts.change_password(engine, first.user.id, otp, "our own password 2570")
    me = signin.sign_in(engine, sao, "our own password 2570", "10.0.0.7").user
    assert sessions.resolve(engine, sessions.start(engine, user_id=me.id)).user_id == me.id
    form = entry.load_form(engine, me.scope, sao, YEAR)
    assert form.state == "not_started" and form.last.empty          # a first round: nothing to compare with
    measure = form.indicators["measure"]
    figures = pd.DataFrame({"frame_raw": ["100" if measure[c] == "ratio" else "1" for c in form.indicators.index],
                            "delivered_raw": ["85" if measure[c] == "ratio" else ("1" if measure[c] == "yesno"
                                                                                  else "9")
                                              for c in form.indicators.index],
                            "not_done": False, "explanation": None}, index=form.indicators.index)
    for domain in sorted(form.indicators["domain"].unique()):
        form = entry.load_form(engine, me.scope, sao, YEAR)
        entry.save(engine, me.scope, form, int(domain), figures, form.mark(int(domain)))
    form = entry.load_form(engine, me.scope, sao, YEAR)
    entry.submit(engine, me.scope, form, "นางสมศรี ใจงาม", "นายกองค์การบริหารส่วนตำบล", form.mark())

    assert scorecard_inputs(engine, PUBLIC, sao, YEAR).results.query("year == @YEAR").empty   # not public yet
    cli(empty, "round", "close", str(YEAR))
    cli(empty, "round", "publish", str(YEAR))
    card = scorecard_inputs(engine, PUBLIC, sao, YEAR)
    mine = card.results[card.results["year"] == YEAR]
    assert len(mine) == len(form.indicators) and set(mine["outcome"]) <= {"pass", "fail"}
    monkeypatch.setenv("DATABASE_URL", empty)
    from tests.app.apptest import open_page
    at = open_page("lao", lao=sao, year=YEAR)
    assert not at.exception and at.metric, "the public scorecard of the new round"
    cli(empty, "export", "results", "--year", str(YEAR), "--out", str(tmp_path / "results.csv"))
    assert len(pd.read_csv(tmp_path / "results.csv", encoding="utf-8-sig")) == len(form.indicators)
