"""Sign-in attempts, kept for throttling (the audit log keeps the permanent record)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base, utcnow


class LoginAttempt(Base):
    """One password sign-in attempt. Rows older than a day are pruned."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_account", "account", "attempted_at"),
        sa.Index("ix_login_attempts_remote_addr", "remote_addr", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(sa.String(100))  # the name typed, lower case
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
