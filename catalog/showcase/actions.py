"""Use-case actions, compatible with ckanext-showcase, plus submission and moderation."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.models import User, UserSiteRole
from access_control.policy import Action, can
from access_control.principals import ANONYMOUS
from access_control.roles import SiteRole
from access_control.users import find_user
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound, ValidationError
from catalog.api.registry import action
from catalog.api.validation import as_bool, as_int, require
from catalog.datasets.dictization import dataset_dict
from catalog.datasets.lookup import dataset_for
from catalog.showcase import services
from catalog.showcase.dictization import showcase_dict
from catalog.showcase.models import ShowcaseState, ShowcaseType

MAX_PAGE = 100


def _require_manager(context: Context) -> None:
    if not can(context.principal, Action.MANAGE_SHOWCASES):
        raise NotAuthorized(_("Only use-case administrators may do this"))


def _dict(context: Context, showcase) -> dict:
    full = can(context.principal, Action.MANAGE_SHOWCASES)
    return showcase_dict(showcase, context.settings.site_url, full=full)


@action("ckanext_showcase_create")
def showcase_create(context: Context, data: dict) -> dict:
    """Create a published use case (use-case administrators).

    :param title: the title (required)
    :param notes: description in Markdown
    :param showcase_type: app, visualization, report, article, research or other
    :param url: where the use case lives
    :param author: who made it
    :param tags: list of tags (or ``tag_string``, comma separated)
    :param datasets: names or ids of open datasets it uses
    :param image_upload: an image file (multipart)
    :param featured: shown first on the home page
    """
    _require_manager(context)
    return _dict(context, services.create_showcase(context, data, state=ShowcaseState.ACTIVE))


@action("ckanext_showcase_show", read_only=True)
def showcase_show(context: Context, data: dict) -> dict:
    """One use case.

    :param id: its id or name
    """
    return _dict(context, services.showcase_for(context.principal, context.db,
                                                require(data, "id", "name_or_id")))


@action("ckanext_showcase_update")
def showcase_update(context: Context, data: dict) -> dict:
    """Replace a use case's fields (omitted tags and datasets are kept).

    :param id: its id or name
    """
    _require_manager(context)
    showcase = services.showcase_for(context.principal, context.db, require(data, "id"))
    services.update_showcase(context, showcase, data, partial=False)
    return _dict(context, showcase)


@action("ckanext_showcase_patch")
def showcase_patch(context: Context, data: dict) -> dict:
    """Change only the given fields of a use case.

    :param id: its id or name
    """
    _require_manager(context)
    showcase = services.showcase_for(context.principal, context.db, require(data, "id"))
    services.update_showcase(context, showcase, data, partial=True)
    return _dict(context, showcase)


@action("ckanext_showcase_delete")
def showcase_delete(context: Context, data: dict) -> None:
    """Delete a use case and its image.

    :param id: its id or name
    """
    _require_manager(context)
    services.delete_showcase(
        context, services.showcase_for(context.principal, context.db, require(data, "id")))


@action("showcase_search", read_only=True)
def showcase_search(context: Context, data: dict) -> dict:
    """Use cases with their total count, newest first.

    :param showcase_type: only this type
    :param tag: only with this tag
    :param package_id: only those using this dataset
    :param state: ``pending`` or ``rejected`` (use-case administrators only)
    :param featured_first: featured use cases first
    :param limit: page size (default 20, at most 100)
    :param offset: skip this many
    :param page: 1-based page number (instead of offset)
    """
    state = _state(context, data.get("state"))
    kind = str(data.get("showcase_type") or "")
    if kind and kind not in set(ShowcaseType):
        raise ValidationError({"showcase_type": [_("Unknown type of use case: %(type)s",
                                                   type=kind[:30])]})
    dataset_id = ""
    if data.get("package_id"):
        dataset_id = dataset_for(context.principal, context.db, str(data["package_id"]),
                                 Action.READ).id
    limit = as_int(data, "limit", 20, minimum=1, maximum=MAX_PAGE)
    offset = as_int(data, "offset", 0)
    if data.get("page") not in (None, ""):
        offset = (as_int(data, "page", 1, minimum=1) - 1) * limit
    page = services.search_showcases(
        context.db, state=state, showcase_type=kind, tag=str(data.get("tag") or ""),
        dataset_id=dataset_id, featured_first=as_bool(data.get("featured_first")),
        limit=limit, offset=offset)
    return {"count": page.count, "results": [_dict(context, s) for s in page.showcases]}


@action("ckanext_showcase_list", read_only=True)
def showcase_list(context: Context, data: dict) -> list[dict]:
    """Published use cases, newest first (ckanext-showcase returns a plain list).
    Takes the parameters of ``showcase_search``, paging included."""
    return showcase_search(context, data)["results"]


@action("ckanext_showcase_package_list", read_only=True)
def showcase_package_list(context: Context, data: dict) -> list[dict]:
    """The open datasets a use case uses (closed ones are never listed).

    :param showcase_id: the use case's id or name
    """
    showcase = services.showcase_for(context.principal, context.db,
                                     require(data, "showcase_id", "id"))
    public = lambda resource: can(ANONYMOUS, Action.READ, resource)  # noqa: E731
    return [dataset_dict(dataset, context.settings.site_url, shows_resource=public)
            for dataset in services.public_datasets(showcase)]


@action("ckanext_package_showcase_list", read_only=True)
def package_showcase_list(context: Context, data: dict) -> list[dict]:
    """The published use cases that use a dataset.

    :param package_id: the dataset's id or name
    """
    dataset = dataset_for(context.principal, context.db, require(data, "package_id", "id"),
                          Action.READ)
    if not can(ANONYMOUS, Action.READ, dataset):
        return []  # use cases are public: they never show a closed dataset
    page = services.search_showcases(context.db, dataset_id=dataset.id, limit=MAX_PAGE)
    return [_dict(context, showcase) for showcase in page.showcases]


@action("ckanext_showcase_package_association_create")
def association_create(context: Context, data: dict) -> dict:
    """Link an open dataset to a use case.

    :param showcase_id: the use case's id or name
    :param package_id: the dataset's id or name
    """
    _require_manager(context)
    showcase = services.showcase_for(context.principal, context.db, require(data, "showcase_id"))
    dataset = dataset_for(context.principal, context.db, require(data, "package_id"), Action.READ)
    services.link_dataset(showcase, dataset)
    context.db.flush()
    return {"showcase_id": showcase.id, "package_id": dataset.id}


@action("ckanext_showcase_package_association_delete")
def association_delete(context: Context, data: dict) -> None:
    """Remove the link between a dataset and a use case.

    :param showcase_id: the use case's id or name
    :param package_id: the dataset's id or name
    """
    _require_manager(context)
    showcase = services.showcase_for(context.principal, context.db, require(data, "showcase_id"))
    dataset = dataset_for(context.principal, context.db, require(data, "package_id"), Action.READ)
    if dataset not in showcase.datasets:
        raise NotFound(_("The dataset is not linked to this use case"))
    services.unlink_dataset(showcase, dataset)
    context.db.flush()


@action("showcase_submit")
def showcase_submit(context: Context, data: dict) -> dict:
    """Propose a use case (anyone; it is published once a moderator approves it).
    Takes the fields of ``ckanext_showcase_create`` plus ``author_email`` for questions.
    Limited to a few submissions per sender per hour."""
    showcase = services.submit_showcase(context, data)
    return {"id": showcase.id, "name": showcase.name, "state": showcase.state}


@action("showcase_approve")
def showcase_approve(context: Context, data: dict) -> dict:
    """Publish a submitted use case (use-case administrators).

    :param id: its id or name
    :param featured: also feature it on the home page
    """
    _require_manager(context)
    showcase = services.showcase_for(context.principal, context.db, require(data, "id"))
    services.moderate(showcase, ShowcaseState.ACTIVE)
    if "featured" in data:
        showcase.featured = as_bool(data.get("featured"))
    context.db.flush()
    return _dict(context, showcase)


@action("showcase_reject")
def showcase_reject(context: Context, data: dict) -> dict:
    """Refuse a submitted use case (use-case administrators).

    :param id: its id or name
    :param reason: why (kept for the moderators)
    """
    _require_manager(context)
    showcase = services.showcase_for(context.principal, context.db, require(data, "id"))
    services.moderate(showcase, ShowcaseState.REJECTED, str(data.get("reason") or ""))
    context.db.flush()
    return _dict(context, showcase)


@action("ckanext_showcase_admin_add")
def showcase_admin_add(context: Context, data: dict) -> None:
    """Make a staff user a use-case administrator (sysadmins).

    :param username: the user's name or id
    """
    user = _site_role_user(context, data)
    if not user.staff and not user.sysadmin:
        raise ValidationError({"username": [_("Only staff accounts can manage use cases")]})
    if SiteRole.SHOWCASE_ADMIN not in {role.role for role in user.site_roles}:
        user.site_roles.append(UserSiteRole(role=SiteRole.SHOWCASE_ADMIN.value))
    context.db.flush()


@action("ckanext_showcase_admin_remove")
def showcase_admin_remove(context: Context, data: dict) -> None:
    """Take the use-case administrator role away (sysadmins).

    :param username: the user's name or id
    """
    user = _site_role_user(context, data)
    user.site_roles = [role for role in user.site_roles if role.role != SiteRole.SHOWCASE_ADMIN]
    context.db.flush()


@action("ckanext_showcase_admin_list", read_only=True)
def showcase_admin_list(context: Context, data: dict) -> list[dict]:
    """The use-case administrators (sysadmins)."""
    if not can(context.principal, Action.MANAGE_SITE_ROLES):
        raise NotAuthorized(_("Only system administrators may do this"))
    users = context.db.scalars(
        sa.select(User).join(UserSiteRole)
        .where(UserSiteRole.role == SiteRole.SHOWCASE_ADMIN.value).order_by(User.name))
    return [{"name": user.name, "id": user.id} for user in users]


def _site_role_user(context: Context, data: dict) -> User:
    if not can(context.principal, Action.MANAGE_SITE_ROLES):
        raise NotAuthorized(_("Only system administrators may do this"))
    user = find_user(context.db, str(require(data, "username")))
    if user is None:
        raise NotFound(_("User not found"))
    return user


def _state(context: Context, value) -> ShowcaseState:
    if value in (None, "", ShowcaseState.ACTIVE):
        return ShowcaseState.ACTIVE
    if value not in set(ShowcaseState):
        raise ValidationError({"state": [_("Unknown state: %(state)s", state=str(value)[:20])]})
    _require_manager(context)
    return ShowcaseState(value)
