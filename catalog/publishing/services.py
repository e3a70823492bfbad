"""What the public catalog contains: open, active datasets, as the anonymous public sees
them. Every machine-readable output (RDF, feeds, sitemap) selects datasets here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from access_control.policy import visibility
from access_control.principals import ANONYMOUS
from catalog.datasets.models import Dataset
from catalog.publishing import turtle

RDF_FORMATS = {  # URL extension -> (rdflib format, media type)
    "ttl": (turtle.NAME, "text/turtle"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
}
CATALOG_PAGE_SIZE = 50


def public_clause() -> sa.ColumnElement[bool]:
    """Active datasets the anonymous public may read."""
    return sa.and_(Dataset.state == "active", visibility(ANONYMOUS).dataset_clause())


@dataclass
class PublicPage:
    total: int
    datasets: list[Dataset]
    last_modified: datetime | None


def public_datasets(db: Session, *, limit: int, offset: int = 0,
                    order_by=(Dataset.created, Dataset.id)) -> PublicPage:
    """A page of public datasets with everything the outputs describe loaded at once."""
    total = db.scalar(sa.select(sa.func.count()).select_from(Dataset).where(public_clause()))
    last_modified = db.scalar(sa.select(sa.func.max(Dataset.modified)).where(public_clause()))
    datasets = db.scalars(
        sa.select(Dataset).where(public_clause()).order_by(*order_by)
        .limit(limit).offset(offset)
        .options(selectinload(Dataset.resources), selectinload(Dataset.tags),
                 selectinload(Dataset.groups))
    ).all()
    return PublicPage(total, list(datasets), last_modified)


def catalog_version(db: Session) -> tuple:
    """Changes whenever the public catalog may have: any dataset anywhere changing (every
    real change, access level included, moves its ``modified``) or the public count
    changing. The key under which rendered catalog pages are cached."""
    count = db.scalar(sa.select(sa.func.count()).select_from(Dataset).where(public_clause()))
    return count, db.scalar(sa.select(sa.func.max(Dataset.modified)))


def public_dataset(db: Session, name: str) -> Dataset | None:
    """The public dataset called ``name`` (or with that id), or ``None``."""
    return db.scalar(sa.select(Dataset).where(
        sa.or_(Dataset.name == name, Dataset.id == name), public_clause()))
