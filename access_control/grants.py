"""Grants of read or edit access on restricted datasets."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from access_control.models import Grant
from catalog.db import utcnow


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
