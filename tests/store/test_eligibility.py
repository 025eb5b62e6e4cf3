"""What a round counts for (store.eligibility): this product's reading of ODLOC's conditions."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from store import eligibility, evidence, review, steps
from store.access import PermissionDenied
from store.trail import STEPS

from .trail_helpers import OPEN, PUBLISHED, THAI, bilingual, pdf, people, resubmit

YESTERDAY = date.today() - timedelta(days=1)


def all_steps(db, scope, lao, year=OPEN, evidenced=True):
    for step in STEPS:
        steps.record_step(db, scope, lao, year, step, YESTERDAY,
                          url=f"https://example.go.th/{step}" if evidenced else None)


def row(db, scope, lao, year=OPEN):
    return eligibility.round_conditions(db, scope, year).set_index("lao_code").loc[lao]


def test_a_round_on_time_with_every_step_evidenced_meets_the_conditions(db):
    p = people(db)
    before = row(db, p.monitor, p.lao)
    assert before["submitted"] and before["on_time"] is True and not before["meets"]
    assert before["missing"] == list(STEPS)
    all_steps(db, p.staff, p.lao)
    after = eligibility.lao_conditions(db, p.staff, p.lao, OPEN)
    assert after["meets"] and after["missing"] == []
    assert "not an official rule" in after["reading"].en and THAI.search(after["reading"].th)


def test_each_missing_condition_is_named(db):
    p = people(db)
    all_steps(db, p.staff, p.lao, evidenced=False)                      # recorded, but nothing to show for it
    steps.record_step(db, p.staff, p.lao, OPEN, "council", YESTERDAY, file=(pdf(), "minutes.pdf"))
    assert row(db, p.monitor, p.lao)["missing"] == ["committee", "executive", "public"]
    review.return_for_correction(db, p.monitor, p.lao, OPEN, 1, "แก้ตัวเลข")
    assert row(db, p.monitor, p.lao)["missing"][0] == "submitted"
    resubmit(db, p.lao)
    assert row(db, p.monitor, p.lao)["missing"][0] == "committee"       # submitted again, and still on time
    for aid in evidence.attachments(db, p.staff, p.lao, OPEN)["id"]:
        evidence.remove(db, p.staff, aid)
    assert "council" in row(db, p.monitor, p.lao)["missing"]


def test_on_time_is_the_first_submission_within_the_window(db):
    p = people(db)
    with db.begin() as conn:
        close = conn.execute(text("SELECT window_close FROM round WHERE year = :y"), {"y": OPEN}).scalar()
        conn.execute(text("UPDATE submission SET submitted_at = :late WHERE lao_code = :c AND year = :y"),
                     {"late": f"{str(close)[:10]} 23:59:00", "c": p.lao, "y": OPEN})
        conn.execute(text("UPDATE submission SET submitted_at = '2099-01-01 09:00:00' WHERE lao_code = :c AND "
                          "year = :y"), {"c": p.neighbour, "y": OPEN})
    assert row(db, p.executive, p.lao)["on_time"] is True               # the last day counts
    late = row(db, p.executive, p.neighbour)
    assert late["on_time"] is False and "on_time" in late["missing"]
    not_started = eligibility.round_conditions(db, p.executive, OPEN)
    waiting = not_started[~not_started["submitted"]].iloc[0]
    assert waiting["on_time"] is None and "on_time" not in waiting["missing"]     # the window is still open
    with db.begin() as conn:
        conn.execute(text("UPDATE round SET window_close = :d WHERE year = :y"),
                     {"d": date.today() - timedelta(days=2), "y": OPEN})
    closed = eligibility.round_conditions(db, p.executive, OPEN).set_index("lao_code").loc[waiting["lao_code"]]
    assert closed["on_time"] is False and closed["missing"][:2] == ["submitted", "on_time"]


def test_the_executives_list_per_province_has_export_columns_in_both_languages(db):
    p = people(db)
    all_steps(db, p.staff, p.lao)
    th = eligibility.conditions_export(db, p.executive, OPEN, province="30")
    assert list(th.columns) == eligibility.EXPORT_COLUMNS
    assert set(th["province_code"]) == {"30"} and th["lao_code"].is_unique
    mine = th.set_index("lao_code").loc[p.lao]
    assert (mine["submitted"], mine["on_time"], mine["meets"], mine["missing"]) == (1, 1, 1, "")
    other = th.set_index("lao_code").loc[p.neighbour]
    assert other["missing"] == "committee;executive;council;public" and THAI.search(other["missing_text"])
    en = eligibility.conditions_export(db, p.executive, OPEN, province="30", lang="en")
    assert "publicised to citizens" in en.set_index("lao_code").loc[p.neighbour, "missing_text"]
    assert th["on_time"].isna().sum() == (th["submitted"] == 0).sum()   # undecided while the window is open
    assert set(eligibility.conditions_export(db, p.monitor, OPEN)["province_code"]) == {"30"}


def test_conditions_follow_the_results_visibility(db):
    p = people(db)
    with pytest.raises(PermissionDenied) as exc:
        eligibility.lao_conditions(db, p.public, p.lao, OPEN)
    bilingual(exc.value)
    with pytest.raises(PermissionDenied):
        eligibility.lao_conditions(db, p.neighbour_staff, p.lao, OPEN)
    assert eligibility.round_conditions(db, p.public, OPEN).empty
    assert set(eligibility.round_conditions(db, p.staff, OPEN)["lao_code"]) == {p.lao}
    assert eligibility.lao_conditions(db, p.public, p.lao, PUBLISHED)["submitted"] is True
