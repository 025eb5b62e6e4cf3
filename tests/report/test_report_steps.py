"""The council report lists the steps after submission (dashboard/report/sections.after_submission), the same
from the page, the `report` command and the public /report route: dates in B.E., the meeting, where it was
made public and the links, read back from the PDF's text layer (pypdf)."""
from __future__ import annotations

import io
import re
from datetime import date

from pypdf import PdfReader

from dashboard.cli import main
from dashboard.i18n import date_label, t
from store import steps
from store.manage import set_round_state
from tests.api.conftest import client_for
from tests.store.trail_helpers import OPEN, people


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def record(engine, day: date):
    p = people(engine)
    steps.record_step(engine, p.staff, p.lao, OPEN, "council", day, detail="สมัยวิสามัญ ครั้งที่ 2",
                      url="https://council.example.go.th/minutes/2")
    steps.record_step(engine, p.staff, p.lao, OPEN, "public", day, detail="บอร์ดหน้าสำนักงาน",
                      url="https://www.example.go.th/announce")
    return p


def test_the_report_command_lists_the_steps_in_thai_and_english(sqlite_engine, tmp_path):
    day = date.today()
    p = record(sqlite_engine, day)
    for lang in ("th", "en"):
        out = tmp_path / f"r-{lang}.pdf"
        assert main(["--db", str(sqlite_engine.url), "report", "--lao", p.lao, "--year", str(OPEN), "--out",
                     str(out), "--lang", lang]) == 0
        flat = text_of(out.read_bytes())
        assert re.sub(r"\s+", "", t("trail_pdf_title", lang)) in flat
        assert re.sub(r"\s+", "", date_label(day, lang)) in flat
        assert "https://council.example.go.th/minutes/2" in flat and "https://www.example.go.th/announce" in flat
    assert "สมัยวิสามัญครั้งที่2" in text_of((tmp_path / "r-th.pdf").read_bytes())
    assert re.sub(r"\s+", "", t("trail_step_not_yet", "th")) in text_of((tmp_path / "r-th.pdf").read_bytes())


def test_the_public_report_route_lists_them_once_the_round_is_published(sqlite_engine):
    p = record(sqlite_engine, date.today())
    set_round_state(sqlite_engine, p.admin, OPEN, "closed")
    set_round_state(sqlite_engine, p.admin, OPEN, "published")
    with client_for(sqlite_engine) as client:
        answer = client.get(f"/report/{p.lao}/{OPEN}.pdf")
    assert answer.status_code == 200
    flat = text_of(answer.content)
    assert "สมัยวิสามัญครั้งที่2" in flat and "https://www.example.go.th/announce" in flat
