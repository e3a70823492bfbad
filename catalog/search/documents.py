"""Building search documents from datasets, and their terms by weighted field."""

from __future__ import annotations

from catalog.datasets.models import Dataset
from catalog.search.analysis import document_terms
from catalog.search.interfaces import SearchDocument


def build_document(dataset: Dataset, column_text: list[str] | None = None,
                   views_recent: int = 0) -> SearchDocument:
    """The search document of ``dataset`` (all of it: visibility is applied at query time).

    ``column_text`` holds the column names, titles and descriptions of the dataset's
    ingested tables; ``views_recent`` its recent use (for sorting by popularity)."""
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
        column_text=list(column_text or []),
        metadata_created=dataset.created,
        metadata_modified=dataset.modified,
        num_resources=len(resources),
        num_tags=len(dataset.tags),
        group_titles=[group.title for group in dataset.groups if group.title],
        type=dataset.type,
        views_recent=views_recent,
        resource_formats=sorted({(resource.format, resource.access_level) for resource in resources
                                 if resource.format}, key=lambda pair: (pair[0], pair[1] or "")),
        author=dataset.author or "",
        maintainer=dataset.maintainer or "",
        url=dataset.url or "",
        res_url=[resource.url or "" for resource in shared],
        extras={str(key): str(value) for key, value in (dataset.extras or {}).items()},
    )


def document_terms_of(document: SearchDocument) -> dict[str, list[str]]:
    """Index terms of ``document`` by weighted field (title > tags > categories >
    description > resources > table columns > organization)."""
    return document_terms({
        "title": [document.title, document.name.replace("-", " ")],
        "tags": document.tags,
        "groups": [*document.group_titles, *document.groups],
        "notes": [document.notes],
        "resources": document.resource_text,
        "columns": document.column_text,
        "organization": [document.organization_title, document.organization],
    })
