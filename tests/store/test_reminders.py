"""Contact e-mails (store.contacts) and reminders (store.reminders, `remind`) against a real SMTP server
started here on the loopback interface (aiosmtpd), never the network."""
from __future__ import annotations

import email
import email.policy
import socket
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from dashboard.cli import main
from store import contacts, reminders, review
from store.access import PermissionDenied
from store.registry import import_registry
from store.trail import TrailError

from .helpers import EXAMPLES, read
from .trail_helpers import OPEN, THAI, bilingual, log_size, people, resubmit, scalar


class Sink:
    """Keeps every message; refuses the recipients in `refuse`."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    sink, port = Sink(), free_port()
    sink.port = port
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("LAO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LAO_SMTP_PORT", str(port))
    monkeypatch.setenv("LAO_SMTP_TLS", "none")
    monkeypatch.setenv("LAO_SMTP_SENDER", "noreply@odloc.example.go.th")
    yield sink
    controller.stop()


def not_submitted(db, province: str, n: int) -> list[str]:
    with db.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l WHERE l.province_code = :p AND NOT EXISTS (SELECT 1 FROM submission s WHERE "
            "s.lao_code = l.code AND s.year = :y AND s.counted) ORDER BY l.code LIMIT :n"),
            {"p": province, "y": OPEN, "n": n})]


def with_addresses(db, p, codes):
    for code in codes:
        contacts.set_contact(db, p.admin, code, f"saraban.{code}@example.go.th")


def test_one_thai_message_per_missing_lao_and_a_second_run_sends_nothing(db, smtp):
    p = people(db)
    missing = not_submitted(db, "81", 3)
    with_addresses(db, p, missing + [p.far])          # p.far has submitted: nothing to remind it of
    due = reminders.due(db, p.far_monitor, OPEN)
    assert set(due["province_code"]) == {"81"} and p.far not in set(due["lao_code"])
    before = log_size(db)
    report = reminders.send(db, p.far_monitor, OPEN, link_base="https://lao.example.go.th")
    assert sorted(report.sent) == missing and not report.failed
    assert len(report.no_address) == len(due) - 3
    assert len(smtp.messages) == 3
    for msg in smtp.messages:
        code = msg["To"].addresses[0].username.split(".")[1]
        body = msg.get_content()
        assert code in missing and THAI.search(msg["Subject"]) and THAI.search(body)
        assert "ยังไม่ได้รับข้อมูล" in body and f"https://lao.example.go.th/entry?lao={code}&year={OPEN}" in body
        assert msg["Auto-Submitted"] == "auto-generated" and msg["From"] == "noreply@odloc.example.go.th"
    stored = read(db, "SELECT lao_code, reason, status, to_address FROM reminder ORDER BY lao_code")
    assert stored["status"].tolist() == ["sent"] * 3 and stored["reason"].eq("not_submitted").all()
    assert log_size(db) == (before[0] + 1, before[1] + 3)           # one change per run, one event per LAO
    assert scalar(db, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "remind"
    again = reminders.send(db, p.far_monitor, OPEN)
    assert again.sent == [] and again.already_sent == 3 and len(smtp.messages) == 3
    assert log_size(db) == (before[0] + 1, before[1] + 3)


def test_a_returned_revision_is_a_new_reason_each_time(db, smtp):
    p = people(db)
    with_addresses(db, p, [p.far])
    review.return_for_correction(db, p.far_monitor, p.far, OPEN, 1, "แก้ตัวเลข")
    assert reminders.send(db, p.admin, OPEN, province="81").sent == [p.far]
    assert "ถูกผู้ตรวจของจังหวัดส่งกลับให้แก้ไข" in smtp.messages[-1].get_content()
    assert reminders.send(db, p.admin, OPEN, province="81").sent == []
    two = resubmit(db, p.far)
    assert p.far not in set(reminders.due(db, p.admin, OPEN)["lao_code"])       # resubmitted: nothing due
    review.return_for_correction(db, p.far_monitor, p.far, OPEN, two, "ยังไม่ถูก")
    assert reminders.send(db, p.admin, OPEN, province="81").sent == [p.far]
    refs = read(db, "SELECT reason_ref FROM reminder WHERE lao_code = :c ORDER BY id", c=p.far)["reason_ref"].tolist()
    assert refs == ["revision-1", f"revision-{two}"]


def test_failures_are_recorded_and_tried_again_next_run(db, smtp):
    p = people(db)
    missing = not_submitted(db, "81", 2)
    with_addresses(db, p, missing)
    smtp.refuse = {f"saraban.{missing[0]}@example.go.th"}
    first = reminders.send(db, p.admin, OPEN, province="81")
    assert first.sent == [missing[1]] and [c for c, _ in first.failed] == [missing[0]]
    failed = read(db, "SELECT status, error FROM reminder WHERE lao_code = :c", c=missing[0]).iloc[0]
    assert failed["status"] == "failed" and "550" in failed["error"]
    smtp.refuse = set()
    second = reminders.send(db, p.admin, OPEN, province="81")
    assert second.sent == [missing[0]] and second.already_sent == 1
    assert [m["To"].addresses[0].username for m in smtp.messages].count(f"saraban.{missing[0]}") == 1


def test_a_server_that_does_not_answer_fails_every_reminder_until_it_does(db, smtp, monkeypatch):
    p = people(db)
    missing = not_submitted(db, "81", 2)
    with_addresses(db, p, missing)
    monkeypatch.setenv("LAO_SMTP_PORT", str(free_port()))           # nothing listens there
    down = reminders.send(db, p.admin, OPEN, province="81")
    assert down.sent == [] and sorted(c for c, _ in down.failed) == missing
    assert read(db, "SELECT status FROM reminder")["status"].eq("failed").all()
    monkeypatch.setenv("LAO_SMTP_PORT", str(smtp.port))
    assert sorted(reminders.send(db, p.admin, OPEN, province="81").sent) == missing


def test_a_dry_run_and_a_missing_mail_server_send_and_store_nothing(db, smtp, monkeypatch):
    p = people(db)
    missing = not_submitted(db, "81", 2)
    with_addresses(db, p, missing)
    before = log_size(db)
    dry = reminders.send(db, p.admin, OPEN, province="81", dry_run=True)
    assert sorted(dry.would_send) == missing and dry.sent == [] and "dry run" in dry.summary("en")
    monkeypatch.delenv("LAO_SMTP_HOST")
    unset = reminders.send(db, p.admin, OPEN, province="81")
    assert sorted(unset.would_send) == missing and "LAO_SMTP_HOST" in unset.summary("en")
    assert THAI.search(unset.summary("th"))
    assert smtp.messages == [] and scalar(db, "SELECT COUNT(*) FROM reminder") == 0 and log_size(db) == before


def test_who_may_remind_whom(db, smtp):
    p = people(db)
    for who in (p.executive, p.staff, p.public):
        with pytest.raises(PermissionDenied) as exc:
            reminders.send(db, who, OPEN)
        bilingual(exc.value)
    with pytest.raises(PermissionDenied) as exc:
        reminders.send(db, p.monitor, OPEN, province="81")
    bilingual(exc.value)
    with pytest.raises(PermissionDenied):
        reminders.due(db, p.public, OPEN)
    with db.begin() as conn:
        conn.execute(text("UPDATE round SET state = 'closed' WHERE year = :y"), {"y": OPEN})
    with pytest.raises(TrailError, match="not open") as exc:
        reminders.send(db, p.admin, OPEN)
    bilingual(exc.value)


def test_the_remind_command(sqlite_engine, smtp, capsys):
    db = sqlite_engine                      # the command line is the same on both databases: run it once
    p = people(db)
    missing = not_submitted(db, "81", 2)
    with_addresses(db, p, missing)
    url = db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "remind", "--year", str(OPEN), "--province", "81", "--dry-run"]) == 0
    assert f"would remind {missing[0]}" in capsys.readouterr().out and smtp.messages == []
    assert main(["--db", url, "remind", "--year", str(OPEN), "--province", "81"]) == 0
    out = capsys.readouterr()
    assert f"sent {missing[0]}" in out.out and "no contact e-mail" in out.err and len(smtp.messages) == 2
    assert main(["--db", url, "remind", "--year", str(OPEN), "--province", "81"]) == 0
    assert "2 sent before" in capsys.readouterr().out and len(smtp.messages) == 2
    with pytest.raises(SystemExit):
        main(["--db", url, "remind", "--year", str(OPEN), "--province", "8x"])


# --- contact e-mails ------------------------------------------------------------------------------------

def test_contact_emails_are_checked_and_set_by_the_lao_or_an_administrator(db):
    p = people(db)
    assert contacts.set_contact(db, p.staff, p.lao, "  Saraban@Example.GO.TH ") == "Saraban@example.go.th"
    assert contacts.set_contact(db, p.admin, p.lao, "it@อบต.ไทย") == "it@xn--m3cj0d.xn--o3cw4h"
    history = read(db, "SELECT entity, entity_key, before FROM row_history ORDER BY id DESC LIMIT 1").iloc[0]
    assert (history["entity"], history["entity_key"]) == ("lao.contact_email", p.lao)
    assert "Saraban@example.go.th" in history["before"]
    assert scalar(db, "SELECT action FROM change_log ORDER BY id DESC LIMIT 1") == "contact-email"
    for bad in ("no-at-sign", "a@b", "two@@example.go.th", "ก@example.go.th", "a b@example.go.th",
                "x@example.go.th\r\nBcc: all@example.go.th", "x" * 250 + "@example.go.th"):
        with pytest.raises(TrailError) as exc:
            contacts.set_contact(db, p.staff, p.lao, bad)
        bilingual(exc.value)
    for who in (p.neighbour_staff, p.monitor, p.executive, p.public):
        with pytest.raises(PermissionDenied) as exc:
            contacts.set_contact(db, who, p.lao, "x@example.go.th")
        bilingual(exc.value)
    assert contacts.set_contact(db, p.staff, p.lao, "") is None
    assert scalar(db, "SELECT contact_email FROM lao WHERE code = :c", c=p.lao) is None
    assert set(contacts.contacts(db, p.monitor)["province_code"]) == {"30"}
    assert contacts.contacts(db, p.public).empty


def test_the_registry_import_takes_an_email_column(db, tmp_path):
    raw = (EXAMPLES / "dla_registry_sample.csv").read_text(encoding="utf-8").splitlines()
    at = raw[0].split(",").index("รหัส อปท.")
    codes = [line.split(",")[at] for line in raw[1:]]
    first, bad = codes[0], next(c for c in codes if c != codes[0])
    lines = [raw[0] + ",อีเมล"] + [line + "," + ("not an address" if code == bad else f"saraban@{code}.example.go.th")
                                    for line, code in zip(raw[1:], codes, strict=True)]
    path = tmp_path / "registry_with_email.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_registry(db, path, who="tester")
    assert scalar(db, "SELECT contact_email FROM lao WHERE code = :c", c=first) == f"saraban@{first}.example.go.th"
    warning = [w for w in report.warnings if "e-mail" in w.text("en")]
    assert len(warning) == 1 and bad in warning[0].text("en") and THAI.search(warning[0].text("th"))
    assert scalar(db, "SELECT contact_email FROM lao WHERE code = :c", c=bad) is None
    assert scalar(db, "SELECT COUNT(*) FROM change_log WHERE action = 'contact-email'") == 1


def test_a_reminder_is_claimed_by_one_run_only_and_a_dead_runs_claim_is_taken_over(db, smtp):
    p = people(db)
    missing = not_submitted(db, "81", 2)
    with_addresses(db, p, missing)
    item = next(reminders.due(db, p.admin, OPEN, province="81").query("lao_code == @missing[0]").itertuples())
    assert reminders._claim(db, p.admin, item) and not reminders._claim(db, p.admin, item)   # a second run at once
    with db.begin() as conn:                      # the other one: claimed an hour ago by a run that died
        conn.execute(text("INSERT INTO reminder (lao_code, year, reason, reason_ref, to_address, sent_at, sent_by, "
                          "status) VALUES (:c, :y, 'not_submitted', :ref, 'x@example.go.th', :at, 'dead', 'sending')"),
                     {"c": missing[1], "y": OPEN, "ref": item.reason_ref,
                      "at": datetime.now().replace(microsecond=0) - timedelta(hours=1)})
    report = reminders.send(db, p.admin, OPEN, province="81")
    assert report.sent == [missing[1]] and len(smtp.messages) == 1      # the fresh claim is left to its run
