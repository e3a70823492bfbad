"""The ``Mailer`` contract: how the catalog sends e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class MailMessage:
    """A plain-text e-mail (UTF-8, so Japanese works everywhere)."""

    to: tuple[str, ...]
    subject: str
    body: str


class Mailer(Protocol):
    """Sends e-mail. Implementations: :class:`~access_control.mail.log.LogMailer`
    (default: writes each message to the log) and
    :class:`~access_control.mail.smtp.SmtpMailer`."""

    sender: str

    def send(self, message: MailMessage) -> None:
        """Deliver ``message`` from :attr:`sender`, or raise ``OSError`` (including
        ``smtplib.SMTPException``) when it cannot be handed over."""
        ...
