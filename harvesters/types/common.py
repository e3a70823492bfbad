"""Helpers shared by harvester types: mapping licences, frequencies and tags onto the
catalog's vocabularies."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from flask_babel import gettext as _

from catalog.datasets.licenses import LICENSES, get_license
from catalog.datasets.schema import DERIVED_KEYS, TEXT_FIELDS
from catalog.datasets.vocabularies import FREQUENCIES, get_frequency

RESERVED_EXTRA_KEYS = set(TEXT_FIELDS) | DERIVED_KEYS | {"name", "id", "owner_org"}
TAG_FORBIDDEN = re.compile(r"[,\n\r\t]")

# Spellings of licences seen in Japanese catalogs and spreadsheets.
LICENSE_ALIASES = {
    "cc-by": "CC-BY-4.0", "cc by": "CC-BY-4.0", "cc-by-4.0": "CC-BY-4.0",
    "cc by 4.0": "CC-BY-4.0", "cc-by 4.0": "CC-BY-4.0", "cc_by_4_0": "CC-BY-4.0",
    "クリエイティブ・コモンズ 表示 4.0 国際": "CC-BY-4.0", "cc-by-2.1-jp": "CC-BY-2.1-JP",
    "cc by 2.1 jp": "CC-BY-2.1-JP", "cc0": "CC0-1.0", "cc0 1.0": "CC0-1.0",
    "pdl1.0": "PDL-1.0", "pdl 1.0": "PDL-1.0", "pdl-1.0": "PDL-1.0",
    "公共データ利用規約（第1.0版）": "PDL-1.0", "公共データ利用規約": "PDL-1.0",
    "政府標準利用規約（第2.0版）": "gov-standard-2.0", "政府標準利用規約": "gov-standard-2.0",
    "odc-by": "", "notspecified": "", "other-closed": "not-published",
}


def map_license(*candidates: str | None) -> str:
    """The catalog's licence id for an id, title, URL or IRI given by a source ("" when
    none matches)."""
    for candidate in candidates:
        text = unicodedata.normalize("NFKC", (candidate or "").strip())
        if not text:
            continue
        if get_license(text):
            return text
        lowered = text.lower()
        if lowered in LICENSE_ALIASES:
            return LICENSE_ALIASES[lowered]
        for license in LICENSES:
            if lowered in (license.title.lower(), license.title_en.lower()) or _same_url(
                    text, license.url) or _same_url(text, license.iri):
                return license.id
    return ""


def _same_url(a: str, b: str) -> bool:
    if not a or not b or "://" not in a:
        return False
    def strip(url: str) -> str:
        parts = urlsplit(url)
        return (parts.netloc + parts.path).rstrip("/").lower().removesuffix("/deed.ja")
    return strip(a) == strip(b)


def map_frequency(value: str | None) -> str:
    """A frequency code from a code, an EU frequency IRI or an ISO 8601 repeat period."""
    text = (value or "").strip()
    if get_frequency(text):
        return text
    for frequency in FREQUENCIES:
        if text and text.rstrip("/") == frequency.iri:
            return frequency.code
    iso = {"R/P1D": "daily", "R/P1W": "weekly", "R/P1M": "monthly", "R/P3M": "quarterly",
           "R/P1Y": "annual"}
    return iso.get(text.upper(), "")


def clean_tags(names) -> list[str]:
    """Tag names the catalog accepts (commas and line breaks become spaces)."""
    tags = []
    for name in names or []:
        text = TAG_FORBIDDEN.sub(" ", str(name)).strip()[:100]
        if text and text not in tags:
            tags.append(text)
    return tags


def clean_extras(extras: dict) -> dict:
    """Extras without keys that clash with dataset fields; values as text."""
    return {str(key)[:100]: "" if value is None else str(value)
            for key, value in extras.items()
            if key and str(key) not in RESERVED_EXTRA_KEYS}


def not_empty(message_field: str, value: str) -> str:
    if not (value or "").strip():
        from harvesters.interfaces import ItemError

        raise ItemError(_("%(field)s is empty", field=message_field))
    return value.strip()
