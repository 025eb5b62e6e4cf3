"""Who may see and change one LAO's paper trail, proved on the data layer (as tests/store/test_access.py
does for the queries): another LAO, another province's monitor and the public cannot list, download,
comment on or change an LAO's evidence, steps, review or contact; executives read and never write;
every refusal is in Thai and English and leaves nothing behind."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from store import contacts, eligibility, evidence, reminders, review, steps
from store.access import PermissionDenied

from .trail_helpers import OPEN, bilingual, log_size, pdf, people, scalar

YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def trail(db):
    """p.lao's round with a file, a link, a step and a comment."""
    p = people(db)
    file_id = evidence.add_file(db, p.staff, p.lao, OPEN, pdf(), "order.pdf", step="committee")
    link_id = evidence.add_link(db, p.staff, p.lao, OPEN, "https://example.go.th/notice")
    steps.record_step(db, p.staff, p.lao, OPEN, "committee", YESTERDAY, attachment_id=file_id)
    review.comment(db, p.monitor, p.lao, OPEN, "ตรวจแล้วเบื้องต้น")
    return db, p, file_id, link_id


READS = {
    "list evidence": lambda db, s, p, f, lk: evidence.attachments(db, s, p.lao, OPEN),
    "download": lambda db, s, p, f, lk: evidence.download(db, s, f),
    "comments": lambda db, s, p, f, lk: review.comments(db, s, p.lao, OPEN),
    "revisions": lambda db, s, p, f, lk: review.revisions(db, s, p.lao, OPEN),
    "changes": lambda db, s, p, f, lk: review.revision_changes(db, s, p.lao, OPEN, old=1, new=1),
    "steps": lambda db, s, p, f, lk: steps.steps(db, s, p.lao, OPEN),
    "conditions": lambda db, s, p, f, lk: eligibility.lao_conditions(db, s, p.lao, OPEN),
}
LAO_WRITES = {
    "add file": lambda db, s, p, f, lk: evidence.add_file(db, s, p.lao, OPEN, pdf(), "x.pdf"),
    "add link": lambda db, s, p, f, lk: evidence.add_link(db, s, p.lao, OPEN, "https://example.go.th/x"),
    "remove": lambda db, s, p, f, lk: evidence.remove(db, s, lk),
    "record step": lambda db, s, p, f, lk: steps.record_step(db, s, p.lao, OPEN, "council", YESTERDAY),
    "set contact": lambda db, s, p, f, lk: contacts.set_contact(db, s, p.lao, "x@example.go.th"),
}
REVIEWS = {
    "comment": lambda db, s, p, f, lk: review.comment(db, s, p.lao, OPEN, "ความเห็น"),
    "check": lambda db, s, p, f, lk: review.mark_checked(db, s, p.lao, OPEN, 1),
    "return": lambda db, s, p, f, lk: review.return_for_correction(db, s, p.lao, OPEN, 1, "แก้"),
}
EVERYTHING = {**READS, **LAO_WRITES, **REVIEWS}
OUTSIDERS = ("neighbour_staff", "far_staff", "far_monitor", "public")


def refused(db, action, scope, *args) -> None:
    before = (log_size(db), scalar(db, "SELECT COUNT(*) FROM attachment WHERE removed_at IS NULL"),
              scalar(db, "SELECT COUNT(*) FROM review_comment"), scalar(db, "SELECT COUNT(*) FROM round_step"))
    with pytest.raises(PermissionDenied) as exc:
        action(db, scope, *args)
    bilingual(exc.value)
    after = (log_size(db), scalar(db, "SELECT COUNT(*) FROM attachment WHERE removed_at IS NULL"),
             scalar(db, "SELECT COUNT(*) FROM review_comment"), scalar(db, "SELECT COUNT(*) FROM round_step"))
    assert after == before


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("what", list(EVERYTHING))
def test_outsiders_can_neither_see_nor_touch_an_laos_trail(trail, who, what):
    db, p, file_id, link_id = trail
    refused(db, EVERYTHING[what], getattr(p, who), p, file_id, link_id)


@pytest.mark.parametrize("what", list(LAO_WRITES) + list(REVIEWS))
def test_executives_read_and_never_write(trail, what):
    db, p, file_id, link_id = trail
    for read in READS.values():
        read(db, p.executive, p, file_id, link_id)
    refused(db, EVERYTHING[what], p.executive, p, file_id, link_id)


@pytest.mark.parametrize("what", list(LAO_WRITES))
def test_the_monitor_reviews_but_does_not_write_the_laos_own_trail(trail, what):
    db, p, file_id, link_id = trail
    refused(db, LAO_WRITES[what], p.monitor, p, file_id, link_id)


@pytest.mark.parametrize("what", ["check", "return"])
def test_the_lao_cannot_review_itself(trail, what):
    db, p, file_id, link_id = trail
    refused(db, REVIEWS[what], p.staff, p, file_id, link_id)


def test_the_lao_its_monitor_and_administrators_see_it_all(trail):
    db, p, file_id, link_id = trail
    for scope in (p.staff, p.monitor, p.admin):
        for read in READS.values():
            read(db, scope, p, file_id, link_id)
        assert evidence.download(db, scope, file_id).content == pdf()
        assert len(review.comments(db, scope, p.lao, OPEN)) == 1


def test_lists_over_many_laos_leave_out_what_the_scope_may_not_see(trail):
    db, p, file_id, link_id = trail
    review.return_for_correction(db, p.monitor, p.lao, OPEN, 1, "แก้")
    lists = {
        "review states": lambda s: review.review_states(db, s, OPEN),
        "review counts": lambda s: review.review_counts(db, s, OPEN),
        "step counts": lambda s: steps.step_counts(db, s, OPEN),
        "missing step": lambda s: steps.missing_step(db, s, OPEN, "council"),
        "conditions": lambda s: eligibility.round_conditions(db, s, OPEN),
        "contacts": lambda s: contacts.contacts(db, s),
        "reminders": lambda s: reminders.due(db, s, OPEN),
    }
    for name, fetch in lists.items():
        far = fetch(p.far_monitor)
        assert set(far["province_code"]) <= {"81"}, name
        neighbour = fetch(p.neighbour_staff)
        assert p.lao not in set(neighbour.get("lao_code", [])), name
        assert set(fetch(p.monitor)["province_code"]) == {"30"}, name
    counts = steps.step_counts(db, p.far_monitor, OPEN)
    assert counts["n_done"].sum() == 0                       # p.lao's committee step is not counted for them
    assert review.review_counts(db, p.far_monitor, OPEN).query("review == 'returned'")["n"].sum() == 0
    for fetch in (lambda: review.review_states(db, p.public, OPEN), lambda: contacts.contacts(db, p.public),
                  lambda: steps.missing_step(db, p.public, OPEN, "council")):
        assert fetch().empty
