"""Site-wide actions: status_show, help_show, license_list, tag_list."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.policy import visibility
from catalog.api.context import Context
from catalog.api.errors import NotFound
from catalog.api.registry import action, get_action
from catalog.api.validation import as_bool, as_int, require
from catalog.datasets.licenses import LICENSES
from catalog.datasets.models import Dataset, Tag, dataset_tags

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


@action("tag_list", read_only=True)
def tag_list(context: Context, data: dict) -> list:
    """Tags used by at least one active dataset the caller may read.

    :param query: only tags containing this text
    :param all_fields: return dicts instead of names
    :param limit, offset: paging
    """
    query = (
        sa.select(Tag.id, Tag.name)
        .join(dataset_tags, dataset_tags.c.tag_id == Tag.id)
        .join(Dataset, Dataset.id == dataset_tags.c.dataset_id)
        .where(Dataset.state == "active", visibility(context.principal).dataset_clause())
        .group_by(Tag.id, Tag.name)
        .order_by(Tag.name)
    )
    text = str(data.get("query") or data.get("q") or "").strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Tag.name.like(f"%{escaped[:100]}%", escape="\\"))
    query = query.offset(as_int(data, "offset", 0))
    if data.get("limit") not in (None, ""):
        query = query.limit(as_int(data, "limit", 0))
    rows = context.db.execute(query).all()
    if as_bool(data.get("all_fields")):
        return [{"id": tag_id, "name": name, "display_name": name, "vocabulary_id": None}
                for tag_id, name in rows]
    return [name for _id, name in rows]
