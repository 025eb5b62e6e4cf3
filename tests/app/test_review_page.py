"""The monitors' review page (pages/review.py, dashboard/review_view.py) in AppTest: who may open it, the
queue of a province, returning with comments on indicators and the whole, marking checked, what changed
in a resubmission, scopes (another province's monitor, LAO staff, the public, executives reading only),
the link from the province page's anomaly flags, every action logged, no English on the Thai page."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard.review_view import review_url
from store import evidence, review
from tests.app.trail_app import english_words, errors, m, open_as, shown, successes
from tests.store.trail_helpers import OPEN, applicable_indicators, log_size, newest_revision, pdf, resubmit, scalar


def state(c, lao=None):
    return review.review_states(c.engine, c.scopes["admin"], OPEN).set_index("lao_code").at[lao or c.lao, "review"]


def test_the_public_and_lao_staff_get_a_message_and_no_data(cast):
    at = open_as(None, "review", lao=cast.lao)
    assert not at.exception and m("review_who") in [i.value for i in at.info] and not at.dataframe
    at = open_as("staff", "review", lao=cast.lao)
    assert m("review_lao_here") in [i.value for i in at.info] and not at.dataframe and not at.main.button


def test_the_queue_lists_the_monitor_s_province_with_review_states(cast):
    review.mark_checked(cast.engine, cast.scopes["mon30"], cast.neighbour, OPEN, newest_revision(cast.engine,
                                                                                             cast.neighbour))
    at = open_as("mon30", "review")
    assert not at.exception
    table = at.dataframe[0].value
    codes = set(table[m("col_code")])
    assert cast.lao in codes and cast.neighbour in codes and cast.far not in codes
    rows = table.set_index(m("col_code"))
    assert "ตรวจแล้ว" in rows.at[cast.neighbour, m("trail_col_review")]
    assert "รอตรวจ" in rows.at[cast.lao, m("trail_col_review")]
    assert rows.at[cast.lao, m("review_col_open")] == review_url(cast.lao, OPEN)
    at.selectbox(key="review_state").set_value("checked").run()
    assert list(at.dataframe[0].value[m("col_code")]) == [cast.neighbour]
    assert at.query_params["state"] == "checked"


def test_another_province_s_monitor_sees_nothing_and_cannot_act(cast):
    evidence.add_file(cast.engine, cast.scopes["staff"], cast.lao, OPEN, pdf(), "ลับ.pdf")
    at = open_as("mon81", "review", lao=cast.lao)
    assert not at.exception and m("review_not_yours") in [w.value for w in at.warning]
    assert not at.get("download_button") and "ลับ.pdf" not in shown(at)
    assert not [b for b in at.button if b.key in ("review_check", "review_return")]


def return_with(at, whole: str = "", on: dict[str, str] | None = None):
    n = at.session_state["review_return_n"]
    if whole:
        at.text_area(key=f"review_whole_{n}").input(whole)
    if on:
        at.multiselect(key=f"review_pick_{n}").set_value(list(on)).run()
        for code, body in on.items():
            at.text_area(key=f"review_on_{code}_{n}").input(body)
    return at.button(key="review_return").click().run()


def test_the_monitor_returns_with_comments_on_an_indicator_and_the_whole(cast):
    code = applicable_indicators(cast.engine, cast.lao)[2]
    at = open_as("mon30", "review", lao=cast.lao)
    assert not at.exception and m("review_check") in [b.label for b in at.button]
    at = return_with(at)                                                   # no comment: the store's refusal
    assert "ต้องมีความเห็นอย่างน้อยหนึ่งข้อ" in errors(at) and state(cast) == "waiting"
    before = log_size(cast.engine)
    at = return_with(at, whole="ตัวเลขด้านที่ 1 ไม่ตรงกับเอกสาร", on={code: "กรอบ (1) น้อยกว่าปีที่แล้วครึ่งหนึ่ง"})
    assert not at.exception and m("review_returned", revision=1) in successes(at)
    assert state(cast) == "returned" and log_size(cast.engine) == (before[0] + 1, before[1] + 1)
    assert scalar(cast.engine, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "return"
    thread = review.comments(cast.engine, cast.scopes["staff"], cast.lao, OPEN)
    assert [(None if pd.isna(c) else c, b) for c, b in zip(thread["indicator_code"], thread["body"], strict=True)] == [
        (None, "ตัวเลขด้านที่ 1 ไม่ตรงกับเอกสาร"), (code, "กรอบ (1) น้อยกว่าปีที่แล้วครึ่งหนึ่ง")]
    assert m("review_returned_wait") in [c.value for c in at.caption]
    assert not [b for b in at.button if b.key in ("review_check", "review_return")]


def test_a_resubmission_shows_what_changed_and_is_then_marked_checked(cast):
    code = applicable_indicators(cast.engine, cast.lao)[0]
    review.return_for_correction(cast.engine, cast.scopes["mon30"], cast.lao, OPEN, 1, "แก้ตัวเลข")
    resubmit(cast.engine, cast.lao, changes={code: (200, 150)})
    at = open_as("mon30", "review", lao=cast.lao)
    assert state(cast) == "resubmitted" and "ส่งใหม่หลังแก้ไข" in shown(at)
    assert m("review_changes", n=1, old=1, new=2) in [x.value for x in at.markdown]
    changed = at.dataframe[0].value
    assert list(changed[m("col_code")]) == [code]
    assert list(changed[m("trail_col_frame_rev", revision=2)]) == ["200"]
    at.toggle(key="review_only_changed").set_value(False).run()
    assert len(at.dataframe[0].value) == len(applicable_indicators(cast.engine, cast.lao))
    before = log_size(cast.engine)
    at.button(key="review_check").click().run()
    assert not at.exception and state(cast) == "checked" and m("review_checked", revision=2) in successes(at)
    assert log_size(cast.engine) == (before[0] + 1, before[1] + 1)
    assert scalar(cast.engine, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "check"


def test_a_stale_review_is_refused(cast):
    at = open_as("mon30", "review", lao=cast.lao)
    resubmit(cast.engine, cast.lao)                       # the LAO resubmitted meanwhile
    at.button(key="review_check").click().run()
    assert "ไม่ใช่ข้อมูลที่ส่งล่าสุด" in errors(at) and state(cast) == "waiting"


@pytest.mark.parametrize("part", ["comments", "evidence", "steps", "revisions"])
def test_every_part_opens_and_an_executive_reads_without_acting(cast, part):
    evidence.add_file(cast.engine, cast.scopes["staff"], cast.lao, OPEN, pdf(), "คำสั่ง.pdf")
    review.comment(cast.engine, cast.scopes["mon30"], cast.lao, OPEN, "โปรดแนบคำสั่งแต่งตั้ง")
    at = open_as("exec", "review", lao=cast.lao, part=part)
    assert not at.exception
    assert not [b for b in at.button if b.key in ("review_check", "review_return", "review_comment_send")]
    text = shown(at)
    expected = {"comments": "โปรดแนบคำสั่งแต่งตั้ง", "evidence": "คำสั่ง.pdf", "steps": m("trail_step_not_yet"),
                "revisions": m("trail_revision_submitted")}[part]
    assert expected in text
    at = open_as("mon30", "review", lao=cast.lao, part=part)
    assert not english_words(shown(at, main_only=True), {"PDF", "pdf", "mon", "Care", "Plan", "sample",
                                                         "generator", "staff"})


def test_the_monitor_adds_a_comment_without_returning(cast):
    at = open_as("mon30", "review", lao=cast.lao, part="comments")
    n = at.session_state["review_comment_n"]
    at.text_area(key=f"review_comment_{n}").input("ขอบคุณ ข้อมูลครบถ้วน")
    at.button(key="review_comment_send").click().run()
    assert not at.exception and m("review_commented") in successes(at)
    assert "ขอบคุณ ข้อมูลครบถ้วน" in [t.value for t in at.text] and state(cast) == "waiting"
    assert scalar(cast.engine, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "comment"
    at.text_area(key=f"review_comment_{n + 1}").input("  \n ")               # nothing said: refused, not stored
    at.button(key="review_comment_send").click().run()
    assert "กรุณากรอกความเห็น" in errors(at) and len(review.comments(cast.engine, cast.scopes["mon30"], cast.lao,
                                                                      OPEN)) == 1


def test_the_province_page_s_flags_link_to_the_review(cast):
    at = open_as("mon30", "province", province="30", view="flags")
    assert not at.exception
    flags = at.dataframe[0].value
    column = m("province_col_review")
    assert column in flags.columns and all(u.startswith("review?lao=") and f"year={OPEN}" in u for u in flags[column])
    public = open_as(None, "province", province="30", view="flags", year=2568)
    assert not public.exception and all(m("province_col_review") not in d.value.columns for d in public.dataframe)
