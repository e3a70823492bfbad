"""The history of every change to a dataset (CKAN's activity stream)."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalog.datasets.dictization import VOLATILE_FIELDS, dataset_dict
from catalog.datasets.models import Dataset, DatasetRevision
from catalog.db import utcnow


class RevisionKind(StrEnum):
    """CKAN's activity types for datasets."""

    NEW = "new package"
    CHANGED = "changed package"
    DELETED = "deleted package"


def _content(snapshot: dict) -> dict:
    """The snapshot without timestamps that move on every save."""
    content = {key: value for key, value in snapshot.items() if key not in VOLATILE_FIELDS}
    content["resources"] = [
        {key: value for key, value in resource.items() if key not in VOLATILE_FIELDS}
        for resource in snapshot.get("resources", [])
    ]
    return content


def latest_revision(db: Session, dataset_id: str) -> DatasetRevision | None:
    return db.scalar(
        sa.select(DatasetRevision)
        .where(DatasetRevision.dataset_id == dataset_id)
        .order_by(DatasetRevision.revision.desc())
        .limit(1)
    )


def record_revision(
    db: Session, dataset: Dataset, kind: RevisionKind, user_id: str | None, site_url: str
) -> DatasetRevision | None:
    """Record ``dataset`` as it now is, unless nothing changed since the last revision.

    Only a real change moves ``metadata_modified``: saving identical data (a ckanapi
    round trip, a harvest with no remote change) writes no revision.
    """
    db.flush()
    db.refresh(dataset)  # collections as stored, not as built in this session
    previous = latest_revision(db, dataset.id)
    snapshot = dataset_dict(dataset, site_url)
    if previous is not None and kind != RevisionKind.DELETED:
        if _content(previous.data) == _content(snapshot):
            return None
    dataset.modified = utcnow()
    snapshot["metadata_modified"] = dataset.modified.isoformat()
    revision = DatasetRevision(
        dataset_id=dataset.id,
        revision=(previous.revision + 1) if previous else 1,
        activity_type=kind.value,
        user_id=user_id,
        created=dataset.modified,
        data=snapshot,
    )
    db.add(revision)
    db.flush()
    return revision
