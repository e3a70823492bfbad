"""Notifications shown to a user in the catalog."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base, new_id, utcnow


class Notification(Base):
    """Something a user should know. The text is rendered when shown, in the reader's
    language, from ``kind`` and ``params``."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(50))  # NotificationKind
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
