"""Users, their API tokens and site roles, and grants on restricted datasets."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base, new_id, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    fullname: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    about: Mapped[str] = mapped_column(sa.Text, default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    sysadmin: Mapped[bool] = mapped_column(default=False)
    # Staff (県職員) read internal datasets; public accounts only what is open.
    staff: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(20), default="active")
    created: Mapped[datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")
    site_roles: Mapped[list["UserSiteRole"]] = relationship(cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.state == "active"


class UserSiteRole(Base):
    __tablename__ = "user_site_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(50))


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    last_used: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class Grant(Base):
    """Read (or edit) permission on one restricted dataset for a user, an organization's
    members, or the holders of a site role; optionally until ``expires_at``."""

    __tablename__ = "grants"
    # One grant per principal and dataset: granting again replaces it.
    __table_args__ = (sa.UniqueConstraint("dataset_id", "principal_type", "principal_id"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(
        sa.ForeignKey("datasets.id", ondelete="CASCADE"), index=True
    )
    principal_type: Mapped[str] = mapped_column(sa.String(20))  # GrantPrincipal
    principal_id: Mapped[str] = mapped_column(sa.String(100), index=True)
    permission: Mapped[str] = mapped_column(sa.String(20), default="read")  # GrantPermission
    expires_at: Mapped[datetime | None]
    created: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
