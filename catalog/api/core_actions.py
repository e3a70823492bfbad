"""Site-wide actions: status_show, help_show, license_list, the tag actions,
format_autocomplete and resource_view_list."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import visibility
from catalog.api.context import Context
from catalog.api.errors import NotFound
from catalog.api.registry import action, get_action
from catalog.api.validation import as_bool, as_int, as_list, require
from catalog.datasets.licenses import LICENSES
from catalog.datasets.models import Dataset, Resource, Tag, dataset_tags

# What CKAN clients compare against: the API we mimic is CKAN 2.10's.
CKAN_COMPATIBLE_VERSION = "2.10.4"


@action("status_show", read_only=True)
def status_show(context: Context, data: dict) -> dict:
    """The site's name, URL, default locale and the CKAN version its API follows."""
    return {
        "site_title": "福岡県データカタログ",
        "site_description": "福岡県が保有するデータの目録とオープンデータ",
        "site_url": context.settings.site_url,
        "ckan_version": CKAN_COMPATIBLE_VERSION,
        "locale_default": context.settings.default_locale,
        "extensions": ["datastore", "activity", "showcase", "harvest", "dcat"],
    }


@action("help_show", read_only=True)
def help_show(context: Context, data: dict) -> str:
    """The documentation of an action.

    :param name: the action name
    """
    name = require(data, "name")
    spec = get_action(str(name))
    if spec is None:
        raise NotFound(_("Action not found: %(name)s", name=str(name)[:100]))
    return spec.help


@action("license_list", read_only=True)
def license_list(context: Context, data: dict) -> list[dict]:
    """The licences datasets may carry."""
    return [license.as_dict() for license in LICENSES]


def _visible_tags(context: Context, text: str = ""):
    """(id, name) of the tags on active datasets the caller may read, by name; only those
    containing ``text`` when given. A tag on closed datasets alone is not shown at all:
    its name could tell what they are about."""
    query = (
        sa.select(Tag.id, Tag.name)
        .join(dataset_tags, dataset_tags.c.tag_id == Tag.id)
        .join(Dataset, Dataset.id == dataset_tags.c.dataset_id)
        .where(Dataset.state == "active", visibility(context.principal).dataset_clause())
        .group_by(Tag.id, Tag.name)
        .order_by(Tag.name)
    )
    text = text.strip()
    if text:
        query = query.where(Tag.name.contains(text[:100], autoescape=True))
    return query


def _tag_dict(tag_id: str, name: str) -> dict:
    return {"id": tag_id, "name": name, "display_name": name, "vocabulary_id": None}


def _paged(query, data: dict, default_limit: int | None = None):
    query = query.offset(as_int(data, "offset", 0))
    limit = as_int(data, "limit", default_limit or 0) if (
        default_limit or data.get("limit") not in (None, "")) else None
    return query.limit(limit) if limit is not None else query


@action("tag_list", read_only=True)
def tag_list(context: Context, data: dict) -> list:
    """Tags used by at least one active dataset the caller may read.

    :param query: only tags containing this text
    :param all_fields: return dicts instead of names
    :param limit, offset: paging
    """
    query = _visible_tags(context, str(data.get("query") or data.get("q") or ""))
    rows = context.db.execute(_paged(query, data)).all()
    if as_bool(data.get("all_fields")):
        return [_tag_dict(tag_id, name) for tag_id, name in rows]
    return [name for _id, name in rows]


@action("tag_search", read_only=True)
def tag_search(context: Context, data: dict) -> dict:
    """Tags whose names contain ``query``: ``{"count": n, "results": [tag dicts]}``.

    :param query: the text (or a list of texts: tags containing any of them)
    :param limit, offset: paging (``count`` is all matches)
    """
    texts = [str(t) for t in as_list(data.get("query") or data.get("q"), "query")] or [""]
    matching = sa.union(*(_visible_tags(context, text).order_by(None) for text in texts)).subquery()
    count = context.db.scalar(sa.select(sa.func.count()).select_from(matching))
    rows = context.db.execute(_paged(sa.select(matching.c.id, matching.c.name)
                                     .order_by(matching.c.name), data)).all()
    return {"count": count, "results": [_tag_dict(tag_id, name) for tag_id, name in rows]}


@action("tag_autocomplete", read_only=True)
def tag_autocomplete(context: Context, data: dict) -> list[str]:
    """Names of readable tags containing ``q`` (or ``query``), at most ``limit`` (10)."""
    text = str(data.get("q") or data.get("query") or "")
    if not text.strip():
        return []
    return list(context.db.scalars(_paged(_visible_tags(context, text)
                                          .with_only_columns(Tag.name), data, 10)))


@action("tag_show", read_only=True)
def tag_show(context: Context, data: dict) -> dict:
    """One tag on a dataset the caller may read.

    :param id: the tag's name or id
    :param include_datasets: add the readable active datasets carrying it (up to 1000)
    """
    reference = str(require(data, "id"))
    found = context.db.execute(_visible_tags(context).where(
        sa.or_(Tag.name == reference, Tag.id == reference))).first()
    if found is None:
        raise NotFound(_("Tag not found"))
    shown = _tag_dict(*found)
    if as_bool(data.get("include_datasets")):
        from catalog.datasets.actions import show_dataset

        datasets = context.db.scalars(
            sa.select(Dataset).join(dataset_tags, dataset_tags.c.dataset_id == Dataset.id)
            .where(dataset_tags.c.tag_id == found.id, Dataset.state == "active",
                   visibility(context.principal).dataset_clause())
            .order_by(Dataset.name).limit(1000))
        shown["packages"] = [show_dataset(context, dataset) for dataset in datasets]
    return shown


@action("format_autocomplete", read_only=True)
def format_autocomplete(context: Context, data: dict) -> list[str]:
    """Resource formats containing ``q`` (any case), most used first, at most ``limit``
    (5); counted over the resources the caller may read."""
    text = str(data.get("q") or "").strip().lower()
    uses = sa.func.count(Resource.id)
    query = (
        sa.select(Resource.format)
        .join(Dataset, Dataset.id == Resource.dataset_id)
        .where(Dataset.state == "active", Resource.format != "",
               Resource.format.icontains(text[:100], autoescape=True),
               visibility(context.principal).resource_clause())
        .group_by(Resource.format)
        .order_by(uses.desc(), Resource.format)
    )
    return list(context.db.scalars(_paged(query, data, 5)))


@action("resource_view_list", read_only=True)
def resource_view_list(context: Context, data: dict) -> list:
    """A readable resource's views: none. The resource page previews every ingested table
    itself, so there are no separately configured views (CKAN's resource_view objects).

    :param id: the resource id
    """
    from access_control.policy import Action
    from catalog.datasets.lookup import resource_for

    resource_for(context.principal, context.db, str(require(data, "id")), Action.READ)
    return []
