"""The audit log: an append-only record of who did or saw what with closed data.

Other packages record events with :func:`record_event`; see
:mod:`access_control.audit.services` for how, and :class:`AuditEvent` for the kinds.
Nothing can change or delete a row once written: the table refuses UPDATE and DELETE
through database triggers (:mod:`access_control.audit.triggers`), and no action offers it.
"""

from access_control.audit.events import AuditEvent
from access_control.audit.services import record_event

__all__ = ["AuditEvent", "record_event"]
