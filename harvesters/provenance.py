"""Where a harvested dataset came from, for its page.

Everyone who may read the dataset sees the source's title, the item's page at the source
(for catalogs), when it was last harvested and which columns look like personal data
(``sql`` sources); staff also see the link to the job's report
and which fields keep local edits. Source URLs are never shown here (a database URL or
a file path is nobody's business on a dataset page).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from access_control.policy import Action, can
from access_control.principals import Principal
from catalog.datasets.models import Dataset
from harvesters.models import HarvestRecord


def provenance_for(db: Session, principal: Principal, dataset_id: str) -> dict | None:
    """The provenance of ``dataset_id`` as ``principal`` may see it (None: not harvested)."""
    record = db.scalar(
        sa.select(HarvestRecord).where(HarvestRecord.dataset_id == dataset_id)
        .order_by(HarvestRecord.last_harvested.desc()).limit(1))
    if record is None:
        return None
    staff = can(principal, Action.VIEW_HARVEST)
    dataset = db.get(Dataset, dataset_id)
    return {
        "source_title": record.source.title or record.source.name,
        "source_name": record.source.name if staff else None,
        "remote_url": record.remote_url if record.remote_url.startswith(("http://", "https://"))
        else "",
        "last_harvested": record.last_harvested.isoformat(),
        "state": record.state,
        "job_id": record.last_job_id if staff else None,
        "locally_edited": list(record.locally_edited or []) if staff else [],
        # flagged by the sql type: a warning to everyone who may read the dataset
        "personal_data_columns": (dataset.extras or {}).get("personal_data_columns", "")
        if dataset is not None else "",
    }
