"""notification_list and notification_mark_read: the caller's own notifications."""

from __future__ import annotations

from flask_babel import gettext as _

from access_control.notifications.services import (
    mark_read,
    notification_dict,
    notifications_for,
    unread_count,
)
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized
from catalog.api.registry import action
from catalog.api.validation import as_bool, as_int, as_list


def _user_id(context: Context) -> str:
    if context.principal.user_id is None:
        raise NotAuthorized(_("Sign in to see your notifications"))
    return context.principal.user_id


@action("notification_list", read_only=True)
def notification_list(context: Context, data: dict) -> dict:
    """Your notifications, newest first.

    :param unread_only: only unread ones (default false)
    :param limit: at most this many (default 50, at most 500)
    :returns: ``{"unread": count, "results": [...]}``
    """
    user_id = _user_id(context)
    notifications = notifications_for(
        context.db, user_id, unread_only=as_bool(data.get("unread_only")),
        limit=as_int(data, "limit", 50, minimum=1, maximum=500))
    return {"unread": unread_count(context.db, user_id),
            "results": [notification_dict(n) for n in notifications]}


@action("notification_mark_read")
def notification_mark_read(context: Context, data: dict) -> dict:
    """Mark your notifications read.

    :param ids: these notification ids (default: all of them)
    """
    ids = [str(i) for i in as_list(data.get("ids"), "ids")] or None
    return {"marked": mark_read(context.db, _user_id(context), ids)}
