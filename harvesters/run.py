"""What a harvester type sees of the job it works for."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from flask_babel import gettext as _

from catalog.db import utcnow
from harvesters.config import BaseConfig
from harvesters.http import DeadlineExceeded, Fetcher

log = logging.getLogger("harvesters.job")
MAX_LOG_LINES = 500
STOP_CHECK_INTERVAL = 1.0  # seconds between looks at whether the job was aborted


class JobStopped(Exception):
    """The job must stop now (aborted, or its source was deleted); ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class SourceInfo:
    """The source as the job read it when it started (plain values, no session)."""

    id: str
    name: str
    title: str
    url: str
    source_type: str
    config: dict
    owner_org_id: str
    default_access_level: str
    default_license_id: str


@dataclass
class HarvestRun:
    """One job's view of its source, its limits and its helpers.

    ``since`` is when the last successful job started gathering (None for a first or a
    full run): types that can ask "what changed since" use it. ``known`` maps the remote
    ids this source has records for (not withdrawn) to the remote URL recorded for each;
    ``known_modified`` maps the ids of active, successfully applied records to the
    ``remote_modified`` recorded for each (types that can tell "unchanged" from a listing
    leave those items out and report them present).
    """

    job_id: str
    source: SourceInfo
    base: BaseConfig
    work_dir: Path
    max_file_bytes: int
    since: datetime | None = None
    known: dict[str, str] = field(default_factory=dict)
    known_modified: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    is_stopped: Callable[[], str | None] = lambda: None
    started_monotonic: float = field(default_factory=time.monotonic)
    log_lines: list[dict] = field(default_factory=list)
    fetcher: Fetcher | None = None
    _last_stop_check: float = 0.0

    @property
    def config(self) -> dict:
        return self.source.config

    @property
    def known_ids(self) -> set[str]:
        return set(self.known)

    def remaining(self) -> float:
        """Seconds left before the job's time limit."""
        return self.base.time_limit - (time.monotonic() - self.started_monotonic)

    def check(self) -> None:
        """Stop if the time limit is reached or someone aborted the job. Harvesters call
        this between pages and items; the base calls it between every item."""
        if self.remaining() <= 0:
            raise DeadlineExceeded()
        if time.monotonic() - self._last_stop_check < STOP_CHECK_INTERVAL:
            return
        self._last_stop_check = time.monotonic()
        reason = self.is_stopped()
        if reason:
            raise JobStopped(reason)

    def log(self, message: str, level: int = logging.INFO) -> None:
        """Record a line in the job's log (shown with its report) and in the app log."""
        log.log(level, "[job %s] %s", self.job_id, message)
        if len(self.log_lines) < MAX_LOG_LINES:
            self.log_lines.append({"time": utcnow().isoformat(timespec="seconds"),
                                   "level": logging.getLevelName(level), "message": message})
        elif len(self.log_lines) == MAX_LOG_LINES:
            self.log_lines.append({"time": utcnow().isoformat(timespec="seconds"),
                                   "level": "INFO", "message": _("(log truncated)")})


def time_limit_message(run: HarvestRun, stage: str) -> str:
    return _("The time limit of %(seconds)s seconds was reached during the %(stage)s stage",
             seconds=run.base.time_limit, stage=stage)
