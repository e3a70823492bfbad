"""Recording audit events and reading them back.

Recording, from any package::

    from access_control.audit import AuditEvent, record_event

    record_event(context, AuditEvent.DATA_QUERY, dataset=dataset, resource=resource,
                 details={"sql": statement[:500], "rows": row_count})

``context`` is the action's :class:`~catalog.api.context.Context` (web views get one
from :func:`catalog.web.actions.context`); its principal is the actor and its
``remote_addr`` the client address. The row is added to ``context.db`` and so commits
or rolls back with the work it describes: commit after recording a read, since read
paths do not commit otherwise. Record reads of closed data only (``access_level`` other
than open): the log is for closed data, and open data is read by everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Mapping

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.audit.events import AuditEvent
from access_control.audit.models import AuditRecord
from access_control.models import User
from catalog.api.context import Context
from catalog.api.errors import ValidationError
from catalog.api.validation import as_list

_ACTOR_OF_CONTEXT = object()
MAX_DETAIL_LENGTH = 2000


def record_event(
    context: Context,
    event: AuditEvent,
    *,
    dataset=None,
    resource=None,
    subject: str = "",
    details: Mapping[str, Any] | None = None,
    actor: User | None = _ACTOR_OF_CONTEXT,  # type: ignore[assignment]
) -> AuditRecord:
    """Append one event to the audit log (in ``context.db``; the caller commits).

    :param dataset: the :class:`~catalog.datasets.models.Dataset` concerned, if any
    :param resource: the :class:`~catalog.datasets.models.Resource` concerned; its
        dataset is recorded too when ``dataset`` is not given
    :param subject: id of another object concerned (grant, access request, token, ...)
    :param details: JSON-able facts worth keeping (long strings are cut)
    :param actor: who acted, when not the context's principal (e.g. at sign-in)
    """
    return append_event(
        context.db, event,
        actor=context.principal.user if actor is _ACTOR_OF_CONTEXT else actor,
        remote_addr=context.remote_addr, dataset=dataset, resource=resource,
        subject=subject, details=details,
    )


def append_event(
    db: Session,
    event: AuditEvent,
    *,
    actor: User | None,
    remote_addr: str | None,
    dataset=None,
    resource=None,
    subject: str = "",
    details: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """:func:`record_event` for code without a :class:`Context` (authentication)."""
    if dataset is None and resource is not None:
        dataset = resource.dataset
    record = AuditRecord(
        event=AuditEvent(event).value,
        actor_id=actor.id if actor is not None else None,
        actor_name=(actor.name if actor is not None else "")[:100],
        dataset_id=dataset.id if dataset is not None else None,
        dataset_name=(dataset.name if dataset is not None else "")[:100],
        resource_id=resource.id if resource is not None else None,
        subject=str(subject or "")[:200],
        remote_addr=str(remote_addr or "")[:64],
        details=_plain(details or {}),
    )
    db.add(record)
    db.flush()
    return record


def _plain(details: Mapping[str, Any]) -> dict:
    """Details as JSON-safe values; long strings are cut so one event stays small."""
    result = {}
    for key, value in details.items():
        if value is None or isinstance(value, (bool, int, float)):
            result[str(key)] = value
        else:
            result[str(key)] = str(value)[:MAX_DETAIL_LENGTH]
    return result


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit viewer, the CSV export and ``audit_log_list``."""

    events: tuple[AuditEvent, ...] = ()
    actor: str = ""  # user name or id
    dataset: str = ""  # dataset name or id
    since: date | None = None
    until: date | None = None  # inclusive

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "AuditQuery":
        """Parse filters from a data_dict or query string; Validation Error on bad input."""
        errors: dict[str, list[str]] = {}
        events = []
        for value in as_list(data.get("event"), "event"):
            if str(value) in AuditEvent.__members__.values():
                events.append(AuditEvent(str(value)))
            elif value:
                errors["event"] = [_("Unknown event kind: %(kind)s", kind=str(value)[:50])]
        dates = {}
        for key in ("since", "until"):
            text = str(data.get(key) or "").strip()
            try:
                dates[key] = date.fromisoformat(text) if text else None
            except ValueError:
                errors[key] = [_("Date format incorrect (use YYYY-MM-DD)")]
        if errors:
            raise ValidationError(errors)
        return cls(
            events=tuple(events),
            actor=str(data.get("actor") or "").strip()[:100],
            dataset=str(data.get("dataset") or "").strip()[:100],
            since=dates["since"],
            until=dates["until"],
        )

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        conditions = []
        if self.events:
            conditions.append(AuditRecord.event.in_([event.value for event in self.events]))
        if self.actor:
            conditions.append(sa.or_(AuditRecord.actor_name == self.actor,
                                     AuditRecord.actor_id == self.actor))
        if self.dataset:
            conditions.append(sa.or_(AuditRecord.dataset_name == self.dataset,
                                     AuditRecord.dataset_id == self.dataset))
        if self.since:
            conditions.append(AuditRecord.occurred_at >= datetime.combine(self.since, time.min))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time.min)
            conditions.append(AuditRecord.occurred_at < end)
        return conditions


def count_records(db: Session, query: AuditQuery) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(AuditRecord)
                     .where(*query.conditions())) or 0


def find_records(db: Session, query: AuditQuery, *, limit: int | None, offset: int = 0):
    """Matching records, newest first (fetched in batches when unlimited)."""
    statement = (
        sa.select(AuditRecord)
        .where(*query.conditions())
        .order_by(AuditRecord.occurred_at.desc(), AuditRecord.id.desc())
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    else:
        statement = statement.execution_options(yield_per=500)
    return db.scalars(statement)


def record_dict(record: AuditRecord) -> dict:
    return {
        "id": record.id,
        "occurred_at": record.occurred_at.isoformat(),
        "event": record.event,
        "actor_id": record.actor_id,
        "actor_name": record.actor_name,
        "dataset_id": record.dataset_id,
        "dataset_name": record.dataset_name,
        "resource_id": record.resource_id,
        "subject": record.subject,
        "remote_addr": record.remote_addr,
        "details": record.details,
    }
