"""The 5-star open data rating and the machine-readability score of a dataset, as the
dataset page shows them.

Stars follow Tim Berners-Lee's scheme (https://5stardata.info/), each star needing the
ones before it:

1. on the web under an open licence;
2. machine-readable structured data (a table ingest could read, e.g. Excel);
3. in an open, non-proprietary format: the file itself (CSV, JSON, ...) or, since every
   ingested table is also published here as CSV, JSON and Parquet, any ingested table;
4. things named by identifiers (URIs or local government codes) in the data, as the
   machine-readability report of a file finds them (its 4 stars);
5. linked data: a file in an RDF format.

The score is the mean of the files' machine-readability scores (0-100), from the ingest
reports (:class:`ingest.models.IngestReport`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext

RDF_FORMATS = {"RDF", "TTL", "JSON-LD", "JSONLD", "N3", "NT"}
STAR_CRITERIA = (
    lazy_gettext("Published under an open licence"),
    lazy_gettext("Machine-readable, structured data"),
    lazy_gettext("An open format (CSV, JSON, Parquet)"),
    lazy_gettext("Identifiers (URIs, local government codes) in the data"),
    lazy_gettext("Linked data (RDF)"),
)


@dataclass
class Rating:
    stars: int = 0
    score: int | None = None  # None: no file was checked
    checked: int = 0  # files with a machine-readability report
    met: list[bool] = field(default_factory=lambda: [False] * 5)

    @property
    def criteria(self) -> list[tuple[str, bool]]:
        return list(zip(STAR_CRITERIA, self.met))


def dataset_rating(license, resources: list[dict], reports: dict, tables: dict) -> Rating:
    """The rating of a dataset from its ``license`` (or ``None``), the resource dicts the
    visitor sees, their ingest ``reports`` (resource id -> IngestReport) and ingested
    ``tables`` (resource id -> list of tables)."""
    checked = [reports[r["id"]] for r in resources if r["id"] in reports]
    file_stars = max((report.stars for report in checked if not report.refused), default=0)
    ingested = any(tables.get(r["id"]) for r in resources)
    formats = {(r.get("format") or "").upper() for r in resources}
    met = [
        bool(license and license.is_open and resources),
        ingested or file_stars >= 2,
        ingested or file_stars >= 3,
        file_stars >= 4,
        bool(formats & RDF_FORMATS),
    ]
    stars = 0
    while stars < 5 and met[stars]:
        stars += 1
    score = round(sum(report.score for report in checked) / len(checked)) if checked else None
    return Rating(stars, score, len(checked), met)
