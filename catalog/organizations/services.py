"""Creating and changing organizations and their memberships (callers check permission
and commit)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.audit import AuditEvent, record_event
from access_control.grants import GrantPrincipal, grant_dict
from access_control.models import Grant, User
from access_control.policy import Action, can
from access_control.users import find_user
from access_control.roles import OrgRole
from catalog.api.context import Context
from catalog.api.errors import NotFound, ValidationError
from catalog.api.validation import as_list
from catalog.datasets.models import Dataset
from catalog.datasets.schema import Errors
from catalog.organizations.models import Membership, Organization
from catalog.slugs import is_valid_name, slugify, unique_name


def find_organization(db: Session, reference: str | None) -> Organization | None:
    if not reference:
        return None
    return db.scalar(
        sa.select(Organization).where(
            sa.or_(Organization.id == reference, Organization.name == reference)
        )
    )


def visible_organization(context: Context, reference) -> Organization | None:
    """The organization with this id or name if the caller may see it: deleted ones
    only for those who may see deleted organizations."""
    organization = find_organization(context.db, str(reference or ""))
    if organization is None or (
        organization.state != "active"
        and not can(context.principal, Action.SEE_DELETED_ORGANIZATIONS)
    ):
        return None
    return organization


def apply_organization(
    db: Session, organization: Organization, data: dict, *, partial: bool
) -> None:
    """Set name, title, description, image_url, extras and parent from ``data``."""
    errors = Errors()
    given = (lambda key: key in data) if partial else (lambda key: True)
    if given("name") or not organization.name:
        name = str(data.get("name") or "").strip() or organization.name
        if not name:
            name = unique_name(db, Organization.__table__.c.name,
                               slugify(str(data.get("title") or ""), "organization"))
        if not is_valid_name(name):
            errors.add("name", _("Must be 2-100 lowercase letters, digits, - or _ "
                                 "(and not only symbols)"))
        taken = find_organization(db, name)
        if taken is not None and taken is not organization and taken.name == name:
            errors.add("name", _("Group name already exists in database"))
        organization.name = name
    limits = {"title": 300, "description": 100_000, "image_url": 1000}
    for key, text in errors.texts(data, limits, given).items():
        setattr(organization, key, text)
    if given("extras"):
        organization.extras = {
            str(item["key"]): str(item.get("value") or "")
            for item in as_list(data.get("extras"), "extras")
            if isinstance(item, dict) and item.get("key")
        }
    if given("parent") or given("groups"):
        _apply_parent(db, organization, data, errors)
    errors.raise_if_any()


def _apply_parent(db: Session, organization: Organization, data: dict, errors: Errors) -> None:
    """The parent department: ``parent`` (name or id), or CKAN hierarchy's ``groups``."""
    reference = data.get("parent")
    if not reference:
        groups = as_list(data.get("groups"), "groups")
        reference = groups[0].get("name") if groups and isinstance(groups[0], dict) else None
    if not reference:
        organization.parent_id = None
        return
    parent = find_organization(db, reference)
    if parent is None or parent is organization:
        errors.add("parent", _("Organization does not exist"))
    else:
        organization.parent_id = parent.id


def set_member(db: Session, organization: Organization, user: User, capacity: str) -> Membership:
    """Make ``user`` a member of ``organization`` with ``capacity`` (admin/editor/member)."""
    if capacity not in OrgRole.__members__.values():
        raise ValidationError({"role": [_("Role must be admin, editor or member")]})
    membership = db.scalar(
        sa.select(Membership).where(
            Membership.organization_id == organization.id, Membership.user_id == user.id
        )
    )
    if membership is None:
        membership = Membership(organization=organization, user_id=user.id, capacity=capacity)
        db.add(membership)
    membership.capacity = capacity
    db.flush()
    return membership


def remove_member(db: Session, organization: Organization, user: User) -> None:
    for membership in list(organization.memberships):
        if membership.user_id == user.id:
            organization.memberships.remove(membership)  # delete-orphan removes the row
    db.flush()


def replace_members(db: Session, organization: Organization, users: list) -> None:
    """Make the members exactly ``users`` ([{name, capacity}]), as CKAN's update does."""
    wanted: dict[str, str] = {}
    for item in users:
        if not isinstance(item, dict):
            continue
        user = find_user(db, item.get("name") or item.get("id"))
        if user is None:
            raise NotFound(_("User not found: %(name)s", name=str(item.get("name"))[:100]))
        wanted[user.id] = item.get("capacity") or OrgRole.MEMBER
    for membership in list(organization.memberships):
        if membership.user_id not in wanted:
            db.delete(membership)
    db.flush()
    for user_id, capacity in wanted.items():
        set_member(db, organization, db.get(User, user_id), capacity)


def purge_blockers(db: Session, organization: Organization) -> dict[str, list[str]]:
    """Why ``organization`` cannot be purged yet, per field (empty when it can).

    CKAN refuses while datasets that are not deleted remain (unless unowned datasets are
    allowed, which they never are here). It leaves deleted ones pointing at nothing; here
    a dataset must have an organization, so those must be purged first too, as must the
    harvest sources that fill it.
    """
    # Imported here: the harvesters package builds on the catalog's modules.
    from harvesters.models import HarvestSource

    def count(query) -> int:
        return db.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0

    owned = sa.select(Dataset.id).where(Dataset.owner_org_id == organization.id)
    blockers: dict[str, list[str]] = {}
    remaining = count(owned.where(Dataset.state != "deleted"))
    if remaining:
        blockers.setdefault("id", []).append(
            _("The organization still has %(n)s datasets", n=remaining))
    deleted = count(owned.where(Dataset.state == "deleted"))
    if deleted:
        blockers.setdefault("id", []).append(
            _("The organization still has %(n)s deleted datasets: purge them first "
              "(dataset_purge)", n=deleted))
    sources = count(sa.select(HarvestSource.id)
                    .where(HarvestSource.owner_org_id == organization.id))
    if sources:
        blockers.setdefault("id", []).append(
            _("The organization still has %(n)s harvest sources", n=sources))
    return blockers


def purge_organization(context: Context, organization: Organization) -> None:
    """Remove ``organization`` for good, with its memberships and the grants given to
    its members (an organization made later with the same id must not inherit them).
    Its divisions stay, without a parent. Refuses while :func:`purge_blockers` says so."""
    blockers = purge_blockers(context.db, organization)
    if blockers:
        raise ValidationError(blockers)
    _revoke_grants_to(context, organization)
    context.db.execute(
        sa.update(Organization)
        .where(Organization.parent_id == organization.id)
        .values(parent_id=None)
    )
    context.db.delete(organization)  # memberships go with it (delete-orphan)
    context.db.flush()
    context.db.expire_all()  # divisions loaded in this session still name their parent


def _revoke_grants_to(context: Context, organization: Organization) -> None:
    """Delete the grants naming ``organization``'s members, audited as
    dataset_grant_delete audits them."""
    grants = context.db.scalars(sa.select(Grant).where(
        Grant.principal_type == GrantPrincipal.ORGANIZATION,
        Grant.principal_id == organization.id,
    ))
    for grant in list(grants):
        shown = grant_dict(context.db, grant)
        details = {key: shown[key] for key in ("principal_type", "principal_id",
                                                "principal_name", "permission", "expires_at")}
        record_event(context, AuditEvent.GRANT_DELETED,
                     dataset=context.db.get(Dataset, grant.dataset_id),
                     subject=grant.id, details=details)
        context.db.delete(grant)
    context.db.flush()

