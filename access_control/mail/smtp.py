"""``SmtpMailer``: e-mail through an SMTP server (``CATALOG_MAIL_URL=smtp://...``)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from access_control.mail.interfaces import MailMessage


class SmtpMailer:
    """Sends through an SMTP server.

    ``security``: "none", "starttls" (upgrade a plain connection) or "ssl" (implicit TLS,
    usually port 465).
    """

    def __init__(self, host: str, port: int, sender: str, *, username: str = "",
                 password: str = "", security: str = "none", timeout: float = 30):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.security, self.timeout = security, timeout

    @classmethod
    def from_url(cls, url: str, sender: str) -> "SmtpMailer":
        """``smtp://[user:password@]host[:port][?starttls=true]`` or ``smtps://...``."""
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        if parts.scheme == "smtps":
            security = "ssl"
        elif query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"):
            security = "starttls"
        else:
            security = "none"
        return cls(
            parts.hostname or "localhost",
            parts.port or (465 if security == "ssl" else 25),
            sender,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            security=security,
        )

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
        return connection

    def send(self, message: MailMessage) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = ", ".join(message.to)
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        email.set_content(message.body, charset="utf-8")
        with self._connect() as connection:
            if self.username:
                connection.login(self.username, self.password)
            connection.send_message(email)
