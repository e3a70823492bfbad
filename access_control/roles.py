"""Roles: a user's capacity in an organization, and site-wide named roles."""

from __future__ import annotations

from enum import StrEnum


class OrgRole(StrEnum):
    """Capacity of a member in an organization (CKAN's ``capacity``)."""

    ADMIN = "admin"  # manages members and every dataset of the organization
    EDITOR = "editor"  # creates and edits the organization's datasets
    MEMBER = "member"  # reads the organization's restricted datasets

    @property
    def rank(self) -> int:
        return {OrgRole.MEMBER: 0, OrgRole.EDITOR: 1, OrgRole.ADMIN: 2}[self]

    def includes(self, other: "OrgRole") -> bool:
        return self.rank >= other.rank


class SiteRole(StrEnum):
    """Named roles held across the site; grants may name them too."""

    SHOWCASE_ADMIN = "showcase_admin"  # curates use cases (活用事例)
