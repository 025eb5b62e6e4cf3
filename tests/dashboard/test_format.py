"""One way to write numbers and names (dashboard.format): table-driven, Thai and English."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard import format as fmt


@pytest.mark.parametrize("value, missing", [
    (None, True), (math.nan, True), (np.nan, True), (np.float32("nan"), True), (pd.NA, True), (pd.NaT, True),
    (0, False), (0.0, False), ("", False), ("nan", False), (np.int64(3), False), ([], False),
])
def test_is_missing(value, missing):
    assert fmt.is_missing(value) is missing


@pytest.mark.parametrize("value, digits, text", [
    (1234, None, "1,234"), (1234.0, None, "1,234"), (3.6, None, "3.6"), (2.45, None, "2.45"),
    (2.4000000000000004, None, "2.4"), (0.5, 0, "0"), (1234.567, 1, "1,234.6"), (None, None, "–"),
    (math.nan, 2, "–"), (np.int64(7), None, "7"),
])
def test_num(value, digits, text):
    assert fmt.num(value, digits) == text


@pytest.mark.parametrize("value, digits, text", [
    (80, 1, "80.0%"), (66.666, 1, "66.7%"), (66.666, 0, "67%"), (None, 1, "–"), (pd.NA, 0, "–"),
])
def test_pct(value, digits, text):
    assert fmt.pct(value, digits) == text


@pytest.mark.parametrize("value, kw, text", [
    (2.94, {}, "+2.9"), (-16.7, {"unit": " pp"}, "-16.7 pp"), (0, {"digits": 0}, "+0"), (None, {}, "–"),
])
def test_signed(value, kw, text):
    assert fmt.signed(value, **kw) == text


@pytest.mark.parametrize("value, lang, text", [
    (2.94, "th", "+2.9 จุดร้อยละ"), (-16.7, "en", "-16.7 pts"), (math.nan, "th", "–"),
])
def test_points_are_percentage_points_never_plain_spots(value, lang, text):
    assert fmt.points(value, lang) == text


@pytest.mark.parametrize("code, provenance, out", [
    ("1.01", "verified", "1.01 ถนน"), ("1.01", "illustrative", "1.01 ถนน\u00a0✳"),
    ("", "illustrative", "ถนน\u00a0✳"), (None, "verified", "ถนน"),
])
def test_indicator_label_has_one_spacing_rule(code, provenance, out):
    assert fmt.indicator_label(code, "ถนน", provenance) == out


def test_display_names_over_a_frame():
    df = pd.DataFrame({"name_th": ["บางปู", "กระบี่"], "type": ["sao", "city"], "name_en": ["Bang Pu", None]},
                      index=[5, 9])
    th, en = fmt.display_names(df, "th"), fmt.display_names(df, "en")
    assert list(th.index) == [5, 9] and th[5] == "อบต.บางปู" and th[9].endswith("กระบี่")
    assert en[5] == "Bang Pu SAO" and en[9]                     # no English name: never empty, never "None"
    assert "None" not in " ".join(en)


@pytest.mark.parametrize("level, lang, expected", [
    ("province", "th", {"81": "กระบี่", "10": "กรุงเทพมหานคร"}),
    ("province", "en", {"81": "Krabi", "10": "กรุงเทพมหานคร"}),          # a missing English name falls back
    ("district", "en", {"8101": "Mueang Krabi"}),
])
def test_area_names(level, lang, expected):
    frames = {"province": pd.DataFrame({"province_code": ["81", "10"], "name_th": ["กระบี่", "กรุงเทพมหานคร"],
                                        "name_en": ["Krabi", None]}),
              "district": pd.DataFrame({"district_code": ["8101"], "name_th": ["เมืองกระบี่"],
                                        "name_en": ["Mueang Krabi"]})}
    assert fmt.area_names(frames[level], level, lang).to_dict() == expected


def test_area_names_refuses_an_unknown_level():
    with pytest.raises(ValueError):
        fmt.area_names(pd.DataFrame(), "region", "th")


def test_markdown_from_data_shows_as_itself_and_bare_addresses_do_not_become_links():
    md_escape = fmt.md_escape
    assert md_escape("[x](https://e.example/) ![i](y.png) <b>") == \
        "\\[x\\]\\(\u2060https\\://e\\.example/\\) \\!\\[i\\]\\(y\\.png\\) \\<b\\>"
    # an autolink starts only after a space, punctuation or the start: the invisible word joiner stops it
    assert md_escape("ดู www.e.example หรือ a.b@e.example") == "ดู \u2060www\\.e\\.example หรือ a\\.b\u2060@e\\.example"
    assert md_escape("ไม่มีที่อยู่ 1.01") == "ไม่มีที่อยู่ 1\\.01"
