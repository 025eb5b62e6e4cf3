"""Finding an LAO: Thai or English, partial, without the type prefix, with typos, or by code."""
from __future__ import annotations

import pandas as pd
import pytest

from scoring.search import build_index, normalise, search

LAOS = pd.DataFrame([
    ("6810404", "คลองท่อมใต้", "Khlong Thom Tai", "sao", "81", "8104"),
    ("5810402", "คลองท่อมเหนือ", "Khlong Thom Nuea", "subdistrict_mun", "81", "8104"),
    ("6810402", "คลองพน", "Khlong Phon", "sao", "81", "8104"),
    ("2810101", "กระบี่", "Krabi", "pao", "81", "8101"),
    ("4810101", "กระบี่", "Krabi", "town", "81", "8101"),
    ("6810101", "กระบี่ใหญ่", "Krabi Yai", "sao", "81", "8101"),
    ("5560202", "ลอ", "Lo", "subdistrict_mun", "56", "5602"),
    ("5410106", "หนองบัว", "Nong Bua", "subdistrict_mun", "41", "4101"),
    ("5180306", "หนองบัว", "Nong Bua", "subdistrict_mun", "18", "1803"),
    ("5191002", "เสาไห้", "Sao Hai", "subdistrict_mun", "19", "1910"),
    ("1100000", "กรุงเทพมหานคร", "Bangkok", "bma", "10", None),
    ("3200408", "เมืองพัทยา", "Pattaya City", "pattaya", "20", "2004"),
], columns=["lao_code", "name_th", "name_en", "type", "province_code", "district_code"])
DISTRICTS = pd.DataFrame([("8104", "คลองท่อม", "Khlong Thom"), ("8101", "เมืองกระบี่", "Mueang Krabi"),
                          ("4101", "เมืองอุดรธานี", "Mueang Udon Thani"), ("1803", "หนองมะโมง", "Nong Mamong")],
                         columns=["district_code", "name_th", "name_en"])
PROVINCES = pd.DataFrame([("81", "กระบี่", "Krabi"), ("41", "อุดรธานี", "Udon Thani"), ("18", "ชัยนาท", "Chai Nat")],
                         columns=["province_code", "name_th", "name_en"])


@pytest.fixture(scope="module")
def index():
    return build_index(LAOS, DISTRICTS, PROVINCES)


def first(index, query):
    hits = search(index, query)
    return hits["lao_code"].iloc[0] if len(hits) else None


@pytest.mark.parametrize("query", [
    "คลองท่อมใต้", "อบต.คลองท่อมใต้", "อบต. คลองท่อมใต้", "องค์การบริหารส่วนตำบลคลองท่อมใต้",
    "ทต.คลองท่อมใต้",             # a wrong prefix does not hide the right LAO
    "คลองทอมใต้", "คลองท่อมไต้",   # typos: missing tone mark, wrong vowel
    "ท่อมใต้",                     # part of the name
    "Khlong Thom Tai", "khlong thom tai sao", "Klong Thom Tai", "6810404",
])
def test_finds_the_lao(index, query):
    assert first(index, query) == "6810404"


def test_partial_name_finds_every_lao_containing_it(index):
    hits = search(index, "คลองท่อม")
    assert set(hits["lao_code"][:2]) == {"6810404", "5810402"}


def test_short_names_do_not_match_inside_a_longer_query(index):
    assert "5560202" not in set(search(index, "คลองท่อมใต้")["lao_code"])   # 'ลอ' is inside 'คลองท่อมใต้'


def test_type_prefix_lifts_that_type_among_equal_names(index):
    assert first(index, "อบจ.กระบี่") == "2810101"
    assert first(index, "ทม.กระบี่") == "4810101"
    assert first(index, "Krabi PAO") == "2810101"


def test_name_and_province_together_pick_the_right_namesake(index):
    assert first(index, "หนองบัว อุดรธานี") == "5410106"
    assert first(index, "หนองบัว ชัยนาท") == "5180306"


def test_english_place_word_sao_is_not_taken_for_the_type(index):
    assert normalise("Sao Hai") == ("sao hai", None)
    assert first(index, "sao hai") == "5191002"


def test_code_prefix_lists_codes_in_order(index):
    assert list(search(index, "681")["lao_code"]) == ["6810101", "6810402", "6810404"]
    assert search(index, "999").empty


def test_special_laos_and_empty_queries(index):
    assert first(index, "กรุงเทพ") == "1100000"
    assert first(index, "pattaya") == "3200408"
    assert search(index, "").empty and search(index, "   ").empty and search(index, "อบต.").empty
    assert search(index, "zzzzqqq").empty


def test_limit_and_scores(index):
    hits = search(index, "คลอง", limit=2)
    assert len(hits) == 2 and hits["score"].between(0, 100).all()
    assert hits["score"].is_monotonic_decreasing
