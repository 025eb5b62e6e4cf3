"""A round's paper trail in a real browser, one cycle from start to end, three people in three browsers:
an LAO attaches evidence and submits; the monitor of its province returns it with a comment; the LAO sees
the comment, fixes a figure and resubmits; the monitor sees what changed and marks it checked; the
executive sees the province's counts change; the LAO records its council meeting and the public link; the
scorecard and the council report (its text read back with pypdf) show them. Each new view is
photographed at 1,400 and 390 px (test-artifacts/screenshots/trail-*.png).

Sign-in goes through the sidebar form and the handoff route that sets the HTTP-only cookie, so every
page load below is a real signed-in load."""
from __future__ import annotations

import io
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from dashboard.i18n import date_label, t
from dashboard.trail_text import review_name
from sample_data.round_file import round_frame
from scoring import entry as checks
from store import entry
from store.access import Scope
from store.db import make_engine
from tests.accounts import PASSWORD, write_accounts_file
from tests.browser.conftest import _is_known_noise, accounts_env

OPEN = 2569


def m(key: str, **fmt) -> str:
    return t(key, "th", **fmt)


@pytest.fixture(scope="module")
def served(streamlit_server, small_sqlite_template, tmp_path_factory) -> dict:
    """A server on its own copy of the sample, with an LAO of province 30 that has a complete draft (its
    figures typed in beforehand, so the browser part is about the trail), its monitor and an executive."""
    root = tmp_path_factory.mktemp("trail")
    db = root / "trail.sqlite"
    shutil.copy(small_sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        code = pd.read_sql("SELECT l.code FROM lao l WHERE l.province_code = '30' AND l.type = 'sao' AND NOT EXISTS "
                           "(SELECT 1 FROM submission s WHERE s.lao_code = l.code AND s.year = 2569) ORDER BY l.code "
                           "LIMIT 1", conn)["code"].iloc[0]
    staff = Scope(role="lao", lao_code=code, user="lao")
    form = entry.load_form(engine, staff, code, OPEN)
    rows = round_frame(engine, OPEN, [code]).set_index("indicator_code")
    figures = pd.DataFrame({"frame_raw": [f"{v:g}" for v in rows["frame"]],
                            "delivered_raw": ["" if pd.isna(v) else f"{v:g}" for v in rows["delivered"]],
                            "not_done": rows["delivered"].isna() & (rows["frame"] > 0),
                            "explanation": "ตรวจสอบกับเอกสารแล้ว"}, index=rows.index.rename("code"))
    entry.save(engine, staff, form, None, figures, form.mark(None), action="upload")
    form = entry.load_form(engine, staff, code, OPEN)
    typed = form.figures.rename(columns={"frame": "frame_raw", "delivered": "delivered_raw"})
    assert checks.ready_to_submit(checks.check(form.indicators, typed, form.last))
    ratio = next(c for c in form.indicators.index if form.indicators.at[c, "measure"] == "ratio"
                 and rows.at[c, "frame"] > 10 and not pd.isna(rows.at[c, "delivered"]))
    engine.dispose()
    accounts = {"lao": {"role": "lao", "lao": code}, "mon30": {"role": "monitor", "province": "30"},
                "exec": {"role": "executive"}}
    with accounts_env(write_accounts_file(root / "accounts.toml", accounts)):
        url = streamlit_server(f"sqlite:///{db}")
    return {"url": url, "db": db, "code": code, "indicator": ratio, "domain": int(ratio.split(".")[0]),
            "frame": rows.at[ratio, "frame"], "delivered": rows.at[ratio, "delivered"]}


@pytest.fixture
def errors() -> list[str]:
    return []


@pytest.fixture
def people(browser, served, wait_for_app, errors):
    """One browser context per person, each signed in through the sidebar form (and the cookie it sets);
    console and page errors of every one of them land in `errors`."""
    contexts, pages = [], {}

    def watch(page) -> None:
        page.on("console", lambda msg: msg.type == "error" and not _is_known_noise(
            msg.text, (msg.location or {}).get("url", "")) and errors.append(f"console error: {msg.text}"))
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

    def page_of(user: str):
        if user not in pages:
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, timezone_id="Asia/Bangkok",
                                      accept_downloads=True)
            contexts.append(ctx)
            page = ctx.new_page()
            watch(page)
            go(page, served, "/overview", wait_for_app)
            page.get_by_text(m("auth_sign_in_staff")).click()
            page.get_by_label(m("auth_username")).fill(user)
            page.get_by_label(m("auth_password"), exact=True).fill(PASSWORD)
            page.get_by_role("button", name=m("auth_sign_in"), exact=True).click()
            page.get_by_text(m("auth_signed_in_as")).wait_for()
            wait_for_app(page)
            pages[user] = page
        return pages[user]

    yield page_of
    for ctx in contexts:
        ctx.close()


def go(page, served, path: str, wait_for_app):
    page.goto(served["url"].rstrip("/") + path, wait_until="domcontentloaded")
    wait_for_app(page)
    page.wait_for_timeout(300)
    wait_for_app(page)
    return page


def settle(page, wait_for_app):
    page.wait_for_timeout(400)
    wait_for_app(page)


def both_widths(page, served, path: str, name: str, screenshot, wait_for_app, heading: str | None = None):
    """The view at 1,400 px and at 390 px (a phone), each loaded afresh at that width (scrolled to `heading`)."""
    for width, height in ((1400, 1800), (390, 2600)):
        page.set_viewport_size({"width": width, "height": height})
        go(page, served, path, wait_for_app)
        if heading:
            page.get_by_role("heading", name=heading).scroll_into_view_if_needed()
            page.wait_for_timeout(300)
        screenshot(page, f"trail-{name}-{width}", full_page=False)
    page.set_viewport_size({"width": 1400, "height": 1000})


def metric(page, label: str) -> int:
    box = page.locator('[data-testid="stMetric"]', has=page.locator(
        '[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$")))
    return int(box.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def submit(page, wait_for_app):
    page.get_by_label(m("entry_certified_name")).fill("นายสมชาย ใจดี")
    page.get_by_label(m("entry_certified_position")).fill("นายกองค์การบริหารส่วนตำบล")
    page.get_by_text(m("entry_certify")).click()
    settle(page, wait_for_app)
    page.get_by_role("button", name=m("entry_submit"), exact=True).click()
    page.get_by_text(m("entry_submitted")).wait_for()
    wait_for_app(page)


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_the_round_cycle_from_evidence_to_the_council_report(people, served, wait_for_app, errors, screenshot,
                                                              tmp_path):
    code, indicator = served["code"], served["indicator"]
    review_path = f"/review?year={OPEN}&lao={code}"

    # 1. The LAO attaches its committee order to the submission as a whole, then submits.
    lao = people("lao")
    go(lao, served, f"/entry?year={OPEN}&part=evidence", wait_for_app)
    order = tmp_path / "คำสั่งแต่งตั้งคณะกรรมการ.pdf"
    order.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 4000 + b"\n%%EOF\n")
    lao.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(order))
    settle(lao, wait_for_app)
    lao.get_by_role("button", name=m("trail_evidence_add")).click()
    lao.get_by_text(m("trail_evidence_added")).wait_for()
    settle(lao, wait_for_app)
    expect(lao.get_by_text("คำสั่งแต่งตั้งคณะกรรมการ.pdf", exact=False).first).to_be_visible()
    with lao.expect_download() as got:
        lao.get_by_role("button", name=re.compile("ดาวน์โหลด คำสั่งแต่งตั้ง")).click()
    assert got.value.suggested_filename == "คำสั่งแต่งตั้งคณะกรรมการ.pdf"
    assert Path(got.value.path()).read_bytes() == order.read_bytes()
    both_widths(lao, served, f"/entry?year={OPEN}&part=evidence", "entry-evidence", screenshot, wait_for_app)
    go(lao, served, f"/entry?year={OPEN}", wait_for_app)
    submit(lao, wait_for_app)

    # 2. The monitor of its province returns it with a comment on one indicator.
    monitor = people("mon30")
    go(monitor, served, review_path, wait_for_app)
    expect(monitor.get_by_text(re.compile("รอตรวจ")).first).to_be_visible()
    monitor.get_by_text(m("review_return_title")).click()
    settle(monitor, wait_for_app)
    picker = monitor.locator('[data-testid="stMultiSelect"]', has_text=m("review_return_pick"))
    picker.locator("input").click()
    picker.locator("input").fill(indicator)
    monitor.get_by_role("option", name=re.compile(rf"^{re.escape(indicator)} ")).click()
    settle(monitor, wait_for_app)
    monitor.keyboard.press("Escape")
    monitor.get_by_label(m("review_return_on", code=indicator)).wait_for()
    comment = f"ตัวเลข {indicator} (2) ไม่ตรงกับทะเบียน โปรดตรวจสอบและแก้ไข"
    monitor.get_by_label(m("review_return_on", code=indicator)).fill(comment)
    monitor.get_by_label(m("review_return_on", code=indicator)).press("Tab")
    settle(monitor, wait_for_app)
    monitor.get_by_role("button", name=m("review_return"), exact=True).click()
    monitor.get_by_text(m("review_returned", revision=1)).wait_for()
    both_widths(monitor, served, review_path, "review", screenshot, wait_for_app)

    # 3. The LAO sees the comment at the top and beside the indicator, fixes the figure and resubmits.
    go(lao, served, f"/entry?year={OPEN}", wait_for_app)
    expect(lao.get_by_text(m("trail_entry_returned"))).to_be_visible()
    expect(lao.get_by_text(comment).first).to_be_visible()
    both_widths(lao, served, f"/entry?year={OPEN}", "entry-returned", screenshot, wait_for_app)
    lao.get_by_role("button", name=m("entry_reopen")).click()
    settle(lao, wait_for_app)
    go(lao, served, f"/entry?year={OPEN}&domain={served['domain']}", wait_for_app)
    expect(lao.get_by_text(comment)).to_have_count(2)           # in the thread at the top, and beside its field
    fixed = served["delivered"] - 1 if served["delivered"] >= 1 else served["frame"]
    field = lao.get_by_label(re.compile(rf"^{re.escape(indicator)} \(2\)"))
    field.fill(f"{fixed:g}")
    field.press("Enter")
    settle(lao, wait_for_app)
    lao.get_by_role("button", name=m("entry_save_domain", domain=served["domain"])).click()
    lao.get_by_text(m("entry_saved", domain=served["domain"])).wait_for()
    settle(lao, wait_for_app)
    submit(lao, wait_for_app)

    # 4. The executive follows province 30; the monitor sees what changed and marks it checked.
    executive = people("exec")
    counts_path = f"/submissions?year={OPEN}&province=30&after=review"
    go(executive, served, counts_path, wait_for_app)
    checked = review_name("checked", "th")
    before = metric(executive, checked)
    go(monitor, served, review_path, wait_for_app)
    expect(monitor.get_by_text(re.compile("ส่งใหม่หลังแก้ไข")).first).to_be_visible()
    expect(monitor.get_by_text(m("review_changes", n=1, old=1, new=2))).to_be_visible()
    monitor.get_by_role("button", name=m("review_check")).click()
    monitor.get_by_text(m("review_checked", revision=2)).wait_for()
    go(executive, served, counts_path, wait_for_app)
    assert metric(executive, checked) == before + 1
    both_widths(executive, served, counts_path, "submissions-review", screenshot, wait_for_app,
                heading=m("followup_title"))

    # 5. The LAO records its council meeting and where the results were made public.
    day = date.today() - timedelta(days=2)
    typed = f"{day.day}/{day.month}/{day.year + 543}"
    link = "https://www.example.go.th/news/assessment-2569"
    go(lao, served, f"/entry?year={OPEN}&part=steps", wait_for_app)
    for step, detail, url in (("council", "สมัยสามัญที่ 4 ครั้งที่ 1", ""), ("public", "เว็บไซต์และบอร์ดประชาสัมพันธ์", link)):
        name = {"council": "รายงานผลต่อสภาท้องถิ่น", "public": "ประกาศผลให้ประชาชนทราบ"}[step]
        lao.get_by_role("combobox", name=m("trail_step_pick")).click()
        lao.get_by_role("option", name=name).click()
        settle(lao, wait_for_app)
        lao.get_by_label(m("trail_step_date")).fill(typed)
        lao.get_by_label(m("trail_step_date")).press("Enter")
        settle(lao, wait_for_app)
        lao.get_by_label(m(f"trail_step_detail_{step}")).fill(detail)
        if url:
            lao.get_by_label(m("trail_step_url_public")).fill(url)
            lao.get_by_label(m("trail_step_url_public")).press("Enter")
        settle(lao, wait_for_app)
        lao.get_by_role("button", name=m("trail_step_save", step=name)).click()
        lao.get_by_text(m("trail_step_saved", step=name)).wait_for()
        settle(lao, wait_for_app)
    both_widths(lao, served, f"/entry?year={OPEN}&part=steps", "entry-steps", screenshot, wait_for_app)

    # 6. The scorecard and the council report show them.
    scorecard = f"/lao?lao={code}&year={OPEN}"
    go(lao, served, scorecard, wait_for_app)
    expect(lao.get_by_role("heading", name=m("trail_scorecard_title"))).to_be_visible()
    steps_table = lao.locator('[data-testid="stDataFrame"] table', has_text=m("trail_col_done_on")).first
    expect(steps_table).to_contain_text("สมัยสามัญที่ 4 ครั้งที่ 1")     # the grid's accessible copy, once drawn
    expect(steps_table).to_contain_text(link)
    expect(steps_table).to_contain_text(date_label(day, "th"))
    with lao.expect_download(timeout=60_000) as got:
        lao.get_by_role("button", name=m("lao_download_pdf")).click()
    text = pdf_text(Path(got.value.path()).read_bytes())
    assert re.sub(r"\s+", "", m("trail_pdf_title")) in text
    assert "สมัยสามัญที่4ครั้งที่1" in text and link in text
    assert re.sub(r"\s+", "", date_label(day, "th")) in text
    both_widths(lao, served, scorecard, "scorecard", screenshot, wait_for_app)
    assert not errors
