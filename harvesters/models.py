"""Harvest sources, their jobs, and what each job did to each remote item.

* :class:`HarvestSource` – where to harvest from, how often, into which organization.
* :class:`HarvestJob` – one run of a source, through the gather / fetch / import stages.
* :class:`HarvestRecord` – one remote item of a source across runs: the dataset it became,
  the hash of its last harvested content, whether it is still at the source.
* :class:`HarvestObject` – one line of a job's report: what the job did with one item.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access_control.levels import AccessLevel
from catalog.db import Base, new_id, utcnow
from catalog.organizations.models import Organization


class Frequency(StrEnum):
    """How often a source is harvested (ckanext-harvest's values)."""

    MANUAL = "MANUAL"
    ALWAYS = "ALWAYS"  # as soon as the previous job has finished
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    BIWEEKLY = "BIWEEKLY"
    MONTHLY = "MONTHLY"


class JobStatus(StrEnum):
    NEW = "New"
    RUNNING = "Running"
    FINISHED = "Finished"
    FAILED = "Failed"  # crashed, timed out or refused the source: nothing was changed
    ABORTED = "Aborted"


class Stage(StrEnum):
    GATHER = "gather"  # listing the remote items
    FETCH = "fetch"  # fetching each item (and copies of its files)
    IMPORT = "import"  # mapping items to datasets and applying them, in one transaction


class ReportStatus(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"  # gone from the source: the dataset was withdrawn
    MISSING = "missing"  # gone from the source, reported and kept (on_missing = report)
    ERRORED = "errored"


class RecordState(StrEnum):
    ACTIVE = "active"  # at the source at the last run
    WITHDRAWN = "withdrawn"  # gone from the source; its dataset was deleted
    MISSING = "missing"  # gone from the source; its dataset was kept


class HarvestSource(Base):
    """A remote catalog, file or system to harvest (ckanext-harvest's harvest source)."""

    __tablename__ = "harvest_sources"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # A URL for catalogs and files, a SQLAlchemy URL for databases.
    url: Mapped[str] = mapped_column(sa.String(2000))
    source_type: Mapped[str] = mapped_column(sa.String(30))
    config: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    frequency: Mapped[str] = mapped_column(sa.String(20), default=Frequency.MANUAL.value)
    owner_org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    default_access_level: Mapped[str] = mapped_column(
        sa.String(20), default=AccessLevel.INTERNAL.value
    )
    default_license_id: Mapped[str] = mapped_column(sa.String(50), default="")
    active: Mapped[bool] = mapped_column(default=True)
    state: Mapped[str] = mapped_column(sa.String(20), default="active")
    creator_user_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    modified: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")


class HarvestJob(Base):
    """One run of a source. It always ends Finished, Failed or Aborted (never stays Running:
    see :func:`harvesters.scheduling.recover_stale_jobs`)."""

    __tablename__ = "harvest_jobs"
    __table_args__ = (sa.Index("ix_harvest_jobs_source_created", "source_id", "created"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    source_id: Mapped[str] = mapped_column(
        sa.ForeignKey("harvest_sources.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=JobStatus.NEW.value, index=True)
    dry_run: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by: Mapped[str | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    gather_started: Mapped[datetime | None]
    gather_finished: Mapped[datetime | None]
    import_started: Mapped[datetime | None]
    finished: Mapped[datetime | None]
    # Why the job failed or was aborted, and in which stage; readable by staff.
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    failed_stage: Mapped[str] = mapped_column(sa.String(20), default="")
    stats: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    log: Mapped[list] = mapped_column(sa.JSON, default=list)

    source: Mapped[HarvestSource] = relationship(lazy="joined")


class HarvestRecord(Base):
    """A remote item of a source across runs, and the dataset it became."""

    __tablename__ = "harvest_records"
    __table_args__ = (sa.UniqueConstraint("source_id", "remote_id"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    source_id: Mapped[str] = mapped_column(
        sa.ForeignKey("harvest_sources.id", ondelete="CASCADE")
    )
    remote_id: Mapped[str] = mapped_column(sa.String(500))
    dataset_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(sa.String(20), default=RecordState.ACTIVE.value)
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    # The harvested fields as the dataset had them right after the last import: a field
    # that differs from this now was edited in the catalog (see harvesters.merge).
    harvested: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    locally_edited: Mapped[list] = mapped_column(sa.JSON, default=list)
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    remote_url: Mapped[str] = mapped_column(sa.String(2000), default="")
    remote_modified: Mapped[str] = mapped_column(sa.String(40), default="")
    first_harvested: Mapped[datetime] = mapped_column(default=utcnow)
    last_harvested: Mapped[datetime] = mapped_column(default=utcnow)
    last_job_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("harvest_jobs.id", ondelete="SET NULL")
    )

    source: Mapped[HarvestSource] = relationship()


class HarvestObject(Base):
    """One line of a job's report: what the job did with one remote item."""

    __tablename__ = "harvest_objects"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    job_id: Mapped[str] = mapped_column(
        sa.ForeignKey("harvest_jobs.id", ondelete="CASCADE"), index=True
    )
    remote_id: Mapped[str] = mapped_column(sa.String(500))
    dataset_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    report_status: Mapped[str] = mapped_column(sa.String(20))
    stage: Mapped[str] = mapped_column(sa.String(20), default="")
    error: Mapped[str] = mapped_column(sa.Text, default="")
    # Notes that are not errors: local edits kept, a field the source tightened, ...
    message: Mapped[str] = mapped_column(sa.Text, default="")
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    created: Mapped[datetime] = mapped_column(default=utcnow)
