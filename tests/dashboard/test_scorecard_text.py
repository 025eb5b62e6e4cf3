"""The scorecard's words (dashboard.scorecard_text): what an indicator still needs, in whole units for
things that are counted, and what the report says about seeing it online."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from dashboard import scorecard_text as text
from dashboard.i18n import messages
from scoring.fixfirst import amounts
from scoring.scorecard import Overall, Scorecard


def fix_row(code, measure, target, frame, delivered, countable, unit=("แห่ง", "sites")) -> dict:
    ind = pd.DataFrame([{"code": code, "measure": measure, "target": target, "frame": frame, "delivered": delivered,
                         "pct": 100 * delivered / frame if frame else np.nan, "countable": countable}])
    row = pd.concat([ind, amounts(ind)], axis=1).iloc[0].to_dict()
    return row | {"delivered_th": "สถานที่ที่ดูแลแล้ว (แห่ง)", "delivered_en": "Sites looked after (sites)",
                  "unit_th": unit[0], "unit_en": unit[1]}


@pytest.mark.parametrize("row, lang, expected", [
    (fix_row("1.12", "ratio", 80, 245.4, 195.0, True), "th",
     "สถานที่ที่ดูแลแล้ว เพิ่มอีก 2 แห่ง (จาก 195 เป็นอย่างน้อย 197 จากทั้งหมด 245.4 แห่ง)"),
    (fix_row("1.12", "ratio", 90, 7, 5.7, True), "en",
     "Sites looked after: 2 sites more (from 5.7 to at least 7 of 7 sites)"),
    (fix_row("1.01", "ratio", 80, 3, 2.1, False, ("กม.", "km")), "th",
     "สถานที่ที่ดูแลแล้ว เพิ่มอีก 0.3 กม. (จาก 2.1 เป็นอย่างน้อย 2.4 จากทั้งหมด 3 กม.)"),
])
def test_needed_text(row, lang, expected):
    assert text.needed_text(row, lang) == expected


def test_no_fraction_of_a_countable_thing_is_ever_asked_for():
    for frame in (3.0, 7.0, 12.0, 245.4, 1000.0):
        for delivered in (0.1, frame * 0.5, frame * 0.81, frame * 0.89):
            needed = text.needed_text(fix_row("5.03", "ratio", 90, frame, delivered, True, ("คัน", "vehicles")), "th")
            assert re.search(r"เพิ่มอีก \d+ คัน", needed) and not re.search(r"อีก \d+\.\d", needed), needed


def card(state: str, code: str = "6810404") -> Scorecard:
    lao = {"lao_code": code, "name_th": "บางปู", "name_en": None, "type": "sao"}
    empty = pd.DataFrame()
    return Scorecard(lao=lao, year=2568, round_state=state, prev_year=None, has_results=True, overall=Overall(),
                     domains=empty, indicators=empty, fix_first=empty, trend=empty, changes=empty, history=empty)


@pytest.mark.parametrize("state, base, has_url, key", [
    ("published", "https://lao.example.go.th", True, "lao_public_link"),
    ("published", None, False, "lao_online_elsewhere"),
    ("published", "http://localhost:8501", False, "lao_online_elsewhere"),
    ("open", "https://lao.example.go.th", False, "lao_online_signin"),
    ("closed", "https://lao.example.go.th", False, "lao_online_signin"),
])
def test_online_note(monkeypatch, state, base, has_url, key):
    if base:
        monkeypatch.setenv("LAO_PUBLIC_URL", base)
    else:
        monkeypatch.delenv("LAO_PUBLIC_URL", raising=False)
    note, url = text.online_note(card(state), "th")
    assert bool(url) is has_url and note.startswith(messages()[key]["th"][:12])
    if state != "published":
        assert "ไม่ต้องเข้าสู่ระบบ" not in note and "เข้าสู่ระบบ" in note
