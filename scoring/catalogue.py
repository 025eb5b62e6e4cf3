"""Indicator catalogues: one YAML file per assessment year, validated on load.

A year file either lists every indicator or says `based_on: <year>` and gives only what changed
(`retire`, `changes`, new `indicators`), so a catalogue revision reads as a diff. Official catalogues
can also arrive as CSV/XLSX tables (see `from_table`); both paths share one validator.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd
import yaml

from .errors import Problem, ValidationError, problem
from .laotypes import TYPE_CODES
from .rates import DOMAINS
from .texts import Bilingual, has_control

CATALOGUE_DIR = Path(__file__).parent / "catalogues"
MEASURES = ("ratio", "count", "yesno")
PROVENANCE = ("verified", "illustrative")
CODE_RE = re.compile(r"^([1-8])\.(\d{2})$")
REQUIRED = ("code", "name_th", "name_en", "measure", "target", "applies_to", "frame_th", "frame_en",
            "delivered_th", "delivered_en", "provenance")
OPTIONAL = ("mission_th", "mission_en", "unit_th", "unit_en", "source", "countable", "targets",
            "frame_help_th", "frame_help_en", "delivered_help_th", "delivered_help_en")
# `countable`: the unit counts whole things (spots, signals, vehicles), so amounts round up to whole units
TRUE, FALSE = ("true", "yes", "1", "ใช่"), ("false", "no", "0", "ไม่ใช่")
COLUMNS = ("code", "domain", *REQUIRED[1:], *OPTIONAL)


@dataclass(frozen=True)
class Catalogue:
    year: int
    indicators: pd.DataFrame   # one row per indicator, index = code, columns = COLUMNS minus code

    @property
    def codes(self) -> list[str]:
        return list(self.indicators.index)

    def applicable(self) -> pd.DataFrame:
        """Long frame (code, lao_type): which indicator applies to which LAO type."""
        s = self.indicators["applies_to"].str.split(";").explode()
        return pd.DataFrame({"code": s.index, "lao_type": s.values})


@lru_cache(maxsize=1)
def domains() -> pd.DataFrame:
    """The 8 domains, index = domain number (1-8), columns name_th, name_en.

    A missing or broken domains.yaml raises ValidationError("catalogue") saying what is wrong; nothing
    is cached then, so the file is read again (and the app recovers) once it is fixed."""
    where = "domains.yaml"
    try:
        rows = yaml.safe_load((CATALOGUE_DIR / where).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = " ".join(str(exc).split())[:300]
        raise ValidationError([problem(None, None, f"{where}: อ่านไฟล์ไม่ได้ ({reason})",
                                       f"{where}: cannot be read ({reason})")], "catalogue") from exc
    ok = isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
    if ok:
        ok = sorted(str(r.get("domain")) for r in rows) == list(DOMAINS) and not any(
            _blank(r.get(k)) for r in rows for k in ("name_th", "name_en"))
    if not ok:
        raise ValidationError([problem(
            None, None, f"{where}: ต้องมีด้าน 1-8 ด้านละหนึ่งรายการ พร้อม name_th และ name_en",
            f"{where}: must list domains 1-8 once each, with name_th and name_en")], "catalogue")
    out = pd.DataFrame(rows)[["domain", "name_th", "name_en"]]
    return out.assign(domain=out["domain"].astype(int)).set_index("domain").sort_index()


def available_years(directory: Path = CATALOGUE_DIR) -> list[int]:
    return sorted(int(p.stem) for p in directory.glob("[0-9][0-9][0-9][0-9].yaml"))


def load(year: int, directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Resolve a year's file (following `based_on`) and validate the result."""
    records = _resolve(int(year), Path(directory), seen=())
    return Catalogue(int(year), validate_records(list(records.values()), source=f"{year}.yaml"))


def _read_year(year: int, directory: Path, seen: tuple[int, ...]) -> dict:
    """One year file's document, or ValidationError (circular chain, missing, not YAML, wrong year)."""
    path = directory / f"{year}.yaml"
    where = path.name
    if year in seen:
        raise ValidationError([problem(None, "based_on", f"{where}: อ้างอิงปีวนซ้ำ {seen}",
                                       f"{where}: circular based_on chain {seen}")], "catalogue")
    if not path.exists():
        raise ValidationError([problem(None, None, f"ไม่พบบัญชีตัวชี้วัดของปี {year}",
                                       f"no catalogue file for year {year}")], "catalogue")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValidationError([problem(None, None, f"{where}: อ่านไฟล์ YAML ไม่ได้ ({exc})",
                                       f"{where}: not valid YAML ({exc})")], "catalogue") from exc
    if not isinstance(doc, dict) or doc.get("year") != year:
        raise ValidationError([problem(None, "year", f"{where}: ต้องมี year: {year}",
                                       f"{where}: must say year: {year}")], "catalogue")
    return doc


def _resolve(year: int, directory: Path, seen: tuple[int, ...]) -> dict[str, dict]:
    """The year's records: its base year's (`based_on`), with `retire`, `changes` and new `indicators`
    applied."""
    doc = _read_year(year, directory, seen)
    where = f"{year}.yaml"
    records: dict[str, dict] = {}
    if "based_on" in doc:
        records = {c: dict(r) for c, r in _resolve(int(doc["based_on"]), directory, seen + (year,)).items()}
    problems: list[Problem] = []
    for code in doc.get("retire") or []:
        if records.pop(str(code), None) is None:
            problems.append(problem(None, "retire", f"{where}: ยกเลิกตัวชี้วัด {code} ที่ไม่มีในปีฐาน",
                                    f"{where}: retires {code}, which the base year does not have"))
    for code, fields in (doc.get("changes") or {}).items():
        if str(code) not in records:
            problems.append(problem(None, "changes", f"{where}: แก้ไขตัวชี้วัด {code} ที่ไม่มีในปีฐาน",
                                    f"{where}: changes {code}, which the base year does not have"))
        else:
            records[str(code)].update(fields or {})
    for rec in doc.get("indicators") or []:
        code = str(rec.get("code", ""))
        if code in records:
            problems.append(problem(None, "code", f"{where}: ตัวชี้วัด {code} ซ้ำ", f"{where}: {code} defined twice"))
        records[code] = dict(rec)
    if problems:
        raise ValidationError(problems, "catalogue")
    return records


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _flag(v) -> bool | None:
    """An optional yes/no field: True, False, or None when it is neither (blank means False)."""
    if _blank(v):
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    text = str(v).strip().casefold()
    return True if text in TRUE else False if text in FALSE else None


def _targets_wrong(rec: dict) -> list[str]:
    """Per-type targets naming a type the indicator does not apply to, or not a number."""
    targets, unreadable = parse_targets(rec.get("targets"))
    return sorted(set(targets) - set(_types(rec))) + unreadable


def _targets_invalid(rec: dict) -> bool:
    targets, _ = parse_targets(rec.get("targets"))
    return any(_target(rec | {"target": v}) is None for v in targets.values())


# Text fields of a record: labels are one line; missions and sources may have several.
LABELS = ("name_th", "name_en", "frame_th", "frame_en", "delivered_th", "delivered_en", "unit_th", "unit_en")
LONG_TEXTS = ("mission_th", "mission_en", "source")


def _types(rec: dict) -> list[str]:
    types = rec.get("applies_to")
    if isinstance(types, str):
        return [t.strip() for t in re.split(r"[;,]", types) if t.strip()]
    return [str(t) for t in types] if isinstance(types, (list, tuple)) else []


def _target(rec: dict) -> float | None:
    """The target as a number when it is valid for the measure, else None."""
    try:
        t = float(rec.get("target"))
    except (TypeError, ValueError):
        return None
    ok = math.isfinite(t) and ((0 < t <= 100) if rec.get("measure") in ("ratio", "yesno") else t > 0)
    return t if ok else None


@dataclass(frozen=True)
class FieldCheck:
    """One check of a record: `fails(record)` is True when the field named `column` is wrong; the
    message is a template over {code} and {v} (what `shown(record)` gives, else the field's value)."""
    column: str
    fails: Callable[[dict], bool]
    message: Bilingual
    shown: Callable[[dict], object] | None = None


def _text_check(column: str, multiline: bool) -> FieldCheck:
    return FieldCheck(column, lambda r: isinstance(r.get(column), str) and has_control(r[column], multiline),
                      Bilingual("{code}: ข้อความมีอักขระควบคุมหรืออักขระที่มองไม่เห็น (เช่น ขึ้นบรรทัดใหม่ แท็บ) ต้องลบออก",
                                "{code}: the text holds a control or invisible character (e.g. a line break or "
                                "tab): remove it"))


CHECKS: tuple[FieldCheck, ...] = (
    *(FieldCheck(f, lambda r, f=f: _blank(r.get(f)), Bilingual("{code}: ไม่มีค่า " + f, "{code}: " + f + " is missing"))
      for f in REQUIRED[1:]),
    FieldCheck("measure", lambda r: not _blank(r.get("measure")) and r["measure"] not in MEASURES,
               Bilingual("{code}: ชนิดการวัด '{v}' ไม่รู้จัก (ratio, count, yesno)",
                         "{code}: unknown measure '{v}' (ratio, count, yesno)")),
    FieldCheck("target", lambda r: not _blank(r.get("target")) and _target(r) is None,
               Bilingual("{code}: ค่าเป้าหมาย '{v}' ไม่ถูกต้อง", "{code}: invalid target '{v}'")),
    FieldCheck("applies_to", lambda r: any(t not in TYPE_CODES for t in _types(r)),
               Bilingual("{code}: ประเภท อปท. ไม่รู้จัก {v}", "{code}: unknown LAO types {v}"),
               shown=lambda r: [t for t in _types(r) if t not in TYPE_CODES]),
    FieldCheck("provenance", lambda r: not _blank(r.get("provenance")) and r["provenance"] not in PROVENANCE,
               Bilingual("{code}: ที่มา '{v}' ต้องเป็น verified หรือ illustrative",
                         "{code}: provenance '{v}' must be verified or illustrative")),
    FieldCheck("source", lambda r: r.get("provenance") == "verified" and _blank(r.get("source")),
               Bilingual("{code}: ตัวชี้วัดที่ยืนยันแล้วต้องระบุแหล่งที่มา", "{code}: a verified indicator needs a source")),
    FieldCheck("targets", lambda r: bool(_targets_wrong(r)),
               Bilingual("{code}: ค่าเป้าหมายรายประเภทต้องเป็นประเภทที่ตัวชี้วัดนี้ใช้ และเป็นตัวเลข ({v})",
                         "{code}: per-type targets must name types the indicator applies to, with a number ({v})"),
               shown=_targets_wrong),
    FieldCheck("targets", lambda r: not _targets_wrong(r) and _targets_invalid(r),
               Bilingual("{code}: ค่าเป้าหมายรายประเภทไม่ถูกต้อง", "{code}: invalid per-type target")),
    FieldCheck("countable", lambda r: _flag(r.get("countable")) is None,
               Bilingual("{code}: countable ต้องเป็น true หรือ false ไม่ใช่ '{v}'",
                         "{code}: countable must be true or false, not '{v}'")),
    *(_text_check(f, multiline=False) for f in LABELS),
    *(_text_check(f, multiline=True) for f in LONG_TEXTS),
)


def _record_problems(i: int, rec: dict, code: str, source: str) -> list[Problem]:
    out = []
    for check in CHECKS:
        if check.fails(rec):
            shown = check.shown(rec) if check.shown else rec.get(check.column)
            msg = check.message.format(code=code, v=shown)
            out.append(Problem(i, check.column, Bilingual(f"{source}: {msg.th}", f"{source}: {msg.en}")))
    return out


def _row(rec: dict, code: str) -> dict:
    types = _types(rec)
    row = {c: (None if _blank(rec.get(c)) else rec.get(c)) for c in COLUMNS}
    row.update(code=code, domain=int(code[0]), applies_to=";".join(t for t in TYPE_CODES if t in types),
               target=_target(rec), targets=format_targets(parse_targets(rec.get("targets"))[0]),
               countable=bool(_flag(rec.get("countable"))))
    return row


def validate_records(records: list[dict], source: str = "catalogue") -> pd.DataFrame:
    """Check every record against CHECKS; raise ValidationError listing all problems, else return the
    indicator frame."""
    problems: list[Problem] = []
    rows, seen = [], set()
    for i, rec in enumerate(records, start=1):
        code = "" if _blank(rec.get("code")) else str(rec["code"]).strip()
        if not CODE_RE.match(code):
            problems.append(problem(i, "code", f"{source}: รหัสตัวชี้วัด '{code}' ต้องอยู่ในรูป ด.ลล เช่น 1.01",
                                    f"{source}: indicator code '{code}' must look like 1.01 (domain 1-8, two digits)"))
            continue
        if code in seen:
            problems.append(problem(i, "code", f"{source}: รหัสตัวชี้วัด {code} ซ้ำ",
                                    f"{source}: indicator code {code} appears twice"))
        seen.add(code)
        problems += _record_problems(i, rec, code, source)
        rows.append(_row(rec, code))
    if not rows and not problems:
        problems.append(problem(None, None, f"{source}: ไม่มีตัวชี้วัด", f"{source}: no indicators"))
    if problems:
        raise ValidationError(problems, "catalogue")
    return pd.DataFrame(rows, columns=list(COLUMNS)).set_index("code").sort_index()


def parse_targets(value) -> tuple[dict[str, float], list[str]]:
    """Per-type targets from a YAML mapping ({subdistrict_mun: 75}) or table text ("subdistrict_mun=75;
    city=85"). Returns (targets, entries that could not be read)."""
    if _blank(value):
        return {}, []
    items = value.items() if isinstance(value, dict) else (
        part.split("=", 1) if "=" in part else (part, "") for part in re.split(r"[;,]", str(value)) if part.strip())
    out, bad = {}, []
    for t, v in items:
        t = str(t).strip()
        try:
            out[t] = float(v)
        except (TypeError, ValueError):
            bad.append(f"{t}={v}")
    return out, bad


def format_targets(targets: dict[str, float]) -> str | None:
    """The one text form of per-type targets (stored, exported, shown): types in their fixed order."""
    return ";".join(f"{t}={targets[t]:g}" for t in TYPE_CODES if t in targets) or None


def typed_targets(catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator and LAO type it applies to (year, code, type, target): each type's own target
    where the catalogue gives one, else the indicator's. `catalogue` has year, code, target, applies_to and
    optionally targets."""
    long = catalogue.assign(type=catalogue["applies_to"].str.split(";")).explode("type")
    if "targets" in long.columns:
        own = [parse_targets(ts)[0].get(t) for ts, t in zip(long["targets"], long["type"])]
        long = long.assign(target=[o if o is not None else d for o, d in zip(own, long["target"])])
    return long[["year", "code", "type", "target"]].reset_index(drop=True)


TABLE_ALIASES = {"indicator_code": "code", "รหัสตัวชี้วัด": "code", "ด้าน": "domain", "ค่าเป้าหมาย": "target",
                 "ค่าเป้าหมายรายประเภท": "targets"}


def from_table(df: pd.DataFrame, year: int, source: str = "file") -> Catalogue:
    """An official catalogue from a CSV/XLSX table (the `export catalogue` columns plus names and labels).

    Rows are validated like the YAML files; a `domain` column, when present, must agree with the code.
    """
    df = df.rename(columns={c: TABLE_ALIASES.get(str(c).strip(), str(c).strip()) for c in df.columns})
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ValidationError([problem(None, c, f"{source}: ไม่มีคอลัมน์ {c}", f"{source}: missing column {c}")
                               for c in missing], "catalogue")
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    frame = validate_records(records, source=source)
    if "domain" in df.columns:
        wrong = [(i, r) for i, r in enumerate(records, start=1)
                 if r.get("domain") is not None and str(r["code"]).strip() in frame.index
                 and str(r["domain"]).strip() != str(frame.at[str(r["code"]).strip(), "domain"])]
        if wrong:
            raise ValidationError([problem(i, "domain", f"{source}: ด้านไม่ตรงกับรหัส {r['code']}",
                                           f"{source}: domain does not match code {r['code']}")
                                   for i, r in wrong], "catalogue")
    return Catalogue(int(year), frame)
