"""Creating notifications and rendering their text."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.mail import MailMessage, send_after_commit
from access_control.models import User
from access_control.notifications.models import Notification
from catalog.db import utcnow


class NotificationKind(StrEnum):
    ACCESS_REQUESTED = "access_requested"  # to the organization's admins
    ACCESS_APPROVED = "access_approved"  # to the requester
    ACCESS_DENIED = "access_denied"  # to the requester


def notification_text(kind: str, params: dict) -> tuple[str, str]:
    """(subject, body) of a notification in the current language."""
    match kind:
        case NotificationKind.ACCESS_REQUESTED:
            return (
                _("Access request for %(dataset)s", dataset=params.get("dataset", "")),
                _("%(user)s asks for access to %(dataset)s. Purpose: %(purpose)s",
                  user=params.get("requester", ""), dataset=params.get("dataset", ""),
                  purpose=params.get("purpose", "")),
            )
        case NotificationKind.ACCESS_APPROVED:
            return (
                _("Access approved: %(dataset)s", dataset=params.get("dataset", "")),
                _("Your request for %(dataset)s was approved. Access ends on %(date)s.",
                  dataset=params.get("dataset", ""), date=params.get("expires", "")),
            )
        case NotificationKind.ACCESS_DENIED:
            return (
                _("Access denied: %(dataset)s", dataset=params.get("dataset", "")),
                _("Your request for %(dataset)s was denied. Reason: %(reason)s",
                  dataset=params.get("dataset", ""), reason=params.get("reason", "")),
            )
    return kind, ""


def notify(db: Session, user: User, kind: NotificationKind, params: dict, *,
           link: str, locale: str) -> Notification:
    """Notify ``user`` in the catalog, and by e-mail (in ``locale``) when they have an
    address; ``link`` is the absolute URL the e-mail points to."""
    notification = Notification(user_id=user.id, kind=kind.value, params=params)
    db.add(notification)
    db.flush()
    if user.email:
        with force_locale(locale):
            subject, body = notification_text(kind, params)
            footer = _("Fukuoka Prefecture Data Catalog")
        message = MailMessage((user.email,), subject, f"{body}\n\n{link}\n\n-- \n{footer}\n")
        send_after_commit(db, message)
    return notification


def unread_count(db: Session, user_id: str) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def notifications_for(db: Session, user_id: str, *, unread_only: bool, limit: int):
    query = sa.select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(db.scalars(query.order_by(Notification.created.desc()).limit(limit)))


def mark_read(db: Session, user_id: str, ids: list[str] | None) -> int:
    """Mark the user's notifications ``ids`` (all when ``None``) read; returns how many."""
    query = sa.update(Notification).where(Notification.user_id == user_id,
                                          Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    return db.execute(query.values(read_at=utcnow())).rowcount


def notification_dict(notification: Notification) -> dict:
    subject, body = notification_text(notification.kind, notification.params)
    return {
        "id": notification.id,
        "kind": notification.kind,
        "params": notification.params,
        "subject": subject,
        "body": body,
        "created": notification.created.isoformat(),
        "read": notification.read_at is not None,
    }
