"""resource_search's query: ``field:term`` criteria over resources, as CKAN reads them.

Every criterion must hold (AND). A term matches, ignoring case, anywhere in the field's
text; ``hash`` matches from its start. A field that is not a resource column names a
resource extra (CKAN limits those to ``ckan.extra_resource_fields``; here any extra
key may be searched, by its own value rather than CKAN's match on the JSON text).
"""

from __future__ import annotations

import re

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
EXTRA_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,99}$")
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
    column = SEARCHABLE_COLUMNS.get(field)
    if column is None:
        if not EXTRA_KEY.match(field):
            raise ValidationError({"query": [
                _('Field "%(field)s" not recognised in resource_search.', field=field[:50])]})
        column = Resource.extras[field].as_string()
    return column.icontains(term, autoescape=True)


def ordering(order_by) -> list:
    """ORDER BY terms: the named column (ascending, as CKAN; an unknown name is ignored
    as CKAN does), then a fixed order so that pages do not overlap."""
    column = ORDERABLE_COLUMNS.get(str(order_by or "").strip())
    stable = [Resource.dataset_id, Resource.position, Resource.id]
    return ([column] if column is not None else []) + stable
