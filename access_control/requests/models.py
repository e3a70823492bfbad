"""Access requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access_control.models import User
from catalog.db import Base, new_id, utcnow


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class AccessRequest(Base):
    """A staff member's request to read a restricted dataset, and its decision."""

    __tablename__ = "access_requests"
    __table_args__ = (sa.Index("ix_access_requests_status_dataset", "status", "dataset_id"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(sa.ForeignKey("datasets.id", ondelete="CASCADE"))
    requester_id: Mapped[str] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=RequestStatus.PENDING.value)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # The grant an approval created (no foreign key: the grant may later be removed).
    grant_id: Mapped[str | None] = mapped_column(sa.String(36))
    expires_at: Mapped[datetime | None]

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    dataset: Mapped["Dataset"] = relationship()  # noqa: F821 - catalog.datasets.models
