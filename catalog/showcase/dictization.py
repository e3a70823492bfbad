"""Use cases as ckanext-showcase-shaped dicts (a package dict of type ``showcase``)."""

from __future__ import annotations

from catalog.datasets.dictization import iso
from catalog.showcase.models import Showcase
from catalog.showcase.services import public_datasets


def image_url(showcase: Showcase, site_url: str) -> str:
    return f"{site_url}/showcase/{showcase.name}/image" if showcase.image_key else ""


def showcase_dict(showcase: Showcase, site_url: str, *, full: bool = False) -> dict:
    """The showcase as ckanext-showcase returns it. ``full`` (moderators) adds the
    submitter's e-mail and the moderation note."""
    image = image_url(showcase, site_url)
    data = {
        "id": showcase.id,
        "name": showcase.name,
        "title": showcase.title,
        "type": "showcase",
        "showcase_type": showcase.showcase_type,
        "notes": showcase.notes,
        "url": showcase.url,
        "author": showcase.author,
        "state": showcase.state,
        "featured": showcase.featured,
        "image_url": image,
        "image_display_url": image,
        "tags": [{"name": tag.name, "display_name": tag.name, "state": "active"}
                 for tag in showcase.tags],
        "num_tags": len(showcase.tags),
        "num_datasets": len(public_datasets(showcase)),
        "metadata_created": iso(showcase.created),
        "metadata_modified": iso(showcase.modified),
        "private": False,
    }
    if full:
        data.update(author_email=showcase.author_email,
                    moderation_note=showcase.moderation_note)
    return data
