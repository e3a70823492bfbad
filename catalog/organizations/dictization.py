"""Organizations as CKAN-shaped dicts."""

from __future__ import annotations

from catalog.organizations.models import Organization


def organization_summary(organization: Organization) -> dict:
    """The short form embedded in datasets and lists."""
    return {
        "id": organization.id,
        "name": organization.name,
        "title": organization.title,
        "display_name": organization.title or organization.name,
        "description": organization.description,
        "image_url": organization.image_url,
        "image_display_url": organization.image_url,
        "type": "organization",
        "is_organization": True,
        "state": organization.state,
        "created": organization.created.isoformat(),
        "approval_status": "approved",
    }


def organization_dict(organization: Organization, package_count: int) -> dict:
    """``organization_show`` without datasets or users (the action adds those it may)."""
    return {
        **organization_summary(organization),
        "package_count": package_count,
        "parent": organization.parent.name if organization.parent else None,
        "extras": [
            {"key": key, "value": value} for key, value in sorted(organization.extras.items())
        ],
        "groups": [{"name": organization.parent.name}] if organization.parent else [],
        "tags": [],
    }
