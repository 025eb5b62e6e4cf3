"""DLA registry import with the quirks docs/domain.md lists, on SQLite and PostgreSQL."""
from __future__ import annotations

import pandas as pd
import pytest

from scoring.errors import ValidationError
from scoring.laotypes import BMA_CODE, PATTAYA_CODE
from store.dataset import reset, write_reference
from store.registry import import_registry

from .fingerprint import table_fingerprint
from .helpers import EXAMPLES, pristine_fingerprint, read, scalar

EXAMPLE = EXAMPLES / "dla_registry_sample.csv"
HEADER = ("จังหวัด,อำเภอ,ตำบล,รหัส อปท.,ประเภท อปท.,อปท.,ที่ตั้งสำนักงานเลขที่,หมู่ที่,รหัสไปรษณีย์,ขนาดพื้นที่,LAT,LONG,"
          "เว็ปไซต์ของอปท\n")


def _csv(tmp_path, body: str, name: str = "dla.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _lao(db, code) -> dict:
    df = read(db, "SELECT * FROM lao WHERE code = :c", c=code)
    return df.iloc[0].to_dict() if len(df) else {}


@pytest.fixture
def empty_db(db):
    """The same backend with the schema and reference tables but no LAOs."""
    reset(db)
    with db.begin() as conn:
        write_reference(conn)
    return db


def test_example_registry_into_an_empty_database(empty_db):
    db = empty_db
    raw = pd.read_csv(EXAMPLE, dtype=str)
    report = import_registry(db, EXAMPLE, who="tester")
    codes = raw["รหัส อปท."].unique()
    assert report.rows == len(raw) > len(codes)                       # rows repeat per tambon
    assert report.laos == len(codes) and report.bangkok_added
    assert scalar(db, "SELECT COUNT(*) FROM lao") == len(codes) + 1
    six = _lao(db, "6130408")
    assert six["type"] == "subdistrict_mun" and six["province_code"] == "13" and six["district_code"] == "1304"
    pattaya = _lao(db, PATTAYA_CODE)
    assert (pattaya["type"], pattaya["name_th"], pattaya["province_code"]) == ("pattaya", "เมืองพัทยา", "20")
    bma = _lao(db, BMA_CODE)
    assert (bma["type"], bma["province_code"], bma["name_en"]) == ("bma", "10", "Bangkok")
    pao = _lao(db, "2810101")
    assert (pao["type"], pao["name_th"], pao["district_code"]) == ("pao", "กระบี่", "8101")
    types = read(db, "SELECT type, COUNT(*) AS n FROM lao GROUP BY type").set_index("type")["n"].to_dict()
    assert types == {"pao": 1, "town": 1, "subdistrict_mun": 15, "sao": 46, "pattaya": 1, "bma": 1}
    assert scalar(db, "SELECT COUNT(*) FROM lao WHERE district_code IS NULL AND type <> 'bma'") == 0
    log = read(db, "SELECT who, action, file_name, n_rows FROM change_log").iloc[-1].tolist()
    assert log == ["tester", "import-laos", EXAMPLE.name, len(raw)]


def test_coordinates_and_area_only_when_numeric_and_plausible(empty_db):
    db = empty_db
    raw = pd.read_csv(EXAMPLE, dtype=str).drop_duplicates("รหัส อปท.").set_index("รหัส อปท.")
    report = import_registry(db, EXAMPLE, who="tester")
    laos = read(db, "SELECT code, area_km2, lat, lon FROM lao").set_index("code")
    for code, r in raw.iterrows():
        lat, lon, area = (pd.to_numeric(r[c], errors="coerce") for c in ("LAT", "LONG", "ขนาดพื้นที่"))
        if pd.notna(lat) and 5.5 <= lat <= 20.6 and pd.notna(lon) and 97.3 <= lon <= 105.7:
            assert laos.loc[code, "lat"] == pytest.approx(lat) and laos.loc[code, "lon"] == pytest.approx(lon)
        else:                                        # empty, swapped or garbage: unknown, never invented
            assert pd.isna(laos.loc[code, "lat"]) and pd.isna(laos.loc[code, "lon"])
        if pd.isna(r["ขนาดพื้นที่"]) or pd.isna(pd.to_numeric(str(r["ขนาดพื้นที่"]).replace(",", ""), errors="coerce")):
            assert pd.isna(laos.loc[code, "area_km2"])
    assert laos["lat"].notna().any() and laos["lat"].isna().any()
    assert {w.column for w in report.warnings} >= {"LAT", "LONG", "ขนาดพื้นที่"}


def test_reimporting_the_sample_registry_is_an_upsert(db):
    report = import_registry(db, EXAMPLE, who="tester")
    assert report.inserted == ["6130408"] and not report.bangkok_added      # Bangkok is already there
    assert not report.type_changed
    assert "2200101" in report.not_in_file and BMA_CODE not in report.not_in_file
    assert scalar(db, "SELECT COUNT(*) FROM lao WHERE code = '2200101'") == 1       # kept
    assert _lao(db, "5810101")["name_en"] == "Sai Thai"        # fields the registry lacks are kept
    again = import_registry(db, EXAMPLE, who="tester")
    assert again.inserted == [] and again.updated == [] and again.unchanged == again.laos
    assert "unchanged" in again.summary("en") and "ไม่เปลี่ยน" in again.summary("th")


def test_name_change_and_type_change_rescore(db, tmp_path):
    # 6810101 is an SAO with 2569 results; the registry now says it became a subdistrict municipality.
    n_before = scalar(db, "SELECT COUNT(*) FROM result WHERE year = 2569 AND lao_code = '6810101'")
    name = _lao(db, "6810101")["name_th"]
    body = (f"กระบี่,อำเภอเมืองกระบี่,{name},6810101,เทศบาลตำบล,{name},,,,,,,\n"
            "กระบี่,เมืองกระบี่,ไสไทย,5810101,เทศบาลตำบล,ไสไทยใหม่,,,,,,,\n")
    report = import_registry(db, _csv(tmp_path, body), who="tester")
    assert report.type_changed == ["6810101"] and sorted(report.updated) == ["5810101", "6810101"]
    assert _lao(db, "6810101")["type"] == "subdistrict_mun" and _lao(db, "5810101")["name_th"] == "ไสไทยใหม่"
    n_sm = scalar(db, "SELECT COUNT(*) FROM indicator WHERE year = 2569 AND applies_to LIKE '%subdistrict_mun%'")
    n_after = scalar(db, "SELECT COUNT(*) FROM result WHERE year = 2569 AND lao_code = '6810101'")
    assert n_after == n_sm != n_before


@pytest.mark.parametrize("province,district,expected", [
    ("กระบี่", "เมืองกระบี่", "8101"),
    ("จังหวัดกระบี่", "อำเภอเมืองกระบี่", "8101"),
    ("จ.กระบี่", "อ.เมืองกระบี่", "8101"),
    ("กระบี่", "เมือง", "8101"),                # the provincial seat written plainly
    ("กระบี่", "อ่าวลึก", "8105"),              # starts like the อ. prefix
    ("กระบี่", "อำเภอ อ่าวลึก", "8105"),
    ("จันทบุรี", "เมืองจันทบุรี", "2201"),       # starts like the จ. prefix
    ("กรุงเทพมหานคร", "พระนคร", "1001"),       # table names carry เขต
    ("กระบี่", "ไม่มีอำเภอนี้", None),          # unknown district: left empty, warned
])
def test_province_and_district_names(db, tmp_path, province, district, expected):
    code = "6819901"
    report = import_registry(db, _csv(tmp_path, f'{province},"{district}",x,{code},อบต.,ทดสอบ,,,,,,,\n'), who="t")
    lao = _lao(db, code)
    assert lao["district_code"] == expected or (expected is None and lao["district_code"] is None)
    if expected is None:
        assert any("ไม่มีอำเภอนี้" in w.message.en for w in report.warnings)


def test_registry_quirks_in_free_text_and_names(db, tmp_path):
    body = ('กระบี่,เมืองกระบี่,ไสไทย,6819902,อบต.,อบต.ทดสอบ,"12/3, ถนน ""มหาราช""",1 ม.ค. 2543,81000,"1,234.5",'
            '8.1,98.9,"http//bad"\n'
            'กระบี่,เมืองกระบี่,ปากน้ำ,6819902,อบต.,อบต.ทดสอบ,=cmd|x,-,,,,,\n')
    import_registry(db, _csv(tmp_path, body), who="t")
    lao = _lao(db, "6819902")
    assert lao["name_th"] == "ทดสอบ" and lao["area_km2"] == 1234.5          # bare name; thousands separator
    assert (lao["lat"], lao["lon"]) == (8.1, 98.9)


def _rejected(db, path) -> ValidationError:
    before = pristine_fingerprint(db)
    with pytest.raises(ValidationError) as exc:
        import_registry(db, path, who="tester")
    assert table_fingerprint(db) == before
    return exc.value


def test_inconsistent_rows_of_one_code_are_listed_by_row(db, tmp_path):
    body = ("กระบี่,เมืองกระบี่,ก,6819903,อบต.,หนึ่ง,,,,,,,\n"
            "กระบี่,เมืองกระบี่,ข,6819903,อบต.,สอง,,,,,,,\n"              # another name
            "กระบี่,เมืองกระบี่,ค,6819903,เทศบาลตำบล,หนึ่ง,,,,,,,\n"        # another type
            "พังงา,เมืองพังงา,ง,6819903,อบต.,หนึ่ง,,,,,,,\n")               # another province
    err = _rejected(db, _csv(tmp_path, body))
    assert [(p.row, p.column) for p in err.problems] == [(3, "อปท."), (4, "ประเภท อปท."), (5, "จังหวัด")]
    assert all("6819903" in p.message.en and "row 2" in p.message.en for p in err.problems)


def test_unknown_values_are_listed(db, tmp_path):
    body = ("กระบี่,เมืองกระบี่,ก,681990,อบต.,หนึ่ง,,,,,,,\n"                # 6 digits
            "ไม่มีจังหวัด,เมือง,ข,6819904,อบต.,สอง,,,,,,,\n"
            "กระบี่,เมืองกระบี่,ค,6819905,สุขาภิบาล,สาม,,,,,,,\n"
            "กระบี่,เมืองกระบี่,ง,6819906,อบต.,,,,,,,,\n")
    err = _rejected(db, _csv(tmp_path, body))
    assert [(p.row, p.column) for p in err.problems] == [(2, "รหัส อปท."), (3, "จังหวัด"), (4, "ประเภท อปท."),
                                                         (5, "อปท.")]


def test_missing_columns(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("จังหวัด,อปท.\nกระบี่,x\n", encoding="utf-8")
    err = _rejected(db, path)
    assert {p.column for p in err.problems} == {"อำเภอ", "รหัส อปท.", "ประเภท อปท."}
