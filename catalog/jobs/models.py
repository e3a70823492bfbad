"""The job table: one row per background job, its state and what it reported."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base, new_id, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # nothing to do (e.g. the file did not change)

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.SKIPPED)


class Job(Base):
    """A background job. ``kind`` is the dotted path of its handler
    (``"ingest.tasks:ingest_resource"``); ``log`` holds one line per step and ``errors``
    the reasons it failed, in Japanese, for the resource page and ``job_show``."""

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_status_heartbeat", "status", "heartbeat"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(sa.String(200))
    resource_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=JobStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    log: Mapped[str] = mapped_column(sa.Text, default="")
    errors: Mapped[list] = mapped_column(sa.JSON, default=list)
    timeout_seconds: Mapped[int] = mapped_column(default=3600)
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started: Mapped[datetime | None]
    finished: Mapped[datetime | None]
    heartbeat: Mapped[datetime | None]

    # Declared so that a job queued with a new resource is inserted after it.
    resource = relationship("Resource", lazy="raise")
