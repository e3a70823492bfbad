"""Counting views and downloads, and the popularity ranking (アクセスランキング).

Counting adds one to a daily total per dataset and nothing else. Crawlers (told by their
User-Agent) are not counted. The ranking applies the reader's visibility, so the
counts of closed datasets never reach those who may not read them.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from access_control.policy import Visibility
from catalog.datasets.models import Dataset
from catalog.db import utcnow
from catalog.publishing.models import DatasetDailyCount

log = logging.getLogger(__name__)

RANKING_DAYS = 30
DOWNLOAD_WEIGHT = 3  # a download says more about usefulness than a glance at the page
CRAWLER = re.compile(r"bot|crawl|spider|slurp|preview", re.I)
# Programs: their page views are not people reading, but their downloads are real use.
PROGRAM = re.compile(r"curl|wget|python|headless|java/|go-http", re.I)


class Hit(StrEnum):
    VIEW = "views"
    DOWNLOAD = "downloads"


def counts_as(hit: Hit, user_agent: str | None) -> bool:
    """Whether a request with ``user_agent`` counts as a ``hit``: crawlers never do, other
    programs only for downloads."""
    agent = user_agent or ""
    if not agent or CRAWLER.search(agent):
        return False
    return hit == Hit.DOWNLOAD or not PROGRAM.search(agent)


def record_hit(db: Session, dataset_id: str, hit: Hit, day: date | None = None) -> None:
    """Add one to today's ``hit`` count of the dataset (an atomic upsert; flushes only)."""
    day = day or utcnow().date()
    dialect = db.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DatasetDailyCount)
    column = DatasetDailyCount.__table__.c[hit.value]
    statement = insert.values({"dataset_id": dataset_id, "day": day, "views": 0,
                               "downloads": 0, hit.value: 1})
    db.execute(statement.on_conflict_do_update(
        index_elements=["dataset_id", "day"], set_={hit.value: column + 1}))


def popular_dataset_ids(db: Session, seen_by: Visibility, limit: int = 10,
                        days: int = RANKING_DAYS) -> list[tuple[str, int, int]]:
    """``(dataset_id, views, downloads)`` of the most used readable active datasets over
    the last ``days`` days, most used first."""
    since = utcnow().date() - timedelta(days=days)
    views = sa.func.sum(DatasetDailyCount.views)
    downloads = sa.func.sum(DatasetDailyCount.downloads)
    rows = db.execute(
        sa.select(DatasetDailyCount.dataset_id, views, downloads)
        .join(Dataset, Dataset.id == DatasetDailyCount.dataset_id)
        .where(DatasetDailyCount.day >= since, Dataset.state == "active",
               seen_by.dataset_clause())
        .group_by(DatasetDailyCount.dataset_id)
        .order_by((views + DOWNLOAD_WEIGHT * downloads).desc(), DatasetDailyCount.dataset_id)
        .limit(limit)
    )
    return [(dataset_id, int(v or 0), int(d or 0)) for dataset_id, v, d in rows]


def recent_counts(db: Session, dataset_ids: list[str], days: int = RANKING_DAYS
                  ) -> dict[str, int]:
    """Weighted use over the last ``days`` days per dataset: a seam for the search index's
    ``views_recent`` (callers apply visibility to what they show)."""
    if not dataset_ids:
        return {}
    since = utcnow().date() - timedelta(days=days)
    score = sa.func.sum(DatasetDailyCount.views + DOWNLOAD_WEIGHT * DatasetDailyCount.downloads)
    rows = db.execute(sa.select(DatasetDailyCount.dataset_id, score)
                      .where(DatasetDailyCount.dataset_id.in_(dataset_ids),
                             DatasetDailyCount.day >= since)
                      .group_by(DatasetDailyCount.dataset_id))
    return {dataset_id: int(total or 0) for dataset_id, total in rows}


def count_request(dataset_id: str, hit: Hit) -> None:
    """Count the current web request as a ``hit`` of the dataset, if it counts (see
    :func:`counts_as`). Counting never breaks the page: a failure is logged and dropped."""
    from flask import request

    from catalog import db as database

    if request.method != "GET" or not counts_as(hit, request.headers.get("User-Agent")):
        return
    session = database.session()
    try:
        record_hit(session, dataset_id, hit)
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()
        log.warning("could not count a %s of dataset %s", hit.value, dataset_id, exc_info=True)
