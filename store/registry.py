"""DLA registry import (`import-laos`): the open-data LAO list described in FACTS.md.

The file has one row per LAO × tambon it covers, so rows repeat per LAO code. Type comes from the
ประเภท อปท. column, never from the code's first digit (two subdistrict municipalities carry a 6);
province and district arrive as Thai names and are looked up in the reference tables; area and
coordinates are kept only when numeric and plausible, otherwise left unknown. Bangkok, absent from
the registry, is added with the dashboard's own code. LAOs already in the database but missing from
the file are kept and reported (an LAO is not abolished by an incomplete download).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text

from scoring.errors import Problem, ValidationError
from scoring.laotypes import BMA_CODE, BY_CODE, LAO_TYPES

from . import contacts
from .bulk import insert_frame
from .dataset import log_change
from .materialise import rescore_in
from .upload import read_table

COLUMNS = {"จังหวัด": "province", "อำเภอ": "district", "รหัสอปท": "code", "ประเภทอปท": "type", "อปท": "name",
           "ขนาดพื้นที่": "area", "lat": "lat", "long": "lon", "lon": "lon"}
REQUIRED = {"province": "จังหวัด", "district": "อำเภอ", "code": "รหัส อปท.", "type": "ประเภท อปท.",
            "name": "อปท."}
TYPES = {"อบจ": "pao", "องค์การบริหารส่วนจังหวัด": "pao", "เทศบาลนคร": "city", "ทน": "city",
         "เทศบาลเมือง": "town", "ทม": "town", "เทศบาลตำบล": "subdistrict_mun", "ทต": "subdistrict_mun",
         "อบต": "sao", "องค์การบริหารส่วนตำบล": "sao", "ท้องถิ่นรูปแบบพิเศษ": "pattaya", "เมืองพัทยา": "pattaya",
         "กรุงเทพมหานคร": "bma"}
# Thailand's extent, and the largest LAO area (a PAO: Nakhon Ratchasima is ~20,500 km²).
LAT_RANGE, LON_RANGE, AREA_MAX = (5.5, 20.6), (97.3, 105.7), 21_000.0
LAO_FIELDS = ["name_th", "type", "province_code", "district_code", "area_km2", "lat", "lon"]
_WARN_LIST = 20


def _norm(s: pd.Series | str):
    """Compare names without spaces and dots (registry spelling varies in both)."""
    if isinstance(s, str):
        return re.sub(r"[\s.]", "", s)
    return s.str.replace(r"[\s.]", "", regex=True)


@dataclass
class RegistryReport:
    file_name: str
    rows: int
    laos: int
    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    type_changed: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)
    unchanged: int = 0
    in_db_before: int = 0
    bangkok_added: bool = False
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [f"read {self.rows:,} rows for {self.laos:,} LAOs from {self.file_name}: {len(self.inserted):,} added, "
                 f"{len(self.updated):,} updated ({len(self.type_changed):,} changed type, rescored), "
                 f"{self.unchanged:,} unchanged"
                 + ("; Bangkok added" if self.bangkok_added else "") + f" in {self.seconds:.1f} s"]
        if self.not_in_file:
            more = " …" if len(self.not_in_file) > _WARN_LIST else ""
            lines.append(f"kept {len(self.not_in_file):,} LAOs that are not in the file: "
                         + ", ".join(self.not_in_file[:_WARN_LIST]) + more)
        lines += [f"warning: {w.text('en')}" for w in self.warnings]
        return "\n".join(lines)

    def summary_th(self) -> str:
        lines = [f"อ่าน {self.rows:,} แถว {self.laos:,} อปท. จาก {self.file_name}: เพิ่ม {len(self.inserted):,} "
                 f"แก้ไข {len(self.updated):,} (เปลี่ยนประเภท {len(self.type_changed):,}) "
                 f"ไม่เปลี่ยน {self.unchanged:,}"
                 + ("; เพิ่มกรุงเทพมหานคร" if self.bangkok_added else "")]
        if self.not_in_file:
            lines.append(f"คง อปท. ที่ไม่มีในไฟล์ไว้ {len(self.not_in_file):,} แห่ง: "
                         + ", ".join(self.not_in_file[:_WARN_LIST]))
        lines += [f"คำเตือน: {w.text('th')}" for w in self.warnings]
        return "\n".join(lines)


def _problems_for(rows, mask, column, th, en, values=None) -> list[Problem]:
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    vals = None if values is None else np.asarray(values, dtype=object)
    return [Problem(int(rows[i]), column, th.format(v=vals[i] if vals is not None else ""),
                    en.format(v=vals[i] if vals is not None else "")) for i in idx]


def _province_lookup(conn: Connection) -> dict[str, str]:
    prov = pd.read_sql(text("SELECT code, name_th FROM province"), conn)
    out = dict(zip(_norm(prov["name_th"]), prov["code"]))
    out.update({"กรุงเทพฯ": "10", "กทม": "10"})
    return out


def _district_lookup(conn: Connection, provinces: dict[str, str]) -> dict[tuple[str, str], str]:
    """(province code, normalised name) -> district code, also under the names the registry may use:
    without a เขต/เมือง prefix, and plain 'เมือง' for the provincial seat."""
    dist = pd.read_sql(text("SELECT d.code, d.province_code, d.name_th, p.name_th AS province FROM district d "
                            "JOIN province p ON p.code = d.province_code"), conn)
    out: dict[tuple[str, str], str] = {}
    for code, prov, name, pname in dist.itertuples(index=False):
        out[(prov, _norm(name))] = code
    for code, prov, name, pname in dist.itertuples(index=False):     # exact names above win
        n = _norm(name)
        aliases = [n.removeprefix("เขต"), n.removeprefix("เมือง")]
        if n == "เมือง" + _norm(pname):
            aliases.append("เมือง")
        for alias in aliases:
            if alias:
                out.setdefault((prov, alias), code)
    return out


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.replace(",", "", regex=False), errors="coerce")


def parse_registry(conn: Connection, df: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per LAO code (columns as the lao table, plus `rows`), or ValidationError listing every
    problem by row. Returns (laos, warnings)."""
    rows = np.asarray(df.index, dtype="int64")
    cols: dict[str, str] = {}
    for h in df.columns:
        canon = COLUMNS.get(_norm(str(h)).lower())
        if canon and canon not in cols:
            cols[canon] = h
    missing = [th for c, th in REQUIRED.items() if c not in cols]
    if missing:
        raise ValidationError([Problem(None, th, f"ไม่มีคอลัมน์ {th}", f"required column {th} is missing")
                               for th in missing], "registry")
    g = {c: df[h] for c, h in cols.items()}
    probs: list[Problem] = []
    warnings: list[Problem] = []

    code = g["code"]
    code_ok = code.str.fullmatch(r"\d{7}", na=False).to_numpy()
    probs += _problems_for(rows, ~code_ok, cols["code"], "รหัส อปท. '{v}' ต้องเป็นตัวเลข 7 หลัก",
                           "LAO code '{v}' must be 7 digits", code.fillna(""))

    provinces = _province_lookup(conn)
    pnorm = _norm(g["province"].fillna(""))        # exact name first: จันทบุรี starts like the จ. prefix
    prov = pnorm.map(provinces).fillna(pnorm.str.replace(r"^(จังหวัด|จ)", "", regex=True).map(provinces))
    probs += _problems_for(rows, prov.isna(), cols["province"], "ไม่รู้จักจังหวัด '{v}'", "unknown province '{v}'",
                           g["province"].fillna(""))

    tnorm = _norm(g["type"].fillna(""))
    typ = tnorm.map(TYPES)
    typ = typ.where(~((typ == "pattaya") & (prov == "10")), "bma")    # a special form in Bangkok is the BMA
    probs += _problems_for(rows, typ.isna(), cols["type"], "ไม่รู้จักประเภท อปท. '{v}'", "unknown LAO type '{v}'",
                           g["type"].fillna(""))

    name = g["name"].fillna("")
    for t in LAO_TYPES:                       # bare names: drop a type prefix when one was typed
        if t.code not in ("bma", "pattaya"):
            for prefix in (t.short_th, t.name_th):
                name = name.where(~(name.str.startswith(prefix) & (typ == t.code)), name.str.removeprefix(prefix))
    name = name.str.strip()
    probs += _problems_for(rows, name == "", cols["name"], "ไม่มีชื่อ อปท.", "LAO name is empty")

    # Every row of one code must agree on name, type and province.
    frame = pd.DataFrame({"row": rows, "code": code, "name_th": name, "type": typ, "province_code": prov})
    ok = code_ok & typ.notna().to_numpy() & prov.notna().to_numpy() & (name != "").to_numpy()
    firsts = frame[ok].groupby("code").first()
    for f, label_th, label_en in (("name_th", "ชื่อ", "name"), ("type", "ประเภท", "type"),
                                  ("province_code", "จังหวัด", "province")):
        ref = frame["code"].map(firsts[f])
        ref_row = frame["code"].map(firsts["row"])
        bad = ok & (frame[f] != ref).to_numpy()
        col = cols[{"name_th": "name", "type": "type", "province_code": "province"}[f]]
        probs += _problems_for(rows, bad, col, f"อปท. {{v}}: {label_th}ไม่ตรงกับแถวอื่นของรหัสเดียวกัน",
                               f"LAO {{v}}: {label_en} differs from other rows of the same code",
                               code + " (" + frame[f].astype(str) + " ≠ " + ref.astype(str) + ", row "
                               + ref_row.astype("Int64").astype(str) + ")")
    if probs:
        raise ValidationError(sorted(probs, key=lambda p: (p.row or 0)), "registry")

    # District: the name looked up within the province; unmatched names stay unknown (warned).
    dist_lookup = _district_lookup(conn, provinces)
    dnorm = _norm(g["district"].fillna(""))
    dbare = dnorm.str.replace(r"^(กิ่งอำเภอ|อำเภอ|กิ่งอ|อ|เขต)", "", regex=True)   # exact first: อ่าวลึก
    dcode = pd.Series([dist_lookup.get((p, d)) or dist_lookup.get((p, b)) for p, d, b in zip(prov, dnorm, dbare)],
                      index=df.index, dtype=object)
    unmatched = g["district"].notna() & dcode.isna()
    if unmatched.any():
        names = sorted(set(zip(g["province"][unmatched], g["district"][unmatched])))
        warnings.append(Problem(None, cols["district"],
                                f"ไม่พบอำเภอ {len(names):,} ชื่อในจังหวัดที่ระบุ จึงเว้นว่างไว้: "
                                + ", ".join(f"{d} ({p})" for p, d in names[:_WARN_LIST]),
                                f"{len(names):,} district name(s) not found in their province, left empty: "
                                + ", ".join(f"{d} ({p})" for p, d in names[:_WARN_LIST])))
    frame["district_code"] = dcode
    # Prefer the district of the code itself (PPAA), else the one most of the LAO's tambons are in.
    frame["pref"] = (frame["district_code"] == frame["code"].str[1:5]).astype(int)
    dd = (frame.dropna(subset=["district_code"]).groupby(["code", "district_code"])
          .agg(pref=("pref", "max"), n=("row", "size"), first=("row", "min")).reset_index()
          .sort_values(["code", "pref", "n", "first"], ascending=[True, False, False, True])
          .drop_duplicates("code").set_index("code")["district_code"])

    # Area and coordinates: the first plausible value of each code, never a made-up one.
    extra = {}
    for c, lo, hi in (("area", 0.0, AREA_MAX), ("lat", *LAT_RANGE), ("lon", *LON_RANGE)):
        if c not in cols:
            extra[c] = pd.Series(dtype="float64")
            continue
        x = _number(g[c])
        good = (x > lo) & (x <= hi) if c == "area" else (x >= lo) & (x <= hi)
        bad = g[c].notna() & ~good
        if bad.any():
            n = int(bad.sum())
            warnings.append(Problem(None, cols[c], f"ค่าที่ไม่ใช่ตัวเลขหรือไม่สมเหตุสมผล {n:,} แถว เว้นว่างไว้",
                                    f"{n:,} row(s) with a non-numeric or implausible value, left empty"))
        extra[c] = x.where(good).groupby(frame["code"]).first()

    laos = firsts[["name_th", "type", "province_code"]].copy()
    laos["district_code"] = dd.reindex(laos.index)
    laos["area_km2"] = extra["area"].reindex(laos.index)
    laos["lat"] = extra["lat"].reindex(laos.index)
    laos["lon"] = extra["lon"].reindex(laos.index)
    laos["rows"] = frame.groupby("code").size().reindex(laos.index)
    elsewhere = laos.index[(laos["province_code"] != laos.index.str[1:3]) & (laos["type"] != "bma")]
    if len(elsewhere):
        warnings.append(Problem(None, cols["province"],
                                f"รหัสของ อปท. {len(elsewhere):,} แห่งไม่ตรงกับจังหวัดที่ระบุ (ใช้จังหวัดตามไฟล์): "
                                + ", ".join(elsewhere[:_WARN_LIST]),
                                f"{len(elsewhere):,} LAO code(s) do not match the province named (the name is used): "
                                + ", ".join(elsewhere[:_WARN_LIST])))
    return laos.reset_index(), warnings


def import_registry(engine: Engine, source, who: str = "command line") -> RegistryReport:
    """Upsert the registry's LAOs, all or nothing; `source` is a path or (bytes, name)."""
    t0 = time.perf_counter()
    df = read_table(source)
    name = source[1] if isinstance(source, tuple) else Path(source).name
    with engine.begin() as conn:
        laos, warnings = parse_registry(conn, df)
        report = _upsert(conn, laos)
        warnings += contacts.from_registry(conn, df, who)        # an e-mail column, when the file has one
        report.file_name, report.rows, report.warnings = name, len(df), warnings
        log_change(conn, who, "import-laos", f"{len(report.inserted):,} added, {len(report.updated):,} updated, "
                   f"{len(report.not_in_file):,} not in the file (kept)", name, len(df))
    report.seconds = time.perf_counter() - t0
    return report


def _upsert(conn: Connection, laos: pd.DataFrame) -> RegistryReport:
    have = pd.read_sql(text("SELECT code, " + ", ".join(LAO_FIELDS) + " FROM lao"), conn).set_index("code")
    new = laos.set_index("code")
    report = RegistryReport("", 0, len(new), in_db_before=len(have))
    if not (new["type"] == "bma").any() and not (have["type"] == "bma").any() and BMA_CODE not in have.index:
        bma = BY_CODE["bma"]
        new.loc[BMA_CODE] = {"name_th": bma.name_th, "type": "bma", "province_code": "10", "district_code": None,
                             "area_km2": np.nan, "lat": np.nan, "lon": np.nan, "rows": 0}
        report.bangkok_added = True
    fresh = new.index.difference(have.index)
    if len(fresh):
        ins = new.loc[fresh, LAO_FIELDS].reset_index(names="code")
        ins["name_en"] = np.where(ins["code"] == BMA_CODE, "Bangkok", None)
        insert_frame(conn, "lao", ins[["code", "name_th", "name_en", *LAO_FIELDS[1:]]])
    both = new.index.intersection(have.index)
    merged = new.loc[both, LAO_FIELDS].copy()
    for c in ("area_km2", "lat", "lon"):        # an empty registry cell means unknown, not "erase"
        merged[c] = merged[c].astype("float64").fillna(have.loc[both, c].astype("float64"))
    old = have.loc[both, LAO_FIELDS].astype({c: "float64" for c in ("area_km2", "lat", "lon")})
    changed = ~((merged == old) | (merged.isna() & old.isna())).all(axis=1)
    upd = merged[changed]
    if len(upd):
        conn.execute(text("UPDATE lao SET " + ", ".join(f"{c} = :{c}" for c in LAO_FIELDS) + " WHERE code = :code"),
                     [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
                      for r in upd.reset_index(names="code").to_dict("records")])
    retyped = upd.index[upd["type"] != old.loc[upd.index, "type"]]
    if len(retyped):          # applicable indicators depend on the type: rescore those LAOs
        years = pd.read_sql(text("SELECT DISTINCT year FROM submission WHERE counted"), conn)["year"]
        for y in sorted(years):
            rescore_in(conn, int(y), list(retyped))
    report.inserted = sorted(fresh)
    report.updated = sorted(upd.index)
    report.type_changed = sorted(retyped)
    report.not_in_file = sorted(have.index.difference(new.index).difference([BMA_CODE]))
    report.unchanged = len(both) - len(upd)
    return report
