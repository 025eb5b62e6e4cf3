"""The monitors' review of submitted LAOs, and which revision counts.

A monitor of the LAO's province (or an administrator) looks at the LAO's newest submitted revision and
either marks it checked or returns it for correction with comments, on indicators or on the whole. A
returned revision stops counting: `recount_in` makes the newest submitted revision that was not
returned the counted one (an earlier accepted revision, or none) and rescores the LAO. The LAO then
fixes and submits a new revision (store.entry), whose submit calls the same `recount_in`, so both
paths agree on what is scored and shown. Comments belong to the LAO's round, so the thread carries on
across revisions; the LAO may reply.

Review states of an LAO in a round (from its newest submitted revision): waiting (submitted, not
reviewed), checked, returned, resubmitted (submitted after the revision before it was returned, not yet
reviewed). A published round is not reviewed any more: its results are public.

Comments, revisions and review states are the LAO's private trail (store.trail): never public.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text

from scoring.engine import score_submissions
from scoring.texts import Bilingual

from .access import Scope
from .materialise import catalogue_frame, rescore_in
from .trail import (
    LaoRound,
    TrailError,
    clean_text,
    indicator_of,
    lao_round,
    now,
    record,
    require_read,
    require_reviewer,
    scope_sql,
    writing,
)

REVIEW_STATES = {
    "waiting": Bilingual("รอตรวจ", "waiting"),
    "checked": Bilingual("ตรวจแล้ว", "checked"),
    "returned": Bilingual("ส่งกลับให้แก้ไข", "returned"),
    "resubmitted": Bilingual("ส่งใหม่หลังแก้ไข", "resubmitted"),
}
COMMENT_MAX = 4000
LAO_FIELDS = "l.code AS lao_code, l.name_th, l.type, l.province_code, l.district_code"


# --- which revision counts (shared with store.entry's submit) ----------------------------------------------

def recount_in(conn: Connection, year: int, lao: str) -> int | None:
    """Inside the caller's transaction: make the newest submitted revision of the LAO's round that was not
    returned the counted one (none when there is no such revision) and rescore that LAO. Call it after
    every submit and every return. Returns the counted submission's id, or None."""
    year, lao = int(year), str(lao)
    counted = conn.execute(text(
        "SELECT id FROM submission WHERE lao_code = :lao AND year = :y AND state = 'submitted' AND "
        "(review_state IS NULL OR review_state <> 'returned') ORDER BY revision DESC LIMIT 1"),
        {"lao": lao, "y": year}).scalar()
    conn.execute(text("UPDATE submission SET counted = :no WHERE lao_code = :lao AND year = :y AND counted "
                      "AND id <> :keep"), {"no": False, "lao": lao, "y": year, "keep": counted or -1})
    if counted is not None:
        conn.execute(text("UPDATE submission SET counted = :yes WHERE id = :i"), {"yes": True, "i": counted})
    rescore_in(conn, year, [lao])
    return counted


# --- reviewing --------------------------------------------------------------------------------------------

def _reviewable(conn: Connection, scope: Scope, lao: str, year: int, revision) -> tuple[LaoRound, dict]:
    lr = lao_round(conn, lao, year)
    require_reviewer(scope, lr)
    if lr.state == "published":
        raise TrailError(f"รอบปี {lr.year} เผยแพร่แล้ว จึงตรวจหรือส่งกลับไม่ได้",
                         f"round {lr.year} is published: it is not reviewed any more")
    row = conn.execute(text(
        "SELECT id, revision, review_state FROM submission WHERE lao_code = :lao AND year = :y AND "
        "state = 'submitted' ORDER BY revision DESC LIMIT 1"), {"lao": lr.lao_code, "y": lr.year}).mappings().first()
    if row is None:
        raise TrailError(f"อปท. {lr.lao_code} ยังไม่ได้ส่งข้อมูลรอบปี {lr.year}",
                         f"LAO {lr.lao_code} has not submitted round {lr.year}")
    if str(revision) != str(row["revision"]):
        raise TrailError(f"ครั้งที่ {revision} ไม่ใช่ข้อมูลที่ส่งล่าสุดของ อปท. นี้ "
                         f"(ล่าสุดคือครั้งที่ {row['revision']}): กรุณาเปิดดูใหม่",
                         f"revision {revision} is not this LAO's newest submission (that is revision "
                         f"{row['revision']}): look at it again")
    return lr, dict(row)


def mark_checked(engine: Engine, scope: Scope, lao: str, year: int, revision: int) -> None:
    """Mark the LAO's newest submitted revision (`revision`, the one the monitor looked at) checked."""
    with writing(engine, lao) as conn:
        lr, sub = _reviewable(conn, scope, lao, year, revision)
        if sub["review_state"] is not None:
            raise TrailError(f"ข้อมูลครั้งที่ {sub['revision']} {REVIEW_STATES[sub['review_state']].th}อยู่แล้ว",
                             f"revision {sub['revision']} is {REVIEW_STATES[sub['review_state']].en} already")
        _set_review(conn, scope, sub["id"], "checked")
        record(conn, scope, lr, "check", f"revision {sub['revision']} checked", {},
               submission_id=sub["id"], revision=sub["revision"])


def return_for_correction(engine: Engine, scope: Scope, lao: str, year: int, revision: int,
                          comments: Iterable[tuple[str | None, str]] | str) -> None:
    """Return the LAO's newest submitted revision for correction, with at least one comment: a text on
    the whole, or (indicator code or None, text) pairs. The previous accepted revision (if any) counts
    again, and the LAO is rescored."""
    items = [(None, comments)] if isinstance(comments, str) else list(comments)
    with writing(engine, lao) as conn:
        lr, sub = _reviewable(conn, scope, lao, year, revision)
        if sub["review_state"] == "returned":
            raise TrailError(f"ข้อมูลครั้งที่ {sub['revision']} ถูกส่งกลับไปแล้ว",
                             f"revision {sub['revision']} was returned already")
        clean = [(_indicator(conn, lr, code), _body(body)) for code, body in items]
        clean = [(code, body) for code, body in clean if body]
        if not clean:
            raise TrailError("ส่งกลับให้แก้ไขต้องมีความเห็นอย่างน้อยหนึ่งข้อ ว่าต้องแก้อะไร",
                             "a return needs at least one comment saying what to correct")
        for code, body in clean:
            _insert_comment(conn, scope, lr, sub["id"], code, body)
        _set_review(conn, scope, sub["id"], "returned")
        counted = recount_in(conn, lr.year, lr.lao_code)
        record(conn, scope, lr, "return", f"revision {sub['revision']} returned with {len(clean)} comment(s)",
               {"comments": [{"indicator": c, "body": b} for c, b in clean], "counted_submission": counted},
               submission_id=sub["id"], revision=sub["revision"])


def _set_review(conn: Connection, scope: Scope, submission_id: int, state: str) -> None:
    conn.execute(text("UPDATE submission SET review_state = :s, reviewed_by = :by, reviewed_at = :at WHERE id = :i"),
                 {"s": state, "by": scope.user[:100], "at": now(), "i": submission_id})


def _indicator(conn: Connection, lr: LaoRound, code) -> str | None:
    return None if code in (None, "") else indicator_of(conn, lr, code)


def _body(body) -> str | None:
    return clean_text(body, Bilingual("ความเห็น", "the comment"), COMMENT_MAX, multiline=True)


def _insert_comment(conn: Connection, scope: Scope, lr: LaoRound, submission_id: int, code: str | None,
                    body: str) -> int:
    return int(conn.execute(text(
        "INSERT INTO review_comment (lao_code, year, submission_id, indicator_code, author, author_role, at, body) "
        "VALUES (:lao, :y, :sid, :code, :who, :role, :at, :body) RETURNING id"),
        {"lao": lr.lao_code, "y": lr.year, "sid": submission_id, "code": code, "who": scope.user[:100],
         "role": scope.role, "at": now(), "body": body}).scalar_one())


def comment(engine: Engine, scope: Scope, lao: str, year: int, body: str, indicator: str | None = None) -> int:
    """Add a comment to the LAO's thread (a monitor of its province or an administrator; the LAO's own
    staff to reply), on an indicator or the whole. It is filed under the newest submitted revision (the
    current one when nothing is submitted yet). Returns its id."""
    with writing(engine, lao) as conn:
        lr = lao_round(conn, lao, year)
        if not (scope.role == "lao" and scope.lao_code == lr.lao_code):
            require_reviewer(scope, lr)
        body = clean_text(body, Bilingual("ความเห็น", "the comment"), COMMENT_MAX, multiline=True, required=True)
        code = _indicator(conn, lr, indicator)
        sub = conn.execute(text(
            "SELECT id, revision FROM submission WHERE lao_code = :lao AND year = :y "
            "ORDER BY CASE WHEN state = 'submitted' THEN 0 ELSE 1 END, revision DESC LIMIT 1"),
            {"lao": lr.lao_code, "y": lr.year}).first()
        if sub is None:
            raise TrailError(f"อปท. {lr.lao_code} ยังไม่ได้เริ่มกรอกข้อมูลรอบปี {lr.year}",
                             f"LAO {lr.lao_code} has not started round {lr.year}")
        row = _insert_comment(conn, scope, lr, sub[0], code, body)
        record(conn, scope, lr, "comment", f"comment on {'indicator ' + code if code else 'the whole'}",
               {"comment": row, "indicator": code}, submission_id=sub[0], revision=sub[1])
        return row


# --- reading ----------------------------------------------------------------------------------------------

def comments(engine: Engine, scope: Scope, lao: str, year: int) -> pd.DataFrame:
    """The LAO's comment thread for the round, oldest first: id, revision, indicator_code, author,
    author_role, at, body."""
    with engine.connect() as conn:
        lr = lao_round(conn, lao, year)
        require_read(scope, lr)
        return pd.read_sql(text(
            "SELECT c.id, s.revision, c.indicator_code, c.author, c.author_role, c.at, c.body FROM review_comment c "
            "JOIN submission s ON s.id = c.submission_id WHERE c.lao_code = :lao AND c.year = :y ORDER BY c.at, c.id"),
            conn, params={"lao": lr.lao_code, "y": lr.year})


def revisions(engine: Engine, scope: Scope, lao: str, year: int) -> pd.DataFrame:
    """Every revision of the LAO's round, newest first, with its review."""
    with engine.connect() as conn:
        lr = lao_round(conn, lao, year)
        require_read(scope, lr)
        df = pd.read_sql(text(
            "SELECT id AS submission_id, revision, state, submitted_at, submitted_by, certified_name, "
            "certified_position, is_current, counted, review_state, reviewed_by, reviewed_at FROM submission "
            "WHERE lao_code = :lao AND year = :y ORDER BY revision DESC"), conn,
            params={"lao": lr.lao_code, "y": lr.year})
    return df.astype({"is_current": bool, "counted": bool})


def review_states(engine: Engine, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    """Every LAO in scope that has submitted in the round, with the review state of its newest submitted
    revision (`review`: waiting, checked, returned, resubmitted), who reviewed it and when, whether a newer
    draft is being entered, and how many comments its thread has."""
    cond, params = scope_sql(scope)
    params["y"] = int(year)
    if province is not None:
        cond += " AND l.province_code = :p"
        params["p"] = str(province)
    with engine.connect() as conn:
        df = pd.read_sql(text(
            f"SELECT {LAO_FIELDS}, s.id AS submission_id, s.revision, s.submitted_at, s.review_state, "
            "s.reviewed_by, s.reviewed_at, s.counted, "
            "(SELECT p.review_state FROM submission p WHERE p.lao_code = s.lao_code AND p.year = s.year AND "
            " p.state = 'submitted' AND p.revision < s.revision ORDER BY p.revision DESC LIMIT 1) AS previous_review, "
            "(SELECT COUNT(*) FROM submission d WHERE d.lao_code = s.lao_code AND d.year = s.year AND "
            " d.revision > s.revision) AS newer_drafts, "
            "(SELECT COUNT(*) FROM review_comment c WHERE c.lao_code = s.lao_code AND c.year = s.year) AS n_comments "
            "FROM submission s JOIN lao l ON l.code = s.lao_code "
            "WHERE s.year = :y AND s.state = 'submitted' AND NOT EXISTS (SELECT 1 FROM submission n WHERE "
            "n.lao_code = s.lao_code AND n.year = s.year AND n.state = 'submitted' AND n.revision > s.revision) "
            f"AND {cond} ORDER BY l.code"), conn, params=params)
    df["review"] = np.select([df["review_state"].eq("checked"), df["review_state"].eq("returned"),
                              df["previous_review"].eq("returned")], ["checked", "returned", "resubmitted"],
                             "waiting")
    df["revising"] = df["newer_drafts"] > 0
    return df.drop(columns=["previous_review", "newer_drafts"]).astype({"counted": bool})


def review_counts(engine: Engine, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    """LAOs per province × LAO type × review state (every state listed, zeros included), over the scope."""
    df = review_states(engine, scope, year, province)
    counts = df.groupby(["province_code", "type", "review"]).size().rename("n").reset_index()
    groups = df[["province_code", "type"]].drop_duplicates()
    grid = groups.merge(pd.DataFrame({"review": list(REVIEW_STATES)}), how="cross")
    out = grid.merge(counts, on=["province_code", "type", "review"], how="left").fillna({"n": 0})
    return out.astype({"n": int}).sort_values(["province_code", "type"], kind="stable").reset_index(drop=True)


def revision_changes(engine: Engine, scope: Scope, lao: str, year: int, old: int | None = None,
                     new: int | None = None) -> pd.DataFrame:
    """What changed between two revisions (default: the newest and the one before it), per indicator that
    applies to the LAO: frame, delivered and outcome before and after, and whether any differ."""
    with engine.connect() as conn:
        lr = lao_round(conn, lao, year)
        require_read(scope, lr)
        subs = pd.read_sql(text("SELECT id AS submission_id, revision FROM submission WHERE lao_code = :lao AND "
                                "year = :y ORDER BY revision"), conn, params={"lao": lr.lao_code, "y": lr.year})
        ids = dict(zip(subs["revision"].astype(int), subs["submission_id"].astype(int), strict=True))
        new = _revision(new, ids, lr, default=max(ids, default=None))
        old = _revision(old, ids, lr, default=max((r for r in ids if r < new), default=None))
        values = pd.read_sql(text("SELECT submission_id, indicator_code, frame, delivered FROM indicator_value "
                                  "WHERE submission_id IN (:a, :b)"), conn, params={"a": ids[old], "b": ids[new]})
        catalogue = catalogue_frame(conn, lr.year)
    # Score both sides as if they were two LAOs of the same type, named old and new.
    sides = pd.DataFrame({"submission_id": [ids[old], ids[new]], "lao_code": ["old", "new"],
                          "year": lr.year, "type": lr.type})
    scored = (score_submissions(values, sides, catalogue).merge(sides[["lao_code", "submission_id"]], on="lao_code")
              .merge(values, on=["submission_id", "indicator_code"], how="left"))
    scored["outcome"] = scored["outcome"].astype(str)
    part = {side: scored[scored["lao_code"] == side].set_index("indicator_code") for side in ("old", "new")}
    out = part["old"][["domain"]].join([part[side][["frame", "delivered", "outcome"]].add_suffix(f"_{side}")
                                        for side in ("old", "new")])
    differs = pd.Series(False, index=out.index)
    for col in ("frame", "delivered", "outcome"):
        a, b = out[f"{col}_old"], out[f"{col}_new"]
        differs |= ~((a == b) | (a.isna() & b.isna()))
    out["changed"] = differs
    out.insert(0, "revision_new", new)
    out.insert(0, "revision_old", old)
    return out.reset_index().sort_values("indicator_code").reset_index(drop=True)


def _revision(value, ids: dict[int, int], lr: LaoRound, default: int | None) -> int:
    try:
        rev = default if value is None else int(value)
    except (TypeError, ValueError):
        rev = None
    if rev is None or rev not in ids:
        shown = "-" if value is None else str(value)[:10]
        raise TrailError(f"ไม่มีข้อมูลครั้งที่ {shown} ของ อปท. นี้ในรอบปี {lr.year}",
                         f"this LAO has no revision {shown} in round {lr.year}")
    return rev
