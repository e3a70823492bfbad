"""Job actions."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action, can
from catalog.api.context import Context
from catalog.api.errors import NotFound
from catalog.api.registry import action
from catalog.api.validation import as_int, require
from catalog.datasets.dictization import iso
from catalog.datasets.lookup import resource_for
from catalog.jobs.models import Job
from catalog.jobs.runner import fail_stale_jobs


def job_dict(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "resource_id": job.resource_id,
        "status": job.status,
        "progress": job.progress,
        "log": job.log.splitlines(),
        "errors": job.errors,
        "result": job.result,
        "created": iso(job.created),
        "started": iso(job.started),
        "finished": iso(job.finished),
        "heartbeat": iso(job.heartbeat),
    }


@action("job_show", read_only=True)
def job_show(context: Context, data: dict) -> dict:
    """A background job: status, progress (percent), log lines and errors.

    :param id: the job id

    Jobs about a resource are shown to whoever may read that resource.
    """
    job = context.db.get(Job, str(require(data, "id")))
    if job is None or job.resource_id is None and not can(context.principal,
                                                           Action.SEE_SYSTEM_JOBS):
        raise NotFound(_("Job not found"))
    if job.resource_id is not None:
        resource_for(context.principal, context.db, job.resource_id, Action.READ)
    if fail_stale_jobs(context.db):
        context.db.flush()
    return job_dict(job)


@action("job_list", read_only=True)
def job_list(context: Context, data: dict) -> list[dict]:
    """The jobs of a resource, newest first.

    :param resource_id: the resource id
    :param limit: at most this many (default 10, at most 100)
    """
    resource = resource_for(context.principal, context.db, require(data, "resource_id"),
                            Action.READ)
    if fail_stale_jobs(context.db):
        context.db.flush()
    jobs = context.db.scalars(
        sa.select(Job).where(Job.resource_id == resource.id)
        .order_by(Job.created.desc(), Job.id)
        .limit(as_int(data, "limit", 10, minimum=1, maximum=100))
    )
    return [job_dict(job) for job in jobs]
