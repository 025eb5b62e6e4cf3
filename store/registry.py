"""DLA registry import (`import-laos`): the open-data LAO list described in docs/domain.md.

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
from sqlalchemy import Connection, Engine, bindparam, text

from scoring.errors import Problem, ValidationError
from scoring.laotypes import BMA_CODE, BY_CODE, LAO_TYPES
from scoring.texts import Bilingual

from . import contacts
from .bulk import insert_frame
from .dataset import import_transaction, keep_history, log_change
from .materialise import rescore_in
from .upload import read_table
from .validation import (
    CellCheck,
    ProblemCollector,
    control_mask,
    normalise_header,
    parse_numbers,
    run_checks,
    text_column,
    warn_list,
)

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
ORDER = {c: i for i, c in enumerate(("code", "province", "district", "type", "name"), start=1)}


def _bare(s: pd.Series | str):
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
    dry_run: bool = False

    def summary(self, lang: str = "th") -> str:
        head = Bilingual("ทดลองตรวจ ยังไม่บันทึกข้อมูล: ", "dry run, nothing changed: ") if self.dry_run else None
        line = Bilingual(
            f"อ่าน {self.rows:,} แถว {self.laos:,} อปท. จาก {self.file_name}: เพิ่ม {len(self.inserted):,} "
            f"แก้ไข {len(self.updated):,} (เปลี่ยนประเภท {len(self.type_changed):,} ซึ่งคำนวณผลใหม่) "
            f"ไม่เปลี่ยน {self.unchanged:,}" + ("; เพิ่มกรุงเทพมหานคร" if self.bangkok_added else ""),
            f"read {self.rows:,} rows for {self.laos:,} LAOs from {self.file_name}: {len(self.inserted):,} added, "
            f"{len(self.updated):,} updated ({len(self.type_changed):,} changed type, rescored), "
            f"{self.unchanged:,} unchanged" + ("; Bangkok added" if self.bangkok_added else "")
            + f" in {self.seconds:.1f} s")
        lines = [(head.text(lang) if head else "") + line.text(lang)]
        if self.not_in_file:
            lines.append(warn_list(self.not_in_file, "คง อปท. ที่ไม่มีในไฟล์ไว้ {n} แห่ง: {names}",
                                   "kept {n} LAOs that are not in the file: {names}").text(lang))
        warn = "คำเตือน" if lang == "th" else "warning"
        return "\n".join(lines + [f"{warn}: {w.text(lang)}" for w in self.warnings])


def _province_lookup(conn: Connection) -> dict[str, str]:
    prov = pd.read_sql(text("SELECT code, name_th FROM province"), conn)
    out = dict(zip(_bare(prov["name_th"]), prov["code"]))
    out.update({"กรุงเทพฯ": "10", "กทม": "10"})
    return out


def _district_lookup(conn: Connection, provinces: dict[str, str]) -> dict[tuple[str, str], str]:
    """(province code, normalised name) -> district code, also under the names the registry may use:
    without a เขต/เมือง prefix, and plain 'เมือง' for the provincial seat."""
    dist = pd.read_sql(text("SELECT d.code, d.province_code, d.name_th, p.name_th AS province FROM district d "
                            "JOIN province p ON p.code = d.province_code"), conn)
    out: dict[tuple[str, str], str] = {}
    for code, prov, name, pname in dist.itertuples(index=False):
        out[(prov, _bare(name))] = code
    for code, prov, name, pname in dist.itertuples(index=False):     # exact names above win
        n = _bare(name)
        aliases = [n.removeprefix("เขต"), n.removeprefix("เมือง")]
        if n == "เมือง" + _bare(pname):
            aliases.append("เมือง")
        for alias in aliases:
            if alias:
                out.setdefault((prov, alias), code)
    return out


def _columns(df: pd.DataFrame) -> dict[str, str]:
    cols: dict[str, str] = {}
    for h in df.columns:
        canon = COLUMNS.get(normalise_header(h))
        if canon and canon not in cols:
            cols[canon] = h
    missing = [th for c, th in REQUIRED.items() if c not in cols]
    if missing:
        raise ValidationError([Problem(None, th, Bilingual(f"ไม่มีคอลัมน์ {th}", f"required column {th} is missing"))
                               for th in missing], "registry")
    return cols


@dataclass
class _Facts:
    """The registry's key fields per row, and each code's first complete row."""
    text: dict[str, pd.Series]
    code_ok: np.ndarray
    province: pd.Series                 # province code, NaN when the name is unknown
    type: pd.Series                     # LAO type code, NaN when unknown
    name: pd.Series                     # bare name ("" when empty)
    frame: pd.DataFrame = field(init=False)     # row, code, name_th, type, province_code
    ok: np.ndarray = field(init=False)
    firsts: pd.DataFrame = field(init=False)

    def __post_init__(self):
        self.frame = pd.DataFrame({"row": self.text["code"].index, "code": self.text["code"], "name_th": self.name,
                                   "type": self.type, "province_code": self.province})
        self.ok = (self.code_ok & self.type.notna().to_numpy() & self.province.notna().to_numpy()
                   & (self.name != "").to_numpy())
        self.firsts = self.frame[self.ok].groupby("code").first()

    def differs(self, column: str) -> np.ndarray:
        """Complete rows whose `column` differs from the first complete row of the same code."""
        return self.ok & (self.frame[column] != self.frame["code"].map(self.firsts[column])).to_numpy()

    def against_first(self, column: str) -> pd.Series:
        ref = self.frame["code"].map(self.firsts[column])
        row = self.frame["code"].map(self.firsts["row"]).astype("Int64").astype(str)
        code = self.frame["code"]
        return code + " (" + self.frame[column].astype(str) + " ≠ " + ref.astype(str) + ", row " + row + ")"


def _facts(conn: Connection, df: pd.DataFrame, cols: dict[str, str]) -> _Facts:
    g = {c: text_column(df[h]) for c, h in cols.items()}
    provinces = _province_lookup(conn)
    pnorm = _bare(g["province"].fillna(""))        # exact name first: จันทบุรี starts like the จ. prefix
    prov = pnorm.map(provinces).fillna(pnorm.str.replace(r"^(จังหวัด|จ)", "", regex=True).map(provinces))
    typ = _bare(g["type"].fillna("")).map(TYPES)
    typ = typ.where(~((typ == "pattaya") & (prov == "10")), "bma")    # a special form in Bangkok is the BMA
    name = g["name"].fillna("")
    for t in LAO_TYPES:                       # bare names: drop a type prefix when one was typed
        if t.code not in ("bma", "pattaya"):
            for prefix in (t.short_th, t.name_th):
                name = name.where(~(name.str.startswith(prefix) & (typ == t.code)), name.str.removeprefix(prefix))
    code_ok = g["code"].str.fullmatch(r"\d{7}", na=False).to_numpy()
    return _Facts(text=g, code_ok=code_ok, province=prov, type=typ, name=name.str.strip())


def _consistency(column: str, key: str, th: str, en: str) -> CellCheck:
    return CellCheck(key, Bilingual(f"อปท. {{v}}: {th}ไม่ตรงกับแถวอื่นของรหัสเดียวกัน",
                                    f"LAO {{v}}: {en} differs from other rows of the same code"),
                     lambda f: f.differs(column), lambda f: f.against_first(column))


CHECKS: tuple[CellCheck, ...] = (
    CellCheck("code", Bilingual("รหัส อปท. '{v}' ต้องเป็นตัวเลข 7 หลัก", "LAO code '{v}' must be 7 digits"),
              lambda f: ~f.code_ok, lambda f: f.text["code"]),
    CellCheck("province", Bilingual("ไม่รู้จักจังหวัด '{v}'", "unknown province '{v}'"),
              lambda f: f.province.isna().to_numpy(), lambda f: f.text["province"]),
    CellCheck("type", Bilingual("ไม่รู้จักประเภท อปท. '{v}'", "unknown LAO type '{v}'"),
              lambda f: f.type.isna().to_numpy(), lambda f: f.text["type"]),
    CellCheck("name", Bilingual("ไม่มีชื่อ อปท.", "LAO name is empty"), lambda f: (f.name == "").to_numpy()),
    CellCheck("name", Bilingual("ชื่อ อปท. '{v}' มีอักขระควบคุมหรืออักขระที่มองไม่เห็น (เช่น ขึ้นบรรทัดใหม่ แท็บ) ต้องลบออก",
                                "the LAO name '{v}' holds a control or invisible character (such as a line break or "
                                "a tab): remove it"),
              lambda f: control_mask(f.text["name"]), lambda f: f.text["name"]),
    _consistency("name_th", "name", "ชื่อ", "name"),
    _consistency("type", "type", "ประเภท", "type"),
    _consistency("province_code", "province", "จังหวัด", "province"),
)


def parse_registry(conn: Connection, df: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per LAO code (columns as the lao table, plus `rows`), or ValidationError listing the
    problems by row. Returns (laos, warnings)."""
    cols = _columns(df)
    f = _facts(conn, df, cols)
    probs = ProblemCollector(df.index, "registry")
    run_checks(probs, CHECKS, f, cols, ORDER)
    probs.raise_if_any()
    warnings: list[Problem] = []
    districts = _districts(conn, f, cols, warnings)
    laos = f.firsts[["name_th", "type", "province_code"]].copy()
    laos["district_code"] = districts.reindex(laos.index)
    for c, column in (("area", "area_km2"), ("lat", "lat"), ("lon", "lon")):
        laos[column] = _plausible(f, cols, c, warnings).reindex(laos.index)
    laos["rows"] = f.frame.groupby("code").size().reindex(laos.index)
    elsewhere = laos.index[(laos["province_code"] != laos.index.str[1:3]) & (laos["type"] != "bma")]
    if len(elsewhere):
        warnings.append(warn_list(elsewhere, "รหัสของ อปท. {n} แห่งไม่ตรงกับจังหวัดที่ระบุ (ใช้จังหวัดตามไฟล์): {names}",
                                  "{n} LAO code(s) do not match the province named (the name is used): {names}",
                                  cols["province"]))
    return laos.reset_index(), warnings


def _districts(conn: Connection, f: _Facts, cols: dict[str, str], warnings: list[Problem]) -> pd.Series:
    """District per code: the name looked up within the province (unmatched names stay unknown,
    warned); of several, the district of the code itself (PPAA), else the one most tambons are in."""
    lookup = _district_lookup(conn, _province_lookup(conn))
    district = f.text["district"]
    dnorm = _bare(district.fillna(""))
    dbare = dnorm.str.replace(r"^(กิ่งอำเภอ|อำเภอ|กิ่งอ|อ|เขต)", "", regex=True)   # exact first: อ่าวลึก
    dcode = pd.Series([lookup.get((p, d)) or lookup.get((p, b)) for p, d, b in zip(f.province, dnorm, dbare)],
                      index=district.index, dtype=object)
    unmatched = district.notna() & dcode.isna()
    if unmatched.any():
        names = [f"{d} ({p})" for p, d in sorted(set(zip(f.text["province"][unmatched], district[unmatched])))]
        warnings.append(warn_list(names, "ไม่พบอำเภอ {n} ชื่อในจังหวัดที่ระบุ จึงเว้นว่างไว้: {names}",
                                  "{n} district name(s) not found in their province, left empty: {names}",
                                  cols["district"]))
    frame = f.frame.assign(district_code=dcode)
    frame["pref"] = (frame["district_code"] == frame["code"].str[1:5]).astype(int)
    return (frame.dropna(subset=["district_code"]).groupby(["code", "district_code"])
            .agg(pref=("pref", "max"), n=("row", "size"), first=("row", "min")).reset_index()
            .sort_values(["code", "pref", "n", "first"], ascending=[True, False, False, True])
            .drop_duplicates("code").set_index("code")["district_code"])


def _plausible(f: _Facts, cols: dict[str, str], c: str, warnings: list[Problem]) -> pd.Series:
    """Area or a coordinate per code: the first plausible value, never a made-up one."""
    if c not in cols:
        return pd.Series(dtype="float64")
    lo, hi = {"area": (0.0, AREA_MAX), "lat": LAT_RANGE, "lon": LON_RANGE}[c]
    x = parse_numbers(f.text[c])
    good = (x > lo) & (x <= hi) if c == "area" else (x >= lo) & (x <= hi)
    bad = f.text[c].notna() & ~good
    if bad.any():
        n = int(bad.sum())
        warnings.append(Problem(None, cols[c], Bilingual(f"ค่าที่ไม่ใช่ตัวเลขหรือไม่สมเหตุสมผล {n:,} แถว เว้นว่างไว้",
                                     f"{n:,} row(s) with a non-numeric or implausible value, left empty")))
    return x.where(good).groupby(f.frame["code"]).first()


def import_registry(engine: Engine, source, who: str = "command line", dry_run: bool = False) -> RegistryReport:
    """Upsert the registry's LAOs, all or nothing; `source` is a path or (bytes, name). The rows an
    import replaces are kept in row_history under its change_log id. A dry run reports what would change."""
    t0 = time.perf_counter()
    df = read_table(source)
    name = source[1] if isinstance(source, tuple) else Path(source).name
    if dry_run:
        with engine.connect() as conn:
            laos, warnings = parse_registry(conn, df)
            report, _ = _diff(conn, laos)
    else:
        with import_transaction(engine, "registry") as conn:
            laos, warnings = parse_registry(conn, df)
            report, plan = _diff(conn, laos)
            change = log_change(conn, who, "import-laos", f"{len(report.inserted):,} added, {len(report.updated):,} "
                                f"updated, {len(report.not_in_file):,} not in the file (kept)", name, len(df))
            _write(conn, plan, change)
            warnings += contacts.from_registry(conn, df, who)        # an e-mail column, when the file has one
    report.file_name, report.rows, report.warnings, report.dry_run = name, len(df), warnings, dry_run
    report.seconds = time.perf_counter() - t0
    return report


@dataclass
class _Plan:
    insert: pd.DataFrame          # new LAOs, lao table columns
    update: pd.DataFrame          # changed LAOs (index code, LAO_FIELDS)
    retyped: list[str]


def _diff(conn: Connection, laos: pd.DataFrame) -> tuple[RegistryReport, _Plan]:
    """What the registry changes: LAOs to add (Bangkok too when it is absent), fields to update."""
    have = pd.read_sql(text("SELECT code, " + ", ".join(LAO_FIELDS) + " FROM lao"), conn).set_index("code")
    new = laos.set_index("code")
    report = RegistryReport("", 0, len(new), in_db_before=len(have))
    if not (new["type"] == "bma").any() and not (have["type"] == "bma").any() and BMA_CODE not in have.index:
        bma = BY_CODE["bma"]
        new.loc[BMA_CODE] = {"name_th": bma.name_th, "type": "bma", "province_code": "10", "district_code": None,
                             "area_km2": np.nan, "lat": np.nan, "lon": np.nan, "rows": 0}
        report.bangkok_added = True
    fresh = new.index.difference(have.index)
    ins = new.loc[fresh, LAO_FIELDS].reset_index(names="code")
    ins["name_en"] = np.where(ins["code"] == BMA_CODE, "Bangkok", None)
    both = new.index.intersection(have.index)
    merged = new.loc[both, LAO_FIELDS].copy()
    for c in ("area_km2", "lat", "lon"):        # an empty registry cell means unknown, not "erase"
        merged[c] = merged[c].astype("float64").fillna(have.loc[both, c].astype("float64"))
    old = have.loc[both, LAO_FIELDS].astype({c: "float64" for c in ("area_km2", "lat", "lon")})
    changed = ~((merged == old) | (merged.isna() & old.isna())).all(axis=1)
    upd = merged[changed]
    retyped = sorted(upd.index[upd["type"] != old.loc[upd.index, "type"]])
    report.inserted, report.updated, report.type_changed = sorted(fresh), sorted(upd.index), retyped
    report.not_in_file = sorted(have.index.difference(new.index).difference([BMA_CODE]))
    report.unchanged = len(both) - len(upd)
    return report, _Plan(ins[["code", "name_th", "name_en", *LAO_FIELDS[1:]]], upd, retyped)


def _write(conn: Connection, plan: _Plan, change: int) -> None:
    insert_frame(conn, "lao", plan.insert)
    upd = plan.update
    if len(upd):
        before = pd.read_sql(text("SELECT * FROM lao WHERE code IN :c").bindparams(bindparam("c", expanding=True)),
                             conn, params={"c": list(upd.index)})
        keep_history(conn, change, "lao", before, keys=before["code"])
        conn.execute(text("UPDATE lao SET " + ", ".join(f"{c} = :{c}" for c in LAO_FIELDS) + " WHERE code = :code"),
                     [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
                      for r in upd.reset_index(names="code").to_dict("records")])
    if plan.retyped:          # applicable indicators depend on the type: rescore those LAOs
        years = pd.read_sql(text("SELECT DISTINCT year FROM submission WHERE counted"), conn)["year"]
        for y in sorted(years):
            rescore_in(conn, int(y), plan.retyped)
