"""The import stage: apply a job's mapped items to the catalog in ONE transaction.

Transaction boundary: the gather and fetch stages only read the source; nothing in the
catalog changes until this stage, which runs in a single database transaction that the
runner commits once every item has been applied (or rolls back on a crash, a time-out,
an abort, or a dry run). Each item is applied inside a SAVEPOINT, so an item that the
catalog refuses (a validation error) is reported as errored without undoing the others.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import ExitStack
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from catalog.api.context import Context
from catalog.api.errors import ValidationError
from catalog.datasets import services
from catalog.datasets.dictization import dataset_dict
from catalog.datasets.models import Dataset
from catalog.datasets.revisions import latest_revision
from catalog.db import utcnow
from catalog.slugs import is_valid_name, slugify, unique_name
from harvesters.interfaces import DatasetDraft, DownloadedFile, ItemError, Listing, RemoteItem
from harvesters.merge import comparable, merge, next_snapshot
from harvesters.models import HarvestRecord, RecordState, ReportStatus, Stage
from harvesters.run import HarvestRun


@dataclass
class ReportLine:
    """One line of the job's report (becomes a HarvestObject)."""

    remote_id: str
    report_status: str
    title: str = ""
    dataset_id: str | None = None
    stage: str = ""
    error: str = ""
    message: str = ""
    content_hash: str = ""


def errored(item: RemoteItem, stage: Stage, error: str) -> ReportLine:
    return ReportLine(item.remote_id, ReportStatus.ERRORED, item.title[:500], stage=stage,
                      error=error)


def content_hash(package: dict) -> str:
    """A hash of the package as harvested; copied files count by their sha256."""
    def plain(value):
        if isinstance(value, DownloadedFile):
            return {"sha256": value.sha256}
        raise TypeError(type(value).__name__)

    text = json.dumps(package, sort_keys=True, ensure_ascii=False, default=plain)
    return hashlib.sha256(text.encode()).hexdigest()


class Importer:
    """Applies mapped items, then withdrawals, to the catalog through the dataset services
    (so revisions, search indexing and file storage behave as for any other change)."""

    def __init__(self, db: Session, run: HarvestRun, context: Context, missing_policy: str):
        self.db = db
        self.run = run
        self.context = context
        self.missing_policy = missing_policy
        self.now = utcnow()
        _open_transaction(db)
        self.records = {
            record.remote_id: record
            for record in db.scalars(
                sa.select(HarvestRecord).where(HarvestRecord.source_id == run.source.id))
        }

    def apply(self, mapped: list[tuple[RemoteItem, DatasetDraft]], listing: Listing,
              skipped: set[str]) -> list[ReportLine]:
        """Apply every item; report the ids present but not listed as unchanged and the
        items gone from the source as withdrawn (or missing). ``skipped`` are ids that
        errored earlier in this job: they are present, but not touched."""
        lines = []
        for item, draft in mapped:
            self.run.check()
            try:
                with self.db.begin_nested():
                    lines.append(self._apply_one(item, draft))
            except ValidationError as error:
                lines.append(errored(item, Stage.IMPORT, _validation_text(error)))
            except ItemError as error:
                lines.append(errored(item, Stage.IMPORT, error.message))
        present = listing.present()
        handled = {item.remote_id for item, _draft in mapped} | skipped
        for remote_id in sorted(present - handled):
            record = self.records.get(remote_id)
            if record is not None and record.state == RecordState.ACTIVE:
                self._touch(record)
                lines.append(ReportLine(remote_id, ReportStatus.UNCHANGED, record.title,
                                        record.dataset_id, content_hash=record.content_hash))
        for record in self.records.values():
            if record.remote_id not in present and record.state != RecordState.WITHDRAWN:
                self.run.check()
                lines.append(self._gone(record))
        return lines

    def _apply_one(self, item: RemoteItem, draft: DatasetDraft) -> ReportLine:
        package = self._complete(draft)
        digest = content_hash(package)
        record = self.records.get(item.remote_id)
        dataset = self.db.get(Dataset, record.dataset_id) if record and record.dataset_id else None
        line = ReportLine(item.remote_id, ReportStatus.UNCHANGED, item.title[:500],
                          content_hash=digest, message="; ".join(draft.messages))
        if dataset is not None and dataset.state == "deleted" and record.state != RecordState.WITHDRAWN:
            line.dataset_id = dataset.id
            line.message = _("Deleted in the catalog: not restored by the harvest")
        elif dataset is not None and record.content_hash == digest and dataset.state == "active":
            line.dataset_id = dataset.id
        elif dataset is None:
            dataset = self._create(package, item)
            line.report_status, line.dataset_id = ReportStatus.ADDED, dataset.id
            record = self._record(item, record, dataset, comparable(self._shown(dataset), package), [])
        else:
            line.report_status, edited, notes = self._update(dataset, package, record)
            line.dataset_id = dataset.id
            line.message = "; ".join(filter(None, [line.message, *notes]))
            self._record(item, record, dataset, record.harvested, edited)
        if record is not None:
            record.content_hash = digest
            self._touch(record)
        return line

    def _create(self, package: dict, item: RemoteItem) -> Dataset:
        package = dict(package)
        name = str(package.get("name") or "")
        taken = self.db.scalar(sa.select(Dataset.id).where(Dataset.name == name))
        if not is_valid_name(name) or taken:
            base = name if is_valid_name(name) else slugify(package.get("title") or item.remote_id)
            package["name"] = unique_name(self.db, Dataset.__table__.c.name, base)
        with ExitStack() as files:
            package["resources"] = [self._upload(files, resource, None)
                                    for resource in package.get("resources") or []]
            return services.create_dataset(self.context, package)

    def _update(self, dataset: Dataset, package: dict, record: HarvestRecord):
        """Merge the source's package into the dataset; returns (status, edited, notes)."""
        shown = self._shown(dataset)
        local = comparable(shown, package.keys())
        plan = merge(package, record.harvested or {}, local)
        if record.state == RecordState.WITHDRAWN or dataset.state != "active":
            plan.patch["state"] = "active"
        before = latest_revision(self.db, dataset.id)
        if "resources" in plan.patch:
            with ExitStack() as files:
                plan.patch["resources"] = self._match_resources(files, dataset, plan.patch["resources"])
                services.update_dataset(self.context, dataset, plan.patch, partial=True)
        else:
            services.update_dataset(self.context, dataset, plan.patch, partial=True)
        after = latest_revision(self.db, dataset.id)
        changed = after is not None and (before is None or after.revision != before.revision)
        notes = []
        if plan.edited:
            notes.append(_("Local edits kept: %(fields)s", fields=", ".join(plan.edited)))
        if plan.notes:
            notes.append(_("The source made the access level stricter than the local edit"))
        status = ReportStatus.UPDATED if changed else ReportStatus.UNCHANGED
        record.harvested = next_snapshot(record.harvested or {},
                                         comparable(self._shown(dataset), package.keys()),
                                         plan.edited)
        return status, plan.edited, notes

    def _match_resources(self, files: ExitStack, dataset: Dataset, resources: list[dict]):
        """Give each harvested resource the id of the dataset's resource it replaces (same
        URL, else same position), so resources are updated in place."""
        existing = list(dataset.resources)
        unused = {resource.id: resource for resource in existing}
        matched = []
        for position, resource in enumerate(resources):
            target = next((r for r in unused.values()
                           if r.url_type != "upload" and r.url == resource.get("url")), None)
            if target is None and position < len(existing) and existing[position].id in unused:
                target = existing[position]
            if target is not None:
                del unused[target.id]
            matched.append(self._upload(files, {**resource, "id": target.id if target else ""},
                                        target))
        return matched

    @staticmethod
    def _upload(files: ExitStack, resource: dict, target) -> dict:
        """Turn a copied file into an upload, unless the resource already holds it."""
        copy = resource.get("upload")
        if not isinstance(copy, DownloadedFile):
            return resource
        resource = {k: v for k, v in resource.items() if k not in ("upload", "url")}
        if target is not None and target.url_type == "upload" and target.hash == copy.sha256:
            return resource
        stream = files.enter_context(copy.path.open("rb"))
        resource["upload"] = FileStorage(stream, filename=copy.filename,
                                         content_type=copy.mimetype or None)
        return resource

    def _complete(self, draft: DatasetDraft) -> dict:
        """The draft with the source's organization, level, licence, tags and extras."""
        source, base = self.run.source, self.run.base
        package = dict(draft.package)
        package["owner_org"] = package.get("owner_org") or source.owner_org_id
        package["access_level"] = draft.access_level or source.default_access_level
        package["license_id"] = package.get("license_id") or source.default_license_id
        tags = list(dict.fromkeys([*(package.get("tags") or []), *base.default_tags]))
        package["tags"] = [{"name": tag} for tag in tags]
        extras = dict(package.get("extras") or {})
        for key, value in base.default_extras:
            if base.override_extras or key not in extras:
                extras[key] = value
        package["extras"] = [{"key": k, "value": v} for k, v in sorted(extras.items())]
        return package

    def _record(self, item: RemoteItem, record: HarvestRecord | None, dataset: Dataset,
                harvested: dict, edited: list[str]) -> HarvestRecord:
        if record is None:
            record = HarvestRecord(source_id=self.run.source.id, remote_id=item.remote_id,
                                   first_harvested=self.now)
            self.db.add(record)
            self.records[item.remote_id] = record
        record.dataset_id = dataset.id
        record.state = RecordState.ACTIVE.value
        record.harvested = harvested
        record.locally_edited = edited
        record.title = (item.title or dataset.title)[:500]
        record.remote_url = item.remote_url[:2000]
        record.remote_modified = item.remote_modified[:40]
        return record

    def _touch(self, record: HarvestRecord) -> None:
        record.last_harvested = self.now
        record.last_job_id = self.run.job_id
        if record.state == RecordState.MISSING:
            record.state = RecordState.ACTIVE.value

    def _gone(self, record: HarvestRecord) -> ReportLine:
        """An item no longer at the source: withdraw its dataset, or report it."""
        dataset = self.db.get(Dataset, record.dataset_id) if record.dataset_id else None
        line = ReportLine(record.remote_id, ReportStatus.MISSING, record.title, record.dataset_id)
        if self.missing_policy == "report":
            record.state = RecordState.MISSING.value
            line.message = _("No longer at the source: the dataset was kept")
            return line
        with self.db.begin_nested():
            if dataset is not None and dataset.state != "deleted":
                services.delete_dataset(self.context, dataset)
            record.state = RecordState.WITHDRAWN.value
            record.content_hash = ""  # if the item comes back, it is applied again
        line.report_status = ReportStatus.DELETED
        return line

    def _shown(self, dataset: Dataset) -> dict:
        return dataset_dict(dataset, self.context.settings.site_url)


def _open_transaction(db: Session) -> None:
    """Make sure the outer transaction has begun before the first SAVEPOINT.

    pysqlite begins a transaction only at the first write; a SAVEPOINT issued before
    that becomes the transaction itself, and releasing it would COMMIT every item applied
    so far. A write that touches no row opens the real transaction first.
    """
    if db.get_bind().dialect.name == "sqlite":
        db.execute(sa.update(HarvestRecord).where(sa.false()).values(state=HarvestRecord.state))


def _validation_text(error: ValidationError) -> str:
    parts = []
    for key, messages in error.errors.items():
        text = ", ".join(map(str, messages)) if isinstance(messages, list) else str(messages)
        parts.append(f"{key}: {text}")
    return "; ".join(parts)
