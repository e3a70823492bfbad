"""What ingest produces for a resource: its tables and its machine-readability report."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base, new_id, utcnow


class DataTable(Base):
    """One queryable table of a resource: a sheet of a workbook, the table of a CSV, or a
    table pushed through ``datastore_create``. A contract other parts rely on:

    - ``resource_id``: the resource it belongs to (deleted with it);
    - ``name``: the sheet or table name (``position`` 0 is the resource's main table);
    - ``storage_key``: key in the file store of its Parquet file (zstd). Ingested tables
      get the row number ``_id`` from the file's row order; pushed tables store ``_id``;
    - ``row_count``;
    - ``table_schema``: a Frictionless Table Schema dict. Every entry of its
      ``"fields"`` has ``name``, ``title``, ``description``, ``type`` (a Frictionless
      type: string, integer, number, boolean, date, datetime, time, year, yearmonth) and
      ``unit`` (``""`` when none); staff edit title, description and unit (the data
      dictionary). A field may also have ``specialValues`` (symbol -> count) and
      ``normalized`` (what ingest rewrote, e.g. ``"wareki"``).
    """

    __tablename__ = "datastore_tables"
    __table_args__ = (sa.UniqueConstraint("resource_id", "name"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    resource_id: Mapped[str] = mapped_column(
        sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str] = mapped_column(sa.String(500))
    row_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    table_schema: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # "ingest" (from the resource's file) or "api" (datastore_create/upsert/delete).
    source: Mapped[str] = mapped_column(sa.String(20), default="ingest")
    primary_key: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Column statistics for the preview: {name: {min, max, nulls, distinct, histogram}}.
    stats: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Cells that did not fit their column's type: [{row, column, value, expected}].
    diagnostics: Mapped[list] = mapped_column(sa.JSON, default=list)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    modified: Mapped[datetime] = mapped_column(default=utcnow)

    resource = relationship("Resource", lazy="raise")

    @property
    def fields(self) -> list[dict]:
        return list(self.table_schema.get("fields", []))


class IngestReport(Base):
    """The latest ingest of a resource's file: what was detected, and the
    machine-readability findings with their score and 5-star rating."""

    __tablename__ = "ingest_reports"

    resource_id: Mapped[str] = mapped_column(
        sa.ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )
    source_hash: Mapped[str] = mapped_column(sa.String(100), default="")
    detected_format: Mapped[str] = mapped_column(sa.String(30), default="")
    encoding: Mapped[str] = mapped_column(sa.String(30), default="")
    delimiter: Mapped[str] = mapped_column(sa.String(5), default="")
    refused: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    score: Mapped[int] = mapped_column(default=0)
    stars: Mapped[int] = mapped_column(default=0)
    # [{rule, level, severity, title, message, fix, sheet, row, column, count}]
    findings: Mapped[list] = mapped_column(sa.JSON, default=list)
    created: Mapped[datetime] = mapped_column(default=utcnow)
