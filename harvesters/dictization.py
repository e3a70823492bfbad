"""Sources, jobs and reports as dicts (ckanext-harvest's field names).

Reports never reveal what the caller may not read: a line about a dataset the caller
cannot read is shown without its title, ids or errors; a line with no dataset (an item
that failed before becoming one) is shown in full only to those who manage the source.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action, can
from catalog.api.context import Context
from catalog.datasets.dictization import iso
from catalog.datasets.models import Dataset
from catalog.organizations.dictization import organization_summary
from harvesters.config import redact, redact_url
from harvesters.models import HarvestJob, HarvestObject, HarvestRecord, HarvestSource, RecordState
from harvesters.scheduling import next_harvest


def may_manage(context: Context, source: HarvestSource) -> bool:
    return can(context.principal, Action.MANAGE_HARVEST, source.organization)


def source_dict(context: Context, source: HarvestSource, *, with_status: bool = True) -> dict:
    manager = may_manage(context, source)
    config = source.config if manager else redact(source.config or {})
    data = {
        "id": source.id,
        "name": source.name,
        "title": source.title,
        "notes": source.notes,
        "url": source.url if manager else redact_url(source.url),
        "source_type": source.source_type,
        "frequency": source.frequency,
        "config": json.dumps(config, ensure_ascii=False) if config else "",
        "owner_org": source.owner_org_id,
        "organization": organization_summary(source.organization),
        "default_access_level": source.default_access_level,
        "default_license_id": source.default_license_id,
        "active": source.active,
        "state": source.state,
        "type": "harvest",
        "creator_user_id": source.creator_user_id,
        "metadata_created": iso(source.created),
        "metadata_modified": iso(source.modified),
    }
    if with_status:
        data["status"] = source_status(context, source)
    return data


def source_status(context: Context, source: HarvestSource) -> dict:
    db = context.db
    jobs = sa.select(HarvestJob).where(HarvestJob.source_id == source.id)
    last_job = db.scalar(jobs.order_by(HarvestJob.created.desc()).limit(1))
    last_real = db.scalar(sa.select(sa.func.max(HarvestJob.created)).where(
        HarvestJob.source_id == source.id, HarvestJob.dry_run.is_(False)))
    job_count = db.scalar(sa.select(sa.func.count()).select_from(jobs.subquery()))
    total = db.scalar(sa.select(sa.func.count(HarvestRecord.id)).where(
        HarvestRecord.source_id == source.id, HarvestRecord.state != RecordState.WITHDRAWN,
        HarvestRecord.dataset_id.is_not(None)))
    due = next_harvest(source, last_real)
    return {
        "job_count": job_count,
        "last_job": job_dict(last_job) if last_job else None,
        "total_datasets": total,
        "next_harvest": iso(due) if due else None,
    }


def job_dict(job: HarvestJob) -> dict:
    stats = dict(job.stats or {})
    return {
        "id": job.id,
        "source_id": job.source_id,
        "status": job.status,
        "dry_run": job.dry_run,
        "created": iso(job.created),
        "gather_started": iso(job.gather_started),
        "gather_finished": iso(job.gather_finished),
        "import_started": iso(job.import_started),
        "finished": iso(job.finished),
        "reason": job.reason,
        "failed_stage": job.failed_stage,
        # ckanext-harvest's keys, with "not modified" for unchanged.
        "stats": {**stats, "not modified": stats.get("unchanged", 0)},
    }


def report_lines(context: Context, job: HarvestJob, status: str | None = None,
                 limit: int | None = None, offset: int = 0) -> list[dict]:
    """The job's report lines as the caller may see them."""
    query = sa.select(HarvestObject, Dataset).outerjoin(
        Dataset, Dataset.id == HarvestObject.dataset_id
    ).where(HarvestObject.job_id == job.id).order_by(
        HarvestObject.report_status, HarvestObject.title, HarvestObject.remote_id)
    if status:
        query = query.where(HarvestObject.report_status == status)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    manager = may_manage(context, job.source)
    return [object_dict(context, line, dataset, manager)
            for line, dataset in context.db.execute(query)]


def object_dict(context: Context, line: HarvestObject, dataset: Dataset | None,
                manager: bool) -> dict:
    visible = can(context.principal, Action.READ, dataset) if dataset is not None else manager
    data = {
        "id": line.id,
        "harvest_job_id": line.job_id,
        "report_status": line.report_status,
        "stage": line.stage,
        "hidden": not visible,
    }
    if not visible:
        data["title"] = _("(a dataset you may not read)")
        return data
    data.update({
        "guid": line.remote_id,
        "title": line.title,
        "package_id": dataset.id if dataset is not None else None,
        "package_name": dataset.name if dataset is not None else None,
        "error": line.error,
        "message": line.message,
    })
    return data
