"""In a real browser: an LAO's own form (issue 10's proof). LAO staff sign in and land on their form, fill one
domain, save, reload (the draft is kept and they are still signed in: an HTTP-only cookie), complete the form,
submit, and see the result on their scorecard and, for the province's monitor, on the province page. Another
LAO's staff and the public cannot open the form; after `round close` a save is refused; two browsers saving the
same LAO: the older one is refused with a message that names who saved. Screenshots at desktop and phone width."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from dashboard.i18n import t as m
from store import accounts, entry
from store.access import Scope
from store.db import make_engine
from store.manage import set_round_state
from tests.browser.conftest import after_run

YEAR = 2569
PASSWORD = "a good password 25"
ADMIN = Scope(role="admin", user="root")


@pytest.fixture(scope="module")
def served(private_server):
    url, db = private_server("entry-browser")
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        lao, other = [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l WHERE l.type = 'sao' AND l.province_code = '30' AND NOT EXISTS (SELECT 1 FROM "
            "submission s WHERE s.lao_code = l.code AND s.year = :y) ORDER BY l.code LIMIT 2"), {"y": YEAR})]
    for name, code in (("staff", lao), ("other", other)):
        accounts.add(engine, ADMIN, name, "lao", PASSWORD, lao=code)
    accounts.add(engine, ADMIN, "korat", "monitor", PASSWORD, province="30")
    return url, engine, lao


def sign_in(page, base, user, wait_for_app, goto):
    goto(page, base, "/overview")
    page.get_by_text(m("auth_sign_in_staff")).click()
    page.get_by_label(m("auth_username")).fill(user)
    page.get_by_label(m("auth_password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=m("auth_sign_in"), exact=True).click()
    page.get_by_text(m("auth_signed_in_as")).wait_for(timeout=30_000)
    wait_for_app(page)


def field(page, code, part):
    return page.get_by_label(f"{code} ({part})", exact=False).first


def fill(page, code, frame, delivered):
    for part, value in ((1, frame), (2, delivered)):
        box = field(page, code, part)
        box.fill(value)
        after_run(page, lambda b=box: b.press("Tab"))


def domain_codes(engine, lao, domain):
    form = entry.load_form(engine, ADMIN, lao, YEAR)
    return [c for c in form.indicators.index if int(form.indicators.at[c, "domain"]) == domain], form


def test_an_lao_enters_saves_reloads_and_submits(page, served, wait_for_app, goto, screenshot):
    base, engine, lao = served
    sign_in(page, base, "staff", wait_for_app, goto)
    assert f"/entry?lao={lao}" in page.url                        # LAO staff land on their own form
    codes, form = domain_codes(engine, lao, 1)
    for code in codes:
        fill(page, code, "10", "9")
        why = page.get_by_label(m("entry_explanation", code=code))     # far from last round: say why
        if why.count():
            why.fill("ปีนี้ถนนชำรุดน้อยกว่าปีก่อน")
            after_run(page, lambda w=why: w.press("Tab"))
    page.get_by_text(m("entry_outcome", outcome="✓ " + "ผ่านค่ามาตรฐานขั้นต่ำ (90.0%)")).first.wait_for()
    screenshot(page, "entry-desktop")
    page.get_by_role("button", name=m("entry_save_domain", domain=1)).click()
    saved = page.get_by_text(m("entry_saved", domain=1))
    saved.wait_for()
    saved.scroll_into_view_if_needed()
    screenshot(page, "entry-saved-desktop", full_page=False)        # the message beside the save button
    explained = {c: page.get_by_label(m("entry_explanation", code=c)) for c in codes}
    explained = {c: box.input_value() for c, box in explained.items() if box.count()}
    assert explained and all(explained.values()), explained           # a save leaves what is typed on screen
    page.reload(wait_until="domcontentloaded")
    wait_for_app(page)
    assert {c: page.get_by_label(m("entry_explanation", code=c)).input_value() for c in explained} == explained
    assert page.get_by_text(m("auth_signed_in_as")).count()        # still signed in after a reload
    assert field(page, codes[0], 1).input_value() == "10"          # the draft is kept
    # the rest of the form, as the offline workbook would bring it, then submit in the browser
    rest = entry.load_form(engine, ADMIN, lao, YEAR)
    measure = rest.indicators["measure"]
    typed = pd.DataFrame({"frame_raw": ["10" if measure[c] == "ratio" else "1" for c in rest.indicators.index],
                          "delivered_raw": ["9" if measure[c] == "ratio" else ("1" if measure[c] == "yesno" else "9")
                                            for c in rest.indicators.index],
                          "not_done": False, "explanation": "ปีนี้ถนนชำรุดน้อยกว่าปีก่อน"}, index=rest.indicators.index)
    for d in sorted(rest.indicators["domain"].unique()):        # domain 1 again: each warning explained
        now = entry.load_form(engine, ADMIN, lao, YEAR)
        entry.save(engine, ADMIN, now, int(d), typed, now.mark(int(d)), who="staff")
    page.reload(wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_label(m("entry_certified_name")).fill("นางสมศรี ใจงาม")
    page.get_by_label(m("entry_certified_position")).fill("นายกองค์การบริหารส่วนตำบล")
    page.get_by_text(m("entry_certify")).click()
    wait_for_app(page)
    page.get_by_role("button", name=m("entry_submit"), exact=True).click()
    page.get_by_text(m("entry_submitted")).wait_for(timeout=30_000)
    with engine.connect() as conn:
        rate = conn.execute(text("SELECT pass_rate FROM summary WHERE lao_code = :c AND year = :y AND domain = 'all'"),
                            {"c": lao, "y": YEAR}).scalar()
    assert rate is not None
    goto(page, base, f"/lao?lao={lao}&year={YEAR}")
    assert page.get_by_text(f"{rate:.1f}%").count()                  # the new result on its scorecard
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, base, f"/entry?lao={lao}&year={YEAR}")
    screenshot(page, "entry-phone-submitted")


def test_the_province_monitor_sees_the_new_result(page, served, wait_for_app, goto):
    base, engine, lao = served
    sign_in(page, base, "korat", wait_for_app, goto)
    goto(page, base, f"/province?province=30&year={YEAR}&q={lao}")
    with engine.connect() as conn:
        total = conn.execute(text("SELECT COUNT(*) FROM lao WHERE province_code = '30'")).scalar()
    # the table (a canvas) finds the LAO by its code: one row of the province's, now with a result
    page.get_by_text(m("province_n_shown", n=1, total=total), exact=False).first.wait_for()


def test_another_lao_and_the_public_cannot_open_the_form(page, served, wait_for_app, goto):
    base, engine, lao = served
    goto(page, base, f"/entry?lao={lao}&year={YEAR}")
    assert page.get_by_text(m("entry_who")).count() and not page.get_by_label(" (1) ", exact=False).count()
    sign_in(page, base, "other", wait_for_app, goto)
    goto(page, base, f"/entry?lao={lao}&year={YEAR}")
    assert page.get_by_text(m("entry_not_yours")).count()


def test_two_browsers_saving_the_same_lao_the_older_is_refused(browser, served, wait_for_app, goto):
    base, engine, lao = served
    first, second = browser.new_context(), browser.new_context()
    try:
        a, b = first.new_page(), second.new_page()
        with engine.begin() as conn:      # the first test submitted: start this one from a fresh draft
            conn.execute(text("UPDATE submission SET state = 'in_progress' WHERE lao_code = :c AND year = :y"),
                         {"c": lao, "y": YEAR})
        for p in (a, b):
            sign_in(p, base, "staff", wait_for_app, goto)
            goto(p, base, f"/entry?lao={lao}&year={YEAR}&domain=2")
        codes, _ = domain_codes(engine, lao, 2)
        fill(a, codes[0], "20", "18")
        a.get_by_role("button", name=m("entry_save_domain", domain=2)).click()
        a.get_by_text(m("entry_saved", domain=2)).wait_for()
        fill(b, codes[0], "30", "3")
        b.get_by_role("button", name=m("entry_save_domain", domain=2)).click()
        refusal = b.get_by_text("บันทึกไม่ได้", exact=False).first          # "not saved: staff saved … at …"
        refusal.wait_for()
        assert "staff" in refusal.inner_text()
    finally:
        first.close()
        second.close()


def test_after_the_round_closes_a_save_is_refused(page, served, wait_for_app, goto):
    base, engine, lao = served
    sign_in(page, base, "staff", wait_for_app, goto)
    goto(page, base, f"/entry?lao={lao}&year={YEAR}&domain=3")
    set_round_state(engine, ADMIN, YEAR, "closed")               # closed while the form is open
    codes, _ = domain_codes(engine, lao, 3)
    fill(page, codes[0], "5", "5")
    page.get_by_role("button", name=m("entry_save_domain", domain=3)).click()
    page.get_by_text("ปิดรับข้อมูล", exact=False).first.wait_for()
    with engine.connect() as conn:
        saved = conn.execute(text("SELECT COUNT(*) FROM indicator_value v JOIN submission s ON s.id = v.submission_id "
                                  "WHERE s.lao_code = :c AND s.year = :y AND v.indicator_code = :i AND v.frame = 5"),
                             {"c": lao, "y": YEAR, "i": codes[0]}).scalar()
    assert saved == 0
