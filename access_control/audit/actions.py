"""``audit_log_list``: reading the audit log (sysadmins only). No action writes it."""

from __future__ import annotations

from flask_babel import gettext as _

from access_control.audit.services import AuditQuery, count_records, find_records, record_dict
from access_control.policy import Action, can
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized
from catalog.api.registry import action
from catalog.api.validation import as_int


@action("audit_log_list", read_only=True)
def audit_log_list(context: Context, data: dict) -> dict:
    """Audit events, newest first (sysadmins only).

    :param event: only these event kinds (one or a list; see AuditEvent)
    :param actor: only events by this user (name or id)
    :param dataset: only events about this dataset (name or id)
    :param since: from this date (YYYY-MM-DD, UTC)
    :param until: up to and including this date
    :param limit: page size (default 100, at most 1000)
    :param offset: skip this many
    :returns: ``{"count": total matching, "results": [events]}``
    """
    if not can(context.principal, Action.READ_AUDIT_LOG):
        raise NotAuthorized(_("Only sysadmins may read the audit log"))
    query = AuditQuery.from_data(data)
    limit = as_int(data, "limit", 100, minimum=1, maximum=1000)
    records = find_records(context.db, query, limit=limit, offset=as_int(data, "offset", 0))
    return {"count": count_records(context.db, query),
            "results": [record_dict(record) for record in records]}
