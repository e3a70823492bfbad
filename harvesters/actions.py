"""Harvest actions, with ckanext-harvest's names and fields.

Sources, jobs and reports are for staff (VIEW_HARVEST); creating and changing them needs
MANAGE_HARVEST on the source's organization. A job created here is New: it is run by
``catalog harvest run-due`` (cron, or the queue worker), or at once by
``catalog harvest run SOURCE``.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import Action, can
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound
from catalog.api.registry import action
from catalog.api.validation import as_bool, as_int, require
from catalog.organizations.services import find_organization
from harvesters import services
from harvesters.dictization import job_dict, report_lines, source_dict
from harvesters.models import HarvestJob, HarvestSource, JobStatus, ReportStatus


def _require_view(context: Context) -> None:
    if not can(context.principal, Action.VIEW_HARVEST):
        raise NotAuthorized(_("Harvest sources are for staff only"))


def _source(context: Context, reference, *, manage: bool = False) -> HarvestSource:
    _require_view(context)
    source = context.db.scalar(sa.select(HarvestSource).where(
        sa.or_(HarvestSource.id == str(reference), HarvestSource.name == str(reference))))
    if source is None:
        raise NotFound(_("Harvest source not found"))
    if manage:
        services.require_manage(context, source.organization)
    return source


def _job(context: Context, job_id, *, manage: bool = False) -> HarvestJob:
    _require_view(context)
    job = context.db.get(HarvestJob, str(job_id))
    if job is None:
        raise NotFound(_("Harvest job not found"))
    if manage:
        services.require_manage(context, job.source.organization)
    return job


@action("harvest_source_create")
def harvest_source_create(context: Context, data: dict) -> dict:
    """Create a harvest source (admins of ``owner_org``).

    :param url: the catalog, file or (sysadmins only) database URL to harvest
    :param name: URL name (derived from the title when empty)
    :param title, notes: shown to staff
    :param source_type: ckan, dcat or inventory
    :param frequency: MANUAL, ALWAYS, DAILY, WEEKLY, BIWEEKLY or MONTHLY
    :param config: JSON object (string or object) of options for the type
    :param owner_org: the organization harvested datasets go into
    :param default_access_level: open, internal (default) or restricted
    :param default_license_id: licence for datasets whose source gives none
    """
    _require_view(context)
    source = HarvestSource(creator_user_id=context.principal.user_id)
    services.apply_source(context, source, data, partial=False)
    context.db.add(source)
    context.db.flush()
    return source_dict(context, source)


@action("harvest_source_update")
def harvest_source_update(context: Context, data: dict) -> dict:
    """Change a harvest source (fields as harvest_source_create; omitted ones are kept).

    :param id: the source's id or name
    """
    source = _source(context, require(data, "id"), manage=True)
    services.apply_source(context, source, data, partial=True)
    return source_dict(context, source)


@action("harvest_source_show", read_only=True)
def harvest_source_show(context: Context, data: dict) -> dict:
    """One harvest source with its status (last job, job count, datasets, next harvest).
    Secrets in its config and URL are hidden from those who may not manage it.

    :param id: the source's id or name
    """
    return source_dict(context, _source(context, require(data, "id", "name_or_id")))


@action("harvest_source_list", read_only=True)
def harvest_source_list(context: Context, data: dict) -> list[dict]:
    """Harvest sources, by title.

    :param organization_id: only the sources of this organization (id or name)
    :param only_active: leave out inactive sources
    :param include_deleted: include deleted sources
    """
    _require_view(context)
    query = sa.select(HarvestSource).order_by(HarvestSource.title, HarvestSource.name)
    if not as_bool(data.get("include_deleted")):
        query = query.where(HarvestSource.state == "active")
    if as_bool(data.get("only_active")):
        query = query.where(HarvestSource.active.is_(True))
    if data.get("organization_id") or data.get("owner_org"):
        organization = find_organization(context.db, data.get("organization_id")
                                         or data.get("owner_org"))
        if organization is None:
            raise NotFound(_("Organization not found"))
        query = query.where(HarvestSource.owner_org_id == organization.id)
    return [source_dict(context, source) for source in context.db.scalars(query)]


@action("harvest_source_delete")
def harvest_source_delete(context: Context, data: dict) -> None:
    """Delete a harvest source: it stops being harvested and its pending jobs are
    aborted; the datasets it harvested and its reports stay.

    :param id: the source's id or name
    """
    services.delete_source(context, _source(context, require(data, "id"), manage=True))


@action("harvest_job_create")
def harvest_job_create(context: Context, data: dict) -> dict:
    """Queue a harvest of a source (refused while one is new or running).

    :param source_id: the source's id or name
    :param dry_run: do everything but change nothing, and report what would change
    """
    source = _source(context, require(data, "source_id", "id"), manage=True)
    job = services.create_job(context, source, dry_run=as_bool(data.get("dry_run")))
    return job_dict(job)


@action("harvest_job_list", read_only=True)
def harvest_job_list(context: Context, data: dict) -> list[dict]:
    """A source's jobs, newest first.

    :param source_id: the source's id or name
    :param status: only jobs with this status (New, Running, Finished, Failed, Aborted)
    :param limit: at most this many (default 50, at most 1000)
    """
    source = _source(context, require(data, "source_id", "id"))
    query = (sa.select(HarvestJob).where(HarvestJob.source_id == source.id)
             .order_by(HarvestJob.created.desc())
             .limit(as_int(data, "limit", 50, minimum=1, maximum=1000)))
    if data.get("status"):
        query = query.where(HarvestJob.status == str(data["status"]))
    return [job_dict(job) for job in context.db.scalars(query)]


@action("harvest_job_show", read_only=True)
def harvest_job_show(context: Context, data: dict) -> dict:
    """One job: status, timings, counts, and the reason it failed.

    :param id: the job id
    """
    job = _job(context, require(data, "id"))
    result = job_dict(job)
    result["log"] = job.log or []
    return result


@action("harvest_job_report", read_only=True)
def harvest_job_report(context: Context, data: dict) -> dict:
    """A job's report: one line per remote item (added, updated, unchanged, deleted,
    missing, errored), plus ckanext-harvest's ``gather_errors`` and ``object_errors``.
    Lines about datasets the caller may not read are hidden.

    :param id: the job id
    :param status: only lines with this report status
    :param limit: at most this many lines (default all)
    :param offset: skip this many lines
    """
    job = _job(context, require(data, "id"))
    limit = as_int(data, "limit", 0) or None
    lines = report_lines(context, job, data.get("status") or None, limit,
                         as_int(data, "offset", 0))
    gather_errors = ([{"message": job.reason, "stage": job.failed_stage}]
                     if job.status == JobStatus.FAILED else [])
    object_errors = {
        line["id"]: {"guid": line.get("guid"), "errors": [
            {"message": line.get("error", ""), "stage": line["stage"]}]}
        for line in lines if line["report_status"] == ReportStatus.ERRORED
    }
    return {"job": job_dict(job), "objects": lines, "gather_errors": gather_errors,
            "object_errors": object_errors}


@action("harvest_job_abort")
def harvest_job_abort(context: Context, data: dict) -> dict:
    """Abort a new or running job; a running import is rolled back.

    :param id: the job id; or
    :param source_id: abort the source's unfinished job
    """
    if data.get("id"):
        job = _job(context, data["id"], manage=True)
    else:
        source = _source(context, require(data, "source_id"), manage=True)
        jobs = services.unfinished_jobs(context, source)
        if not jobs:
            raise NotFound(_("This source has no new or running job"))
        job = jobs[0]
    services.abort_job(context, job)
    return job_dict(job)
