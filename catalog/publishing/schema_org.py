"""schema.org ``Dataset`` JSON-LD for dataset pages (what Google Dataset Search reads)."""

from __future__ import annotations

from catalog.datasets.licenses import get_license
from catalog.publishing import vocabularies as vocab
from catalog.publishing.downloads import Download, downloads_for
from catalog.publishing.site import CATALOG_TITLE, PUBLISHER_NAME
from catalog.web.markdown import plain_summary


def dataset_jsonld(dataset: dict, site_url: str, tables: dict | None = None) -> dict:
    """The JSON-LD object for a package dict that the public may read; ``tables`` (resource
    id -> ingested tables) adds each table's formats (CSV, JSON, ...) as downloads."""
    organization = dataset["organization"]["title"] or dataset["organization"]["name"]
    publisher = {"@type": "GovernmentOrganization",
                 "name": f"{PUBLISHER_NAME[0]} {organization}",
                 "url": f"{site_url}/organization/{dataset['organization']['name']}"}
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": f"{site_url}/dataset/{dataset['id']}",
        "name": dataset["title"] or dataset["name"],
        "description": plain_summary(dataset["notes"], 5000) or dataset["title"],
        "url": f"{site_url}/dataset/{dataset['name']}",
        "identifier": dataset["id"],
        "inLanguage": "ja",
        "isAccessibleForFree": True,
        "keywords": [tag["name"] for tag in dataset["tags"]],
        "creator": publisher,
        "publisher": publisher,
        "dateCreated": dataset["metadata_created"],
        "dateModified": dataset["metadata_modified"],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": CATALOG_TITLE[0],
                                  "url": f"{site_url}/"},
        "distribution": [_download(resource, download)
                         for resource in dataset["resources"]
                         for download in downloads_for(resource, (tables or {}).get(
                             resource["id"], []), site_url)
                         if download.url.startswith(("http://", "https://"))],
    }
    license = get_license(dataset["license_id"])
    if license and license.url:
        data["license"] = license.url
    if dataset["temporal_start"] or dataset["temporal_end"]:
        data["temporalCoverage"] = (f"{dataset['temporal_start'] or '..'}/"
                                    f"{dataset['temporal_end'] or '..'}")
    if dataset["spatial"]:
        data["spatialCoverage"] = {"@type": "Place", "name": dataset["spatial"]}
    return data


def _download(resource: dict, download: Download) -> dict:
    name = " ".join(part for part in (resource["name"], download.table) if part)
    if not download.original:
        name = f"{name}（{download.format}）"
    item = {"@type": "DataDownload", "name": name or download.format,
            "contentUrl": download.url}
    file_type = vocab.file_type(download.format)
    if file_type:
        item["encodingFormat"] = file_type.media_type
    elif download.format:
        item["encodingFormat"] = download.format
    return item
