"""The contact e-mail of each LAO (lao.contact_email), where reminders go.

It is set three ways, each checked by the same rule (valid_email: a plain, deliverable-looking address,
no DNS look-up): from the DLA registry import when the file has an e-mail column (an empty cell keeps
what is there), by an administrator, and by the LAO's own staff. Every change is in change_log, and the
address it replaced is kept in row_history. Addresses are not public: they are read within the scope.
"""
from __future__ import annotations

import json
import re

import pandas as pd
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection, Engine, text

from scoring.errors import Problem, problem

from .access import Scope
from .dataset import log_change
from .trail import TrailError, lao_of, require_lao_writer, scope_sql, writing

EMAIL_MAX = 254
EMAIL_HEADERS = {"email", "e-mail", "อีเมล", "อีเมล์", "อีเมลติดต่อ", "contactemail", "ไปรษณีย์อิเล็กทรอนิกส์"}
_HEADER_NOISE = re.compile(r"[\s._\-]")
_LISTED = 20


def valid_email(value) -> str:
    """The address in its normal form (ASCII, so any mail server takes it); TrailError otherwise."""
    s = str(value or "").strip()
    shown = re.sub(r"[\x00-\x1f\x7f-\x9f]", "\N{REPLACEMENT CHARACTER}", s[:60])
    if not s or len(s) > EMAIL_MAX:
        raise TrailError(f"อีเมล '{shown}' ไม่ถูกต้อง (ต้องไม่ว่างและยาวไม่เกิน {EMAIL_MAX} ตัวอักษร)",
                         f"'{shown}' is not a valid e-mail address (empty, or over {EMAIL_MAX} characters)")
    try:
        return validate_email(s, check_deliverability=False, allow_smtputf8=False).ascii_email
    except EmailNotValidError as exc:
        raise TrailError(f"อีเมล '{shown}' ไม่ถูกต้อง ({exc})",
                         f"'{shown}' is not a valid e-mail address: {exc}") from None


def set_contact(engine: Engine, scope: Scope, lao: str, email: str | None) -> str | None:
    """Set (or with None/'' clear) the LAO's contact e-mail: its own staff or an administrator. Returns
    the address as stored."""
    address = None if email in (None, "") or not str(email).strip() else valid_email(email)
    with writing(engine, lao) as conn:
        lr = lao_of(conn, lao)
        require_lao_writer(scope, lr)
        old = conn.execute(text("SELECT contact_email FROM lao WHERE code = :c"), {"c": lr.lao_code}).scalar()
        if old == address:
            return address
        change = log_change(conn, scope.user[:100], "contact-email",
                            f"{lr.lao_code}: contact e-mail {'set' if address else 'cleared'}")
        _keep(conn, change, {lr.lao_code: old})
        conn.execute(text("UPDATE lao SET contact_email = :e WHERE code = :c"), {"e": address, "c": lr.lao_code})
    return address


def _keep(conn: Connection, change_id: int, before: dict[str, str | None]) -> None:
    if before:
        conn.execute(text("INSERT INTO row_history (change_id, entity, entity_key, before) VALUES (:c, :e, :k, :b)"),
                     [{"c": change_id, "e": "lao.contact_email", "k": code,
                       "b": json.dumps({"contact_email": old}, ensure_ascii=False)} for code, old in before.items()])


def contacts(engine: Engine, scope: Scope, province: str | None = None) -> pd.DataFrame:
    """The LAOs in scope with their contact e-mail (empty when none): never for the public."""
    cond, params = scope_sql(scope)
    if province is not None:
        cond += " AND l.province_code = :p"
        params["p"] = str(province)
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT l.code AS lao_code, l.name_th, l.type, l.province_code, l.contact_email "
                                f"FROM lao l WHERE {cond} ORDER BY l.code"), conn, params=params)


def from_registry(conn: Connection, df: pd.DataFrame, who: str) -> list[Problem]:
    """Inside the registry import's transaction, after its LAOs are written: set each LAO's contact
    e-mail from the file's e-mail column, if it has one (the first address given for a code; an empty
    cell keeps the stored one). Invalid addresses are left out and returned as warnings."""
    from .registry import COLUMNS  # the registry's own header names (it imports this module)

    def norm(h) -> str:
        return _HEADER_NOISE.sub("", str(h).lower())

    code_keys = {norm(k) for k, v in COLUMNS.items() if v == "code"}
    code_col = next((h for h in df.columns if norm(h) in code_keys), None)
    mail_col = next((h for h in df.columns if norm(h) in {norm(e) for e in EMAIL_HEADERS}), None)
    if code_col is None or mail_col is None:
        return []
    given = df[[code_col, mail_col]].dropna().astype(str)
    given = given[given[mail_col].str.strip() != ""].drop_duplicates(code_col)
    good, bad = {}, []
    for code, value in zip(given[code_col].str.strip(), given[mail_col], strict=True):
        try:
            good[code] = valid_email(value)
        except TrailError:
            bad.append(code)
    have = dict(conn.execute(text("SELECT code, contact_email FROM lao")).all())
    changed = {c: e for c, e in good.items() if c in have and have[c] != e}
    if changed:
        change = log_change(conn, who[:100], "contact-email", f"{len(changed):,} contact e-mails from the registry",
                            n_rows=len(changed))
        _keep(conn, change, {c: have[c] for c in changed})
        conn.execute(text("UPDATE lao SET contact_email = :e WHERE code = :c"),
                     [{"e": e, "c": c} for c, e in changed.items()])
    if not bad:
        return []
    listed = ", ".join(bad[:_LISTED]) + (" …" if len(bad) > _LISTED else "")
    return [problem(None, str(mail_col), f"อีเมลของ อปท. {len(bad):,} แห่งไม่ถูกต้อง จึงไม่ได้บันทึก: {listed}",
                    f"{len(bad):,} LAO e-mail address(es) are not valid and were left out: {listed}")]
