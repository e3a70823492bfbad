"""Database engine, declarative base and the session of the current app context.

Models from every package share ``Base.metadata`` so that Alembic sees one schema.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.orm import DeclarativeBase, Session, registry, sessionmaker

# Explicit constraint names: Alembic needs them to alter constraints, and SQLite's batch
# mode cannot drop an unnamed one.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _constructor(self, **kwargs) -> None:
    """SQLAlchemy's keyword constructor, plus column defaults.

    Column defaults normally apply only at INSERT; applying them here means a new object
    has its id, empty extras and so on before it is flushed.
    """
    for column in self.__table__.columns:
        default = column.default
        if column.key in kwargs or default is None or not hasattr(default, "arg"):
            continue
        kwargs[column.key] = default.arg(None) if default.is_callable else default.arg
    for key, value in kwargs.items():
        if not hasattr(type(self), key):
            raise TypeError(f"{key!r} is an invalid keyword argument for {type(self).__name__}")
        setattr(self, key, value)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    registry = registry(metadata=metadata, constructor=_constructor)


def new_id() -> str:
    """A new primary key: a UUID string, as CKAN uses, so ids round-trip with CKAN tools."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Current UTC time without tzinfo; all timestamps are stored as naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def make_engine(url: str) -> sa.Engine:
    """Create an engine with the per-backend settings the catalog relies on."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Attach an engine and session factory to ``app`` and close sessions after use."""
    engine = make_engine(app.config["SETTINGS"].database_url)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> sa.Engine:
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The session of the current app context (one per request, CLI command or job)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
