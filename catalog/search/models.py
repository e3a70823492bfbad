"""Tables of the search domain shared by every engine: the outbox, the synonym list,
the vocabulary (for typo correction) and the SQL engine's generation pointer.

The SQL engine's index tables themselves (``search_index_g<N>_*``) belong to the engine,
which creates and drops them per generation (see :mod:`catalog.search.sql`); they are not
models and Alembic leaves them alone (:func:`is_engine_table`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base, utcnow

ENGINE_TABLE_PREFIX = "search_index_"


def is_engine_table(name: str) -> bool:
    """Whether ``name`` is a table the SQL search engine manages itself."""
    return name.startswith(ENGINE_TABLE_PREFIX)


class SearchOutbox(Base):
    """Datasets whose index entry is stale. Rows are written in the same transaction as
    the change, so a crash between commit and indexing loses no update."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class SearchSynonym(Base):
    """One group of words that mean the same for search (子育て, 育児). Edited by
    sysadmins; applied when queries are analysed, so a change needs no re-indexing."""

    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[list] = mapped_column(sa.JSON)  # the words, as written
    created: Mapped[datetime] = mapped_column(default=utcnow)
    modified: Mapped[datetime] = mapped_column(default=utcnow)


class SearchTerm(Base):
    """A word that occurs in some indexed active dataset: typo correction and "did you mean"
    pick their suggestions from here, so they only ever suggest words that exist."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(sa.String(200), primary_key=True)


class SearchGeneration(Base):
    """Which generation of its index tables an engine reads (``active``) and, during
    ``catalog search rebuild``, which one it is filling (``building``)."""

    __tablename__ = "search_generations"

    engine: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    active: Mapped[int] = mapped_column(default=1)
    building: Mapped[int | None]
    modified: Mapped[datetime] = mapped_column(default=utcnow)
