"""schema.org ``Dataset`` JSON-LD for dataset pages (what Google Dataset Search reads)."""

from __future__ import annotations

from catalog.datasets.licenses import get_license
from catalog.publishing import vocabularies as vocab
from catalog.publishing.site import CATALOG_TITLE, PUBLISHER_NAME
from catalog.web.markdown import plain_summary


def dataset_jsonld(dataset: dict, site_url: str) -> dict:
    """The JSON-LD object for a package dict that the public may read."""
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
        "distribution": [_download(resource) for resource in dataset["resources"]
                         if resource["url"].startswith(("http://", "https://"))],
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


def _download(resource: dict) -> dict:
    item = {"@type": "DataDownload", "name": resource["name"] or resource["format"],
            "contentUrl": resource["url"]}
    file_type = vocab.file_type(resource["format"])
    if file_type:
        item["encodingFormat"] = file_type.media_type
    elif resource["format"]:
        item["encodingFormat"] = resource["format"]
    return item
