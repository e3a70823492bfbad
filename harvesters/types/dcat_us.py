"""Reading a DCAT-US (Project Open Data v1.1) ``data.json`` into the same plain dicts as
:mod:`harvesters.types.dcat_rdf`."""

from __future__ import annotations

import json
from datetime import date

from flask_babel import gettext as _

from harvesters.interfaces import SourceError

# accessLevel of DCAT-US: "restricted public" data is released only under conditions.
ACCESS_LEVELS = {"public": "open", "restricted public": "restricted", "non-public": "restricted"}


def read(body: bytes, url: str) -> list[dict]:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as error:
        raise SourceError(_("The document at %(url)s is not valid %(format)s: %(error)s",
                            url=url, format="DCAT-US data.json", error=str(error)[:300])) from None
    if not isinstance(document, dict) or not isinstance(document.get("dataset"), list):
        raise SourceError(_("The document at %(url)s has no \"dataset\" list (DCAT-US data.json)",
                            url=url))
    return [_dataset(item) for item in document["dataset"] if isinstance(item, dict)]


def _dataset(item: dict) -> dict:
    contact = item.get("contactPoint") if isinstance(item.get("contactPoint"), dict) else {}
    publisher = item.get("publisher") if isinstance(item.get("publisher"), dict) else {}
    start, _slash, end = str(item.get("temporal") or "").partition("/")
    keywords = item.get("keyword") or []
    return {
        "remote_id": str(item.get("identifier") or "") or "title:" + str(item.get("title") or ""),
        "title": str(item.get("title") or "").strip(),
        "description": str(item.get("description") or ""),
        "keywords": [str(k) for k in (keywords if isinstance(keywords, list) else [keywords])],
        "landing_page": str(item.get("landingPage") or ""),
        "version": "",
        "publisher": str(publisher.get("name") or ""),
        "contact_name": str(contact.get("fn") or ""),
        "contact_email": str(contact.get("hasEmail") or "").removeprefix("mailto:"),
        "contact_phone": "",
        "spatial": str(item.get("spatial") or ""),
        "temporal_start": _date(start),
        "temporal_end": _date(end),
        "licenses": [str(item.get("license") or "")],
        "frequency": str(item.get("accrualPeriodicity") or ""),
        "access_level": ACCESS_LEVELS.get(str(item.get("accessLevel") or "").lower(), "restricted"),
        "issued": str(item.get("issued") or ""),
        "modified": str(item.get("modified") or ""),
        "distributions": [_distribution(d) for d in item.get("distribution") or []
                          if isinstance(d, dict)],
    }


def _distribution(item: dict) -> dict:
    media_type = str(item.get("mediaType") or "")
    return {
        "title": str(item.get("title") or ""),
        "description": str(item.get("description") or ""),
        "url": str(item.get("downloadURL") or item.get("accessURL") or ""),
        "format": str(item.get("format") or media_type.rsplit("/", 1)[-1].upper()),
        "media_type": media_type,
        "size": None,
    }


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return ""
