"""The entry page (pages/entry.py) in AppTest: who may open it, accessible field names, live outcomes from the
scoring module, a domain saved as a draft that survives a new session, refused stale saves, the window,
submit, and the offline workbook. Store rules are in tests/store/test_entry.py."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import text

from dashboard.i18n import t as m
from store import accounts, entry
from store.access import Scope
from tests.app.apptest import open_page, sign_in_as

YEAR = 2569
ADMIN = Scope(role="admin", user="root")


@pytest.fixture
def env(monkeypatch, sqlite_engine):
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    return sqlite_engine


@pytest.fixture
def lao(env):
    with env.connect() as conn:
        return conn.execute(text("SELECT l.code FROM lao l WHERE l.type = 'sao' AND NOT EXISTS (SELECT 1 FROM "
                                 "submission s WHERE s.lao_code = l.code AND s.year = :y) ORDER BY l.code LIMIT 1"),
                            {"y": YEAR}).scalar()


def as_staff(env, code, **params):
    user = accounts.add(env, ADMIN, f"staff{code}", "lao", "a good password 25", lao=code)
    at = open_page(None)
    sign_in_as(at, user_id=user.id)
    for k, v in {"year": YEAR, **params}.items():
        at.query_params[k] = str(v)
    from streamlit.util import calc_hash
    at._page_hash = calc_hash("entry")
    return at.run(), user


def fields(at, code):
    return {x.label.split(" ", 2)[1]: x for x in at.text_input if x.label.startswith(f"{code} (")}


def test_the_public_and_other_laos_get_a_message_and_no_data(env, lao):
    at = open_page("entry", lao=lao, year=YEAR)
    assert not at.exception and m("entry_who") in [i.value for i in at.info]
    assert not [x for x in at.text_input if x.label.startswith("1.")]
    another = "6810404" if lao != "6810404" else "6810405"
    other = accounts.add(env, ADMIN, "other", "lao", "a good password 25", lao=another)
    at = open_page(None)
    sign_in_as(at, user_id=other.id)
    at.query_params["lao"] = lao
    at.query_params["year"] = str(YEAR)
    from streamlit.util import calc_hash
    at._page_hash = calc_hash("entry")
    at.run()
    assert m("entry_not_yours") in [w.value for w in at.warning]
    assert not [x for x in at.text_input if x.label.startswith("1.")]


def test_every_figure_has_a_name_starting_with_its_code_and_1_or_2(env, lao):
    at, _ = as_staff(env, lao)
    assert not at.exception
    labels = [x.label for x in at.text_input if x.label[:1].isdigit()]
    codes = {label.split(" ")[0] for label in labels}
    assert codes and all(f"{c} (1)" in " ".join(labels) and f"{c} (2)" in " ".join(labels) for c in codes)
    assert all(label.split(" ")[1] in ("(1)", "(2)", "ไม่ได้ดำเนินการในปีนี้", "คำอธิบาย") for label in labels)


def test_the_outcome_follows_the_figures_as_they_are_typed(env, lao):
    at, _ = as_staff(env, lao, domain=1)
    code = next(x.label.split(" ")[0] for x in at.text_input if x.label.startswith("1.") and "(1)" in x.label)
    f = fields(at, code)
    f["(1)"].input("100").run()
    fields(at, code)["(2)"].input("95").run()
    assert any(m("entry_outcome", outcome="✓ ผ่านค่ามาตรฐานขั้นต่ำ (95.0%)") in e.value for e in at.markdown)
    fields(at, code)["(2)"].input("150").run()
    assert any("มากกว่า (1)" in e.value for e in at.error)
    fields(at, code)["(2)"].input("-4").run()
    assert any("ติดลบ" in e.value for e in at.error)


def test_a_saved_domain_is_a_draft_in_the_database_and_in_a_new_session(env, lao):
    at, user = as_staff(env, lao, domain=1)
    codes = sorted({x.label.split(" ")[0] for x in at.text_input if x.label.startswith("1.")})
    for code in codes:
        fields(at, code)["(1)"].input("10").run()
        fields(at, code)["(2)"].input("9").run()
    at.button(key="entry_save").click().run()
    assert not at.exception and m("entry_saved", domain=1) in [s.value for s in at.success]
    with env.connect() as conn:
        saved = conn.execute(text("SELECT COUNT(*) FROM indicator_value v JOIN submission s ON s.id = v.submission_id "
                                  "WHERE s.lao_code = :c AND s.year = :y AND s.state = 'in_progress'"),
                             {"c": lao, "y": YEAR}).scalar()
    assert saved == len(codes)
    fresh = open_page(None)                                   # another browser: a new session, the same account
    sign_in_as(fresh, user_id=user.id)
    fresh.query_params.update({"year": str(YEAR), "domain": "1"}) if hasattr(fresh.query_params, "update") else None
    from streamlit.util import calc_hash
    fresh._page_hash = calc_hash("entry")
    fresh.run()
    assert all(fields(fresh, c)["(1)"].value == "10" for c in codes)


def test_a_stale_save_is_refused_with_who_and_when(env, lao):
    at, _ = as_staff(env, lao, domain=1)
    form = entry.load_form(env, ADMIN, lao, YEAR)
    codes = [c for c in form.indicators.index if form.indicators.at[c, "domain"] == 1]
    import pandas as pd
    figs = pd.DataFrame({"frame_raw": "5", "delivered_raw": "5", "not_done": False, "explanation": None}, index=codes)
    entry.save(env, ADMIN, form, 1, figs, form.mark(1), who="somsri")           # someone else, meanwhile
    code = codes[0]
    fields(at, code)["(1)"].input("10").run()
    at.button(key="entry_save").click().run()
    assert any("somsri" in e.value for e in at.error)
    at.button(key="entry_reload").click().run()
    assert fields(at, code)["(1)"].value == "5"                                 # the latest figures, loaded


def test_after_the_round_closes_the_form_is_read_only(env, lao):
    from store.manage import set_round_state
    set_round_state(env, ADMIN, YEAR, "closed")
    at, _ = as_staff(env, lao)
    assert m("entry_window_closed") in [i.value for i in at.info]
    assert all(x.disabled for x in at.text_input if x.label[:1].isdigit())
    assert not [b for b in at.button if b.key == "entry_save"]


def test_the_offline_workbook_is_the_lao_s_form(env, lao):
    form = entry.load_form(env, ADMIN, lao, YEAR)
    from dashboard import data
    book = openpyxl.load_workbook(io.BytesIO(data.entry_workbook(form, "th")))
    sheet = book.worksheets[0]
    head = [c.value for c in sheet[1]]
    assert head[:5] == ["รหัส อปท.", "ปี", "รหัสตัวชี้วัด", "กรอบการประเมิน (1)", "การจัดบริการสาธารณะ (2)"]
    assert [r[2].value for r in sheet.iter_rows(min_row=2)] == list(form.indicators.index)
    assert sheet.protection.sheet and not sheet.cell(2, 4).protection.locked and sheet.cell(2, 9).protection.locked
