"""Use cases, their tags and linked datasets, and the submission log used against spam."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.datasets.models import Dataset
from catalog.db import Base, new_id, utcnow


class ShowcaseType(StrEnum):
    """What kind of reuse a use case is."""

    APP = "app"
    VISUALIZATION = "visualization"
    REPORT = "report"
    ARTICLE = "article"
    RESEARCH = "research"
    OTHER = "other"


class ShowcaseState(StrEnum):
    """Where a use case stands. Only ``active`` ones are public."""

    ACTIVE = "active"  # published
    PENDING = "pending"  # submitted by the public, waiting for moderation
    REJECTED = "rejected"  # refused by a moderator (kept so a repeat can be recognised)


showcase_datasets = sa.Table(
    "showcase_datasets",
    Base.metadata,
    sa.Column("showcase_id", sa.ForeignKey("showcases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("dataset_id", sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class Showcase(Base):
    """A use case (ckanext-showcase's showcase)."""

    __tablename__ = "showcases"
    __table_args__ = (sa.Index("ix_showcases_state_created", "state", "created"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    showcase_type: Mapped[str] = mapped_column(sa.String(20), default=ShowcaseType.OTHER.value)
    url: Mapped[str] = mapped_column(sa.String(1000), default="")
    author: Mapped[str] = mapped_column(sa.String(200), default="")
    # Only moderators see it: it is how they reach a member of the public who submitted.
    author_email: Mapped[str] = mapped_column(sa.String(254), default="")
    image_key: Mapped[str] = mapped_column(sa.String(500), default="")  # in the file store
    image_mimetype: Mapped[str] = mapped_column(sa.String(50), default="")
    featured: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(20), default=ShowcaseState.ACTIVE.value)
    moderation_note: Mapped[str] = mapped_column(sa.Text, default="")
    creator_user_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    modified: Mapped[datetime] = mapped_column(default=utcnow)

    tags: Mapped[list["ShowcaseTag"]] = relationship(
        cascade="all, delete-orphan", order_by="ShowcaseTag.name", lazy="selectin"
    )
    datasets: Mapped[list[Dataset]] = relationship(
        secondary=showcase_datasets, order_by=Dataset.title, lazy="selectin"
    )


class ShowcaseTag(Base):
    __tablename__ = "showcase_tags"

    showcase_id: Mapped[str] = mapped_column(
        sa.ForeignKey("showcases.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True, index=True)


class ShowcaseSubmission(Base):
    """One public submission, for rate limiting. ``client_key`` is a keyed hash of the
    sender's address and the day: it cannot be turned back into the address, and the same
    sender looks different the next day. Rows older than a day are removed."""

    __tablename__ = "showcase_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)
