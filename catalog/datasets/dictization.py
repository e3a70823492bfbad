"""Datasets and resources as CKAN-shaped dicts (``package_show``/``resource_show``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable
from urllib.parse import quote

from catalog.datasets.licenses import get_license
from catalog.datasets.models import Dataset, Resource
from catalog.groups.dictization import group_summary
from catalog.organizations.dictization import organization_summary

# Fields that change on every save, or that the system sets (whether the DataStore holds
# the resource's table), and so do not count as a change of content.
VOLATILE_FIELDS = ("metadata_modified", "datastore_active")


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def download_filename(resource: Resource) -> str:
    """The file name part of an uploaded resource's download URL."""
    return resource.extras.get("filename") or "data"


def resource_url(resource: Resource, site_url: str) -> str:
    """Uploaded files download through the catalog (so access is checked), a DataStore
    resource's data is its dump (as CKAN's); links are as given."""
    if resource.url_type == "datastore":
        return f"{site_url}/datastore/dump/{resource.id}"
    if resource.url_type != "upload":
        return resource.url
    filename = quote(download_filename(resource))
    return f"{site_url}/dataset/{resource.dataset_id}/resource/{resource.id}/download/{filename}"


def resource_dict(resource: Resource, site_url: str) -> dict:
    data = {
        "id": resource.id,
        "package_id": resource.dataset_id,
        "url": resource_url(resource, site_url),
        "url_type": resource.url_type or None,
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "mimetype": resource.mimetype or None,
        "size": resource.size,
        "hash": resource.hash,
        "position": resource.position,
        "access_level": resource.access_level,
        "datastore_active": resource.datastore_active,
        "state": "active",
        "created": iso(resource.created),
        "last_modified": iso(resource.last_modified),
        "metadata_modified": iso(resource.metadata_modified),
    }
    # CKAN puts resource extras at the top level of the resource dict.
    for key, value in resource.extras.items():
        data.setdefault(key, value)
    return data


def dataset_dict(
    dataset: Dataset,
    site_url: str,
    shows_resource: Callable[[Resource], bool] = lambda resource: True,
) -> dict:
    """The ``package_show`` dict. Resources the caller may not read are left out."""
    license = get_license(dataset.license_id)
    resources = [
        resource_dict(resource, site_url)
        for resource in dataset.resources
        if shows_resource(resource)
    ]
    return {
        "id": dataset.id,
        "name": dataset.name,
        "title": dataset.title,
        "type": dataset.type,
        "state": dataset.state,
        "notes": dataset.notes,
        "access_level": dataset.access_level,
        "private": dataset.private,
        "legal_basis": dataset.legal_basis,
        "legal_basis_text": dataset.legal_basis_text,
        "access_note": dataset.access_note,
        "owner_org": dataset.owner_org_id,
        "organization": organization_summary(dataset.organization),
        "license_id": dataset.license_id,
        "license_title": license.title if license else dataset.license_id,
        "license_url": license.url if license else "",
        "isopen": bool(license and license.is_open),
        "url": dataset.url,
        "version": dataset.version,
        "author": dataset.author,
        "author_email": dataset.author_email,
        "maintainer": dataset.maintainer,
        "maintainer_email": dataset.maintainer_email,
        "contact_phone": dataset.contact_phone,
        "frequency": dataset.frequency,
        "spatial": dataset.spatial,
        "temporal_start": iso(dataset.temporal_start),
        "temporal_end": iso(dataset.temporal_end),
        "metadata_created": iso(dataset.created),
        "metadata_modified": iso(dataset.modified),
        "creator_user_id": dataset.creator_user_id,
        "tags": [
            {"id": tag.id, "name": tag.name, "display_name": tag.name, "state": "active",
             "vocabulary_id": None}
            for tag in dataset.tags
        ],
        "num_tags": len(dataset.tags),
        "groups": [group_summary(group) for group in dataset.groups],
        "extras": [{"key": key, "value": value} for key, value in sorted(dataset.extras.items())],
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
