"""How the catalog describes itself in machine-readable outputs (DCAT, feeds, schema.org).

Each text is given as (Japanese, English).
"""

from __future__ import annotations

CATALOG_TITLE = ("福岡県データカタログ", "Fukuoka Prefecture Data Catalog")
CATALOG_DESCRIPTION = (
    "福岡県が保有するデータのうち、オープンデータとして公開しているものの目録です。",
    "The open data published by Fukuoka Prefecture.",
)
PUBLISHER_NAME = ("福岡県", "Fukuoka Prefecture")


def in_language(pair: tuple[str, str], locale: str) -> str:
    return pair[1] if locale == "en" else pair[0]
