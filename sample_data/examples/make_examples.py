"""(Re)generate the example import files in this folder from the small sample, deterministically:

    python -m sample_data.examples.make_examples

Everything in them is synthetic, like the sample itself (see README.md here).
"""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sample_data.generate import generate
from sample_data.round_file import round_rows
from scoring.laotypes import PATTAYA_CODE
from store import reference

HERE = Path(__file__).parent
YEAR = 2569
KRABI = "81"
# One LAO of each type found in Krabi: the PAO, the town, a subdistrict municipality and an SAO.
SUBMITTING = ("2810101", "4810101", "5810101", "6810101")
SIX_PREFIXED_SM = "6130408"     # a real subdistrict municipality code starting with 6 (docs/domain.md)
THAI_HEADERS = {"lao_code": "รหัส อปท.", "year": "ปี", "indicator_code": "รหัสตัวชี้วัด",
                "frame": "กรอบการประเมิน (1)", "delivered": "การจัดบริการสาธารณะ (2)",
                "evidence_url": "ลิงก์หลักฐาน", "note": "หมายเหตุ"}
REGISTRY_COLUMNS = ["จังหวัด", "อำเภอ", "ตำบล", "รหัส อปท.", "ประเภท อปท.", "อปท.", "ที่ตั้งสำนักงานเลขที่", "หมู่ที่",
                    "รหัสไปรษณีย์", "ขนาดพื้นที่", "LAT", "LONG", "เว็ปไซต์ของอปท"]
REGISTRY_TYPE = {"pao": "อบจ.", "city": "เทศบาลนคร", "town": "เทศบาลเมือง", "subdistrict_mun": "เทศบาลตำบล",
                 "sao": "อบต.", "pattaya": "ท้องถิ่นรูปแบบพิเศษ"}


def submissions(data) -> pd.DataFrame:
    """Krabi LAOs' 2569 rows: their sample figures where they have them, a few notes and links."""
    cat = data.indicators[data.indicators["year"] == YEAR].rename(columns={"code": "indicator_code"})
    subs = data.submissions[(data.submissions["year"] == YEAR) & data.submissions["lao_code"].isin(SUBMITTING)]
    have = data.values.merge(subs[["id", "lao_code"]], left_on="submission_id", right_on="id")
    laos = data.laos[data.laos["code"].isin(SUBMITTING)].rename(columns={"code": "lao_code"})
    df = round_rows(laos, cat, have, YEAR)
    df["frame"] = df["frame"].map(_num)
    df["delivered"] = df["delivered"].map(_num)
    df["evidence_url"] = ""
    df["note"] = ""
    df.loc[0, ["evidence_url", "note"]] = ["https://example.go.th/krabi/roads-2569.pdf",
                                           'ตรวจนับถนน "ลาดยาง" ทุกสาย, ปรับปรุงแล้ว']
    df.loc[5, "note"] = "=ไม่ใช่สูตร แต่เป็นข้อความ"      # exports must keep this as text
    return df


def _num(x) -> str:
    if pd.isna(x):
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def errors_file(good: pd.DataFrame) -> pd.DataFrame:
    """A copy with one of each typical mistake, for trying the rejection report."""
    bad = good.head(12).copy()
    bad.loc[1, "lao_code"] = "9999999"                       # unknown LAO
    bad.loc[2, "frame"] = "สิบ"                               # not a number
    bad.loc[3, "delivered"] = "-5"                           # negative
    ratio = next(i for i in range(4, 12) if float(bad.loc[i, "frame"] or 0) > 1)   # only ratios have frames > 1
    bad.loc[ratio, ["frame", "delivered"]] = ["10", "12"]    # delivered > frame (a ratio indicator)
    bad.loc[9, "indicator_code"] = "9.99"                    # malformed code
    bad.loc[10, "year"] = 2570                               # no catalogue
    bad.loc[11, "evidence_url"] = "javascript:alert(1)"      # not http(s)
    bad = pd.concat([bad, bad.iloc[[8]]], ignore_index=True)  # the same LAO × year × indicator twice
    return bad


def registry(data) -> pd.DataFrame:
    """The DLA registry format with its quirks: rows repeated per tambon, quoted commas and doubled
    quotes in free text, spreadsheet-mangled house numbers, empty or implausible coordinates."""
    rng = np.random.default_rng(81)
    prov = reference.provinces().set_index("code")["name_th"]
    dist = reference.districts().set_index("code")["name_th"]
    tamb = reference.subdistricts()
    laos = data.laos[(data.laos["province_code"] == KRABI) | (data.laos["code"] == PATTAYA_CODE)]
    six = tamb[tamb["district_code"] == SIX_PREFIXED_SM[1:5]].iloc[0]
    laos = pd.concat([laos, pd.DataFrame([{"code": SIX_PREFIXED_SM, "name_th": six["name_th"],
                                           "type": "subdistrict_mun", "province_code": "13",
                                           "district_code": SIX_PREFIXED_SM[1:5], "area_km2": np.nan}])],
                     ignore_index=True)
    rows = []
    for i, lao in enumerate(laos.itertuples(index=False)):
        in_district = tamb[tamb["district_code"] == lao.district_code]["name_th"].tolist()
        if lao.type == "pao":
            covered = tamb[tamb["province_code"] == lao.province_code]["name_th"].tolist()
        else:
            own = [lao.name_th] if lao.name_th in in_district else in_district[:1]
            others = [t for t in in_district if t not in own]
            covered = own + others[: int(rng.integers(0, 3))]
        area = "" if pd.isna(lao.area_km2) else f"{lao.area_km2:,.2f}"
        lat = lon = ""
        if lao.province_code == KRABI and i % 3 == 0:
            lat, lon = f"{8.05 + 0.01 * (i % 17):.6f}", f"{98.90 + 0.01 * (i % 13):.6f}"
        if i == 3:
            lat, lon = lon, lat                   # swapped: implausible, so left empty on import
        if i == 7:
            area = "ประมาณ 50"                    # free text: not a number, left empty
        district = dist[lao.district_code]
        if i % 5 == 1:
            district = "อำเภอ" + district          # some exports spell the district out
        for j, t in enumerate(covered):
            rows.append({
                "จังหวัด": prov[lao.province_code], "อำเภอ": district, "ตำบล": t, "รหัส อปท.": lao.code,
                "ประเภท อปท.": REGISTRY_TYPE[lao.type], "อปท.": lao.name_th,
                "ที่ตั้งสำนักงานเลขที่": _house_number(i),
                "หมู่ที่": str(1 + i % 9) if i % 4 else "-",
                "รหัสไปรษณีย์": f"{lao.province_code}{(i % 9) * 10 + 100:03d}",
                "ขนาดพื้นที่": area, "LAT": lat, "LONG": lon, "เว็ปไซต์ของอปท": _website(i)})
    return pd.DataFrame(rows, columns=REGISTRY_COLUMNS)


def _house_number(i: int) -> str:
    return [f"{i % 28 + 1} ม.ค. 2543",                    # "1/1" turned into a date by a spreadsheet
            f"{i + 10}/{i % 7 + 1}, ถนนมหาราช",
            'อาคาร "ศูนย์ราชการ", ชั้น 2',
            f"{i + 3}"][i % 4]


def _website(i: int) -> str:
    return ["www.example-lao.go.th", "http//example-lao.go.th", '"http://example-lao.go.th"', "-", ""][i % 5]


def xlsx_bytes(df: pd.DataFrame) -> bytes:
    """Codes as text cells, figures as numbers, fixed metadata so the file is reproducible."""
    out = df.copy()
    for c in ("frame", "delivered"):
        out[c] = pd.to_numeric(out[c].replace("", np.nan))
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xw:
        xw.book.set_properties({"created": datetime(2026, 1, 1)})
        out.to_excel(xw, index=False, sheet_name="submissions")
    return buf.getvalue()


def main(directory: Path = HERE) -> list[Path]:
    data = generate(small=True)
    sub = submissions(data)
    files = {
        "submissions_2569_krabi.csv": sub.to_csv(index=False).encode("utf-8"),
        "submissions_2569_krabi_th_windows874.csv": sub.rename(columns=THAI_HEADERS).to_csv(index=False)
        .encode("cp874"),
        "submissions_2569_krabi.xlsx": xlsx_bytes(sub),
        "submissions_2569_with_errors.csv": errors_file(sub).to_csv(index=False).encode("utf-8"),
        "dla_registry_sample.csv": registry(data).to_csv(index=False).encode("utf-8"),
    }
    written = []
    for name, content in files.items():
        path = directory / name
        path.write_bytes(content)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in main():
        print(f"{p.name}: {p.stat().st_size:,} bytes")
