"""Submission import (docs/design.md "Files in and out"): one row per LAO × year × indicator.

The whole file is validated first, vectorised (a national round is ~300-400k rows), by a table of
checks (CHECKS) over facts derived once per file (_Facts), and every problem is listed by spreadsheet
row (header = 1) and column as it is headed in the file (the first LAO_PROBLEMS_LISTED of them; the rest
are counted). Then it is written all or nothing in one transaction under the import lock: each
(LAO, year) in the file gets a new counted revision, earlier revisions stay as history, and the
affected results are rescored in the same transaction. The checks run again inside that transaction,
so a catalogue imported meanwhile cannot leave figures for an indicator it dropped.

A published round is the public record: a file with rows for one is refused unless it is a deliberate
correction with a reason (`correction=`, CLI `import FILE --correction "…"`), logged in change_log with
its year and reason and listed on the methodology page.

Columns nobody asked for (e.g. an LAO name column) are ignored with a warning rather than refused:
files exported from other systems carry such columns and they do no harm.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text

from scoring.errors import Problem
from scoring.laotypes import BY_CODE
from scoring.texts import Bilingual, has_control

from .bulk import insert_frame
from .dataset import fix_sequence, import_transaction, log_change
from .materialise import rescore_in
from .upload import read_table
from .validation import (
    WARN_LIST,
    CellCheck,
    ProblemCollector,
    clean_multiline,
    control_mask,
    normalise_header,
    parse_numbers,
    run_checks,
    text_column,
)

REQUIRED = ("lao_code", "year", "indicator_code", "frame", "delivered")
OPTIONAL = ("evidence_url", "note")
ORDER = {c: i for i, c in enumerate(REQUIRED + OPTIONAL, start=1)}     # problems of a row, left to right
# Headers are compared by validation.normalise_header (lower case, no spaces, dots, underscores, hyphens).
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
MAX_REASON = 500
DUP_ROWS_SHOWN = 3                 # rows named in a duplicate's message
_URL = r"https?://[^\s/?#]+[^\s]*"


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
    published: tuple[int, ...] = ()  # published rounds the file changes (a correction)
    correction: str | None = None   # the reason, when the file corrects a published round

    def summary(self, lang: str = "th") -> str:
        years = ", ".join(map(str, self.years))
        head = Bilingual("ทดลองตรวจ ยังไม่บันทึกข้อมูล: ", "dry run, nothing changed: ") if self.dry_run else None
        verb = Bilingual("จะนำเข้า", "would import") if self.dry_run else Bilingual("นำเข้าแล้ว", "imported")
        line = Bilingual(
            f"{verb.th} {self.rows:,} แถวจาก {self.file_name}: {self.laos:,} อปท. ปี {years}; ฉบับส่งใหม่ "
            f"{self.revisions:,} ฉบับ (แทนฉบับเดิม {self.replaced:,} ฉบับ ซึ่งเก็บไว้เป็นประวัติ)",
            f"{verb.en} {self.rows:,} rows from {self.file_name}: {self.laos:,} LAOs, years {years}; "
            f"{self.revisions:,} new submission revisions ({self.replaced:,} replace an earlier one, kept as "
            f"history) in {self.seconds:.1f} s")
        lines = [(head.text(lang) if head else "") + line.text(lang)]
        if self.correction:
            lines.append(Bilingual(f"แก้ไขผลที่เผยแพร่แล้ว เหตุผล: {self.correction}",
                                   f"correction of a published round, reason: {self.correction}").text(lang))
        warn = "คำเตือน" if lang == "th" else "warning"
        return "\n".join(lines + [f"{warn}: {w.text(lang)}" for w in self.warnings])


def _columns(df: pd.DataFrame, probs: ProblemCollector, warnings: list[Problem]) -> dict[str, str]:
    """Map canonical names to the file's headers."""
    found: dict[str, str] = {}
    for h in df.columns:
        canon = ALIASES.get(normalise_header(h))
        if canon is None:
            warnings.append(Problem(None, str(h), Bilingual("ไม่รู้จักคอลัมน์นี้ จึงไม่นำเข้า", "unknown column, ignored")))
        elif canon in found:
            probs.file(str(h), Bilingual(f"คอลัมน์ซ้ำกับ '{found[canon]}' (ทั้งสองหมายถึง {canon})",
                                         f"duplicates column '{found[canon]}' (both mean {canon})"))
        else:
            found[canon] = str(h)
    for c in REQUIRED:
        if c not in found:
            probs.file(c, Bilingual(f"ไม่มีคอลัมน์ {c} (หรือ {THAI_HEADERS[c]}) ซึ่งจำเป็นต้องมี",
                                    f"required column {c} (or {THAI_HEADERS[c]}) is missing"))
    probs.raise_if_any()
    return found


# --- the facts every check looks at, derived once per file -----------------------------------------

@dataclass
class _Facts:
    """Arrays aligned with the file's rows."""
    text: dict[str, pd.Series]          # stripped text (NaN when empty) per canonical column
    laos: pd.Series                     # the registry: type by LAO code
    catalogue: pd.DataFrame             # year, code, measure, applies_to of every year
    lao_fmt: np.ndarray = field(init=False)
    lao_type: np.ndarray = field(init=False)
    lao_ok: np.ndarray = field(init=False)
    y_int: np.ndarray = field(init=False)
    year_i: np.ndarray = field(init=False)
    ce: np.ndarray = field(init=False)
    year_ok: np.ndarray = field(init=False)
    code: pd.Series = field(init=False)         # the indicator code, with Excel's 1.1 for 1.10 repaired
    code_fmt: np.ndarray = field(init=False)
    measure: np.ndarray = field(init=False)
    known: np.ndarray = field(init=False)
    applicable: np.ndarray = field(init=False)
    applies: pd.DataFrame = field(init=False)   # (year, code, t): which indicator applies to which type
    num: dict[str, np.ndarray] = field(init=False)
    dup: np.ndarray = field(init=False)
    dup_rows: Callable[[np.ndarray], list[str]] = field(init=False)

    def given(self, col: str) -> np.ndarray:
        return self.text[col].notna().to_numpy()

    def usable(self, col: str) -> np.ndarray:
        """A number that passed its own checks."""
        x = self.num[col]
        with np.errstate(invalid="ignore"):
            return self.given(col) & np.isfinite(x) & (x >= 0) & (x <= MAX_VALUE)


def _lao_facts(f: _Facts) -> None:
    lao = f.text["lao_code"]
    f.lao_fmt = lao.str.fullmatch(r"\d{7}", na=False).to_numpy()
    f.lao_type = lao.map(f.laos).to_numpy(dtype=object)
    f.lao_ok = f.lao_fmt & pd.notna(f.lao_type)


def _year_facts(f: _Facts) -> None:
    y = parse_numbers(f.text["year"]).to_numpy()
    with np.errstate(invalid="ignore"):
        f.y_int = np.isfinite(y) & (np.mod(y, 1) == 0)
    f.year_i = np.where(f.y_int, y, -1).astype("int64")
    f.ce = f.y_int & (f.year_i >= 1900) & (f.year_i < 2200)
    f.year_ok = f.y_int & np.isin(f.year_i, f.catalogue["year"].astype(int).unique())


def _indicator_facts(f: _Facts) -> None:
    code = f.text["indicator_code"]
    short = code.str.fullmatch(r"[1-8]\.\d", na=False)           # Excel turns the code 1.10 into 1.1
    f.code = code.where(~short, code + "0") if short.any() else code
    f.code_fmt = f.code.str.fullmatch(r"[1-8]\.\d{2}", na=False).to_numpy()
    cat = f.catalogue.astype({"year": "int64"})
    # Looked up on (year, code) and (year, code, type) index levels: integer codes, no key strings.
    rows = pd.MultiIndex.from_arrays([f.year_i, f.code.fillna("")])
    measure = pd.Series(cat["measure"].to_numpy(), index=pd.MultiIndex.from_frame(cat[["year", "code"]]))
    f.measure = measure.reindex(rows).to_numpy(dtype=object)
    f.known = f.code_fmt & f.year_ok & pd.notna(f.measure)
    f.applies = cat.assign(t=cat["applies_to"].str.split(";")).explode("t")
    applies = pd.MultiIndex.from_frame(f.applies[["year", "code", "t"]])
    typed = pd.MultiIndex.from_arrays([f.year_i, f.code.fillna(""), pd.Series(f.lao_type).fillna("")])
    f.applicable = typed.isin(applies)


def _duplicate_facts(f: _Facts, rows: np.ndarray) -> None:
    """Rows whose LAO × year × indicator appears more than once; `dup_rows(i)` names the rows of row
    i's group (the first few), built only for the rows that are listed."""
    trio = pd.DataFrame({"lao": f.text["lao_code"], "year": f.year_i, "code": f.code})
    complete = f.given("lao_code") & f.y_int & f.code.notna().to_numpy()
    f.dup = complete & trio.duplicated(keep=False).to_numpy()
    group = np.full(len(rows), -1, dtype="int64")
    group[f.dup] = trio[f.dup].groupby(["lao", "year", "code"], sort=False).ngroup().to_numpy()
    order = np.lexsort((rows[f.dup], group[f.dup]))
    by_group, group_rows = group[f.dup][order], rows[f.dup][order]

    def shown(positions) -> list[str]:
        out = []
        for g in group[positions]:
            lo, hi = np.searchsorted(by_group, g, "left"), np.searchsorted(by_group, g, "right")
            first = ", ".join(map(str, group_rows[lo:min(hi, lo + DUP_ROWS_SHOWN)]))
            out.append(first if hi - lo <= DUP_ROWS_SHOWN else f"{first}, … ({hi - lo:,})")
        return out
    f.dup_rows = shown


def _facts(conn: Connection, df: pd.DataFrame, cols: dict[str, str]) -> _Facts:
    laos = pd.read_sql(text("SELECT code, type FROM lao"), conn).set_index("code")["type"]
    cat = pd.read_sql(text("SELECT year, code, measure, applies_to FROM indicator"), conn)
    f = _Facts(text={c: text_column(df[h]) for c, h in cols.items()}, laos=laos, catalogue=cat)
    if "note" in f.text:
        f.text["note"] = clean_multiline(f.text["note"])
    _lao_facts(f)
    _year_facts(f)
    _indicator_facts(f)
    f.num = {c: parse_numbers(f.text[c]).to_numpy() for c in ("frame", "delivered")}
    _duplicate_facts(f, np.asarray(df.index, dtype="int64"))
    return f


# --- the checks, as a table ------------------------------------------------------------------------

def _number_checks(col: str) -> tuple[CellCheck, ...]:
    def finite(f):               # the value, 0 where it is not a finite number
        return np.where(f.given(col) & np.isfinite(f.num[col]), f.num[col], 0.0)

    return (
        CellCheck(col, Bilingual("'{v}' ไม่ใช่ตัวเลข", "'{v}' is not a number"),
                  lambda f: f.given(col) & np.isnan(f.num[col]), lambda f: f.text[col]),
        CellCheck(col, Bilingual("'{v}' ไม่ใช่ตัวเลขที่มีค่าจำกัด", "'{v}' is not a finite number"),
                  lambda f: f.given(col) & np.isinf(f.num[col]), lambda f: f.text[col]),
        CellCheck(col, Bilingual("ค่า {v} ติดลบ", "negative value {v}"), lambda f: finite(f) < 0, lambda f: f.text[col]),
        CellCheck(col, Bilingual("ค่า {v} ใหญ่เกินจริง", "implausibly large value {v}"),
                  lambda f: finite(f) > MAX_VALUE, lambda f: f.text[col]),
    )


def _ratio_over(f: _Facts) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (f.known & (f.measure == "ratio") & f.usable("frame") & f.usable("delivered")
                & (f.num["delivered"] > f.num["frame"]))


def _yesno_bad(f: _Facts, col: str) -> np.ndarray:
    return f.known & (f.measure == "yesno") & f.usable(col) & ~np.isin(f.num[col], (0.0, 1.0))


def _with_type(f: _Facts):
    """The indicator code with the LAO's type, built only for the rows listed."""
    return lambda i: [f"{c} ({BY_CODE[t].short_th} / {t})" for c, t in zip(f.code.iloc[i], f.lao_type[i])]


def _text_checks(col: str, multiline: bool) -> tuple[CellCheck, ...]:
    return (
        CellCheck(col, Bilingual("ข้อความมีอักขระควบคุมหรืออักขระที่มองไม่เห็น (เช่น แท็บ หรือการขึ้นบรรทัดแบบ CR) ต้องลบออก",
                                 "the text holds a control or invisible character (such as a tab or a bare "
                                 "carriage return): remove it"),
                  lambda f: control_mask(f.text[col], multiline=multiline)),
        CellCheck(col, Bilingual(f"ข้อความยาวเกิน {MAX_TEXT:,} ตัวอักษร", f"text longer than {MAX_TEXT:,} characters"),
                  lambda f: f.text[col].str.len().fillna(0).to_numpy() > MAX_TEXT),
    )


CHECKS: tuple[CellCheck, ...] = (
    CellCheck("lao_code", Bilingual("ไม่ได้กรอกรหัส อปท.", "LAO code is empty"), lambda f: ~f.given("lao_code")),
    CellCheck("lao_code", Bilingual("รหัส อปท. '{v}' ต้องเป็นตัวเลข 7 หลัก", "LAO code '{v}' must be 7 digits"),
              lambda f: f.given("lao_code") & ~f.lao_fmt, lambda f: f.text["lao_code"]),
    CellCheck("lao_code", Bilingual("ไม่พบ อปท. รหัส {v}", "unknown LAO code {v}"),
              lambda f: f.lao_fmt & ~f.lao_ok, lambda f: f.text["lao_code"]),
    CellCheck("year", Bilingual("ไม่ได้กรอกปี", "year is empty"), lambda f: ~f.given("year")),
    CellCheck("year", Bilingual("ปี '{v}' ไม่ใช่ปี พ.ศ.", "year '{v}' is not a B.E. year"),
              lambda f: f.given("year") & ~f.y_int, lambda f: f.text["year"]),
    CellCheck("year", Bilingual("ปี {v} ดูเป็น ค.ศ. ต้องเป็น พ.ศ. (ค.ศ. + 543)",
                                "year {v} looks like C.E.; years are B.E. (C.E. + 543)"),
              lambda f: f.ce, lambda f: f.text["year"]),
    CellCheck("year", Bilingual("ไม่มีบัญชีตัวชี้วัดของปี {v}", "no indicator catalogue for year {v}"),
              lambda f: f.y_int & ~f.ce & ~f.year_ok, lambda f: f.text["year"]),
    CellCheck("indicator_code", Bilingual("ไม่ได้กรอกรหัสตัวชี้วัด", "indicator code is empty"),
              lambda f: f.code.isna().to_numpy()),
    CellCheck("indicator_code", Bilingual("รหัสตัวชี้วัด '{v}' ต้องอยู่ในรูป 1.01", "indicator code '{v}' must look like 1.01"),
              lambda f: f.code.notna().to_numpy() & ~f.code_fmt, lambda f: f.text["indicator_code"]),
    CellCheck("indicator_code", Bilingual("ไม่มีตัวชี้วัด {v} ในบัญชีของปีนั้น",
                                          "indicator {v} is not in that year's catalogue"),
              lambda f: f.code_fmt & f.year_ok & ~f.known, lambda f: f.code),
    CellCheck("indicator_code", Bilingual("ตัวชี้วัด {v} ไม่ใช้กับ อปท. ประเภทนี้",
                                          "indicator {v} does not apply to this LAO's type"),
              lambda f: f.known & f.lao_ok & ~f.applicable, lambda f: _with_type(f)),
    CellCheck("indicator_code", Bilingual("อปท. ปี และตัวชี้วัดเดียวกันซ้ำกันในแถว {v}",
                                          "the same LAO, year and indicator appear on rows {v}"),
              lambda f: f.dup, lambda f: f.dup_rows),
    *_number_checks("frame"),
    CellCheck("frame", Bilingual("ไม่ได้กรอกกรอบการประเมิน (1) (กรอก 0 ถ้าไม่มีบริการนี้ในพื้นที่)",
                                 "frame (1) is empty (enter 0 when there is no such service)"),
              lambda f: ~f.given("frame")),
    CellCheck("frame", Bilingual("ตัวชี้วัดแบบใช่/ไม่ใช่ (1) ต้องเป็น 0 หรือ 1 ไม่ใช่ {v}",
                                 "a yes/no indicator's frame (1) must be 0 or 1, not {v}"),
              lambda f: _yesno_bad(f, "frame"), lambda f: f.text["frame"]),
    *_number_checks("delivered"),
    CellCheck("delivered", Bilingual("การจัดบริการ (2) มากกว่ากรอบการประเมิน (1): {v}",
                                     "delivered (2) is greater than the frame (1): {v}"),
              _ratio_over, lambda f: lambda i: [f"{a} > {b}" for a, b in zip(f.text["delivered"].iloc[i],
                                                                             f.text["frame"].iloc[i])]),
    CellCheck("delivered", Bilingual("ตัวชี้วัดแบบใช่/ไม่ใช่ (2) ต้องเป็น 0 หรือ 1 ไม่ใช่ {v}",
                                     "a yes/no indicator's delivered (2) must be 0 or 1, not {v}"),
              lambda f: _yesno_bad(f, "delivered"), lambda f: f.text["delivered"]),
    CellCheck("evidence_url", Bilingual("ลิงก์หลักฐาน '{v}' ต้องขึ้นต้นด้วย http:// หรือ https://",
                                        "evidence link '{v}' must be an http:// or https:// address"),
              lambda f: f.given("evidence_url") & ~f.text["evidence_url"].str.fullmatch(_URL, case=False, na=False)
              .to_numpy(), lambda f: f.text["evidence_url"]),
    *_text_checks("evidence_url", multiline=False),
    *_text_checks("note", multiline=True),
)


# --- validation ------------------------------------------------------------------------------------

def validate_submissions(conn: Connection, df: pd.DataFrame,
                         correction: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Check a table read by store.upload.read_table (index = spreadsheet row numbers).

    Returns (clean frame, warnings) or raises ValidationError listing the problems. The clean frame
    has row, lao_code, year, indicator_code, frame, delivered, evidence_url, note, type, measure.
    """
    clean, warnings, _, _ = _validate(conn, df, correction)
    return clean, warnings


def _validate(conn: Connection, df: pd.DataFrame, correction: str | None):
    """(clean frame, warnings, missing indicators, (published years, the correction's reason) when the
    file corrects a published round), or ValidationError."""
    rows = np.asarray(df.index, dtype="int64")
    probs, warnings = ProblemCollector(rows, "submissions"), []
    cols = _columns(df, probs, warnings)
    f = _facts(conn, df, cols)
    run_checks(probs, CHECKS, f, cols, ORDER)
    rounds = pd.read_sql(text("SELECT year, state FROM round"), conn).set_index("year")["state"]
    years = sorted({int(y) for y in f.year_i[f.year_ok]})
    published = [y for y in years if rounds.get(y) == "published"]
    warnings += _round_checks(probs, years, rounds, correction)
    probs.raise_if_any({"years": years, "published": published})
    blank = pd.Series(np.nan, index=df.index, dtype=object)
    clean = pd.DataFrame({"row": rows, "lao_code": f.text["lao_code"].to_numpy(), "year": f.year_i,
                          "indicator_code": f.code.to_numpy(), "frame": f.num["frame"],
                          "delivered": f.num["delivered"], "evidence_url": f.text.get("evidence_url", blank).to_numpy(),
                          "note": f.text.get("note", blank).to_numpy(), "type": f.lao_type, "measure": f.measure})
    missing = _missing(clean, f.applies)
    reason = correction_reason(correction) if published else None
    return clean, warnings + _missing_warnings(missing), missing, (tuple(published), reason)


def correction_reason(reason: str | None) -> str | None:
    """The reason as stored (stripped), None when none was given."""
    reason = (reason or "").strip()
    return reason or None


def _round_checks(probs: ProblemCollector, years: list[int], rounds: pd.Series,
                  correction: str | None) -> list[Problem]:
    """Published rounds change only by a correction with a reason, one round at a time; closed ones warn."""
    reason = correction_reason(correction)
    published = [y for y in years if rounds.get(y) == "published"]
    if published and reason is None:
        probs.file("year", Bilingual(
            f"รอบปี {', '.join(map(str, published))} เผยแพร่แล้ว: การนำเข้าจะแก้ไขผลที่เผยแพร่ต่อสาธารณะ จึงทำได้เฉพาะผู้ดูแลระบบ"
            " โดยระบุเหตุผลของการแก้ไข",
            f"round {', '.join(map(str, published))} is published: importing into it corrects public results, "
            "which needs an administrator's reason (--correction \"…\" on the command line, the reason box on the "
            "admin page)"))
    elif published and len(years) > 1:
        probs.file("year", Bilingual(f"การแก้ไขผลที่เผยแพร่ทำได้ครั้งละหนึ่งรอบ แต่ไฟล์นี้มีปี {', '.join(map(str, years))}",
                                     f"a correction changes one published round at a time; this file has years "
                                     f"{', '.join(map(str, years))}"))
    if reason is not None and (len(reason) > MAX_REASON or has_control(reason, multiline=True)):
        probs.file(None, Bilingual(f"เหตุผลของการแก้ไขต้องยาวไม่เกิน {MAX_REASON} ตัวอักษร และไม่มีอักขระควบคุม",
                                   f"the correction's reason must be at most {MAX_REASON} characters, without "
                                   "control characters"))
    warnings = [Problem(None, None, Bilingual(f"รอบปี {y} ปิดรับข้อมูลแล้ว: การนำเข้าจะเปลี่ยนผลของรอบที่ปิดแล้ว",
                                              f"round {y} is closed: this import changes results already closed"))
                for y in years if rounds.get(y) == "closed"]
    if reason is not None and not published:
        warnings.append(Problem(None, None, Bilingual("ไม่มีรอบที่เผยแพร่แล้วในไฟล์นี้ จึงไม่บันทึกเหตุผลเป็นการแก้ไข",
                                                      "no published round in this file: the reason is not recorded "
                                                      "as a correction")))
    return warnings


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
    out = [Problem(None, None, Bilingual(f"อปท. {lao} ปี {y}: ไม่มีแถวของตัวชี้วัด {', '.join(codes)} "
                                         f"ซึ่งจะนับเป็นไม่ได้ดำเนินการ",
                                         f"LAO {lao} year {y}: no rows for applicable indicator(s) {', '.join(codes)}; "
                                         f"they will count as not carried out"))
           for (lao, y), codes in groups[:WARN_LIST]]
    if len(groups) > WARN_LIST:
        n = len(groups) - WARN_LIST
        out.append(Problem(None, None, Bilingual(f"และอีก {n:,} อปท.-ปี ที่ขาดตัวชี้วัด",
                                                 f"and {n:,} more LAO-years with missing indicators")))
    return out


# --- import ----------------------------------------------------------------------------------------

def import_submissions(engine: Engine, source, who: str = "command line", dry_run: bool = False,
                       correction: str | None = None) -> ImportReport:
    """Validate and (unless dry_run) write a submissions file; `source` is a path or (bytes, name).
    `correction`: the reason, required when the file has rows for a published round."""
    t0 = time.perf_counter()
    df = read_table(source)
    name = source[1] if isinstance(source, tuple) else Path(source).name
    if dry_run:
        with engine.connect() as conn:
            clean, warnings, missing, correcting = _validate(conn, df, correction)
            pairs = _pairs(conn, clean)
        return _report(name, clean, pairs, warnings, missing, True, t0, correcting)
    with import_transaction(engine, "submissions") as conn:
        clean, warnings, missing, correcting = _validate(conn, df, correction)
        pairs = _pairs(conn, clean)
        _write(conn, clean, pairs, name, who)
        for y, laos in pairs.groupby("year")["lao_code"]:
            rescore_in(conn, int(y), laos.tolist())
        years = sorted(int(y) for y in pairs["year"].unique())
        log_change(conn, who, "import", f"{len(pairs):,} submission revisions, years {', '.join(map(str, years))}",
                   name, len(clean), year=years[0] if len(years) == 1 else None, reason=correcting[1])
    return _report(name, clean, pairs, warnings, missing, False, t0, correcting)


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


def _report(name, clean, pairs, warnings, missing, dry_run, t0, correcting) -> ImportReport:
    return ImportReport(file_name=name, rows=len(clean), laos=int(clean["lao_code"].nunique()),
                        years=tuple(int(y) for y in sorted(clean["year"].unique())), revisions=len(pairs),
                        replaced=int(pairs["prev"].notna().sum()), warnings=warnings, missing=missing,
                        dry_run=dry_run, seconds=time.perf_counter() - t0, published=correcting[0],
                        correction=correcting[1])
