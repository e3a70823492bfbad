"""The popularity ranking as an action."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from access_control.policy import visibility
from catalog.api.context import Context
from catalog.api.registry import action
from catalog.api.validation import as_int
from catalog.datasets.actions import show_dataset
from catalog.datasets.models import Dataset
from catalog.publishing.popularity import RANKING_DAYS, popular_dataset_ids


@action("popular_package_list", read_only=True)
def popular_package_list(context: Context, data: dict) -> list[dict]:
    """The most viewed and downloaded datasets the caller may read (アクセスランキング),
    each with ``views`` and ``downloads`` over the period.

    :param limit: at most this many (default 10, at most 100)
    :param days: the period in days (default 30, at most 365)
    """
    ranking = popular_dataset_ids(
        context.db, visibility(context.principal),
        limit=as_int(data, "limit", 10, minimum=1, maximum=100),
        days=as_int(data, "days", RANKING_DAYS, minimum=1, maximum=365))
    datasets = {
        dataset.id: dataset for dataset in context.db.scalars(
            sa.select(Dataset).where(Dataset.id.in_([row[0] for row in ranking]))
            .options(selectinload(Dataset.resources), selectinload(Dataset.tags)))
    }
    return [{**show_dataset(context, datasets[dataset_id]), "views": views,
             "downloads": downloads}
            for dataset_id, views, downloads in ranking if dataset_id in datasets]
