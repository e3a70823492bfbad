"""Finding a resource's tables for a caller, with the access policy's 404/403."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from access_control.policy import Action
from catalog.api.context import Context
from catalog.api.errors import NotFound
from catalog.datasets.lookup import resource_for
from catalog.datasets.models import Resource
from ingest.models import DataTable
from ingest.services import local_parquet, tables_of
from ingest.tabular import TableFile


def table_for(context: Context, resource_id, name=None, action: Action = Action.READ
              ) -> tuple[Resource, DataTable]:
    """The resource and its table ``name`` (default: its first table). Not Found when the
    resource has no such table, or the caller may not know the resource exists."""
    resource = resource_for(context.principal, context.db, str(resource_id or ""), action)
    tables = tables_of(context.db, resource.id)
    if name not in (None, ""):
        tables = [table for table in tables if table.name == str(name)]
    if not tables:
        raise NotFound(_("Resource \"%(id)s\" was not found in the DataStore.", id=resource.id))
    return resource, tables[0]


def table_file(table: DataTable) -> TableFile:
    return TableFile(local_parquet(table.storage_key), table.fields, table.row_count,
                     physical_id=table.source == "api")


def split_reference(reference: str) -> tuple[str, str | None]:
    """``<resource id>`` or ``<resource id>/<table name>`` (a sheet of a workbook)."""
    resource_id, _sep, name = reference.partition("/")
    return resource_id, (name or None)


def settings():
    return current_app.config["SETTINGS"]
