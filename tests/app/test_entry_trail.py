"""The paper trail on an LAO's own form (pages/entry.py, dashboard/entry_trail.py) in AppTest: evidence
attached to an indicator or the whole submission, refused files in the store's words, removal kept as
history, the steps after submission with a B.E. date, the monitor's comments at the top and beside the
indicators, a reply, the contact e-mail; every action logged; another LAO sees none of it; no English on
the Thai page. Store rules are in tests/store/test_{evidence,steps,review,reminders}.py."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard import data
from dashboard.trail_text import parse_be_date
from store import evidence, review, steps
from tests.app.trail_app import english_words, errors, m, open_as, shown, successes, unescaped
from tests.store.trail_helpers import OPEN, applicable_indicators, image, log_size, newest_revision, pdf, scalar


def attach(at, kind: str = "file", target: str | None = None, label: str = "", file=None, url: str = ""):
    """Fill the evidence form and press attach."""
    at.radio(key="trail_ev_kind").set_value(kind).run()
    if target is not None:
        at.selectbox(key="trail_ev_for").set_value(target).run()
    n = at.session_state["trail_ev_n"]
    if label:
        at.text_input(key=f"trail_ev_label_{n}").input(label)
    if kind == "file" and file is not None:
        at.file_uploader(key=f"trail_ev_file_{n}").set_value(file)
    if kind == "link":
        at.text_input(key=f"trail_ev_url_{n}").input(url)
    return at.button(key="trail_ev_add").click().run()


def attachments(c, lao=None):
    return evidence.attachments(c.engine, c.scopes["admin"], lao or c.lao, OPEN, include_removed=True)


def test_a_pdf_for_an_indicator_is_listed_with_size_who_and_a_download(cast):
    code = applicable_indicators(cast.engine, cast.lao)[0]
    at = open_as("staff", "entry", part="evidence")
    assert not at.exception and m("trail_evidence_used", used="0 KB", limit="200 MB") in shown(at)
    before = log_size(cast.engine)
    at = attach(at, target=f"indicator:{code}", label="คำสั่งแต่งตั้ง", file=("คำสั่ง.pdf", pdf(3000), "application/pdf"))
    assert not at.exception and m("trail_evidence_added") in successes(at)
    row = attachments(cast).iloc[0]
    assert (row["indicator_code"], row["file_name"], row["size_bytes"], row["uploaded_by"]) == \
        (code, "คำสั่ง.pdf", 3000, "staff")
    text = shown(at)
    assert "คำสั่ง.pdf" in text and "2.9 KB" in text and "staff" in text and "คำสั่งแต่งตั้ง" in text
    assert [b for b in at.get("download_button") if "คำสั่ง.pdf" in b.label.replace("\\", "")]
    assert m("trail_evidence_used", used="2.9 KB", limit="200 MB") in text
    assert log_size(cast.engine) == (before[0] + 1, before[1] + 1)
    assert scalar(cast.engine, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "evidence-add"
    assert data.evidence_download(cast.scopes["staff"], int(row["id"])).content == pdf(3000)
    at = open_as("staff", "entry", part="form")          # beside the indicator on the form: its evidence
    assert at.dataframe[0].value.set_index(m("col_code")).at[code, m("trail_col_evidence_n")] == 1
    at.button(key="entry_reopen").click().run()         # and in the draft, under the indicator's name
    assert m("trail_evidence_n", n=1) in shown(at)


def test_a_link_for_the_whole_submission_and_a_bad_link(cast):
    at = open_as("staff", "entry", part="evidence")
    at = attach(at, kind="link", url="javascript:alert(1)")
    assert "http://" in errors(at) and "https://" in errors(at)
    assert attachments(cast).empty
    at = attach(at, kind="link", url="https://www.example.go.th/ประกาศ")
    row = attachments(cast).iloc[0]
    assert (row["kind"], row["url"], row["indicator_code"], row["step"]) == \
        ("link", "https://www.example.go.th/ประกาศ", None, None)
    assert m("trail_whole") in shown(at)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused_in_the_store_s_words(cast, lang):
    at = open_as("staff", "entry", part="evidence", lang=lang)
    at = attach(at, file=("order.pdf", image("PNG"), "application/pdf"))
    assert ("บอกว่าเป็น .pdf แต่เนื้อไฟล์เป็น PNG" if lang == "th" else "says .pdf but the content is PNG") in errors(at)
    at = attach(at, file=("notes.pdf", b"just some text, not a PDF", "application/pdf"))
    assert ("ตามเนื้อไฟล์จริง" if lang == "th" else "is not a PDF, JPEG, PNG or Excel (.xlsx) file by its content") \
        in errors(at)
    assert attachments(cast).empty


def test_an_oversized_file_is_refused_before_it_is_stored(cast, monkeypatch):
    monkeypatch.setenv("LAO_EVIDENCE_MAX_MB", "0.002")            # about 2 KB
    at = open_as("staff", "entry", part="evidence")
    before = log_size(cast.engine)
    at = attach(at, file=("big.pdf", pdf(5000), "application/pdf"))
    assert "เกินขีดจำกัด" in errors(at) and "MB" in errors(at)
    assert attachments(cast).empty and log_size(cast.engine) == before
    at = attach(open_as("staff", "entry", part="evidence"), file=None)
    assert m("trail_evidence_no_file") in errors(at)


def test_removing_keeps_the_evidence_in_the_history(cast):
    aid = evidence.add_file(cast.engine, cast.scopes["staff"], cast.lao, OPEN, image("JPEG"), "ป้าย.jpg")
    at = open_as("staff", "entry", part="evidence")
    at.button(key=f"evidence_rm_{aid}").click().run()
    assert not at.exception and m("trail_removed") in successes(at)
    row = attachments(cast).set_index("id").loc[aid]
    assert row["removed_by"] == "staff" and row["removed_at"] is not None
    assert m("trail_removed_title", n=1) in shown(at) and not at.get("download_button")
    assert scalar(cast.engine, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "evidence-remove"


def test_the_monitor_sees_the_files_but_another_lao_never_does(cast):
    aid = evidence.add_file(cast.engine, cast.scopes["staff"], cast.lao, OPEN, pdf(), "ใบสำคัญ.pdf")
    at = open_as("neighbour", "entry", lao=cast.lao, part="evidence")
    assert m("entry_not_yours") in [w.value for w in at.warning] and "ใบสำคัญ.pdf" not in shown(at)
    for who in ("neighbour", "far", "mon81"):
        with pytest.raises(data.NotAllowed):
            data.evidence_list(cast.scopes[who], cast.lao, OPEN)
        with pytest.raises(data.NotAllowed):
            data.evidence_download(cast.scopes[who], aid)
    assert data.evidence_download(cast.scopes["mon30"], aid).content == pdf()


def record_step(at, step: str, day: str, detail: str = "", url: str = ""):
    at.selectbox(key="trail_step_pick").set_value(step).run()
    n = at.session_state["trail_step_n"]
    at.text_input(key=f"trail_step_{step}_{n}_date").input(day).run()
    if detail:
        at.text_area(key=f"trail_step_{step}_{n}_detail").input(detail)
    if url:
        at.text_input(key=f"trail_step_{step}_{n}_url").input(url)
    return at.button(key=f"trail_step_{step}_{n}_save").click().run()


def test_a_step_is_recorded_with_its_b_e_date_detail_and_link(cast):
    day = date.today() - timedelta(days=3)
    typed = f"{day.day}/{day.month}/{day.year + 543}"
    at = open_as("staff", "entry", part="steps")
    at = record_step(at, "council", typed, detail="สมัยสามัญที่ 4 ครั้งที่ 1", url="https://council.example.go.th/1")
    assert not at.exception
    row = steps.steps(cast.engine, cast.scopes["staff"], cast.lao, OPEN).set_index("step").loc["council"]
    assert (str(row["done_on"])[:10], row["detail"], row["url"], row["evidenced"]) == \
        (day.isoformat(), "สมัยสามัญที่ 4 ครั้งที่ 1", "https://council.example.go.th/1", True)
    text = shown(at)
    assert "สมัยสามัญที่ 4 ครั้งที่ 1" in text and f"{day.year + 543}" in text
    assert scalar(cast.engine, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "step"


@pytest.mark.parametrize("typed, says", [
    ("31/2/2569", "trail_step_date_bad"),         # no such day
    ("25/11/2026", "trail_step_date_bad"),        # a Common Era year where B.E. is asked for
    ("yesterday", "trail_step_date_bad"),
])
def test_a_date_that_is_not_one_is_refused_next_to_the_field(cast, typed, says):
    at = open_as("staff", "entry", part="steps")
    at = record_step(at, "committee", typed)
    assert m(says, value=typed) in errors(at)
    assert not steps.steps(cast.engine, cast.scopes["staff"], cast.lao, OPEN).set_index("step").at["committee", "done"]


def test_a_future_date_and_a_bad_link_get_the_store_s_message(cast):
    day = date.today() + timedelta(days=10)
    at = open_as("staff", "entry", part="steps")
    at = record_step(at, "public", f"{day.day}/{day.month}/{day.year + 543}")
    assert "ยังมาไม่ถึง" in errors(at)
    at = record_step(at, "public", "1/11/2569", url="ftp://files.example.go.th/x")
    assert "http://" in errors(at)
    assert not steps.steps(cast.engine, cast.scopes["staff"], cast.lao, OPEN).set_index("step").at["public", "done"]


def test_b_e_dates_are_read_as_officials_write_them():
    assert parse_be_date("25/11/2569") == date(2026, 11, 25) == parse_be_date("25.11.2569") == parse_be_date(
        "2026-11-25")
    for bad in ("25/11/26", "2569/11/25x", "", "32/1/2569"):
        with pytest.raises(ValueError):
            parse_be_date(bad)


def returned(c, body_whole="กรุณาตรวจสอบตัวเลขอีกครั้ง", on=None):
    code = on or applicable_indicators(c.engine, c.lao)[0]
    review.return_for_correction(c.engine, c.scopes["mon30"], c.lao, OPEN, newest_revision(c.engine, c.lao),
                                 [(None, body_whole), (code, "ตัวเลข (2) มากกว่าปีที่แล้วมาก โปรดแนบหลักฐาน")])
    return code


def test_a_returned_form_says_so_and_shows_the_comments_at_the_top_and_beside_the_indicator(cast):
    code = returned(cast)
    at = open_as("staff", "entry")
    assert not at.exception and m("trail_entry_returned") in [w.value for w in at.warning]
    bodies = [t.value for t in at.text]
    assert "กรุณาตรวจสอบตัวเลขอีกครั้ง" in bodies and "ตัวเลข (2) มากกว่าปีที่แล้วมาก โปรดแนบหลักฐาน" in bodies
    table = at.dataframe[0].value.set_index(m("col_code"))
    assert table.at[code, m("trail_col_comments")] == "ตัวเลข (2) มากกว่าปีที่แล้วมาก โปรดแนบหลักฐาน"
    at.button(key="entry_reopen").click().run()                    # reopened: a draft, the comment beside its field
    assert not at.exception
    at.radio(key="entry_domain").set_value(int(code.split(".")[0])).run()
    notes = [unescaped(c.value) for c in at.caption if "mon30" in c.value]
    assert notes and any(code in n for n in notes)


def test_the_lao_replies_and_the_thread_is_kept(cast):
    returned(cast)
    at = open_as("staff", "entry")
    n = at.session_state["trail_reply_n"]
    at.text_area(key=f"trail_reply_{n}").input("แก้ไขแล้ว และแนบหลักฐานเพิ่ม")
    at.button(key="trail_reply_send").click().run()
    assert not at.exception and m("trail_reply_sent") in successes(at)
    thread = review.comments(cast.engine, cast.scopes["mon30"], cast.lao, OPEN)
    assert list(thread["author"]) == ["mon30", "mon30", "staff"] and thread["body"].iloc[-1] == \
        "แก้ไขแล้ว และแนบหลักฐานเพิ่ม"
    newest = "SELECT who || ' ' || action FROM change_log ORDER BY id DESC LIMIT 1"
    assert scalar(cast.engine, newest) == "staff comment"
    at.text_area(key=f"trail_reply_{n + 1}").input("   ")
    at.button(key="trail_reply_send").click().run()
    assert "กรุณากรอก" in errors(at)


def test_the_history_names_trail_events_in_thai(cast):
    evidence.add_link(cast.engine, cast.scopes["staff"], cast.lao, OPEN, "https://example.go.th/a")
    steps.record_step(cast.engine, cast.scopes["staff"], cast.lao, OPEN, "committee", date.today())
    returned(cast)
    at = open_as("staff", "entry")
    history = at.dataframe[-1].value
    actions = set(history[m("entry_col_action")])
    assert {m("trail_action_evidence_add"), m("trail_action_step"), m("trail_action_return")} <= actions
    assert not any(a in actions for a in ("evidence-add", "step", "return"))


def test_the_lao_sets_its_contact_e_mail_and_a_bad_one_is_refused(cast):
    at = open_as("staff", "entry")
    n = at.session_state["contact_n"]
    at.text_input(key=f"contact_own_{n}").input("not an address").run()
    at.button(key="contact_own_save").click().run()
    assert "ไม่ถูกต้อง" in errors(at)
    at.text_input(key=f"contact_own_{n}").input("saraban@nongphai.go.th").run()
    at.button(key="contact_own_save").click().run()
    assert not at.exception
    assert scalar(cast.engine, "SELECT contact_email FROM lao WHERE code = :c", c=cast.lao) == "saraban@nongphai.go.th"
    assert scalar(cast.engine, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "contact-email"
    assert m("contact_current", email="saraban@nongphai.go.th") in shown(at)


@pytest.mark.parametrize("part", ["form", "evidence", "steps"])
def test_no_english_on_the_thai_form(cast, part):
    evidence.add_file(cast.engine, cast.scopes["staff"], cast.lao, OPEN, pdf(), "คำสั่ง.pdf")
    steps.record_step(cast.engine, cast.scopes["staff"], cast.lao, OPEN, "council", date.today(), detail="สมัยที่ 1")
    returned(cast)
    at = open_as("staff", "entry", part=part)
    allowed = {"PDF", "JPEG", "PNG", "Excel", "xlsx", "pdf", "https", "http",    # type names, links
               "staff", "mon",                                                  # user names (mon30)
               "Care", "Plan"}                                                  # a catalogue name: (Care Plan)
    assert not english_words(shown(at, main_only=True), allowed)
    english = shown(open_as("staff", "entry", part=part, lang="en"))
    assert "Evidence" in english or "Steps after submission" in english
