"""Sending e-mail.

The engine is chosen by ``CATALOG_MAIL_URL``: empty selects
:class:`~access_control.mail.log.LogMailer` (messages go to the log), ``smtp://`` or
``smtps://`` selects :class:`~access_control.mail.smtp.SmtpMailer`. The sender address
is ``CATALOG_MAIL_FROM``.

Use :func:`send_after_commit`: a message is sent only once the transaction that caused
it has committed, so a failed operation sends nothing, and a mail server that is down
loses the e-mail (logged) but never the operation.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from access_control.mail.interfaces import MailMessage, Mailer
from access_control.mail.log import LogMailer

log = logging.getLogger(__name__)

__all__ = ["MailMessage", "Mailer", "create_mailer", "mailer", "send_after_commit"]


def create_mailer(mail_url: str, sender: str) -> Mailer:
    """The mailer for ``mail_url``."""
    if mail_url.startswith(("smtp://", "smtps://")):
        from access_control.mail.smtp import SmtpMailer

        return SmtpMailer.from_url(mail_url, sender)
    if mail_url:
        raise ValueError(f"CATALOG_MAIL_URL must be empty, smtp:// or smtps://, not {mail_url!r}")
    return LogMailer(sender)


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    app.extensions["mailer"] = create_mailer(settings.mail_url, settings.mail_from)


def mailer() -> Mailer:
    """The mailer of the current app."""
    return current_app.extensions["mailer"]


def send_after_commit(db: Session, message: MailMessage) -> None:
    """Send ``message`` once ``db``'s transaction commits (nothing if it rolls back)."""
    if message.to:
        db.info.setdefault("outgoing_mail", []).append((mailer(), message))


@event.listens_for(Session, "after_commit")
def _send_queued(db: Session) -> None:
    for engine, message in db.info.pop("outgoing_mail", []):
        try:
            engine.send(message)
        except (OSError, ValueError) as error:  # smtplib errors are OSErrors
            log.error("could not send mail to %s (%s): %s", message.to, message.subject, error)


@event.listens_for(Session, "after_soft_rollback")
def _forget_queued(db: Session, _previous) -> None:
    db.info.pop("outgoing_mail", None)
