"""Keeping spam out of the public submission form: a rate limit and a honeypot field.

The rate limit counts submissions per sender per hour, and for everyone together per hour
(a flood from many addresses). Senders are told apart by a keyed hash of their address and
the day (see :class:`~catalog.showcase.models.ShowcaseSubmission`), so no address is stored.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from catalog.api.errors import ValidationError
from catalog.db import utcnow
from catalog.showcase.models import ShowcaseSubmission

PER_SENDER_PER_HOUR = 3
ALL_SENDERS_PER_HOUR = 60
# The name of the hidden form field that people never fill in and bots usually do.
HONEYPOT_FIELD = "website"


def client_key(secret_key: str, remote_addr: str | None) -> str:
    """A keyed hash of the sender's address and today's date."""
    day = utcnow().date().isoformat()
    message = f"{day}|{remote_addr or 'unknown'}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def check_and_record(db: Session, key: str) -> None:
    """Record a submission from ``key``, or refuse it when over a limit (the refusal is a
    Validation Error whose message tells the sender to try later)."""
    now = utcnow()
    db.execute(sa.delete(ShowcaseSubmission).where(
        ShowcaseSubmission.created < now - timedelta(days=1)))
    hour_ago = now - timedelta(hours=1)
    recent = sa.select(sa.func.count()).select_from(ShowcaseSubmission).where(
        ShowcaseSubmission.created >= hour_ago)
    by_sender = db.scalar(recent.where(ShowcaseSubmission.client_key == key))
    if by_sender >= PER_SENDER_PER_HOUR or db.scalar(recent) >= ALL_SENDERS_PER_HOUR:
        raise ValidationError({"__rate_limit": [
            _("Too many submissions. Please try again in an hour.")]})
    db.add(ShowcaseSubmission(client_key=key, created=now))
    db.flush()
