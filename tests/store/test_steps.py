"""The steps after submission (store.steps), on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from store import evidence, steps
from store.access import PermissionDenied
from store.trail import STEPS, TrailError

from .trail_helpers import OPEN, PUBLISHED, bilingual, log_size, pdf, people, scalar

YESTERDAY = date.today() - timedelta(days=1)


def test_recording_each_step_with_a_date_detail_link_or_document(db):
    p = people(db)
    before = log_size(db)
    steps.record_step(db, p.staff, p.lao, OPEN, "committee", "2026-05-02", file=(pdf(), "คำสั่ง.pdf"))
    steps.record_step(db, p.staff, p.lao, OPEN, "executive", YESTERDAY)
    steps.record_step(db, p.staff, p.lao, OPEN, "council", YESTERDAY, detail="สมัยสามัญ สมัยที่ 4 ครั้งที่ 1/2569")
    steps.record_step(db, p.staff, p.lao, OPEN, "public", YESTERDAY, detail="ป้ายประกาศหน้าสำนักงาน และเว็บไซต์",
                      url="https://www.example.go.th/news/1")
    assert log_size(db) == (before[0] + 5, before[1] + 5)      # four steps and the document
    df = steps.steps(db, p.staff, p.lao, OPEN).set_index("step")
    assert list(df.index) == list(STEPS)
    assert df["done"].all()
    assert df.loc["committee", "has_document"] and df.loc["committee", "file_name"] == "คำสั่ง.pdf"
    assert str(df.loc["committee", "done_on"])[:10] == "2026-05-02"
    assert df["evidenced"].to_dict() == {"committee": True, "executive": False, "council": False, "public": True}
    assert df.loc["council", "detail"].startswith("สมัยสามัญ")
    # the document is evidence of that step, listed with the LAO's evidence
    att = evidence.attachments(db, p.staff, p.lao, OPEN)
    assert att["step"].tolist() == ["committee"]


def test_a_new_record_replaces_the_current_one_and_the_old_one_stays(db):
    p = people(db)
    steps.record_step(db, p.staff, p.lao, OPEN, "council", "2026-10-01", detail="first")
    steps.record_step(db, p.staff, p.lao, OPEN, "council", "2026-10-02", detail="second")
    current = steps.steps(db, p.staff, p.lao, OPEN).set_index("step")
    assert current.loc["council", "detail"] == "second"
    history = steps.steps(db, p.staff, p.lao, OPEN, history=True)
    assert history["detail"].tolist() == ["second", "first"] and history["is_current"].tolist() == [True, False]
    assert scalar(db, "SELECT COUNT(*) FROM round_step WHERE is_current AND step = 'council'") == 1


def test_existing_evidence_can_back_a_step_and_removing_it_unbacks_it(db):
    p = people(db)
    aid = evidence.add_file(db, p.staff, p.lao, OPEN, pdf(), "report.pdf")
    steps.record_step(db, p.staff, p.lao, OPEN, "executive", YESTERDAY, attachment_id=aid)
    assert steps.steps(db, p.staff, p.lao, OPEN).set_index("step").loc["executive", "evidenced"]
    evidence.remove(db, p.staff, aid)
    row = steps.steps(db, p.staff, p.lao, OPEN).set_index("step").loc["executive"]
    assert row["done"] and not row["evidenced"] and not row["has_document"]
    # a link attached to the step afterwards evidences it again
    evidence.add_link(db, p.staff, p.lao, OPEN, "https://example.go.th/minutes", step="executive")
    assert steps.steps(db, p.staff, p.lao, OPEN).set_index("step").loc["executive", "evidenced"]
    other = evidence.add_file(db, p.neighbour_staff, p.neighbour, OPEN, pdf(), "theirs.pdf")
    with pytest.raises(TrailError, match="not part of this LAO's round") as exc:
        steps.record_step(db, p.staff, p.lao, OPEN, "executive", YESTERDAY, attachment_id=other)
    bilingual(exc.value)


@pytest.mark.parametrize("step, day, kwargs, message", [
    ("committee", date.today() + timedelta(days=1), {}, "in the future"),
    ("committee", "2020-01-01", {}, "too early"),
    ("committee", "31/12/2569", {}, "not a date"),
    ("committee", "", {}, "not a date"),
    ("meeting", YESTERDAY, {}, "unknown step"),
    ("council", YESTERDAY, {"detail": "x" * 1001}, "over the limit"),
    ("council", YESTERDAY, {"detail": "ok\x00"}, "control"),
    ("public", YESTERDAY, {"url": "javascript:alert(1)"}, "http"),
    ("public", YESTERDAY, {"file": (b"<html>", "x.pdf")}, "not a PDF"),
    ("public", YESTERDAY, {"file": (pdf(), "x.pdf"), "attachment_id": 1}, "not both"),
])
def test_bad_records_are_refused_and_nothing_is_written(db, step, day, kwargs, message):
    p = people(db)
    before = (scalar(db, "SELECT COUNT(*) FROM round_step"), scalar(db, "SELECT COUNT(*) FROM attachment"),
              log_size(db))
    with pytest.raises(TrailError, match=message) as exc:
        steps.record_step(db, p.staff, p.lao, OPEN, step, day, **kwargs)
    bilingual(exc.value)
    after = (scalar(db, "SELECT COUNT(*) FROM round_step"), scalar(db, "SELECT COUNT(*) FROM attachment"), log_size(db))
    assert after == before


def test_counts_per_province_and_type_and_the_worklist_filter(db):
    p = people(db)
    steps.record_step(db, p.staff, p.lao, OPEN, "council", YESTERDAY, url="https://example.go.th/a")
    steps.record_step(db, p.neighbour_staff, p.neighbour, OPEN, "council", YESTERDAY)
    steps.record_step(db, p.far_staff, p.far, OPEN, "council", YESTERDAY)
    counts = steps.step_counts(db, p.executive, OPEN)
    sao30 = counts[(counts["province_code"] == "30") & (counts["type"] == "sao")].set_index("step")
    n_sao30 = scalar(db, "SELECT COUNT(*) FROM lao WHERE province_code = '30' AND type = 'sao'")
    assert sao30["n_laos"].eq(n_sao30).all()
    assert sao30.loc["council", ["n_done", "n_evidenced"]].tolist() == [2, 1]
    assert sao30.loc["public", "n_done"] == 0
    assert counts.groupby("step")["n_done"].sum().to_dict() == {"committee": 0, "council": 3, "executive": 0,
                                                                 "public": 0}
    # a monitor's counts cover their province only
    assert set(steps.step_counts(db, p.monitor, OPEN)["province_code"]) == {"30"}
    missing = steps.missing_step(db, p.monitor, OPEN, "council")
    assert p.lao not in set(missing["lao_code"]) and p.neighbour not in set(missing["lao_code"])
    assert len(missing) == scalar(db, "SELECT COUNT(*) FROM lao WHERE province_code = '30'") - 2
    unbacked = set(steps.missing_step(db, p.monitor, OPEN, "council", evidenced=True)["lao_code"])
    assert p.neighbour in unbacked and p.lao not in unbacked
    with pytest.raises(TrailError, match="unknown step"):
        steps.missing_step(db, p.monitor, OPEN, "nothing")


def test_steps_are_public_once_the_round_is_published_but_their_documents_are_not(db):
    p = people(db)
    steps.record_step(db, p.staff, p.lao, PUBLISHED, "public", YESTERDAY, file=(pdf(), "notice.pdf"),
                      url="https://example.go.th/notice")
    seen = steps.steps(db, p.public, p.lao, PUBLISHED).set_index("step").loc["public"]
    assert seen["done"] and seen["url"] == "https://example.go.th/notice" and seen["has_document"]
    assert seen["attachment_id"] is None and seen["file_name"] is None
    assert steps.steps(db, p.staff, p.lao, PUBLISHED).set_index("step").loc["public", "file_name"] == "notice.pdf"
    with pytest.raises(PermissionDenied):
        evidence.attachments(db, p.public, p.lao, PUBLISHED)
    with pytest.raises(PermissionDenied) as exc:
        steps.steps(db, p.public, p.lao, OPEN)
    bilingual(exc.value)
