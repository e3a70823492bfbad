"""Datasets, resources, tags and revisions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access_control.levels import AccessLevel
from catalog.db import Base, new_id, utcnow
from catalog.groups.models import Group
from catalog.organizations.models import Organization

dataset_tags = sa.Table(
    "dataset_tags",
    Base.metadata,
    sa.Column("dataset_id", sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

dataset_groups = sa.Table(
    "dataset_groups",
    Base.metadata,
    sa.Column("dataset_id", sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("group_id", sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)


class Dataset(Base):
    """A dataset (CKAN's package). ``access_level`` says who may read it."""

    __tablename__ = "datasets"
    __table_args__ = (
        sa.Index("ix_datasets_access", "state", "access_level", "owner_org_id"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    type: Mapped[str] = mapped_column(sa.String(30), default="dataset")
    owner_org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    license_id: Mapped[str] = mapped_column(sa.String(50), default="")
    url: Mapped[str] = mapped_column(sa.String(1000), default="")
    version: Mapped[str] = mapped_column(sa.String(100), default="")
    author: Mapped[str] = mapped_column(sa.String(200), default="")
    author_email: Mapped[str] = mapped_column(sa.String(254), default="")
    maintainer: Mapped[str] = mapped_column(sa.String(200), default="")  # contact (担当)
    maintainer_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(50), default="")
    frequency: Mapped[str] = mapped_column(sa.String(30), default="")  # vocabularies.FREQUENCIES
    spatial: Mapped[str] = mapped_column(sa.String(300), default="")
    temporal_start: Mapped[date | None]
    temporal_end: Mapped[date | None]
    access_level: Mapped[str] = mapped_column(sa.String(20), default=AccessLevel.OPEN.value)
    # 根拠法令: a code of access_control.legal_basis.LegalBasis, with free text (article,
    # or the law itself for "other"). Required for restricted datasets.
    legal_basis: Mapped[str] = mapped_column(sa.String(300), default="")
    legal_basis_text: Mapped[str] = mapped_column(sa.String(500), default="")
    access_note: Mapped[str] = mapped_column(sa.Text, default="")
    extras: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = mapped_column(sa.String(20), default="active")
    creator_user_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    modified: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    organization: Mapped[Organization] = relationship(lazy="joined")
    resources: Mapped[list["Resource"]] = relationship(
        back_populates="dataset", order_by="Resource.position", cascade="all, delete-orphan"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=dataset_tags, order_by=Tag.name)
    groups: Mapped[list[Group]] = relationship(secondary=dataset_groups, order_by=Group.name)

    @property
    def private(self) -> bool:
        """CKAN's ``private`` flag, derived: a dataset is private when it is not open."""
        return self.access_level != AccessLevel.OPEN


class Resource(Base):
    """A file or link of a dataset. It may be stricter than its dataset, never looser.

    Deleting a resource removes the row; the dataset's revisions keep its history."""

    __tablename__ = "resources"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(
        sa.ForeignKey("datasets.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(sa.String(2000), default="")
    url_type: Mapped[str] = mapped_column(sa.String(20), default="")  # "upload" or "" (link)
    name: Mapped[str] = mapped_column(sa.String(500), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    format: Mapped[str] = mapped_column(sa.String(50), default="")
    mimetype: Mapped[str] = mapped_column(sa.String(200), default="")
    size: Mapped[int | None] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(100), default="")  # sha256 of the original
    storage_key: Mapped[str] = mapped_column(sa.String(500), default="")
    position: Mapped[int] = mapped_column(default=0)
    # None: inherits the dataset's level. Otherwise at least as strict as the dataset.
    access_level: Mapped[str | None] = mapped_column(sa.String(20))
    datastore_active: Mapped[bool] = mapped_column(default=False)
    extras: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    last_modified: Mapped[datetime | None]
    metadata_modified: Mapped[datetime] = mapped_column(default=utcnow)

    dataset: Mapped[Dataset] = relationship(back_populates="resources")

    @property
    def effective_access_level(self) -> AccessLevel:
        return AccessLevel.strictest(self.dataset.access_level, self.access_level)


class DatasetRevision(Base):
    """One change to a dataset: who, when, what kind, and the dataset as it became."""

    __tablename__ = "dataset_revisions"
    __table_args__ = (sa.UniqueConstraint("dataset_id", "revision"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(sa.ForeignKey("datasets.id", ondelete="CASCADE"))
    revision: Mapped[int]
    activity_type: Mapped[str] = mapped_column(sa.String(30))  # RevisionKind
    user_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict] = mapped_column(sa.JSON)
