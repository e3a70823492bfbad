"""One contract for every Mailer: LogMailer and SmtpMailer (against a real SMTP server
on 127.0.0.1 started by the test)."""

from __future__ import annotations

import email
import email.policy
import logging
import socket

import pytest
from aiosmtpd.controller import Controller

from access_control.mail import MailMessage, create_mailer
from access_control.mail.log import LogMailer
from access_control.mail.smtp import SmtpMailer


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, parsed))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(params=["log", "smtp"])
def mailer_and_delivered(request, caplog):
    """(mailer, delivered): ``delivered()`` returns [(from, to, subject, body)] as they
    reached their destination (the log, or the SMTP server)."""
    if request.param == "log":
        caplog.set_level(logging.INFO, logger="catalog.mail")

        def from_log():
            found = []
            for record in caplog.records:
                if record.name == "catalog.mail":
                    sender, to, subject, body = record.args
                    found.append((sender, to.split(", "), subject, body))
            return found

        return create_mailer("", "catalog@pref.fukuoka.example"), from_log
    controller, inbox = request.getfixturevalue("smtp_server")
    url = f"smtp://{controller.hostname}:{controller.port}"

    def from_server():
        return [(sender, to, parsed["Subject"],
                 parsed.get_content().replace("\r\n", "\n").rstrip("\n"))
                for sender, to, parsed in inbox.messages]

    return create_mailer(url, "catalog@pref.fukuoka.example"), from_server


class TestMailerContract:
    def test_delivers_japanese_text_to_every_recipient(self, mailer_and_delivered):
        mailer, delivered = mailer_and_delivered
        message = MailMessage(("tanaka@pref.fukuoka.example", "suzuki@pref.fukuoka.example"),
                              "利用申請が承認されました: kojin-chosa",
                              "kojin-chosa への利用申請が承認されました。\n利用期限は 2099-03-31 までです。")
        mailer.send(message)
        assert delivered() == [("catalog@pref.fukuoka.example", list(message.to),
                                message.subject, message.body)]

    def test_has_a_sender(self, mailer_and_delivered):
        mailer, _delivered = mailer_and_delivered
        assert mailer.sender == "catalog@pref.fukuoka.example"


def test_mail_url_selects_the_engine():
    assert isinstance(create_mailer("", "a@b.jp"), LogMailer)
    smtp = create_mailer("smtp://user:p%40ss@mail.example:2525?starttls=true", "a@b.jp")
    assert isinstance(smtp, SmtpMailer)
    assert (smtp.host, smtp.port, smtp.username, smtp.password, smtp.security) == (
        "mail.example", 2525, "user", "p@ss", "starttls")
    assert create_mailer("smtps://mail.example", "a@b.jp").port == 465
    with pytest.raises(ValueError):
        create_mailer("http://mail.example", "a@b.jp")


def test_unreachable_smtp_server_raises_oserror():
    mailer = SmtpMailer("127.0.0.1", _free_port(), "a@b.jp", timeout=2)
    with pytest.raises(OSError):
        mailer.send(MailMessage(("x@y.jp",), "s", "b"))
