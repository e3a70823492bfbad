"""The Atom feed of new and updated datasets, the sitemap and robots.txt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from catalog.datasets.models import Dataset
from catalog.publishing.site import CATALOG_TITLE, PUBLISHER_NAME, in_language
from catalog.web.markdown import plain_summary

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 50
SITEMAP_LIMIT = 50_000  # the protocol's maximum per file


def _timestamp(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat() + "Z"


def atom_feed(datasets: list[Dataset], site_url: str, feed_url: str, locale: str) -> bytes:
    """An Atom document listing ``datasets`` (newest change first)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": locale})

    def child(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    title = in_language(CATALOG_TITLE, locale)
    child(feed, "id", feed_url)
    child(feed, "title", title + (" – new and updated datasets" if locale == "en"
                                  else "：新着・更新データセット"))
    child(feed, "updated", _timestamp(max((d.modified for d in datasets),
                                          default=datetime(2000, 1, 1))))
    child(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    child(feed, "link", rel="alternate", href=f"{site_url}/", type="text/html")
    author = child(feed, "author")
    child(author, "name", in_language(PUBLISHER_NAME, locale))
    for dataset in datasets:
        entry = child(feed, "entry")
        child(entry, "id", f"{site_url}/dataset/{dataset.id}")
        child(entry, "title", dataset.title or dataset.name)
        child(entry, "updated", _timestamp(dataset.modified))
        child(entry, "published", _timestamp(dataset.created))
        child(entry, "link", rel="alternate", type="text/html",
              href=f"{site_url}/dataset/{dataset.name}")
        entry_author = child(entry, "author")
        child(entry_author, "name", dataset.organization.title or dataset.organization.name)
        if dataset.notes:
            child(entry, "summary", plain_summary(dataset.notes, 500))
        for tag in dataset.tags:
            child(entry, "category", term=tag.name)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


@dataclass(frozen=True)
class SitemapEntry:
    location: str
    last_modified: datetime | None = None


def sitemap(entries: list[SitemapEntry]) -> bytes:
    """A sitemap of at most :data:`SITEMAP_LIMIT` entries."""
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for entry in entries[:SITEMAP_LIMIT]:
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = entry.location
        if entry.last_modified:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = entry.last_modified.date().isoformat()
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, encoding="utf-8")


# Paths crawlers should leave alone: the API, forms, and staff pages.
ROBOTS_DISALLOW = ("/api/", "/showcase/submit", "/showcase/new", "/showcase/moderation")


def robots_txt(site_url: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
             "", f"Sitemap: {site_url}/sitemap.xml", ""]
    return "\n".join(lines)
