"""``LogMailer``: e-mail written to the log (the default, for embedded installations)."""

from __future__ import annotations

import logging

from access_control.mail.interfaces import MailMessage

log = logging.getLogger("catalog.mail")


class LogMailer:
    """Writes every message to the ``catalog.mail`` logger at INFO level, so a site
    without a mail server still shows what would have been sent."""

    def __init__(self, sender: str):
        self.sender = sender

    def send(self, message: MailMessage) -> None:
        log.info("mail from %s to %s\nSubject: %s\n\n%s", self.sender, ", ".join(message.to),
                 message.subject, message.body)
