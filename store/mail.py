"""Sending e-mail through the SMTP server the settings name (LAO_SMTP_HOST, _PORT, _TLS, _USER,
_PASSWORD, _SENDER), with the standard library. Nothing here knows what a reminder says
(store.reminders does); nothing here is sent without a host set.
"""
from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from . import settings

TIMEOUT = 30                 # seconds for the connection and each command
TLS_MODES = ("starttls", "ssl", "none")


class MailError(OSError):
    """The mail server could not be reached, refused us, or the settings are wrong."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    tls: str
    user: str | None
    password: str | None
    sender: str


def config() -> SmtpConfig | None:
    """The server from the settings; None when LAO_SMTP_HOST is unset (reminders are then only listed)."""
    host = settings.raw("LAO_SMTP_HOST")
    if not host:
        return None
    tls = (settings.raw("LAO_SMTP_TLS") or "").strip().lower()
    if tls not in TLS_MODES:
        raise MailError(f"LAO_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    sender = settings.raw("LAO_SMTP_SENDER") or ""
    if any(c in sender for c in "\r\n\0") or sender.count("@") != 1:
        raise MailError(f"LAO_SMTP_SENDER {sender!r} is not an e-mail address")
    return SmtpConfig(host.strip(), int(settings.number("LAO_SMTP_PORT")), tls, settings.raw("LAO_SMTP_USER"),
                      settings.raw("LAO_SMTP_PASSWORD"), sender)


def compose(cfg: SmtpConfig, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message, marked as sent automatically (RFC 3834) so vacation replies stay away."""
    msg = EmailMessage()
    msg["From"] = cfg.sender
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())            # one line, whatever a name held
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=cfg.sender.rsplit("@", 1)[-1] or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body, charset="utf-8")
    return msg


class Mailer:
    """One connection for a run of messages: `with Mailer(cfg) as m: m.send(msg)`."""

    def __init__(self, cfg: SmtpConfig):
        self.cfg = cfg
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        self.connect()
        return self

    def connect(self) -> None:
        cfg = self.cfg
        try:
            if cfg.tls == "ssl":
                smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=TIMEOUT, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT)
                if cfg.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if cfg.user:
                smtp.login(cfg.user, cfg.password or "")
        except OSError as exc:                  # smtplib.SMTPException is one
            raise MailError(f"cannot use the mail server {cfg.host}:{cfg.port} ({type(exc).__name__}: {exc})") from exc
        self.smtp = smtp

    def send(self, msg: EmailMessage) -> None:
        """Send one message; MailError when the server refuses it or the connection is lost (the next
        send reconnects)."""
        if self.smtp is None:
            self.connect()
        try:
            self.smtp.send_message(msg)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:   # this message only
            raise MailError(f"{type(exc).__name__}: {exc}") from exc
        except OSError as exc:                  # the connection (smtplib's errors are OSErrors too)
            self.close()
            raise MailError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError):        # the server may have gone already
                self.smtp.quit()
            self.smtp = None

    def __exit__(self, *exc) -> None:
        self.close()
