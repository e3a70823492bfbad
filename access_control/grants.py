"""Grants of read or edit access on restricted datasets.

Expired grants stay in the table (so admins see what was granted and can renew it) but
give nothing: :func:`active_grants_for` only returns unexpired ones. Callers check
:data:`access_control.policy.Action.MANAGE_GRANTS` and commit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.models import Grant, User
from access_control.roles import SiteRole
from catalog.api.errors import ValidationError
from catalog.db import utcnow

JAPAN = ZoneInfo("Asia/Tokyo")


class GrantPrincipal(StrEnum):
    """Who a grant is for."""

    USER = "user"  # principal_id is a user id
    ORGANIZATION = "organization"  # every member of the organization
    ROLE = "role"  # every holder of a site role (access_control.roles.SiteRole)


class GrantPermission(StrEnum):
    READ = "read"
    EDIT = "edit"


def active_grants_for(
    db: Session, user_id: str, organization_ids: set[str], site_roles: set[str]
) -> list[Grant]:
    """The unexpired grants that name the user, one of their organizations or roles."""
    names_principal = [
        sa.and_(Grant.principal_type == GrantPrincipal.USER, Grant.principal_id == user_id)
    ]
    if organization_ids:
        names_principal.append(
            sa.and_(
                Grant.principal_type == GrantPrincipal.ORGANIZATION,
                Grant.principal_id.in_(organization_ids),
            )
        )
    if site_roles:
        names_principal.append(
            sa.and_(Grant.principal_type == GrantPrincipal.ROLE, Grant.principal_id.in_(site_roles))
        )
    unexpired = sa.or_(Grant.expires_at.is_(None), Grant.expires_at > utcnow())
    return list(db.scalars(sa.select(Grant).where(sa.or_(*names_principal), unexpired)))


def end_of_day(day: date) -> datetime:
    """The (naive UTC) instant a grant "until ``day``" ends: midnight after it in Japan."""
    midnight = datetime.combine(day + timedelta(days=1), time.min, tzinfo=JAPAN)
    return midnight.astimezone(timezone.utc).replace(tzinfo=None)


def last_day(expires_at: datetime | None) -> str | None:
    """The last day (Japan time, ISO date) of access that ends at ``expires_at``."""
    if expires_at is None:
        return None
    moment = expires_at.replace(tzinfo=timezone.utc) - timedelta(seconds=1)
    return moment.astimezone(JAPAN).date().isoformat()


def parse_expiry(value, key: str = "expires_at") -> datetime | None:
    """An optional expiry given as a date (valid through that day, Japan time) or an
    ISO date-time (UTC when it has no zone); must lie in the future."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        expires = end_of_day(date.fromisoformat(text)) if len(text) == 10 else None
        if expires is None:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
            expires = moment
    except ValueError:
        raise ValidationError({key: [_("Date format incorrect (use YYYY-MM-DD)")]}) from None
    if expires <= utcnow():
        raise ValidationError({key: [_("The expiry date must be in the future")]})
    return expires


def resolve_principal(db: Session, principal_type: str, reference: str) -> tuple[str, str]:
    """(principal_type, principal_id) for a user or organization name/id, or a site role.
    Validation Error when the type is unknown or nothing matches."""
    from catalog.organizations.services import find_organization, find_user

    reference = str(reference or "").strip()
    match principal_type:
        case GrantPrincipal.USER:
            user = find_user(db, reference)
            if user is None or not user.is_active:
                raise ValidationError({"principal": [_("User not found: %(name)s",
                                                       name=reference[:100])]})
            return GrantPrincipal.USER.value, user.id
        case GrantPrincipal.ORGANIZATION:
            organization = find_organization(db, reference)
            if organization is None or organization.state != "active":
                raise ValidationError({"principal": [_("Organization does not exist")]})
            return GrantPrincipal.ORGANIZATION.value, organization.id
        case GrantPrincipal.ROLE:
            if reference not in SiteRole.__members__.values():
                roles = ", ".join(role.value for role in SiteRole)
                raise ValidationError({"principal": [_("Unknown role; roles are: %(roles)s",
                                                       roles=roles)]})
            return GrantPrincipal.ROLE.value, reference
    raise ValidationError({"principal_type": [_("Must be user, organization or role")]})


def save_grant(
    db: Session,
    dataset_id: str,
    principal: tuple[str, str],
    permission: str,
    expires_at: datetime | None,
    created_by: str | None,
) -> Grant:
    """Grant ``permission`` on a dataset to ``principal`` (from :func:`resolve_principal`).
    A principal has at most one grant per dataset: granting again replaces it."""
    if permission not in GrantPermission.__members__.values():
        raise ValidationError({"permission": [_("Must be read or edit")]})
    principal_type, principal_id = principal
    grant = db.scalar(sa.select(Grant).where(
        Grant.dataset_id == dataset_id,
        Grant.principal_type == principal_type,
        Grant.principal_id == principal_id,
    ))
    if grant is None:
        grant = Grant(dataset_id=dataset_id, principal_type=principal_type,
                      principal_id=principal_id)
        db.add(grant)
    grant.permission = permission
    grant.expires_at = expires_at
    grant.created = utcnow()
    grant.created_by = created_by
    db.flush()
    return grant


def grants_of(db: Session, dataset_id: str) -> list[Grant]:
    """Every grant on a dataset, expired ones included, newest first."""
    return list(db.scalars(sa.select(Grant).where(Grant.dataset_id == dataset_id)
                           .order_by(Grant.created.desc())))


def principal_label(db: Session, grant: Grant) -> str:
    """The name of whom a grant is for (user name, organization name or role)."""
    from catalog.organizations.models import Organization

    if grant.principal_type == GrantPrincipal.USER:
        user = db.get(User, grant.principal_id)
        return user.name if user else grant.principal_id
    if grant.principal_type == GrantPrincipal.ORGANIZATION:
        organization = db.get(Organization, grant.principal_id)
        return organization.name if organization else grant.principal_id
    return grant.principal_id


def grant_dict(db: Session, grant: Grant) -> dict:
    return {
        "id": grant.id,
        "dataset_id": grant.dataset_id,
        "principal_type": grant.principal_type,
        "principal_id": grant.principal_id,
        "principal_name": principal_label(db, grant),
        "permission": grant.permission,
        "expires_at": grant.expires_at.isoformat() if grant.expires_at else None,
        "last_day": last_day(grant.expires_at),
        "expired": grant.expires_at is not None and grant.expires_at <= utcnow(),
        "created": grant.created.isoformat(),
        "created_by": grant.created_by,
    }
