"""The steps after submission (store.trail.STEPS): the committee appointed, the results presented to
the executive, reported to the council (the meeting in `detail`), publicised to citizens (where, in
`detail`). Each is recorded by the LAO with the day it happened (from 1 January of the year before the
round up to today), an optional detail, link and document. A new record of a step replaces the current
one; the old stays as history. Steps are recorded in any state of the round: the council often meets,
and citizens hear, after the round has closed or its results are out.

A step is *evidenced* when its current record has a link, or a document that is not removed, or the
LAO attached evidence to that step (store.evidence with step=...).

Steps are part of the LAO's results: like the scorecard they are public once the round is published,
and before that visible within the scope (store.access). Their documents are not: the document's id
and name are given only to those who may read the LAO's private trail (store.trail).
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, text

from scoring.texts import Bilingual

from . import evidence
from .access import Scope
from .trail import (
    STEPS,
    LaoRound,
    NotAllowed,
    TrailError,
    clean_text,
    clean_url,
    lao_round,
    may_read,
    now,
    plausible_date,
    record,
    require_lao_writer,
    step_of,
    writing,
)

DETAIL_MAX = 1000
# Whether the current record of a step (alias rs) is backed by a link or a live document.
EVIDENCED = ("(rs.url IS NOT NULL OR EXISTS (SELECT 1 FROM attachment a WHERE a.lao_code = rs.lao_code "
             "AND a.year = rs.year AND a.removed_at IS NULL AND (a.id = rs.attachment_id OR a.step = rs.step)))")
LAO_FIELDS = "l.code AS lao_code, l.name_th, l.type, l.province_code, l.district_code"


def record_step(engine: Engine, scope: Scope, lao: str, year: int, step: str, done_on, *,
                detail: str | None = None, url: str | None = None, file: tuple[bytes, str] | None = None,
                attachment_id: int | None = None) -> int:
    """Record (or record anew) that a step was done on `done_on`, optionally with a detail text, a link,
    and a document: a new file (bytes, name), stored as evidence of the step, or the id of evidence
    already attached to this LAO's round. All or nothing; returns the record's id."""
    step = step_of(step)
    if file is not None:
        evidence.check_size(len(file[0]))          # an oversized file is refused before any lock is taken
    with writing(engine, lao) as conn:
        lr = lao_round(conn, lao, year)
        require_lao_writer(scope, lr)
        day = plausible_date(done_on, Bilingual(f"วันที่{STEPS[step].th}", f"the date {STEPS[step].en}"), lr.year)
        detail = clean_text(detail, Bilingual("รายละเอียด", "the detail"), DETAIL_MAX, multiline=True)
        link = clean_url(url) if url not in (None, "") else None
        if file is not None and attachment_id is not None:
            raise TrailError("แนบเอกสารใหม่หรือเลือกหลักฐานที่มีอยู่แล้ว อย่างใดอย่างหนึ่ง",
                             "give a new document or an existing piece of evidence, not both")
        if file is not None:
            attachment_id = evidence.insert_file(conn, scope, lr, bytes(file[0]), file[1], step=step)
        elif attachment_id is not None:
            attachment_id = _own_attachment(conn, lr, attachment_id)
        conn.execute(text("UPDATE round_step SET is_current = :no WHERE lao_code = :lao AND year = :y AND "
                          "step = :s AND is_current"), {"no": False, "lao": lr.lao_code, "y": lr.year, "s": step})
        row = int(conn.execute(text(
            "INSERT INTO round_step (lao_code, year, step, done_on, detail, url, attachment_id, recorded_by, "
            "recorded_at, is_current) VALUES (:lao, :y, :s, :d, :detail, :url, :att, :by, :at, :yes) RETURNING id"),
            {"lao": lr.lao_code, "y": lr.year, "s": step, "d": day, "detail": detail, "url": link,
             "att": attachment_id, "by": scope.user[:100], "at": now(), "yes": True}).scalar_one())
        record(conn, scope, lr, "step", f"{step} done on {day.isoformat()}",
               {"step": step, "done_on": day.isoformat(), "detail": detail, "url": link,
                "attachment": attachment_id, "record": row})
        return row


def _own_attachment(conn: Connection, lr: LaoRound, attachment_id) -> int:
    try:
        key = int(attachment_id)
    except (TypeError, ValueError):
        key = None
    ok = key is not None and conn.execute(text(
        "SELECT 1 FROM attachment WHERE id = :i AND lao_code = :lao AND year = :y AND removed_at IS NULL"),
        {"i": key, "lao": lr.lao_code, "y": lr.year}).first()
    if not ok:
        raise TrailError("ไม่พบหลักฐานนี้ในรอบการประเมินของ อปท. นี้ (หรือถูกลบไปแล้ว)",
                         "that evidence is not part of this LAO's round (or was removed)")
    return key


def _visible(scope: Scope, lr: LaoRound) -> bool:
    return lr.state == "published" or may_read(scope, lr)


def steps(engine: Engine, scope: Scope, lao: str, year: int, history: bool = False) -> pd.DataFrame:
    """One row per step in STEPS order (a step not recorded has done False and empty fields): step,
    name_th, name_en, done, done_on, detail, url, evidenced, has_document, attachment_id and file_name
    (empty for those who may not read the documents), recorded_by, recorded_at. With `history`, every
    record ever made (newest first), with is_current."""
    with engine.connect() as conn:
        lr = lao_round(conn, lao, year)
        if not _visible(scope, lr):
            raise NotAllowed(f"ผู้ใช้ {scope.user} ไม่มีสิทธิ์ดูขั้นตอนของ อปท. {lr.lao_code} ในรอบที่ยังไม่เผยแพร่",
                             f"{scope.user} ({scope.role}) may not see LAO {lr.lao_code}'s steps in a round not "
                             "yet published")
        current = "" if history else " AND rs.is_current"
        df = pd.read_sql(text(
            "SELECT rs.id, rs.step, rs.done_on, rs.detail, rs.url, rs.attachment_id, a.file_name, "
            f"a.removed_at IS NOT NULL AS document_removed, rs.recorded_by, rs.recorded_at, rs.is_current, "
            f"{EVIDENCED} AS evidenced FROM round_step rs LEFT JOIN attachment a ON a.id = rs.attachment_id "
            f"WHERE rs.lao_code = :lao AND rs.year = :y{current} ORDER BY rs.recorded_at DESC, rs.id DESC"),
            conn, params={"lao": lr.lao_code, "y": lr.year})
    df["evidenced"] = df["evidenced"].astype(bool)
    df["is_current"] = df["is_current"].astype(bool)
    df["has_document"] = df["attachment_id"].notna() & ~df["document_removed"].fillna(False).astype(bool)
    if not may_read(scope, lr):
        df["attachment_id"] = None
        df["file_name"] = None
    df = df.drop(columns=["document_removed"])
    if history:
        return df.assign(name_th=df["step"].map(lambda s: STEPS[s].th), name_en=df["step"].map(lambda s: STEPS[s].en))
    out = pd.DataFrame({"step": list(STEPS), "name_th": [b.th for b in STEPS.values()],
                        "name_en": [b.en for b in STEPS.values()]}).merge(df, on="step", how="left")
    out["done"] = out["id"].notna()
    out["evidenced"] = out["evidenced"].fillna(False).astype(bool)
    out["has_document"] = out["has_document"].fillna(False).astype(bool)
    return out.drop(columns=["is_current"])


def _in_scope(scope: Scope, year: int, province: str | None) -> tuple[str, dict]:
    cond, params = scope.row_filter(":y")
    params["y"] = int(year)
    if province is not None:
        cond += " AND l.province_code = :p"
        params["p"] = str(province)
    return cond, params


def current_steps(conn: Connection, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    """The current record of every step of every LAO in scope: lao_code, step, done_on, evidenced."""
    cond, params = _in_scope(scope, year, province)
    df = pd.read_sql(text(f"SELECT rs.lao_code, rs.step, rs.done_on, {EVIDENCED} AS evidenced FROM round_step rs "
                          "JOIN lao l ON l.code = rs.lao_code WHERE rs.year = :y AND rs.is_current "
                          f"AND {cond}"), conn, params=params)
    return df.assign(evidenced=df["evidenced"].astype(bool))


def step_counts(engine: Engine, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    """Per province × LAO type × step, over the LAOs in scope: n_laos, n_done (recorded), n_evidenced."""
    with engine.connect() as conn:
        cond, params = _in_scope(scope, year, province)
        laos = pd.read_sql(text(f"SELECT l.province_code, l.type, COUNT(*) AS n_laos FROM lao l WHERE {cond} "
                                "GROUP BY l.province_code, l.type"), conn, params=params)
        done = current_steps(conn, scope, year, province).merge(
            pd.read_sql(text("SELECT code AS lao_code, province_code, type FROM lao"), conn), on="lao_code")
    grid = laos.merge(pd.DataFrame({"step": list(STEPS)}), how="cross")
    counts = (done.groupby(["province_code", "type", "step"])
              .agg(n_done=("lao_code", "size"), n_evidenced=("evidenced", "sum")).reset_index())
    out = grid.merge(counts, on=["province_code", "type", "step"], how="left")
    out[["n_done", "n_evidenced"]] = out[["n_done", "n_evidenced"]].fillna(0).astype(int)
    out["step"] = pd.Categorical(out["step"], categories=list(STEPS), ordered=True)
    return out.sort_values(["province_code", "type", "step"]).reset_index(drop=True).astype({"step": str})


def missing_step(engine: Engine, scope: Scope, year: int, step: str, province: str | None = None,
                 evidenced: bool = False) -> pd.DataFrame:
    """The LAOs in scope that have not recorded `step` in the round (with `evidenced`: or have recorded it
    without a link or document), for the worklist's filter."""
    step = step_of(step)
    with engine.connect() as conn:
        cond, params = _in_scope(scope, year, province)
        params["s"] = step
        need = f" AND {EVIDENCED}" if evidenced else ""
        return pd.read_sql(text(f"SELECT {LAO_FIELDS} FROM lao l WHERE {cond} AND NOT EXISTS (SELECT 1 FROM "
                                "round_step rs WHERE rs.lao_code = l.code AND rs.year = :y AND rs.step = :s AND "
                                f"rs.is_current{need}) ORDER BY l.code"), conn, params=params)
