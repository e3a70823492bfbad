"""The one access policy.

:func:`visibility` gives the set of datasets a principal may read, in a form every query
path can apply (SQL clause here; search engines translate the same fields).
:func:`can` answers every other question. Nothing else in the code base decides access.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import sqlalchemy as sa

from access_control.grants import GrantPermission
from access_control.levels import AccessLevel
from access_control.principals import Principal
from access_control.roles import OrgRole, SiteRole


class Action(StrEnum):
    """What a principal may try to do. The object passed to :func:`can` is given per action."""

    READ = "read"  # Dataset or Resource: see metadata, files and data
    KNOW_EXISTS = "know_exists"  # Dataset: may be told it exists (403 rather than 404)
    CREATE_DATASET = "create_dataset"  # Organization it goes into (None: any organization)
    UPDATE = "update"  # Dataset: its content (metadata, resources, files)
    CHANGE_ACCESS = "change_access"  # Dataset: its level and legal basis; open its resources
    MOVE = "move"  # Dataset: take it out of its organization (CREATE_DATASET in the target too)
    DELETE = "delete"  # Dataset
    PURGE = "purge"  # Dataset
    MANAGE_GRANTS = "manage_grants"  # Dataset (None: the grants of any organization)
    MANAGE_ORGANIZATION = "manage_organization"  # Organization: edit it and its members
    CREATE_ORGANIZATION = "create_organization"  # None
    DELETE_ORGANIZATION = "delete_organization"  # Organization
    MANAGE_GROUPS = "manage_groups"  # None: create and edit categories
    MANAGE_SEARCH = "manage_search"  # None: edit search synonyms, rebuild the index
    LIST_USERS = "list_users"  # None
    SEE_USER = "see_user"  # User: full profile (email, memberships)
    CREATE_USER = "create_user"  # None
    MANAGE_TOKENS = "manage_tokens"  # User whose tokens are managed
    REQUEST_ACCESS = "request_access"  # Dataset: ask its organization for a grant
    READ_AUDIT_LOG = "read_audit_log"  # None
    MANAGE_SHOWCASES = "manage_showcases"  # None: create, edit and moderate use cases
    MANAGE_SITE_ROLES = "manage_site_roles"  # None: give or take site roles (sysadmins)
    VIEW_HARVEST = "view_harvest"  # None: see harvest sources, jobs and reports
    MANAGE_HARVEST = "manage_harvest"  # Organization the source harvests into (None: any)
    SEE_SYSTEM_JOBS = "see_system_jobs"  # None: background jobs not about one resource
    SEE_DELETED_ORGANIZATIONS = "see_deleted_organizations"  # None
    HARVEST_SERVER_RESOURCES = "harvest_server_resources"  # None: sql sources, file paths


@dataclass(frozen=True)
class Visibility:
    """Which datasets a principal may read.

    A dataset is visible when its level is in ``levels``, or its organization is in
    ``organizations``, or its id is in ``datasets`` (granted). ``everything`` short-cuts
    all three for sysadmins.

    That rule is for active datasets. A draft is seen only by those who may edit it
    (``Action.UPDATE``: ``edits_everything``, an editor or admin of an organization in
    ``edit_organizations``, an edit grant on a dataset in ``edit_datasets``), and is
    listed only when ``drafts`` is set (CKAN's ``include_drafts``); the rule above
    applies to it too. :meth:`lists` and :meth:`state_clause` say it.
    """

    everything: bool
    levels: frozenset[AccessLevel]
    organizations: frozenset[str]
    datasets: frozenset[str]
    edits_everything: bool = False
    edit_organizations: frozenset[str] = frozenset()
    edit_datasets: frozenset[str] = frozenset()
    drafts: bool = False

    def open_only(self) -> "Visibility":
        """The same caller limited to open datasets (``include_private=false``). What it
        may edit stays: with ``drafts``, its open drafts are listed, as in CKAN."""
        return replace(self, everything=False, levels=frozenset({AccessLevel.OPEN}),
                       organizations=frozenset(), datasets=frozenset())

    def with_drafts(self) -> "Visibility":
        """The same caller, also listing the drafts it may edit (``include_drafts=true``)."""
        return replace(self, drafts=True)

    def may_edit(self, organization_id: str | None, dataset_id: str) -> bool:
        """``Action.UPDATE`` on a dataset, as far as listing its draft needs it."""
        return (self.edits_everything or organization_id in self.edit_organizations
                or dataset_id in self.edit_datasets)

    def edit_clause(self, organization_column, id_column) -> sa.ColumnElement[bool]:
        """:meth:`may_edit` as a SQL condition over the given columns."""
        return _org_or_dataset_clause(self.edits_everything, self.edit_organizations,
                                      self.edit_datasets, organization_column, id_column)

    def lists(self, state: str, organization_id: str | None, dataset_id: str) -> bool:
        """Whether a dataset in ``state`` may be listed, :meth:`allows` permitting: active
        ones; with ``drafts``, the drafts the caller may edit; never a deleted one."""
        if state == "active":
            return True
        return self.drafts and state == "draft" and self.may_edit(organization_id, dataset_id)

    def state_clause(self, state_column, organization_column, id_column) -> sa.ColumnElement[bool]:
        """:meth:`lists` as a SQL condition over the given columns (apply :meth:`clause`
        as well)."""
        active = state_column == "active"
        if not self.drafts:
            return active
        editable = self.edit_clause(organization_column, id_column)
        return sa.or_(active, sa.and_(state_column == "draft", editable))

    def allows(self, access_level: str, organization_id: str | None, dataset_id: str) -> bool:
        return (
            self.everything
            or access_level in self.levels
            or organization_id in self.organizations
            or dataset_id in self.datasets
        )

    def clause(self, level_column, organization_column, id_column) -> sa.ColumnElement[bool]:
        """The same rule as :meth:`allows`, as a SQL condition over the given columns."""
        if self.everything:
            return sa.true()
        conditions = [level_column.in_(sorted(self.levels))]
        if self.organizations:
            conditions.append(organization_column.in_(sorted(self.organizations)))
        if self.datasets:
            conditions.append(id_column.in_(sorted(self.datasets)))
        return sa.or_(*conditions)

    def reads_every_resource(self, organization_id: str | None, dataset_id: str) -> bool:
        """Whether every resource of a dataset this caller reads is readable too, whatever
        the resource's own level: the dataset is read through everything, its organization
        or a grant (see :meth:`resource_clause`)."""
        return (self.everything or organization_id in self.organizations
                or dataset_id in self.datasets)

    def every_resource_clause(self, organization_column, id_column) -> sa.ColumnElement[bool]:
        """:meth:`reads_every_resource` as a SQL condition over the given columns."""
        return _org_or_dataset_clause(self.everything, self.organizations, self.datasets,
                                      organization_column, id_column)

    def allows_resource_level(self, own_level: str | None) -> bool:
        """Whether a resource whose own level is ``own_level`` (None: it inherits its
        dataset's) is readable by level alone, its dataset being readable."""
        return own_level is None or own_level in self.levels

    def dataset_clause(self) -> sa.ColumnElement[bool]:
        """SQL condition selecting the readable rows of ``datasets``."""
        from catalog.datasets.models import Dataset

        return self.clause(Dataset.access_level, Dataset.owner_org_id, Dataset.id)

    def resource_clause(self) -> sa.ColumnElement[bool]:
        """SQL condition over ``resources`` joined to ``datasets``: a resource is readable
        when its dataset is, and its own stricter level (if any) allows it too."""
        from catalog.datasets.models import Dataset, Resource

        own_level = self.clause(Resource.access_level, Dataset.owner_org_id, Dataset.id)
        return sa.and_(
            self.dataset_clause(), sa.or_(Resource.access_level.is_(None), own_level)
        )


def _org_or_dataset_clause(everything: bool, organizations: frozenset[str],
                           datasets: frozenset[str], organization_column,
                           id_column) -> sa.ColumnElement[bool]:
    """SQL for "everything, or the organization is one of these, or the dataset is"."""
    if everything:
        return sa.true()
    conditions = []
    if organizations:
        conditions.append(organization_column.in_(sorted(organizations)))
    if datasets:
        conditions.append(id_column.in_(sorted(datasets)))
    return sa.or_(*conditions) if conditions else sa.false()


def visibility(principal: Principal) -> Visibility:
    """The datasets ``principal`` may read. Apply it to every query that lists, counts,
    facets, exports or searches datasets or their contents."""
    if principal.is_sysadmin:
        return Visibility(True, frozenset(AccessLevel), frozenset(), frozenset(),
                          edits_everything=True)
    levels = {AccessLevel.OPEN}
    if principal.is_staff:
        levels.add(AccessLevel.INTERNAL)
    # The same rule as can(principal, Action.UPDATE, dataset).
    return Visibility(
        everything=False,
        levels=frozenset(levels),
        organizations=frozenset(principal.org_roles),
        datasets=frozenset(principal.granted),
        edit_organizations=frozenset(org_id for org_id, role in principal.org_roles.items()
                                     if role.includes(OrgRole.EDITOR)),
        edit_datasets=frozenset(dataset_id for dataset_id, permission
                                in principal.granted.items()
                                if permission == GrantPermission.EDIT),
    )


def can(principal: Principal, action: Action, obj=None) -> bool:
    """Whether ``principal`` may do ``action`` on ``obj`` (see :class:`Action`)."""
    if principal.is_anonymous:
        return action in (Action.READ, Action.KNOW_EXISTS) and _readable(principal, obj)
    if action == Action.REQUEST_ACCESS:
        return _may_request(principal, obj)
    if principal.is_sysadmin:
        return True
    match action:
        case Action.READ:
            return _readable(principal, obj)
        case Action.KNOW_EXISTS:
            # Staff may learn that a closed dataset exists (and ask for access);
            # the public may not even learn that.
            return principal.is_staff or _readable(principal, obj)
        case Action.CREATE_DATASET if obj is None:
            return any(role.includes(OrgRole.EDITOR) for role in principal.org_roles.values())
        case Action.CREATE_DATASET:
            return principal.has_org_role(obj.id, OrgRole.EDITOR)
        case Action.UPDATE:
            return principal.has_org_role(obj.owner_org_id, OrgRole.EDITOR) or (
                principal.granted.get(obj.id) == GrantPermission.EDIT
            )
        case Action.DELETE | Action.MOVE | Action.CHANGE_ACCESS:
            # An edit grant covers the content only: who may see the data, and taking it
            # out of its organization (which then could no longer undo that), stay with
            # the organization's own editors and admins.
            return principal.has_org_role(obj.owner_org_id, OrgRole.EDITOR)
        case Action.MANAGE_GRANTS | Action.MANAGE_HARVEST if obj is None:
            return any(role.includes(OrgRole.ADMIN) for role in principal.org_roles.values())
        case Action.MANAGE_GRANTS:
            return principal.has_org_role(obj.owner_org_id, OrgRole.ADMIN)
        case Action.MANAGE_ORGANIZATION:
            return principal.has_org_role(obj.id, OrgRole.ADMIN)
        case Action.LIST_USERS | Action.VIEW_HARVEST:
            return principal.is_staff
        case Action.MANAGE_SHOWCASES:
            return principal.is_staff and SiteRole.SHOWCASE_ADMIN in principal.site_roles
        case Action.MANAGE_HARVEST:
            return principal.has_org_role(obj.id, OrgRole.ADMIN)
        case Action.SEE_USER | Action.MANAGE_TOKENS:
            return obj is not None and obj.id == principal.user_id
        case _:
            # PURGE, CREATE_ORGANIZATION, DELETE_ORGANIZATION, MANAGE_GROUPS, CREATE_USER,
            # READ_AUDIT_LOG, HARVEST_SERVER_RESOURCES (it reaches the catalog server's
            # network and files), MANAGE_SITE_ROLES, MANAGE_SEARCH, SEE_SYSTEM_JOBS,
            # SEE_DELETED_ORGANIZATIONS
            return False


def can_read_resource_level(principal: Principal, dataset, own_level: str | None) -> bool:
    """Whether ``principal`` may read a resource of ``dataset`` whose own level is
    ``own_level`` (``None``: inherits). Also used for resources in old revisions."""
    effective = AccessLevel.strictest(dataset.access_level, own_level)
    return _readable(principal, dataset) and visibility(principal).allows(
        effective, dataset.owner_org_id, dataset.id
    )


def _may_request(principal: Principal, dataset) -> bool:
    """Staff ask for restricted datasets they cannot read yet; internal ones they read
    already, and the public may not even learn that closed data exists."""
    return (
        principal.is_staff
        and dataset.state == "active"
        and dataset.access_level == AccessLevel.RESTRICTED
        and not _readable(principal, dataset)
    )


def _readable(principal: Principal, obj) -> bool:
    from catalog.datasets.models import Dataset, Resource

    if obj is None:
        return False
    seen_by = visibility(principal)
    if isinstance(obj, Resource):
        return can_read_resource_level(principal, obj.dataset, obj.access_level)
    if isinstance(obj, Dataset):
        if obj.state != "active" and not can(principal, Action.UPDATE, obj):
            return False  # drafts and deleted datasets: only for those who may edit them
        return seen_by.allows(obj.access_level, obj.owner_org_id, obj.id)
    raise TypeError(f"READ is not defined for {type(obj).__name__}")


def grant_manager_clause(principal: Principal, organization_column) -> sa.ColumnElement[bool]:
    """SQL condition over an organization id column: the organizations whose grants and
    access requests ``principal`` decides (the same rule as ``Action.MANAGE_GRANTS``)."""
    if principal.is_sysadmin:
        return sa.true()
    admin_of = sorted(org_id for org_id, role in principal.org_roles.items()
                      if role.includes(OrgRole.ADMIN))
    return organization_column.in_(admin_of) if admin_of else sa.false()
