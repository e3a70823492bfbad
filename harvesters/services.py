"""Creating and changing harvest sources and jobs. Callers check MANAGE_HARVEST on the
source's organization (these functions check what depends on the data: server-side
sources, organizations named in the config) and commit afterwards."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.levels import AccessLevel
from access_control.policy import Action, can
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, ValidationError
from catalog.api.validation import as_bool
from catalog.datasets.licenses import get_license
from catalog.datasets.schema import Errors
from catalog.db import utcnow
from catalog.organizations.models import Organization
from catalog.organizations.services import find_organization
from catalog.slugs import is_valid_name, slugify, unique_name
from harvesters.config import check_base_config, parse_config_text
from harvesters.models import Frequency, HarvestJob, HarvestSource, JobStatus
from harvesters.registry import get_harvester, source_types

TEXT_FIELDS = {"title": 300, "notes": 100_000, "url": 2000}


def apply_source(context: Context, source: HarvestSource, data: dict, *, partial: bool) -> None:
    """Set a source's fields from ``data`` (ckanext-harvest's names), checking them all."""
    errors = Errors()
    given = (lambda key: key in data) if partial else (lambda key: True)
    for key, text in errors.texts(data, TEXT_FIELDS, given).items():
        setattr(source, key, text)
    if not source.url:
        errors.add("url", _("Missing value"))
    if given("source_type"):
        source.source_type = str(data.get("source_type") or "")
    if get_harvester(source.source_type) is None:
        errors.add("source_type", _("Unknown source type; use one of %(types)s",
                                    types=", ".join(source_types())))
    if given("frequency"):
        source.frequency = str(data.get("frequency") or Frequency.MANUAL).upper()
    if source.frequency not in Frequency.__members__.values():
        errors.add("frequency", _("Must be one of %(values)s",
                                  values=", ".join(Frequency.__members__.values())))
    _apply_defaults(source, data, given, errors)
    if given("active") and data.get("active") not in (None, ""):
        source.active = as_bool(data.get("active"))
    _apply_name(context, source, data, given, errors)
    _apply_organization(context, source, data, given, errors)
    if given("config"):
        try:
            source.config = parse_config_text(data.get("config"))
        except ValueError as error:
            errors.add("config", str(error))
    _check_config(context, source, errors)
    errors.raise_if_any()
    source.modified = utcnow()


def _apply_defaults(source: HarvestSource, data: dict, given, errors: Errors) -> None:
    if given("default_access_level"):
        source.default_access_level = str(data.get("default_access_level")
                                          or AccessLevel.INTERNAL.value)
    if source.default_access_level not in AccessLevel.__members__.values():
        errors.add("default_access_level", _("Must be one of open, internal, restricted"))
    if given("default_license_id"):
        source.default_license_id = str(data.get("default_license_id") or "")
    if source.default_license_id and not get_license(source.default_license_id):
        errors.add("default_license_id", _("Unknown licence: %(id)s",
                                           id=source.default_license_id))


def _apply_name(context: Context, source, data: dict, given, errors: Errors) -> None:
    if not (given("name") or not source.name):
        return
    name = str(data.get("name") or "").strip() or source.name
    if not name:
        name = unique_name(context.db, HarvestSource.__table__.c.name,
                           slugify(source.title, "harvest-source"))
    if not is_valid_name(name):
        errors.add("name", _("Must be 2-100 lowercase letters, digits, - or _ "
                             "(and not only symbols)"))
    taken = context.db.scalar(sa.select(HarvestSource.id).where(HarvestSource.name == name))
    if taken and taken != source.id:
        errors.add("name", _("That URL is already in use."))
    source.name = name


def _apply_organization(context: Context, source, data: dict, given, errors: Errors) -> None:
    if not given("owner_org") and source.owner_org_id:
        return
    organization = find_organization(context.db, data.get("owner_org"))
    if organization is None or organization.state != "active":
        errors.add("owner_org", _("Organization does not exist"))
        return
    require_manage(context, organization)
    source.owner_org_id = organization.id
    source.organization = organization


def _check_config(context: Context, source: HarvestSource, errors: Errors) -> None:
    """The base keys, the type's keys, and the right to what the config reaches."""
    harvester = get_harvester(source.source_type)
    config = source.config or {}
    _base, problems = check_base_config(config)
    for problem in problems:
        errors.add("config", problem)
    if harvester is None:
        return
    for key, messages in harvester.check_config(source.url, config).items():
        for message in messages:
            errors.add(key, message)
    server_side = harvester.server_side or source.url.startswith("file:")
    if server_side and not can(context.principal, Action.HARVEST_SERVER_RESOURCES):
        raise NotAuthorized(_("Only system administrators may harvest databases or files "
                              "on the catalog server"))
    departments = config.get("departments") or {}
    if not isinstance(departments, dict):
        errors.add("config", _("departments must map department names to organizations"))
        return
    for department, reference in departments.items():
        organization = find_organization(context.db, str(reference))
        if organization is None:
            errors.add("config", _("Organization does not exist: %(ref)s", ref=str(reference)))
        else:
            require_manage(context, organization)


def require_manage(context: Context, organization: Organization) -> None:
    if not can(context.principal, Action.MANAGE_HARVEST, organization):
        raise NotAuthorized(_("You are not allowed to manage harvesting for organization "
                              "%(name)s", name=organization.name))


def delete_source(context: Context, source: HarvestSource) -> None:
    """Soft delete: the source stops; its datasets and reports stay. Pending jobs are
    aborted."""
    source.state = "deleted"
    source.active = False
    source.modified = utcnow()
    for job in unfinished_jobs(context, source):
        abort_job(context, job, _("The harvest source was deleted"))


def unfinished_jobs(context: Context, source: HarvestSource) -> list[HarvestJob]:
    return list(context.db.scalars(sa.select(HarvestJob).where(
        HarvestJob.source_id == source.id,
        HarvestJob.status.in_([JobStatus.NEW, JobStatus.RUNNING]))))


def create_job(context: Context, source: HarvestSource, *, dry_run: bool = False) -> HarvestJob:
    """A New job for ``source``; refused while another is new or running. With RQ
    workers it is sent to them at once; otherwise the scheduler's next pass runs it."""
    from harvesters.scheduling import recover_stale_jobs, send_to_workers, workers_run_jobs

    if source.state != "active" or not source.active:
        raise ValidationError({"source_id": [_("The harvest source is not active")]})
    recover_stale_jobs(context.db)
    if unfinished_jobs(context, source):
        raise ValidationError({"source_id": [
            _("There already is an unrun or running job for this harvest source")]})
    job = HarvestJob(source_id=source.id, dry_run=dry_run,
                     requested_by=context.principal.user_id)
    context.db.add(job)
    context.db.flush()
    if workers_run_jobs():  # to the workers now, not at the scheduler's next pass
        send_to_workers(context.db, [job.id])
    return job


def abort_job(context: Context, job: HarvestJob, reason: str | None = None) -> None:
    """Stop a New or Running job. A running job notices within a second or so, rolls its
    import back and leaves the catalog as it was."""
    who = context.principal.user.name if context.principal.user else "system"
    # Conditional, so that a job that finished meanwhile (its import committed while this
    # waited for the row) is not marked aborted after the fact.
    aborted = context.db.execute(
        sa.update(HarvestJob)
        .where(HarvestJob.id == job.id,
               HarvestJob.status.in_([JobStatus.NEW, JobStatus.RUNNING]))
        .values(status=JobStatus.ABORTED.value, finished=utcnow(),
                reason=reason or _("Aborted by %(user)s", user=who))
        .execution_options(synchronize_session=False)
    ).rowcount
    context.db.refresh(job)
    if not aborted:
        raise ValidationError({"id": [_("Only new or running jobs can be aborted")]})
