"""The audit log table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base, utcnow


class AuditRecord(Base):
    """One audited event. Append-only (see :mod:`access_control.audit.triggers`).

    No foreign keys on purpose: purging a dataset or a user must neither fail because
    of its audit trail nor erase it, so ids are kept as plain values with the names they
    had at the time.
    """

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_event_occurred", "event", "occurred_at"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    event: Mapped[str] = mapped_column(sa.String(50))  # AuditEvent
    actor_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(100), default="")
    dataset_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    dataset_name: Mapped[str] = mapped_column(sa.String(100), default="")
    resource_id: Mapped[str | None] = mapped_column(sa.String(36))
    # The other object concerned: a grant, an access request, a token, a query...
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
