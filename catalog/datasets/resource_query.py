"""resource_search's query: ``field:term`` criteria over resources, as CKAN reads them.

Every criterion must hold (AND). A term matches, ignoring case, anywhere in a text
field; ``hash`` matches from its start; ``size`` must equal the term; the dates match
from the start of their ISO form (``created:2026-11``). Any other field is refused as in
CKAN, where only configured resource extras (``ckan.extra_resource_fields``, none by
default) may be searched: a misspelt field is an error, not an empty result.
"""

from __future__ import annotations


import sqlalchemy as sa
from flask_babel import gettext as _

from catalog.api.errors import ValidationError
from catalog.api.validation import as_list
from catalog.datasets.models import Resource

SEARCHABLE_COLUMNS = {
    "id": Resource.id, "package_id": Resource.dataset_id, "url": Resource.url,
    "url_type": Resource.url_type, "name": Resource.name,
    "description": Resource.description, "format": Resource.format,
    "mimetype": Resource.mimetype, "hash": Resource.hash,
    "access_level": Resource.access_level,
}
ORDERABLE_COLUMNS = {
    **SEARCHABLE_COLUMNS, "position": Resource.position, "size": Resource.size,
    "created": Resource.created, "last_modified": Resource.last_modified,
    "metadata_modified": Resource.metadata_modified,
}
DATE_COLUMNS = {"created": Resource.created, "last_modified": Resource.last_modified,
                "metadata_modified": Resource.metadata_modified}
MAX_TERM_LENGTH = 500


def criteria(query) -> list[sa.ColumnElement[bool]]:
    """SQL conditions for ``query`` (a ``field:term`` string or a list of them)."""
    pairs = as_list(query, "query")
    if not pairs:
        raise ValidationError({"query": [_("Missing value")]})
    conditions = []
    for pair in pairs:
        field, colon, term = str(pair).partition(":")
        field = field.strip()
        if not colon or not field:
            raise ValidationError({"query": [_("Must be <field>:<value> pair(s)")]})
        conditions.append(_condition(field, term[:MAX_TERM_LENGTH]))
    return conditions


def _condition(field: str, term: str) -> sa.ColumnElement[bool]:
    if field == "hash":
        return Resource.hash.istartswith(term, autoescape=True)
    if field == "size":
        return Resource.size == int(term) if term.strip().isdigit() else sa.false()
    if field in DATE_COLUMNS:  # stored text is "YYYY-MM-DD HH:MM:SS" on both databases
        stored = sa.cast(DATE_COLUMNS[field], sa.String)
        return stored.startswith(term.strip().replace("T", " "), autoescape=True)
    column = SEARCHABLE_COLUMNS.get(field)
    if column is None:
        raise ValidationError({"query": [
            _('Field "%(field)s" not recognised in resource_search.', field=field[:50])]})
    return column.icontains(term, autoescape=True)


def ordering(order_by) -> list:
    """ORDER BY terms: the named column (ascending, as CKAN; an unknown name is ignored
    as CKAN does), then a fixed order so that pages do not overlap."""
    column = ORDERABLE_COLUMNS.get(str(order_by or "").strip())
    stable = [Resource.dataset_id, Resource.position, Resource.id]
    return ([column] if column is not None else []) + stable
