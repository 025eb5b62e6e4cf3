"""What a round counts for: whether an LAO's round meets the conditions ODLOC's letters name for the
result to count towards its score in the good-governance award (results also inform subsidy
allocation). This is THIS PRODUCT'S READING of the programme, not an official rule: ODLOC decides. The
letter for the 2567 round (quoted in an LAO memo) says the result may count when the LAO records its
data in the system correctly, completes every step and submits complete data; evidence of each step
went to ODLOC. Read here as three conditions:

* `submitted`: figures entered correctly and completely: the round has a counted revision (submitted,
  complete by store.entry's rule, and not returned by a monitor);
* `on_time`: the LAO's first submission fell within the round's window (a resubmission asked for by a
  monitor's return does not make it late); None while it has not submitted and the window is open;
* each step of store.trail.STEPS done and evidenced: recorded, with a link or a document.

Every page, export and download that shows these says they are this product's reading (READING).
The conditions follow the results' visibility (store.access): public once the round is published,
within the scope before.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, text

from scoring.texts import Bilingual

from .access import Scope
from .steps import current_steps
from .trail import STEPS, NotAllowed, lao_round, may_read

READING = Bilingual(
    "เงื่อนไขนี้เป็นการอ่านหนังสือแจ้งของสำนักงาน ก.ก.ถ. โดยระบบนี้ ไม่ใช่เกณฑ์ทางการ สำนักงาน ก.ก.ถ. เป็นผู้ตัดสิน",
    "These conditions are this product's reading of ODLOC's letters, not an official rule: ODLOC decides.")
CONDITIONS = {
    "submitted": Bilingual("ส่งข้อมูลครบถ้วน และไม่ถูกส่งกลับให้แก้ไข", "figures submitted complete and not returned"),
    "on_time": Bilingual("ส่งข้อมูลภายในช่วงเวลาที่กำหนด", "submitted within the window"),
    **{s: Bilingual(f"{b.th} พร้อมเอกสารหรือลิงก์หลักฐาน", f"{b.en}, with a document or link")
       for s, b in STEPS.items()},
}
EXPORT_COLUMNS = ["lao_code", "name_th", "type", "province_code", "district_code", "year", "submitted",
                  "first_submitted_at", "on_time", *[f"step_{s}" for s in STEPS], "meets", "missing", "missing_text"]


def round_conditions(engine: Engine, scope: Scope, year: int, province: str | None = None,
                     lao: str | None = None) -> pd.DataFrame:
    """One row per LAO in scope: its conditions (submitted, on_time, one column per step), `meets` (all
    of them hold) and `missing` (the codes of CONDITIONS that do not, in order)."""
    year = int(year)
    cond, params = scope.row_filter(":y")
    params["y"] = year
    for column, value, key in (("l.province_code", province, "p"), ("l.code", lao, "lao")):
        if value is not None:
            cond += f" AND {column} = :{key}"
            params[key] = str(value)
    with engine.connect() as conn:
        window = conn.execute(text("SELECT window_open, window_close FROM round WHERE year = :y"), {"y": year}).first()
        laos = pd.read_sql(text(
            "SELECT l.code AS lao_code, l.name_th, l.type, l.province_code, l.district_code, a.submitted, "
            "a.first_submitted_at FROM lao l LEFT JOIN (SELECT lao_code, MAX(CASE WHEN counted THEN 1 ELSE 0 END) "
            "AS submitted, MIN(CASE WHEN state = 'submitted' THEN submitted_at END) AS first_submitted_at "
            "FROM submission WHERE year = :y GROUP BY lao_code) a ON a.lao_code = l.code "
            f"WHERE {cond} ORDER BY l.code"), conn, params=params)
        done = current_steps(conn, scope, year, province)
    opens, closes = (_day(window[0]), _day(window[1])) if window else (None, None)
    out = laos.assign(year=year, submitted=laos["submitted"].fillna(0).astype(bool))
    firsts = out["first_submitted_at"] = pd.to_datetime(out["first_submitted_at"], format="ISO8601")
    out["on_time"] = pd.Series([_on_time(None if pd.isna(t) else t.date(), opens, closes) for t in firsts],
                               index=out.index, dtype=object)
    evidenced = done[done["evidenced"]]
    for step in STEPS:
        out[step] = out["lao_code"].isin(evidenced.loc[evidenced["step"] == step, "lao_code"])
    rows = out[list(CONDITIONS)].astype(object).to_dict("records")
    out["meets"] = [all(r[c] is not None and bool(r[c]) for c in CONDITIONS) for r in rows]
    out["missing"] = [[c for c in CONDITIONS if r[c] is not None and not bool(r[c])] for r in rows]
    return out


def _on_time(first: date | None, opens: date | None, closes: date | None) -> bool | None:
    """Within the window (a bound the round lacks does not limit it); None while not submitted and the
    window is still open."""
    if first is None:
        return None if closes is None or date.today() <= closes else False
    return (opens is None or first >= opens) and (closes is None or first <= closes)


def _day(v) -> date | None:
    return None if v is None else pd.Timestamp(v).date()


def lao_conditions(engine: Engine, scope: Scope, lao: str, year: int) -> dict:
    """One LAO's conditions for the scorecard: {condition: True | False | None (not decided yet)},
    plus meets, missing (codes) and reading (READING, to print beside them)."""
    with engine.connect() as conn:
        lr = lao_round(conn, lao, year)
    if lr.state != "published" and not may_read(scope, lr):
        raise NotAllowed(f"ผู้ใช้ {scope.user} ไม่มีสิทธิ์ดูข้อมูลของ อปท. {lr.lao_code} ในรอบที่ยังไม่เผยแพร่",
                         f"{scope.user} ({scope.role}) may not see LAO {lr.lao_code}'s round before it is published")
    row = round_conditions(engine, scope, lr.year, lao=lr.lao_code).iloc[0]
    return {**{c: (None if row[c] is None else bool(row[c])) for c in CONDITIONS},
            "meets": bool(row["meets"]), "missing": list(row["missing"]), "reading": READING}


def conditions_export(engine: Engine, scope: Scope, year: int, province: str | None = None,
                      lang: str = "th") -> pd.DataFrame:
    """The list executives download (per province with `province`): EXPORT_COLUMNS, conditions as 1/0
    (on_time empty while undecided), `missing` as codes joined by ';' and `missing_text` in `lang`."""
    df = round_conditions(engine, scope, year, province)
    out = df.rename(columns={s: f"step_{s}" for s in STEPS})
    for c in ["submitted", *[f"step_{s}" for s in STEPS], "meets"]:
        out[c] = out[c].astype(int)
    out["on_time"] = pd.array([None if v is None else int(bool(v)) for v in df["on_time"]], dtype="Int64")
    out["missing_text"] = ["; ".join(CONDITIONS[c].text(lang) for c in m) for m in df["missing"]]
    out["missing"] = [";".join(m) for m in df["missing"]]
    return out[EXPORT_COLUMNS].reset_index(drop=True)
