"""Reminder e-mails, in Thai, to the LAOs of an open round that have not submitted or were returned.

Each reminder has a reason and a reference, and (lao, year, reason, reference) is unique in the reminder
table, so the same reminder is never sent twice, by one run or by two at once:

* not_submitted, reference `close-<window close>`: one per LAO and deadline (a moved deadline is a new
  reminder);
* returned, reference `revision-<n>`: one per returned revision (a second return is a new reminder).

A run claims each reminder (status `sending`) before it talks to the mail server, then marks it `sent`
or `failed` with the error; failed ones are tried again by the next run, as is a claim left `sending`
for more than STALE_MINUTES by a run that died. LAOs without a contact e-mail are listed, not stored.
Every sent reminder leaves an entry_event; each run that sends leaves one change_log row.

Monitors send for their province, administrators for any; executives may list what is due.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pandas as pd
from pythainlp.util import thai_strftime
from sqlalchemy import Engine, text

from scoring.texts import Bilingual

from . import mail
from .access import Scope
from .dataset import log_change
from .trail import NotAllowed, TrailError, lao_round, now, record, scope_sql

REASONS = {
    "not_submitted": Bilingual("ยังไม่ได้ส่งข้อมูล", "not submitted"),
    "returned": Bilingual("ถูกส่งกลับให้แก้ไข", "returned for correction"),
}
STALE_MINUTES = 15
ERROR_MAX = 500


@dataclass
class RunReport:
    """What one run did (or, dry, would do): LAO codes per outcome."""
    year: int
    dry_run: bool
    configured: bool
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    would_send: list[str] = field(default_factory=list)
    already_sent: int = 0

    def summary(self, lang: str = "th") -> str:
        if self.dry_run or not self.configured:
            head = (Bilingual("ทดลอง ยังไม่ได้ส่ง: ", "dry run, nothing sent: ") if self.dry_run else
                    Bilingual("ยังไม่ได้ตั้งค่าเซิร์ฟเวอร์อีเมล (LAO_SMTP_HOST) จึงไม่ได้ส่ง: ",
                              "no mail server set (LAO_SMTP_HOST), nothing sent: ")).text(lang)
            body = Bilingual(f"จะส่งถึง อปท. {len(self.would_send):,} แห่ง",
                             f"would remind {len(self.would_send):,} LAOs").text(lang)
        else:
            head = ""
            body = Bilingual(f"ส่งแล้ว {len(self.sent):,} แห่ง ไม่สำเร็จ {len(self.failed):,} แห่ง "
                             "(จะลองใหม่ครั้งหน้า)",
                             f"sent {len(self.sent):,}, failed {len(self.failed):,} (tried again next run)").text(lang)
        tail = Bilingual(f"; เคยส่งแล้ว {self.already_sent:,} แห่ง; ไม่มีอีเมลติดต่อ {len(self.no_address):,} แห่ง",
                         f"; {self.already_sent:,} sent before; {len(self.no_address):,} without a contact "
                         "e-mail").text(lang)
        return f"{Bilingual(f'รอบปี {self.year}: ', f'round {self.year}: ').text(lang)}{head}{body}{tail}"


def due(engine: Engine, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    """The reminders the round calls for, one per LAO in scope that has not submitted or whose newest
    submission was returned: lao_code, name_th, type, province_code, contact_email, reason, reason_ref,
    revision (returned), window_close, and the stored reminder's status (empty when never tried), sent_at,
    error."""
    if not scope.signed_in:
        raise NotAllowed("ต้องเข้าสู่ระบบก่อน", "sign in first")
    year = int(year)
    cond, params = scope_sql(scope)
    params["y"] = year
    if province is not None:
        cond += " AND l.province_code = :p"
        params["p"] = str(province)
    with engine.connect() as conn:
        rnd = conn.execute(text("SELECT window_close FROM round WHERE year = :y"), {"y": year}).first()
        if rnd is None:
            raise TrailError(f"ไม่มีรอบการประเมินปี {year}", f"there is no assessment round {year}")
        # Per LAO: whether a revision counts, and its newest submitted revision (when that was returned).
        laos = pd.read_sql(text(
            "SELECT l.code AS lao_code, l.name_th, l.type, l.province_code, l.contact_email, a.counted, "
            "CASE WHEN ns.review_state = 'returned' THEN ns.revision END AS returned_revision FROM lao l "
            "LEFT JOIN (SELECT lao_code, MAX(CASE WHEN counted THEN 1 ELSE 0 END) AS counted, "
            " MAX(CASE WHEN state = 'submitted' THEN revision END) AS newest FROM submission WHERE year = :y "
            " GROUP BY lao_code) a ON a.lao_code = l.code "
            "LEFT JOIN submission ns ON ns.lao_code = l.code AND ns.year = :y AND ns.revision = a.newest "
            f"WHERE {cond} ORDER BY l.code"), conn, params=params)
        stored = pd.read_sql(text("SELECT r.lao_code, r.reason, r.reason_ref, r.status, r.sent_at, r.error "
                                  f"FROM reminder r JOIN lao l ON l.code = r.lao_code WHERE r.year = :y AND {cond}"),
                             conn, params=params)
    close = pd.Timestamp(rnd[0]).date() if rnd[0] is not None else None
    returned = laos["returned_revision"].notna()
    waiting = ~returned & (laos["counted"].fillna(0) == 0)
    out = laos[returned | waiting].copy()
    out["revision"] = out["returned_revision"].astype("Int64")
    deadline = f"close-{close.isoformat() if close else 'none'}"
    out["reason"] = pd.Series(["not_submitted" if pd.isna(r) else "returned" for r in out["revision"]],
                              index=out.index, dtype=object)
    out["reason_ref"] = pd.Series([deadline if pd.isna(r) else f"revision-{int(r)}" for r in out["revision"]],
                                  index=out.index, dtype=object)
    out["window_close"] = close
    out["year"] = year
    out = out.drop(columns=["counted", "returned_revision"]).merge(
        stored, on=["lao_code", "reason", "reason_ref"], how="left")
    return out.reset_index(drop=True)


def send(engine: Engine, scope: Scope, year: int, province: str | None = None, dry_run: bool = False,
         link_base: str | None = None) -> RunReport:
    """E-mail every reminder `due` that was not sent yet (a monitor: their province only). `link_base`:
    the site's public address, to put a link to the LAO's form in the message. A dry run, or no
    LAO_SMTP_HOST, sends and stores nothing and reports what would go."""
    if not (scope.can_administer or scope.role == "monitor"):
        raise NotAllowed("เฉพาะผู้ตรวจของจังหวัดหรือผู้ดูแลระบบเท่านั้นที่ส่งการแจ้งเตือนได้",
                         f"{scope.user} ({scope.role}) may not send reminders: monitors and administrators only")
    if scope.role == "monitor" and province not in (None, scope.province_code):
        raise NotAllowed(f"ผู้ตรวจของจังหวัด {scope.province_code} ส่งการแจ้งเตือนถึงจังหวัดอื่นไม่ได้",
                         f"a monitor of province {scope.province_code} may not remind province {province}")
    with engine.connect() as conn:
        state = conn.execute(text("SELECT state FROM round WHERE year = :y"), {"y": int(year)}).scalar()
    if state is not None and state != "open":
        raise TrailError(f"รอบปี {year} ไม่ได้เปิดรับข้อมูล จึงไม่ส่งการแจ้งเตือน",
                         f"round {year} is not open: no reminders are sent")
    items = due(engine, scope, year, province)
    cfg = mail.config()
    report = RunReport(int(year), dry_run, cfg is not None)
    stale = now() - timedelta(minutes=STALE_MINUTES)
    sent_at = pd.to_datetime(items["sent_at"], format="ISO8601")
    todo = items[(items["status"] != "sent") & ~((items["status"] == "sending") & (sent_at > stale))]
    report.already_sent = int(len(items) - len(todo))
    report.no_address = list(todo.loc[todo["contact_email"].isna(), "lao_code"])
    todo = todo[todo["contact_email"].notna()]
    if dry_run or cfg is None:
        report.would_send = list(todo["lao_code"])
        return report
    claimed = [item for item in todo.itertuples(index=False) if _claim(engine, scope, item)]
    if claimed:
        _deliver(engine, scope, cfg, claimed, link_base, report)
        with engine.begin() as conn:
            log_change(conn, scope.user[:100], "remind", report.summary("en"), n_rows=len(report.sent),
                       year=int(year))
    return report


def _deliver(engine: Engine, scope: Scope, cfg, claimed: list, link_base: str | None, report: RunReport) -> None:
    """Send the claimed reminders over one connection, recording each as sent or failed."""
    mailer = mail.Mailer(cfg)
    try:
        for n, item in enumerate(claimed):
            try:
                if mailer.smtp is None:
                    mailer.connect()
            except mail.MailError as exc:        # no server: every claimed reminder waits for the next run
                for rest in claimed[n:]:
                    _finish(engine, scope, rest, str(exc)[:ERROR_MAX])
                    report.failed.append((rest.lao_code, str(exc)))
                return
            try:
                mailer.send(mail.compose(cfg, item.contact_email, *message(item, link_base)))
            except mail.MailError as exc:
                _finish(engine, scope, item, str(exc)[:ERROR_MAX])
                report.failed.append((item.lao_code, str(exc)))
            else:
                _finish(engine, scope, item, None)
                report.sent.append(item.lao_code)
    finally:
        mailer.close()


def _claim(engine: Engine, scope: Scope, item) -> bool:
    """Take the reminder for this run: insert it as `sending`, or turn a failed (or stale) one into
    `sending`. False when another run has it."""
    values = {"lao": item.lao_code, "y": int(item.year), "reason": item.reason, "ref": item.reason_ref,
              "to": item.contact_email, "at": now(), "by": scope.user[:100],
              "stale": now() - timedelta(minutes=STALE_MINUTES)}
    with engine.begin() as conn:
        if pd.isna(item.status):
            done = conn.execute(text(
                "INSERT INTO reminder (lao_code, year, reason, reason_ref, to_address, sent_at, sent_by, status) "
                "VALUES (:lao, :y, :reason, :ref, :to, :at, :by, 'sending') ON CONFLICT DO NOTHING"), values)
        else:
            done = conn.execute(text(
                "UPDATE reminder SET status = 'sending', to_address = :to, sent_at = :at, sent_by = :by, error = NULL "
                "WHERE lao_code = :lao AND year = :y AND reason = :reason AND reason_ref = :ref AND "
                "(status = 'failed' OR (status = 'sending' AND sent_at <= :stale))"), values)
        return done.rowcount == 1


def _finish(engine: Engine, scope: Scope, item, error: str | None) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE reminder SET status = :s, sent_at = :at, error = :e WHERE lao_code = :lao AND "
                          "year = :y AND reason = :reason AND reason_ref = :ref"),
                     {"s": "failed" if error else "sent", "at": now(), "e": error, "lao": item.lao_code,
                      "y": int(item.year), "reason": item.reason, "ref": item.reason_ref})
        if error is None:
            lr = lao_round(conn, item.lao_code, int(item.year))
            record(conn, scope, lr, "remind", f"reminder ({item.reason}) sent to {item.contact_email}",
                   {"reason": item.reason, "reason_ref": item.reason_ref, "to": item.contact_email}, log=False)


def message(item, link_base: str | None = None) -> tuple[str, str]:
    """(subject, body) of one reminder, in Thai."""
    year = int(item.year)
    subject = f"แจ้งเตือน: การประเมินมาตรฐานขั้นต่ำการจัดบริการสาธารณะ ประจำปี พ.ศ. {year} - {item.name_th}"
    close = (f"ภายในวันที่ {thai_strftime(item.window_close, '%-d %B %Y')}" if item.window_close is not None
             and not pd.isna(item.window_close) else "โดยเร็ว")
    if item.reason == "returned":
        what = (f"ข้อมูลการประเมินที่ {item.name_th} ส่งเป็นครั้งที่ {int(item.revision)} "
                "ถูกผู้ตรวจของจังหวัดส่งกลับให้แก้ไข "
                f"กรุณาอ่านความเห็นของผู้ตรวจในแบบกรอกข้อมูล แก้ไข แล้วส่งข้อมูลอีกครั้ง{close}")
    else:
        what = (f"ระบบยังไม่ได้รับข้อมูลการประเมินมาตรฐานขั้นต่ำการจัดบริการสาธารณะขององค์กรปกครองส่วนท้องถิ่น "
                f"ประจำปี พ.ศ. {year} ของ {item.name_th} กรุณากรอกและส่งข้อมูลในระบบ{close}")
    link = (f"\n\nเข้าสู่แบบกรอกข้อมูล: {link_base.rstrip('/')}/entry?lao={quote(item.lao_code)}&year={year}"
            if link_base else "")
    body = (f"เรียน ผู้รับผิดชอบการประเมินของ {item.name_th} (รหัส {item.lao_code})\n\n{what}{link}\n\n"
            "หากส่งข้อมูลแล้ว ขออภัยและขอบคุณ ไม่ต้องดำเนินการใดอีก\n"
            "อีเมลนี้ส่งโดยอัตโนมัติจากระบบติดตามการประเมินมาตรฐานขั้นต่ำ กรุณาอย่าตอบกลับ\n")
    return subject, body
