"""The contract of a harvester type, and what passes between it and the base.

A type only says how to list the remote items (:meth:`Harvester.gather`), how to fetch one
when the listing is not enough (:meth:`Harvester.fetch`) and how to map one to a dataset
(:meth:`Harvester.map_item`). The base (:mod:`harvesters.runner`) owns everything else:
retries with back-off, time and item limits, dry runs, logging, idempotency, withdrawals
and the one transaction in which a job changes the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from harvesters.run import HarvestRun


class HarvestError(Exception):
    """Base of the errors a harvester raises on purpose; ``message`` is for staff."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SourceError(HarvestError):
    """The source as a whole cannot be harvested (unreachable, garbage, refused): the job
    fails and the catalog is left exactly as it was."""


class ItemError(HarvestError):
    """One remote item cannot be fetched or mapped: it is reported as errored, the others
    go on, and its dataset (if any) is left as it was."""


@dataclass
class DownloadedFile:
    """A copy of a remote file, made in the fetch stage and stored in the import stage."""

    path: Path
    filename: str
    sha256: str
    size: int
    mimetype: str = ""


@dataclass
class RemoteItem:
    """One item at the source. ``content`` is whatever the type needs to map it."""

    remote_id: str
    content: Any = None
    title: str = ""
    remote_url: str = ""  # the item's own page at the source, shown as provenance
    remote_modified: str = ""
    files: dict[str, DownloadedFile] = field(default_factory=dict)  # by remote URL


@dataclass
class Listing:
    """What the gather stage found.

    ``present_ids`` is every remote id still at the source. Leave it ``None`` when
    ``items`` is the complete listing; set it when ``items`` holds only what changed
    (an incremental harvest): ids present but not listed are reported unchanged.
    """

    items: list[RemoteItem]
    present_ids: set[str] | None = None
    notes: list[str] = field(default_factory=list)

    def present(self) -> set[str]:
        if self.present_ids is not None:
            return set(self.present_ids)
        return {item.remote_id for item in self.items}


@dataclass
class DatasetDraft:
    """A remote item mapped to package_create fields.

    ``package`` holds every field the harvester manages (omitted fields are the catalog's
    own). Resource dicts may carry ``"upload": DownloadedFile`` for copied files. The base
    fills ``owner_org``, default licence, tags and extras from the source.
    ``access_level`` None means the source's default level.
    """

    package: dict
    access_level: str | None = None
    messages: list[str] = field(default_factory=list)


class Harvester(Protocol):
    """One harvester type (ckan, dcat, inventory, ...)."""

    source_type: ClassVar[str]
    # What happens to a dataset whose item left the source: "withdraw" or "report".
    on_missing: ClassVar[str]
    # Source types that reach into the catalog server's own network or files.
    server_side: ClassVar[bool]

    def check_config(self, url: str, config: dict) -> dict[str, list[str]]:
        """Problems with ``url`` and the type's own ``config`` keys, by field."""

    def gather(self, run: "HarvestRun") -> Listing:
        """List the remote items. Raise :class:`SourceError` if the source is unusable."""

    def fetch(self, run: "HarvestRun", item: RemoteItem) -> RemoteItem:
        """Complete one listed item (more metadata, file copies). Raise :class:`ItemError`
        when only this item cannot be had, :class:`SourceError` when the source itself broke
        down (unreachable, garbage, connection lost): then the job fails and nothing is
        applied, rather than importing half a harvest."""

    def map_item(self, run: "HarvestRun", item: RemoteItem) -> DatasetDraft:
        """Map one item to a dataset. Pure: no network, no writes. Raise :class:`ItemError`."""
