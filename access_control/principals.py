"""The principal: who is calling, with the roles and grants the policy needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import Session

from access_control.grants import GrantPermission, active_grants_for
from access_control.models import User, UserSiteRole
from access_control.roles import OrgRole


@dataclass
class Principal:
    """A caller. ``user`` is ``None`` for the anonymous public.

    Roles and grants are loaded once per request; build a new principal after changing
    memberships or grants.
    """

    user: User | None = None
    org_roles: dict[str, OrgRole] = field(default_factory=dict)
    site_roles: frozenset[str] = frozenset()
    db: Session | None = field(default=None, repr=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    @property
    def user_id(self) -> str | None:
        return self.user.id if self.user else None

    @property
    def is_system(self) -> bool:
        """The catalog acting on its own behalf (:func:`system_principal`)."""
        return self.user is not None and self.user.id is None

    @property
    def is_sysadmin(self) -> bool:
        return bool(self.user and self.user.sysadmin)

    @property
    def is_staff(self) -> bool:
        """Staff read internal data. Sysadmins and organization members are staff."""
        return bool(self.user and (self.user.staff or self.user.sysadmin or self.org_roles))

    def has_org_role(self, organization_id: str | None, minimum: OrgRole) -> bool:
        role = self.org_roles.get(organization_id or "")
        return role is not None and role.includes(minimum)

    @cached_property
    def granted(self) -> dict[str, GrantPermission]:
        """Dataset id -> strongest unexpired permission granted to this principal."""
        if self.user is None or self.db is None:
            return {}
        best: dict[str, GrantPermission] = {}
        for grant in active_grants_for(
            self.db, self.user.id, set(self.org_roles), set(self.site_roles)
        ):
            if best.get(grant.dataset_id) != GrantPermission.EDIT:
                best[grant.dataset_id] = GrantPermission(grant.permission)
        return best


ANONYMOUS = Principal()


def system_principal(db: Session) -> Principal:
    """The catalog acting on its own behalf (CLI, demo data, background jobs): may do
    everything, and its changes are recorded without a user."""
    return Principal(user=User(id=None, name="system", sysadmin=True, staff=True), db=db)


def principal_for(db: Session, user: User | None) -> Principal:
    """Build the principal of ``user`` (``None`` or an inactive user: anonymous)."""
    if user is None or not user.is_active:
        return Principal(db=db)
    from catalog.organizations.models import Membership, Organization

    rows = db.execute(
        sa.select(Membership.organization_id, Membership.capacity)
        .join(Organization)
        .where(Membership.user_id == user.id, Organization.state == "active")
    )
    site_roles = db.scalars(sa.select(UserSiteRole.role).where(UserSiteRole.user_id == user.id))
    return Principal(
        user=user,
        org_roles={org_id: OrgRole(capacity) for org_id, capacity in rows},
        site_roles=frozenset(site_roles),
        db=db,
    )
