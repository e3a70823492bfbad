"""Organizations and memberships."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base, new_id, utcnow


class Organization(Base):
    """A department (部局) or division (課) that owns datasets."""

    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    image_url: Mapped[str] = mapped_column(sa.String(1000), default="")
    # A division belongs to a department; departments have no parent.
    parent_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    extras: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = mapped_column(sa.String(20), default="active")
    created: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Organization | None"] = relationship(remote_side=[id])
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )


class Membership(Base):
    """A user's capacity (:class:`access_control.roles.OrgRole`) in an organization."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    capacity: Mapped[str] = mapped_column(sa.String(20))
    created: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship()  # noqa: F821 - access_control.models.User
