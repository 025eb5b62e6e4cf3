"""After submission on the submissions page (dashboard/followup_view.py), on the scorecard and in the council
report, and contact e-mails on the admin page, in AppTest: review counts per province for executives that
change when a monitor checks; steps done per province and type; the follow-up worklist filtered by a
missing step and by the round's conditions (labelled as this product's reading); the executives' download
per province; reminders previewed then sent to a local SMTP server, once; scopes throughout."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
from pypdf import PdfReader

from dashboard import data
from scoring.laotypes import type_name
from store import contacts, evidence, review, steps
from store.eligibility import READING
from tests.app.trail_app import english_words, errors, m, open_as, shown, successes, table_with
from tests.store.test_reminders import smtp  # noqa: F401  (a fixture: a real SMTP server on the loopback)
from tests.store.trail_helpers import OPEN, PUBLISHED, log_size, newest_revision, pdf, scalar


def review_table(at) -> pd.DataFrame:
    return table_with(at, "✓ ตรวจแล้ว")


def worklist(at) -> pd.DataFrame:
    return table_with(at, m("followup_col_meets"))


def test_executives_see_review_counts_per_province_and_they_change(cast):
    at = open_as("exec", "submissions", after="review")
    assert not at.exception
    table = review_table(at).set_index(m("submissions_col_province"))
    checked = "✓ ตรวจแล้ว"
    korat = next(p for p in table.index if "นครราชสีมา" in p)
    assert table.at[korat, checked] == 0 and table.at[korat, m("followup_col_submitted")] > 0
    assert len(table) >= 3                                         # every province of the sample with submissions
    review.mark_checked(cast.engine, cast.scopes["mon30"], cast.lao, OPEN, newest_revision(cast.engine, cast.lao))
    at = open_as("exec", "submissions", after="review")
    assert review_table(at).set_index(m("submissions_col_province")).at[korat, checked] == 1


def test_a_monitor_sees_its_province_by_type_and_the_public_sees_no_review(cast):
    at = open_as("mon30", "submissions", after="review")
    table = review_table(at)
    assert m("submissions_col_province") not in table.columns and m("submissions_col_type") in table.columns
    public = open_as(None, "submissions", year=PUBLISHED)
    assert not public.exception
    labels = [t.label for t in public.get("tab")]
    assert m("followup_tab_review") not in labels and m("followup_tab_remind") not in labels
    assert m("followup_tab_steps") in labels


def test_steps_are_counted_per_province_and_type(cast):
    steps.record_step(cast.engine, cast.scopes["staff"], cast.lao, OPEN, "council", date.today(),
                      url="https://council.example.go.th/1")
    steps.record_step(cast.engine, cast.scopes["neighbour"], cast.neighbour, OPEN, "council", date.today())
    at = open_as("mon30", "submissions", after="steps")
    assert not at.exception
    table = table_with(at, m("followup_col_laos")).set_index(m("submissions_col_type"))
    council = m("followup_col_step_done", step="รายงานผลต่อสภาท้องถิ่น")
    evidenced = m("followup_col_step_evidenced", step="รายงานผลต่อสภาท้องถิ่น")
    sao = type_name("sao", "th")
    assert (table.at[sao, council], table.at[sao, evidenced]) == (2, 1)
    assert table[m("followup_col_step_done", step="แต่งตั้งคณะกรรมการประเมิน")].sum() == 0


def test_the_worklist_filters_by_a_missing_step_and_by_the_conditions(cast):
    for step in ("committee", "executive", "council", "public"):
        steps.record_step(cast.engine, cast.scopes["staff"], cast.lao, OPEN, step, date.today(),
                          url=f"https://www.example.go.th/{step}")
    steps.record_step(cast.engine, cast.scopes["neighbour"], cast.neighbour, OPEN, "committee", date.today())
    at = open_as("mon30", "submissions", after="worklist")
    assert not at.exception and READING.th in [c.value for c in at.caption]
    codes = lambda: set(worklist(at)[m("submissions_col_lao_code")])  # noqa: E731
    everyone = codes()
    assert {cast.lao, cast.neighbour} <= everyone and cast.far not in everyone
    rows = worklist(at).set_index(m("submissions_col_lao_code"))
    assert rows.at[cast.lao, m("followup_col_meets")] == m("followup_meets_mark_yes")
    assert rows.at[cast.neighbour, "แต่งตั้งคณะกรรมการประเมิน"] == "◐"          # recorded, no document or link
    assert "รายงานผลต่อสภาท้องถิ่น" in rows.at[cast.neighbour, m("followup_col_missing")]
    at.selectbox(key="followup_missing").set_value("council").run()
    assert cast.lao not in codes() and cast.neighbour in codes() and at.query_params["missing"] == "council"
    at.selectbox(key="followup_missing").set_value("all").run()
    at.selectbox(key="followup_meets").set_value("yes").run()
    assert codes() == {cast.lao}
    at.selectbox(key="followup_meets").set_value("no").run()
    assert cast.lao not in codes() and cast.neighbour in codes()


def test_executives_download_the_conditions_of_one_province(cast):
    at = open_as("exec", "submissions", after="worklist")
    assert m("followup_export_title") in [x.value.strip("*") for x in at.markdown]
    labels = [b.label for b in at.get("download_button")]
    assert m("download_csv") in labels and m("download_xlsx") in labels
    frame = data.conditions_export(0, cast.scopes["exec"], OPEN, "30", "th")
    assert set(frame["province_code"]) == {"30"} and "missing_text" in frame.columns
    monitor = open_as("mon30", "submissions", after="worklist")
    assert m("followup_export_title") not in [x.value.strip("*") for x in monitor.markdown]


def test_the_scorecard_and_the_council_report_list_the_steps(cast):
    day = date.today()
    steps.record_step(cast.engine, cast.scopes["staff"], cast.lao, OPEN, "council", day, detail="สมัยสามัญที่ 4",
                      url="https://council.example.go.th/2569/4")
    steps.record_step(cast.engine, cast.scopes["staff"], cast.lao, OPEN, "public", day,
                      detail="เว็บไซต์และบอร์ดประชาสัมพันธ์", url="https://www.example.go.th/ประกาศ")
    at = open_as("staff", "lao", lao=cast.lao)
    assert not at.exception and m("trail_scorecard_title") in [s.value for s in at.subheader]
    table = table_with(at, m("trail_col_step")).set_index(m("trail_col_step"))
    assert table.at["รายงานผลต่อสภาท้องถิ่น", m("trail_col_detail")] == "สมัยสามัญที่ 4"
    assert table.at["ประกาศผลให้ประชาชนทราบ", m("trail_col_link")] == "https://www.example.go.th/ประกาศ"
    assert READING.th in [c.value for c in at.caption]
    assert any("ยังขาด" in w.value for w in at.warning)                     # committee and executive missing
    card_pdf = data.lao_report_pdf(data.version(), cast.scopes["staff"], cast.lao, OPEN, "th")
    flat = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(card_pdf)).pages)
    assert "ขั้นตอนหลังส่งข้อมูล" in flat and "สมัยสามัญที่4" in flat
    assert "https://www.example.go.th/ประกาศ" in flat


def test_the_public_scorecard_of_a_published_round_shows_no_private_document(cast):
    at = open_as(None, "lao", lao=cast.lao, year=PUBLISHED)
    assert not at.exception and m("trail_scorecard_title") in [s.value for s in at.subheader]
    assert m("trail_col_document") not in table_with(at, m("trail_col_step")).columns


def test_a_monitor_previews_then_sends_reminders_once(cast, smtp):  # noqa: F811
    with cast.engine.connect() as conn:
        from sqlalchemy import text
        owed = [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l WHERE l.province_code = '30' AND NOT EXISTS (SELECT 1 FROM submission s WHERE "
            "s.lao_code = l.code AND s.year = :y AND s.counted) ORDER BY l.code LIMIT 2"), {"y": OPEN})]
    for code in owed:
        contacts.set_contact(cast.engine, cast.scopes["admin"], code, f"saraban.{code}@example.go.th")
    at = open_as("mon30", "submissions", after="remind")
    assert not at.exception and not [b for b in at.button if b.key == "followup_remind_send"]
    at.button(key="followup_remind_preview").click().run()
    listed = table_with(at, m("followup_col_reason"))
    assert set(owed) <= set(listed[m("submissions_col_lao_code")]) and smtp.messages == []
    assert m("followup_no_email") in set(listed[m("contact_email")])
    assert scalar(cast.engine, "SELECT COUNT(*) FROM reminder") == 0
    at.checkbox(key="followup_remind_sure").check().run()
    before = log_size(cast.engine)
    at.button(key="followup_remind_send").click().run()
    assert not at.exception and "ส่งแล้ว 2 แห่ง" in successes(at)
    assert len(smtp.messages) == 2 and all("กรุณากรอกและส่งข้อมูล" in x.get_content() for x in smtp.messages)
    assert log_size(cast.engine)[0] == before[0] + 1
    assert scalar(cast.engine, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "remind"
    at.button(key="followup_remind_preview").click().run()
    assert "เคยส่งแล้ว 2 แห่ง" in "".join(i.value for i in at.info).replace("\\", "")
    assert not [b for b in at.button if b.key == "followup_remind_send"] and len(smtp.messages) == 2


def test_reminders_are_for_monitors_and_administrators(cast):
    at = open_as("exec", "submissions")
    assert m("followup_tab_remind") not in [t.label for t in at.get("tab")]
    at = open_as("admin", "submissions", after="remind")
    assert m("followup_tab_remind") in [t.label for t in at.get("tab")]
    at.button(key="followup_remind_preview").click().run()
    assert not at.exception and m("followup_remind_no_server") in [w.value for w in at.warning]


def test_an_administrator_sets_a_contact_e_mail_on_the_admin_page(cast):
    at = open_as("admin", "admin", tab="contacts")   # the tab of contact e-mails (tabs are lazy)
    assert not at.exception
    at.selectbox(key="contact_admin_province").set_value("30").run()
    at.selectbox(key="contact_admin_lao").set_value(cast.neighbour).run()
    key = f"contact_admin_{cast.neighbour}_{at.session_state['contact_admin_n']}"
    at.text_input(key=key).input("x@@bad").run()
    at.button(key="contact_admin_save").click().run()
    assert "ไม่ถูกต้อง" in errors(at)
    at.text_input(key=key).input("Office@Example.go.th").run()
    at.button(key="contact_admin_save").click().run()
    assert not at.exception and m("contact_saved", lao=cast.neighbour) in successes(at)
    stored = scalar(cast.engine, "SELECT contact_email FROM lao WHERE code = :c", c=cast.neighbour)
    assert stored.lower() == "office@example.go.th"
    assert scalar(cast.engine, "SELECT who FROM change_log ORDER BY id DESC LIMIT 1") == "admin"
    assert stored in table_with(at, m("contact_col_lao")).to_csv()


def test_no_english_on_the_thai_follow_up(cast):
    evidence.add_file(cast.engine, cast.scopes["staff"], cast.lao, OPEN, pdf(), "คำสั่ง.pdf")
    for after in ("review", "steps", "worklist", "remind"):
        at = open_as("admin", "submissions", after=after)
        assert not at.exception
        section = shown(at, main_only=True)
        assert not english_words(section, {"PDF", "Excel", "CSV", "LAO", "SMTP", "HOST", "sample", "generator"}), after
