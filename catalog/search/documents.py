"""Building search documents from datasets."""

from __future__ import annotations

from catalog.datasets.models import Dataset
from catalog.search.interfaces import SearchDocument


def build_document(dataset: Dataset) -> SearchDocument:
    """The search document of ``dataset`` (all of it: visibility is applied at query time)."""
    resources = dataset.resources
    # A resource stricter than its dataset is hidden from some who read the dataset:
    # they must not find the dataset by that resource's words.
    shared = [resource for resource in resources
              if resource.access_level in (None, dataset.access_level)]
    return SearchDocument(
        id=dataset.id,
        name=dataset.name,
        title=dataset.title,
        notes=dataset.notes,
        tags=[tag.name for tag in dataset.tags],
        groups=[group.name for group in dataset.groups],
        organization=dataset.organization.name,
        owner_org=dataset.owner_org_id,
        organization_title=dataset.organization.title,
        access_level=dataset.access_level,
        state=dataset.state,
        license_id=dataset.license_id,
        frequency=dataset.frequency,
        res_format=sorted({resource.format for resource in resources if resource.format}),
        resource_text=[
            text for resource in shared for text in (resource.name, resource.description) if text
        ],
        column_text=[],
        metadata_created=dataset.created,
        metadata_modified=dataset.modified,
        num_resources=len(resources),
        num_tags=len(dataset.tags),
    )
