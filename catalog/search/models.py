"""Tables of the search domain: the outbox, and the SQL engine's document table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base, utcnow


class SearchOutbox(Base):
    """Datasets whose index entry is stale. Rows are written in the same transaction as
    the change, so a crash between commit and indexing loses no update."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class SqlSearchDocument(Base):
    """The SQL engine's copy of a dataset's searchable text."""

    __tablename__ = "search_documents"

    dataset_id: Mapped[str] = mapped_column(
        sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str] = mapped_column(sa.Text, default="")
    content: Mapped[str] = mapped_column(sa.Text, default="")
