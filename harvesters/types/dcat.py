"""``dcat``: DCAT catalogs in Turtle, RDF/XML or JSON-LD (read with rdflib), and DCAT-US
``data.json``. Paged catalogs are followed through Hydra (``hydra:next`` of a
``hydra:PartialCollectionView``, or the older ``hydra:nextPage``).

Config keys:

* ``format``: ``auto`` (default: from the content type, then the URL), ``turtle``,
  ``xml``, ``json-ld`` or ``datajson``.
* ``max_pages``: follow at most this many pages (default 1000).
* ``language``: preferred language of titles and descriptions (default ``ja``).
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from flask_babel import gettext as _

from access_control.levels import AccessLevel
from harvesters.interfaces import DatasetDraft, ItemError, Listing, RemoteItem, SourceError
from harvesters.run import HarvestRun
from harvesters.types import dcat_rdf, dcat_us
from harvesters.types.common import clean_extras, clean_tags, map_frequency, map_license

FORMATS = ("auto", "turtle", "xml", "json-ld", "datajson")
CONTENT_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle",
    "application/rdf+xml": "xml", "application/ld+json": "json-ld",
}
EXTENSIONS = {".ttl": "turtle", ".rdf": "xml", ".xml": "xml", ".jsonld": "json-ld"}
FORMAT_NAMES = {"turtle": "Turtle", "xml": "RDF/XML", "json-ld": "JSON-LD",
                "datajson": "DCAT-US data.json"}


class DcatHarvester:
    source_type = "dcat"
    on_missing = "withdraw"
    server_side = False

    def check_config(self, url: str, config: dict) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = {}
        if not url.startswith(("http://", "https://")):
            problems["url"] = [_("Must be an http(s) URL of a DCAT catalog")]
        if config.get("format", "auto") not in FORMATS:
            problems["config"] = [_("format must be one of %(values)s",
                                    values=", ".join(FORMATS))]
        return problems

    def gather(self, run: HarvestRun) -> Listing:
        url, seen, items = run.source.url, set(), {}
        max_pages = int(run.config.get("max_pages", 1000))
        language = run.config.get("language", "ja")
        while url and len(seen) < max_pages:
            run.check()
            seen.add(url)
            body, content_type = run.fetcher.get_bytes(url)
            kind = self._format(run, url, content_type, body)
            if kind == "datajson":
                datasets, next_url = dcat_us.read(body, url), None
            else:
                graph = dcat_rdf.parse(body, kind, url, FORMAT_NAMES[kind])
                datasets, next_url = dcat_rdf.datasets(graph, language), dcat_rdf.next_page(graph)
            for dataset in datasets:
                items.setdefault(dataset["remote_id"], self._item(dataset))
            url = urljoin(url, next_url) if next_url else None
            if url in seen:
                url = None  # a page that links back: the listing is complete
        if url:
            raise SourceError(_("The catalog has more than %(n)s pages (max_pages)", n=max_pages))
        run.log(_("%(count)s datasets in %(pages)s pages", count=len(items), pages=len(seen)))
        return Listing(items=list(items.values()))

    def _format(self, run: HarvestRun, url: str, content_type: str, body: bytes) -> str:
        configured = run.config.get("format", "auto")
        if configured != "auto":
            return configured
        mime = content_type.split(";")[0].strip().lower()
        if mime in CONTENT_TYPES:
            return CONTENT_TYPES[mime]
        for extension, kind in EXTENSIONS.items():
            if url.lower().split("?")[0].endswith(extension):
                return kind
        start = body.lstrip()[:1]
        if start in (b"{", b"["):
            return "datajson" if _looks_like_data_json(body) else "json-ld"
        if start == b"<":
            return "xml"
        return "turtle"

    @staticmethod
    def _item(dataset: dict) -> RemoteItem:
        return RemoteItem(remote_id=dataset["remote_id"], content=dataset,
                          title=dataset.get("title", ""),
                          remote_url=dataset.get("landing_page") or (
                              dataset["remote_id"] if dataset["remote_id"].startswith("http")
                              else ""),
                          remote_modified=dataset.get("modified", ""))

    def fetch(self, run: HarvestRun, item: RemoteItem) -> RemoteItem:
        return item  # the catalog document holds everything

    def map_item(self, run: HarvestRun, item: RemoteItem) -> DatasetDraft:
        """Map the plain dict that :mod:`dcat_rdf` or :mod:`dcat_us` extracted."""
        remote = item.content
        if not remote.get("title"):
            raise ItemError(_("The dataset has no title (dct:title)"))
        package = {
            "title": remote["title"],
            "notes": remote.get("description", ""),
            "url": remote.get("landing_page", ""),
            "version": remote.get("version", ""),
            "author": remote.get("publisher", ""),
            "maintainer": remote.get("contact_name", ""),
            "maintainer_email": remote.get("contact_email", ""),
            "contact_phone": remote.get("contact_phone", ""),
            "spatial": remote.get("spatial", "")[:300],
            "temporal_start": remote.get("temporal_start", ""),
            "temporal_end": remote.get("temporal_end", ""),
            "license_id": map_license(*remote.get("licenses", [])),
            "frequency": map_frequency(remote.get("frequency")),
            "tags": clean_tags(remote.get("keywords", [])),
            "extras": clean_extras({"dcat_identifier": remote["remote_id"],
                                    "dcat_issued": remote.get("issued", ""),
                                    "dcat_modified": remote.get("modified", "")}),
            "resources": [_resource(d) for d in remote.get("distributions", [])],
        }
        if "@" not in package["maintainer_email"]:
            package["maintainer_email"] = ""
        level = AccessLevel.strictest(remote.get("access_level") or AccessLevel.OPEN,
                                      run.source.default_access_level)
        return DatasetDraft(package=package, access_level=level.value)


def _resource(distribution: dict) -> dict:
    return {
        "name": distribution.get("title", ""),
        "description": distribution.get("description", ""),
        "url": distribution.get("url", ""),
        "format": distribution.get("format", ""),
        "mimetype": distribution.get("media_type", ""),
        "size": distribution.get("size"),
    }


def _looks_like_data_json(body: bytes) -> bool:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(document, dict) and isinstance(document.get("dataset"), list) and (
        "@context" not in document or "project-open-data" in str(document.get("@context")))
