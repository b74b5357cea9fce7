"""Outgoing mail: SMTP when SMTP_HOST is configured, otherwise an .eml file in MAIL_OUTBOX_DIR
(so a stand-alone installation and the tests can still read what would have been sent)."""
from __future__ import annotations

import secrets
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid()
    msg.set_content(body, charset="utf-8")
    return msg


def send_mail(to: str, subject: str, body: str) -> Path | None:
    """Send one plain-text message. Returns the .eml path when written to the outbox."""
    msg = build_message(to, subject, body)
    config = current_app.config
    if config.get("SMTP_HOST"):
        with smtplib.SMTP(config["SMTP_HOST"], config.get("SMTP_PORT", 25), timeout=30) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
            smtp.send_message(msg)
        return None
    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.eml"
    path.write_bytes(msg.as_bytes())
    return path
