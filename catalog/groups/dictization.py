"""Groups as CKAN-shaped dicts."""

from __future__ import annotations

from catalog.groups.models import Group


def group_summary(group: Group) -> dict:
    return {
        "id": group.id,
        "name": group.name,
        "title": group.title,
        "display_name": group.title or group.name,
        "description": group.description,
        "image_url": group.image_url,
        "image_display_url": group.image_url,
        "type": "group",
        "is_organization": False,
        "state": group.state,
        "created": group.created.isoformat(),
        "approval_status": "approved",
    }


def group_dict(group: Group, package_count: int) -> dict:
    return {
        **group_summary(group),
        "package_count": package_count,
        "extras": [{"key": key, "value": value} for key, value in sorted(group.extras.items())],
        "groups": [],
        "tags": [],
    }
