"""Submission import (docs/design.md "Files in and out"): one row per LAO × year × indicator.

The whole file is validated first, vectorised (a national round is ~300-400k rows), and every
problem is listed by spreadsheet row (header = 1) and column as it is headed in the file. Then it is
written all or nothing in one transaction: each (LAO, year) in the file gets a new current revision,
earlier revisions stay as history, and the affected results are rescored in the same transaction.

Columns nobody asked for (e.g. an LAO name column) are ignored with a warning rather than refused:
files exported from other systems carry such columns and they do no harm.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text

from scoring.errors import Problem, ValidationError
from scoring.laotypes import BY_CODE

from .bulk import insert_frame
from .dataset import fix_sequence, log_change
from .materialise import rescore_in
from .upload import read_table

REQUIRED = ("lao_code", "year", "indicator_code", "frame", "delivered")
OPTIONAL = ("evidence_url", "note")
# Headers are compared after lower-casing and removing spaces, dots, underscores and hyphens.
ALIASES = {
    "laocode": "lao_code", "รหัสอปท": "lao_code",
    "year": "year", "ปี": "year", "ปีพศ": "year",
    "indicatorcode": "indicator_code", "รหัสตัวชี้วัด": "indicator_code",
    "frame": "frame", "กรอบการประเมิน(1)": "frame", "กรอบการประเมิน": "frame",
    "delivered": "delivered", "การจัดบริการสาธารณะ(2)": "delivered", "การจัดบริการสาธารณะ": "delivered",
    "evidenceurl": "evidence_url", "ลิงก์หลักฐาน": "evidence_url", "หลักฐาน": "evidence_url",
    "note": "note", "หมายเหตุ": "note",
}
THAI_HEADERS = {"lao_code": "รหัส อปท.", "year": "ปี", "indicator_code": "รหัสตัวชี้วัด",
                "frame": "กรอบการประเมิน (1)", "delivered": "การจัดบริการสาธารณะ (2)"}
MAX_VALUE = 1e12                   # no real frame or count comes near; larger is a typing accident
MAX_TEXT = 2000
_THOUSANDS = r"\d{1,3}(?:,\d{3})+(?:\.\d*)?"
_URL = r"https?://[^\s/?#]+[^\s]*"
_WARN_LIST = 20


def _norm(header: str) -> str:
    return re.sub(r"[\s._\-]", "", str(header).lower())


@dataclass
class ImportReport:
    file_name: str
    rows: int
    laos: int
    years: tuple[int, ...]
    revisions: int                  # new submission revisions written (would be written, on a dry run)
    replaced: int                   # of those, LAO-years that already had a submission (kept as history)
    warnings: list[Problem] = field(default_factory=list)
    missing: pd.DataFrame = field(default_factory=pd.DataFrame)   # lao_code, year, indicator_code
    dry_run: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        head = "dry run, nothing changed: " if self.dry_run else ""
        verb = "would import" if self.dry_run else "imported"
        lines = [f"{head}{verb} {self.rows:,} rows from {self.file_name}: {self.laos:,} LAOs, "
                 f"years {', '.join(map(str, self.years))}; {self.revisions:,} new submission revisions "
                 f"({self.replaced:,} replace an earlier one, kept as history) in {self.seconds:.1f} s"]
        lines += [f"warning: {w.text('en')}" for w in self.warnings]
        return "\n".join(lines)

    def summary_th(self) -> str:
        head = "ทดลองตรวจ ยังไม่บันทึกข้อมูล: " if self.dry_run else ""
        verb = "จะนำเข้า" if self.dry_run else "นำเข้าแล้ว"
        lines = [f"{head}{verb} {self.rows:,} แถวจาก {self.file_name}: {self.laos:,} อปท. "
                 f"ปี {', '.join(map(str, self.years))}; ฉบับส่งใหม่ {self.revisions:,} ฉบับ "
                 f"(แทนฉบับเดิม {self.replaced:,} ฉบับ ซึ่งเก็บไว้เป็นประวัติ)"]
        lines += [f"คำเตือน: {w.text('th')}" for w in self.warnings]
        return "\n".join(lines)


class _Problems:
    """Collects problems for many rows at once; messages are templates over {v} (the cell value)."""

    def __init__(self, rows: np.ndarray):
        self.rows = rows
        self.items: list[tuple[int, int, Problem]] = []

    def add(self, mask, column: str, order: int, th: str, en: str, values=None) -> None:
        """`values`: the cell values (array-like), or a function of the problem rows' positions
        that builds them, so costly texts are only made for rows that need them."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(idx):
            return
        if values is None:
            shown = [""] * len(idx)
        elif callable(values):
            shown = [_show(v) for v in values(idx)]
        else:
            arr = np.asarray(values, dtype=object)
            shown = [_show(arr[i]) for i in idx]
        for i, v in zip(idx, shown):
            row = int(self.rows[i])
            self.items.append((row, order, Problem(row, column, th.format(v=v), en.format(v=v))))

    def file(self, column: str | None, th: str, en: str) -> None:
        self.items.append((0, 0, Problem(None, column, th, en)))

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort(key=lambda t: (t[0], t[1]))
            raise ValidationError([p for _, _, p in self.items], "submissions")


def _show(v, limit: int = 40) -> str:
    s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
    return s if len(s) <= limit else s[:limit] + "…"


def _columns(df: pd.DataFrame, probs: _Problems, warnings: list[Problem]) -> dict[str, str]:
    """Map canonical names to the file's headers."""
    found: dict[str, str] = {}
    for h in df.columns:
        canon = ALIASES.get(_norm(h))
        if canon is None:
            warnings.append(Problem(None, str(h), "ไม่รู้จักคอลัมน์นี้ จึงไม่นำเข้า", "unknown column, ignored"))
        elif canon in found:
            probs.file(str(h), f"คอลัมน์ซ้ำกับ '{found[canon]}' (ทั้งสองหมายถึง {canon})",
                       f"duplicates column '{found[canon]}' (both mean {canon})")
        else:
            found[canon] = str(h)
    for c in REQUIRED:
        if c not in found:
            probs.file(c, f"ไม่มีคอลัมน์ {c} (หรือ {THAI_HEADERS[c]}) ซึ่งจำเป็นต้องมี",
                       f"required column {c} (or {THAI_HEADERS[c]}) is missing")
    probs.raise_if_any()
    return found


def _text(s: pd.Series) -> pd.Series:
    """Stripped text or NaN, also for a frame that did not come from read_table."""
    s = s.astype(object)
    t = s.where(s.isna(), s.astype(str).str.strip())
    return t.where(t != "", np.nan)


def _numbers(s: pd.Series) -> pd.Series:
    """Text to float; thousands separators (1,234.5) are allowed; anything else unparseable is NaN."""
    thousands = s.str.fullmatch(_THOUSANDS, na=False)
    if thousands.any():
        s = s.where(~thousands, s.str.replace(",", "", regex=False))
    return pd.to_numeric(s, errors="coerce").astype("float64")


def _check_number(probs: _Problems, raw: pd.Series, num: pd.Series, col: str, order: int) -> np.ndarray:
    """Problems for a numeric column; returns the mask of usable values."""
    given = raw.notna().to_numpy()
    x = num.to_numpy()
    nonnum = given & np.isnan(x)
    nonfinite = given & np.isinf(x)
    with np.errstate(invalid="ignore"):
        negative = given & np.isfinite(x) & (x < 0)
        huge = given & np.isfinite(x) & (x > MAX_VALUE)
    probs.add(nonnum, col, order, "'{v}' ไม่ใช่ตัวเลข", "'{v}' is not a number", raw)
    probs.add(nonfinite, col, order, "'{v}' ไม่ใช่ตัวเลขที่มีค่าจำกัด", "'{v}' is not a finite number", raw)
    probs.add(negative, col, order, "ค่า {v} ติดลบ", "negative value {v}", raw)
    probs.add(huge, col, order, "ค่า {v} ใหญ่เกินจริง", "implausibly large value {v}", raw)
    return given & ~(nonnum | nonfinite | negative | huge)


def _reference(conn: Connection):
    laos = pd.read_sql(text("SELECT code, type FROM lao"), conn).set_index("code")["type"]
    cat = pd.read_sql(text("SELECT year, code, measure, applies_to FROM indicator"), conn)
    rounds = pd.read_sql(text("SELECT year, state FROM round"), conn).set_index("year")["state"]
    return laos, cat, rounds


def validate_submissions(conn: Connection, df: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Check a table read by store.upload.read_table (index = spreadsheet row numbers).

    Returns (clean frame, warnings) or raises ValidationError listing every problem. The clean frame
    has row, lao_code, year, indicator_code, frame, delivered, evidence_url, note, type, measure.
    """
    clean, warnings, _ = _validate(conn, df)
    return clean, warnings


def _validate(conn: Connection, df: pd.DataFrame):
    rows = np.asarray(df.index, dtype="int64")
    probs, warnings = _Problems(rows), []
    cols = _columns(df, probs, warnings)
    laos, cat, rounds = _reference(conn)
    get = {c: _text(df[h]) for c, h in cols.items()}
    order = {c: i for i, c in enumerate(REQUIRED + OPTIONAL, start=1)}

    # LAO
    lao = get["lao_code"]
    col = cols["lao_code"]
    lao_fmt = lao.str.fullmatch(r"\d{7}", na=False).to_numpy()
    lao_type = lao.map(laos).to_numpy(dtype=object)
    lao_ok = lao_fmt & pd.notna(lao_type)
    probs.add(lao.isna(), col, order["lao_code"], "ไม่ได้กรอกรหัส อปท.", "LAO code is empty")
    probs.add(lao.notna() & ~lao_fmt, col, order["lao_code"], "รหัส อปท. '{v}' ต้องเป็นตัวเลข 7 หลัก",
              "LAO code '{v}' must be 7 digits", lao)
    probs.add(lao_fmt & ~lao_ok, col, order["lao_code"], "ไม่พบ อปท. รหัส {v}", "unknown LAO code {v}", lao)

    # Year (B.E.) with a catalogue
    col = cols["year"]
    ynum = _numbers(get["year"])
    y = ynum.to_numpy()
    with np.errstate(invalid="ignore"):
        y_int = np.isfinite(y) & (np.mod(y, 1) == 0)
    years_with_cat = set(cat["year"].astype(int))
    year_i = np.where(y_int, y, -1).astype("int64")
    ce = y_int & (year_i >= 1900) & (year_i < 2200)
    year_ok = y_int & np.isin(year_i, list(years_with_cat))
    probs.add(get["year"].isna(), col, order["year"], "ไม่ได้กรอกปี", "year is empty")
    probs.add(get["year"].notna() & ~y_int, col, order["year"], "ปี '{v}' ไม่ใช่ปี พ.ศ.",
              "year '{v}' is not a B.E. year", get["year"])
    probs.add(ce, col, order["year"], "ปี {v} ดูเป็น ค.ศ. ต้องเป็น พ.ศ. (ค.ศ. + 543)",
              "year {v} looks like C.E.; years are B.E. (C.E. + 543)", get["year"])
    probs.add(y_int & ~ce & ~year_ok, col, order["year"], "ไม่มีบัญชีตัวชี้วัดของปี {v}",
              "no indicator catalogue for year {v}", get["year"])

    # Indicator known for that year and applicable to the LAO's type
    col = cols["indicator_code"]
    code = get["indicator_code"]
    short = code.str.fullmatch(r"[1-8]\.\d", na=False)           # Excel turns the code 1.10 into 1.1
    if short.any():
        code = code.where(~short, code + "0")
    code_fmt = code.str.fullmatch(r"[1-8]\.\d{2}", na=False).to_numpy()
    key = pd.Series(year_i.astype(str), index=df.index) + "|" + code.fillna("")
    cat_key = cat["year"].astype(str) + "|" + cat["code"]
    measure = key.map(pd.Series(cat["measure"].to_numpy(), index=cat_key)).to_numpy(dtype=object)
    known = code_fmt & year_ok & pd.notna(measure)
    applies = cat.assign(t=cat["applies_to"].str.split(";")).explode("t")
    applicable_keys = set(cat_key.loc[applies.index] + "|" + applies["t"])
    applicable = (key + "|" + pd.Series(lao_type, index=df.index).fillna("")).isin(applicable_keys).to_numpy()
    probs.add(code.isna(), col, order["indicator_code"], "ไม่ได้กรอกรหัสตัวชี้วัด", "indicator code is empty")
    probs.add(code.notna() & ~code_fmt, col, order["indicator_code"],
              "รหัสตัวชี้วัด '{v}' ต้องอยู่ในรูป 1.01", "indicator code '{v}' must look like 1.01",
              get["indicator_code"])
    probs.add(code_fmt & year_ok & ~known, col, order["indicator_code"],
              "ไม่มีตัวชี้วัด {v} ในบัญชีของปีนั้น", "indicator {v} is not in that year's catalogue", code)
    probs.add(known & lao_ok & ~applicable, col, order["indicator_code"],
              "ตัวชี้วัด {v} ไม่ใช้กับ อปท. ประเภทนี้", "indicator {v} does not apply to this LAO's type",
              lambda i: [f"{c} ({BY_CODE[t].short_th} / {t})" for c, t in zip(code.iloc[i], lao_type[i])])

    # Numbers
    frame_raw, deliv_raw = get["frame"], get["delivered"]
    frame, deliv = _numbers(frame_raw), _numbers(deliv_raw)
    f_ok = _check_number(probs, frame_raw, frame, cols["frame"], order["frame"])
    d_ok = _check_number(probs, deliv_raw, deliv, cols["delivered"], order["delivered"])
    probs.add(frame_raw.isna(), cols["frame"], order["frame"],
              "ไม่ได้กรอกกรอบการประเมิน (1) (กรอก 0 ถ้าไม่มีบริการนี้ในพื้นที่)",
              "frame (1) is empty (enter 0 when there is no such service)")
    f, d = frame.to_numpy(), deliv.to_numpy()
    is_ratio, is_yesno = measure == "ratio", measure == "yesno"
    with np.errstate(invalid="ignore"):
        probs.add(known & is_ratio & f_ok & d_ok & (d > f), cols["delivered"], order["delivered"],
                  "การจัดบริการ (2) มากกว่ากรอบการประเมิน (1): {v}",
                  "delivered (2) is greater than the frame (1): {v}",
                  lambda i: [f"{a} > {b}" for a, b in zip(deliv_raw.iloc[i], frame_raw.iloc[i])])
        probs.add(known & is_yesno & f_ok & ~np.isin(f, (0.0, 1.0)), cols["frame"], order["frame"],
                  "ตัวชี้วัดแบบใช่/ไม่ใช่ (1) ต้องเป็น 0 หรือ 1 ไม่ใช่ {v}",
                  "a yes/no indicator's frame (1) must be 0 or 1, not {v}", frame_raw)
        probs.add(known & is_yesno & d_ok & ~np.isin(d, (0.0, 1.0)), cols["delivered"], order["delivered"],
                  "ตัวชี้วัดแบบใช่/ไม่ใช่ (2) ต้องเป็น 0 หรือ 1 ไม่ใช่ {v}",
                  "a yes/no indicator's delivered (2) must be 0 or 1, not {v}", deliv_raw)

    # The same LAO × year × indicator twice
    trio = pd.DataFrame({"lao": lao, "year": year_i, "code": code})
    complete = lao.notna().to_numpy() & y_int & code.notna().to_numpy()
    dup = complete & trio.duplicated(keep=False).to_numpy()
    if dup.any():
        t = trio[dup].assign(row=rows[dup].astype(str))
        shown = np.full(len(df), "", dtype=object)
        shown[np.flatnonzero(dup)] = t.groupby(["lao", "year", "code"])["row"].transform(", ".join).to_numpy()
        probs.add(dup, cols["indicator_code"], order["indicator_code"],
                  "อปท. ปี และตัวชี้วัดเดียวกันซ้ำกันในแถว {v}", "the same LAO, year and indicator appear on rows {v}",
                  shown)

    # Optional text columns
    url = get.get("evidence_url", pd.Series(np.nan, index=df.index, dtype=object))
    if "evidence_url" in cols:
        bad_url = url.notna() & ~url.str.fullmatch(_URL, case=False, na=False)
        probs.add(bad_url, cols["evidence_url"], order["evidence_url"],
                  "ลิงก์หลักฐาน '{v}' ต้องขึ้นต้นด้วย http:// หรือ https://",
                  "evidence link '{v}' must be an http:// or https:// address", url)
    note = get.get("note", pd.Series(np.nan, index=df.index, dtype=object))
    for c, s in (("evidence_url", url), ("note", note)):
        if c in cols:
            probs.add(s.str.len().fillna(0).to_numpy() > MAX_TEXT, cols[c], order[c],
                      f"ข้อความยาวเกิน {MAX_TEXT:,} ตัวอักษร", f"text longer than {MAX_TEXT:,} characters")
    probs.raise_if_any()

    clean = pd.DataFrame({"row": rows, "lao_code": lao.to_numpy(), "year": year_i,
                          "indicator_code": code.to_numpy(), "frame": f, "delivered": d,
                          "evidence_url": url.to_numpy(), "note": note.to_numpy(), "type": lao_type,
                          "measure": measure})
    missing = _missing(clean, applies)
    warnings += _missing_warnings(missing) + _round_warnings(clean, rounds)
    return clean, warnings, missing


def _missing(clean: pd.DataFrame, applies: pd.DataFrame) -> pd.DataFrame:
    """Applicable indicators an LAO-year of the file lacks (they will score as not carried out)."""
    pairs = clean[["lao_code", "year", "type"]].drop_duplicates()
    expected = pairs.merge(applies.rename(columns={"t": "type", "code": "indicator_code"})
                           [["year", "type", "indicator_code"]], on=["year", "type"])
    have = clean[["lao_code", "year", "indicator_code"]].assign(_have=True)
    out = expected.merge(have, on=["lao_code", "year", "indicator_code"], how="left")
    return (out[out["_have"].isna()][["lao_code", "year", "indicator_code"]]
            .sort_values(["lao_code", "year", "indicator_code"]).reset_index(drop=True))


def _missing_warnings(missing: pd.DataFrame) -> list[Problem]:
    if missing.empty:
        return []
    groups = list(missing.groupby(["lao_code", "year"])["indicator_code"])
    out = [Problem(None, None, f"อปท. {lao} ปี {y}: ไม่มีแถวของตัวชี้วัด {', '.join(codes)} "
                               f"ซึ่งจะนับเป็นไม่ได้ดำเนินการ",
                   f"LAO {lao} year {y}: no rows for applicable indicator(s) {', '.join(codes)}; "
                   f"they will count as not carried out")
           for (lao, y), codes in groups[:_WARN_LIST]]
    if len(groups) > _WARN_LIST:
        n = len(groups) - _WARN_LIST
        out.append(Problem(None, None, f"และอีก {n:,} อปท.-ปี ที่ขาดตัวชี้วัด",
                           f"and {n:,} more LAO-years with missing indicators"))
    return out


def _round_warnings(clean: pd.DataFrame, rounds: pd.Series) -> list[Problem]:
    out = []
    for y in sorted(clean["year"].unique()):
        state = rounds.get(int(y))
        if state in ("closed", "published"):
            out.append(Problem(None, None, f"รอบปี {y} อยู่ในสถานะ {state}: การนำเข้าจะเปลี่ยนผลที่ปิดหรือเผยแพร่แล้ว",
                               f"round {y} is {state}: this import changes results already closed or published"))
    return out


def import_submissions(engine: Engine, source, who: str = "command line", dry_run: bool = False) -> ImportReport:
    """Validate and (unless dry_run) write a submissions file; `source` is a path or (bytes, name)."""
    t0 = time.perf_counter()
    df = read_table(source)
    name = source[1] if isinstance(source, tuple) else Path(source).name
    if dry_run:
        with engine.connect() as conn:
            clean, warnings, missing = _validate(conn, df)
            pairs = _pairs(conn, clean)
        return _report(name, clean, pairs, warnings, missing, True, t0)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":    # one import at a time: revisions and ids stay consistent
            conn.execute(text("LOCK TABLE submission IN SHARE ROW EXCLUSIVE MODE"))
        clean, warnings, missing = _validate(conn, df)
        pairs = _pairs(conn, clean)
        _write(conn, clean, pairs, name, who)
        for y, laos in pairs.groupby("year")["lao_code"]:
            rescore_in(conn, int(y), laos.tolist())
        log_change(conn, who, "import", f"{len(pairs):,} submission revisions, years "
                   f"{', '.join(map(str, sorted(pairs['year'].unique())))}", name, len(clean))
    return _report(name, clean, pairs, warnings, missing, False, t0)


def _pairs(conn: Connection, clean: pd.DataFrame) -> pd.DataFrame:
    """(LAO, year) pairs of the file with their new revision number."""
    pairs = clean[["lao_code", "year"]].drop_duplicates().reset_index(drop=True)
    prev = pd.read_sql(text("SELECT lao_code, year, MAX(revision) AS prev FROM submission "
                            "WHERE year IN :years GROUP BY lao_code, year")
                       .bindparams(bindparam("years", expanding=True)),
                       conn, params={"years": [int(y) for y in pairs["year"].unique()]})
    pairs = pairs.merge(prev.astype({"year": "int64"}), on=["lao_code", "year"], how="left")
    pairs["revision"] = pairs["prev"].fillna(0).astype("int64") + 1
    return pairs


def _write(conn: Connection, clean: pd.DataFrame, pairs: pd.DataFrame, name: str, who: str) -> None:
    old = pairs[pairs["prev"].notna()]
    if len(old):
        # A file replaces whatever the LAO had, a draft entered online included (it stays as history).
        conn.execute(text("UPDATE submission SET is_current = :no, counted = :no "
                          "WHERE lao_code = :c AND year = :y AND (is_current OR counted)"),
                     [{"no": False, "c": c, "y": int(y)} for c, y in zip(old["lao_code"], old["year"])])
    start = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM submission")).scalar_one() + 1
    subs = pd.DataFrame({"id": np.arange(start, start + len(pairs), dtype="int64"),
                         "lao_code": pairs["lao_code"], "year": pairs["year"], "revision": pairs["revision"],
                         "state": "submitted", "submitted_at": pd.Timestamp(datetime.now().replace(microsecond=0)),
                         "source_file": name[:255], "submitted_by": who[:100], "is_current": True,
                         "counted": True})
    insert_frame(conn, "submission", subs)
    fix_sequence(conn, "submission")
    ids = subs.set_index(["lao_code", "year"])["id"]
    values = clean.assign(submission_id=ids.reindex(pd.MultiIndex.from_frame(clean[["lao_code", "year"]])).to_numpy())
    insert_frame(conn, "indicator_value", values[["submission_id", "indicator_code", "frame", "delivered",
                                                  "evidence_url", "note"]])


def _report(name, clean, pairs, warnings, missing, dry_run, t0) -> ImportReport:
    return ImportReport(file_name=name, rows=len(clean), laos=int(clean["lao_code"].nunique()),
                        years=tuple(int(y) for y in sorted(clean["year"].unique())), revisions=len(pairs),
                        replaced=int(pairs["prev"].notna().sum()), warnings=warnings, missing=missing,
                        dry_run=dry_run, seconds=time.perf_counter() - t0)
