"""The monitors' review (store.review), on SQLite and PostgreSQL: check, return, the counted revision and
rescoring, the comment thread across revisions, review states and counts, what changed."""
from __future__ import annotations

import pandas as pd
import pytest

from store import review
from store.access import PermissionDenied
from store.trail import TrailError

from .helpers import read
from .trail_helpers import (
    OPEN,
    PUBLISHED,
    applicable_indicators,
    bilingual,
    log_size,
    newest_revision,
    people,
    resubmit,
    scalar,
)


def counted(db, lao, year=OPEN):
    return scalar(db, "SELECT revision FROM submission WHERE lao_code = :c AND year = :y AND counted", c=lao, y=year)


def results(db, lao, year=OPEN):
    return scalar(db, "SELECT COUNT(*) FROM result WHERE lao_code = :c AND year = :y", c=lao, y=year)


def scores(db, lao, year=OPEN) -> dict:
    df = read(db, "SELECT indicator_code, outcome, pct FROM result WHERE lao_code = :c AND year = :y", c=lao, y=year)
    return {r.indicator_code: (r.outcome, None if r.pct != r.pct else round(r.pct, 6)) for r in df.itertuples()}


def ratio_indicator(db, lao) -> str:
    ratios = set(read(db, "SELECT code FROM indicator WHERE year = :y AND measure = 'ratio'", y=OPEN)["code"])
    return next(c for c in applicable_indicators(db, lao) if c in ratios)


def state_of(db, scope, lao):
    df = review.review_states(db, scope, OPEN)
    return df.set_index("lao_code").loc[lao, "review"]


def test_checking_marks_the_newest_submission_and_is_logged(db):
    p = people(db)
    rev = newest_revision(db, p.lao)
    assert state_of(db, p.monitor, p.lao) == "waiting"
    before = log_size(db)
    review.mark_checked(db, p.monitor, p.lao, OPEN, rev)
    assert state_of(db, p.monitor, p.lao) == "checked"
    assert log_size(db) == (before[0] + 1, before[1] + 1)
    row = review.revisions(db, p.staff, p.lao, OPEN).iloc[0]
    assert (row["review_state"], row["reviewed_by"], row["counted"]) == ("checked", "mon30", True)
    with pytest.raises(TrailError, match="checked already") as exc:
        review.mark_checked(db, p.monitor, p.lao, OPEN, rev)
    bilingual(exc.value)


def test_returning_the_only_revision_leaves_nothing_counted_and_rescores(db):
    p = people(db)
    code = applicable_indicators(db, p.lao)[0]
    assert results(db, p.lao) > 0
    review.return_for_correction(db, p.monitor, p.lao, OPEN, 1, [(code, "ตัวเลข (2) มากกว่าปีก่อนมาก"),
                                                                  (None, "กรุณาแนบคำสั่งแต่งตั้ง")])
    assert counted(db, p.lao) is None and results(db, p.lao) == 0
    assert state_of(db, p.monitor, p.lao) == "returned"
    thread = review.comments(db, p.staff, p.lao, OPEN)
    assert thread["indicator_code"].iloc[0] == code and pd.isna(thread["indicator_code"].iloc[1])
    assert thread["author"].tolist() == ["mon30", "mon30"] and thread["revision"].tolist() == [1, 1]
    assert scalar(db, "SELECT action FROM entry_event ORDER BY id DESC LIMIT 1") == "return"
    with pytest.raises(TrailError, match="returned already"):
        review.return_for_correction(db, p.monitor, p.lao, OPEN, 1, "again")


def test_returning_a_resubmission_makes_the_earlier_accepted_revision_count_again(db):
    p = people(db)
    code = ratio_indicator(db, p.lao)
    scored_one = scores(db, p.lao)
    review.mark_checked(db, p.monitor, p.lao, OPEN, 1)
    two = resubmit(db, p.lao, changes={code: (100, 0)})           # the LAO reopens and submits again
    assert counted(db, p.lao) == two and state_of(db, p.monitor, p.lao) == "waiting"
    assert scores(db, p.lao)[code] == ("fail", 0.0)                 # rescored at submit
    review.return_for_correction(db, p.monitor, p.lao, OPEN, two, [(code, "0 of 100?")])
    assert counted(db, p.lao) == 1 and scores(db, p.lao) == scored_one    # the checked revision counts again
    three = resubmit(db, p.lao)
    assert counted(db, p.lao) == three and state_of(db, p.monitor, p.lao) == "resubmitted"
    # the thread is kept across revisions, and the LAO can answer it
    review.comment(db, p.staff, p.lao, OPEN, "แก้ไขแล้ว ตัวเลขถูกต้องตามทะเบียน", indicator=code)
    thread = review.comments(db, p.monitor, p.lao, OPEN)
    assert thread["revision"].tolist() == [two, three] and thread["author_role"].tolist() == ["monitor", "lao"]
    review.mark_checked(db, p.monitor, p.lao, OPEN, three)
    assert state_of(db, p.monitor, p.lao) == "checked"


def test_a_review_must_be_of_the_newest_submission_and_of_a_round_not_published(db):
    p = people(db)
    resubmit(db, p.lao)
    for action in (lambda: review.mark_checked(db, p.monitor, p.lao, OPEN, 1),
                   lambda: review.return_for_correction(db, p.monitor, p.lao, OPEN, 1, "x")):
        with pytest.raises(TrailError, match="not this LAO's newest submission") as exc:
            action()
        bilingual(exc.value)
    published_lao = scalar(db, "SELECT s.lao_code FROM submission s JOIN lao l ON l.code = s.lao_code WHERE "
                               "s.year = :y AND s.counted AND l.province_code = '30' ORDER BY s.lao_code LIMIT 1",
                           y=PUBLISHED)
    with pytest.raises(TrailError, match="published") as exc:
        review.mark_checked(db, p.monitor, published_lao, PUBLISHED, 1)
    bilingual(exc.value)
    not_started = scalar(db, "SELECT l.code FROM lao l WHERE l.province_code = '30' AND NOT EXISTS (SELECT 1 FROM "
                             "submission s WHERE s.lao_code = l.code AND s.year = :y) ORDER BY l.code LIMIT 1", y=OPEN)
    with pytest.raises(TrailError, match="has not submitted"):
        review.mark_checked(db, p.monitor, not_started, OPEN, 1)
    with pytest.raises(TrailError, match="has not started"):
        review.comment(db, p.monitor, not_started, OPEN, "โปรดเริ่มกรอก")


def test_a_draft_after_a_submission_leaves_the_submission_reviewable(db):
    p = people(db)
    resubmit(db, p.lao, state="in_progress")                       # reopened, being edited
    states = review.review_states(db, p.monitor, OPEN).set_index("lao_code")
    assert states.loc[p.lao, "revision"] == 1 and states.loc[p.lao, "revising"]
    review.return_for_correction(db, p.monitor, p.lao, OPEN, 1, "ดูความเห็น")
    assert counted(db, p.lao) is None


@pytest.mark.parametrize("comments, message", [
    ([], "at least one comment"),
    ("   ", "at least one comment"),
    ([(None, "")], "at least one comment"),
    ([("9.99", "x")], "not in round"),
    ([(None, "x" * 4001)], "over the limit"),
    ([(None, "bad\x1b[31m")], "control"),
])
def test_bad_returns_are_refused_and_nothing_changes(db, comments, message):
    p = people(db)
    before = (log_size(db), counted(db, p.lao), scalar(db, "SELECT COUNT(*) FROM review_comment"))
    with pytest.raises(TrailError, match=message) as exc:
        review.return_for_correction(db, p.monitor, p.lao, OPEN, 1, comments)
    bilingual(exc.value)
    assert (log_size(db), counted(db, p.lao), scalar(db, "SELECT COUNT(*) FROM review_comment")) == before


def test_comments_keep_line_breaks_but_nothing_hidden(db):
    p = people(db)
    review.comment(db, p.monitor, p.lao, OPEN, "บรรทัดหนึ่ง\r\nบรรทัดสอง")
    assert review.comments(db, p.staff, p.lao, OPEN)["body"].tolist() == ["บรรทัดหนึ่ง\nบรรทัดสอง"]
    for bad in ("", "   ", "x\u202ey", "tab\there"):
        with pytest.raises(TrailError):
            review.comment(db, p.monitor, p.lao, OPEN, bad)


def test_review_states_and_counts_per_province(db):
    p = people(db)
    review.mark_checked(db, p.monitor, p.lao, OPEN, 1)
    review.return_for_correction(db, p.monitor, p.neighbour, OPEN, 1, "แก้")
    review.return_for_correction(db, p.far_monitor, p.far, OPEN, 1, "แก้")
    resubmit(db, p.far)
    counts = review.review_counts(db, p.executive, OPEN)
    by = counts.groupby(["province_code", "review"])["n"].sum()
    n30 = scalar(db, "SELECT COUNT(*) FROM submission s JOIN lao l ON l.code = s.lao_code WHERE s.year = :y AND "
                     "s.state = 'submitted' AND l.province_code = '30'", y=OPEN)
    assert (by["30", "checked"], by["30", "returned"], by["30", "resubmitted"]) == (1, 1, 0)
    assert by["30", "waiting"] == n30 - 2 and by["81", "resubmitted"] == 1
    assert set(review.review_counts(db, p.monitor, OPEN)["province_code"]) == {"30"}
    assert review.review_states(db, p.public, OPEN).empty
    assert set(review.review_states(db, p.staff, OPEN)["lao_code"]) == {p.lao}


def test_what_changed_between_two_revisions(db):
    p = people(db)
    codes = applicable_indicators(db, p.lao)
    two = resubmit(db, p.lao, changes={codes[0]: (200, 200), codes[1]: (10, None)})
    diff = review.revision_changes(db, p.monitor, p.lao, OPEN)             # default: newest against the one before
    assert (diff["revision_old"].iloc[0], diff["revision_new"].iloc[0]) == (1, two)
    assert set(diff.loc[diff["changed"], "indicator_code"]) <= {codes[0], codes[1]}
    row = diff.set_index("indicator_code").loc[codes[1]]
    assert row["frame_new"] == 10 and row["outcome_new"] == "not_done" and row["changed"]
    assert diff.set_index("indicator_code").loc[codes[0], ["frame_new", "delivered_new"]].tolist() == [200, 200]
    assert len(diff) == len(codes)
    same = review.revision_changes(db, p.monitor, p.lao, OPEN, old=1, new=1)
    assert not same["changed"].any()
    for bad in (7, "x"):
        with pytest.raises(TrailError, match="no revision") as exc:
            review.revision_changes(db, p.monitor, p.lao, OPEN, old=bad)
        bilingual(exc.value)


def test_only_reviewers_review_and_executives_only_read(db):
    p = people(db)
    for who in (p.executive, p.staff, p.far_monitor, p.public, p.neighbour_staff):
        for action in (lambda s: review.mark_checked(db, s, p.lao, OPEN, 1),
                       lambda s: review.return_for_correction(db, s, p.lao, OPEN, 1, "x")):
            with pytest.raises(PermissionDenied) as exc:
                action(who)
            bilingual(exc.value)
    review.mark_checked(db, p.admin, p.lao, OPEN, 1)                   # administrators may
    assert len(review.revisions(db, p.executive, p.lao, OPEN)) == 1
