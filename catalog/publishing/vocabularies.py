"""Controlled vocabularies used in DCAT-AP: EU file types, IANA media types, languages.

The EU Publications Office authority tables are referenced by IRI; the graph also states
each concept's type, label and scheme, because validators work offline and cannot look
the IRIs up.
"""

from __future__ import annotations

from dataclasses import dataclass

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class FileType:
    code: str  # in the EU file-type table
    media_type: str  # IANA

    @property
    def iri(self) -> str:
        return f"{EU_AUTHORITY}file-type/{self.code}"

    @property
    def media_type_iri(self) -> str:
        return IANA_MEDIA_TYPES + self.media_type


# Keyed by the catalog's canonical format names (catalog.datasets.schema.CANONICAL_FORMATS).
FILE_TYPES = {
    "CSV": FileType("CSV", "text/csv"),
    "TSV": FileType("TSV", "text/tab-separated-values"),
    "XLSX": FileType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "XLS": FileType("XLS", "application/vnd.ms-excel"),
    "ODS": FileType("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "JSON": FileType("JSON", "application/json"),
    "GeoJSON": FileType("GEOJSON", "application/geo+json"),
    "Parquet": FileType("PARQUET", "application/vnd.apache.parquet"),
    "PDF": FileType("PDF", "application/pdf"),
    "ZIP": FileType("ZIP", "application/zip"),
    "XML": FileType("XML", "application/xml"),
    "RDF": FileType("RDF_XML", "application/rdf+xml"),
    "TTL": FileType("RDF_TURTLE", "text/turtle"),
    "HTML": FileType("HTML", "text/html"),
    "TXT": FileType("TXT", "text/plain"),
    "SHP": FileType("SHP", "application/vnd.shp"),
    "KML": FileType("KML", "application/vnd.google-earth.kml+xml"),
    "DOCX": FileType("DOCX",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "DOC": FileType("DOC", "application/msword"),
}

DATA_PACKAGE_STANDARD = "https://datapackage.org/standard/data-package/"
LANGUAGE_SCHEME = EU_AUTHORITY + "language"
JAPANESE = EU_AUTHORITY + "language/JPN"
FREQUENCY_SCHEME = EU_AUTHORITY + "frequency"
FILE_TYPE_SCHEME = EU_AUTHORITY + "file-type"
ACCESS_RIGHT_SCHEME = EU_AUTHORITY + "access-right"
PUBLIC_ACCESS = EU_AUTHORITY + "access-right/PUBLIC"
AVAILABILITY_SCHEME = EU_AUTHORITY + "planned-availability"
STABLE = EU_AUTHORITY + "planned-availability/STABLE"
PUBLISHER_TYPE_SCHEME = "http://purl.org/adms/publishertype/1.0"
REGIONAL_AUTHORITY = "http://purl.org/adms/publishertype/RegionalAuthority"

# Titles of the schemes and labels of the concepts we reference: (ja, en).
SCHEME_TITLES = {
    LANGUAGE_SCHEME: ("言語", "Languages"),
    FREQUENCY_SCHEME: ("更新頻度", "Frequencies"),
    FILE_TYPE_SCHEME: ("ファイル形式", "File types"),
    ACCESS_RIGHT_SCHEME: ("アクセス権", "Access rights"),
    PUBLISHER_TYPE_SCHEME: ("公開者の種類", "Publisher types"),
    AVAILABILITY_SCHEME: ("提供予定期間", "Planned availability"),
}
CONCEPT_LABELS = {
    JAPANESE: ("日本語", "Japanese"),
    PUBLIC_ACCESS: ("公開", "Public"),
    REGIONAL_AUTHORITY: ("地方公共団体", "Regional authority"),
    STABLE: ("安定", "Stable"),
}


def file_type(format_name: str | None) -> FileType | None:
    """The EU file type of a resource format (``None`` for unknown formats)."""
    return FILE_TYPES.get(format_name or "")
