"""Reading JSON and GeoJSON as a table: the records of a list of objects (or of the
first such list in an object), a GeoJSON feature per row."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Iterator

from flask_babel import gettext as _

from ingest.cells import Cell, JsonNumber, Sheet
from ingest.detect import Detected
from ingest.errors import IngestError
from ingest.types import double_keeps

MAX_JSON_BYTES = 512 * 1024 * 1024


@dataclass
class _JsonNumbers:
    """``json.load``'s number parsers: floats and ints, or :class:`JsonNumber` when a
    float would round the number. ``kept`` says whether any was kept as written."""

    kept: bool = False

    def parse_float(self, text: str) -> float | JsonNumber:
        if double_keeps(text):
            return float(text)
        self.kept = True
        return JsonNumber(text)

    def parse_int(self, text: str) -> int | JsonNumber:
        # Python's int holds any integer, but raises past 4,300 digits; and past BIGINT
        # the column is text anyway.
        if len(text.lstrip("-")) <= 18:
            return int(text)
        self.kept = True
        return JsonNumber(text)


def read_json(path: str, detected: Detected) -> Sheet:
    if os.path.getsize(path) > MAX_JSON_BYTES:
        raise IngestError(_("JSON files over 512 MB cannot be ingested. Provide CSV or "
                            "Parquet for large tables."))
    numbers = _JsonNumbers()
    with open(path, encoding=detected.encoding or "utf-8") as handle:
        try:
            document = json.load(handle, parse_float=numbers.parse_float,
                                 parse_int=numbers.parse_int)
        except json.JSONDecodeError as error:
            raise IngestError(_("The JSON is not valid: %(error)s", error=_json_error(error))) from None
        except UnicodeDecodeError:
            raise IngestError(_("The JSON contains bytes that are not valid %(encoding)s. Save "
                                "it again as UTF-8.", encoding=detected.encoding_label)) from None
        except RecursionError:
            raise IngestError(_("The JSON is nested too deeply to be read as a table.")) from None
    try:
        return _json_sheet(document, _exact_json if numbers.kept else _plain_json)
    except RecursionError:  # writing a nested value back as text
        raise IngestError(_("The JSON is nested too deeply to be read as a table.")) from None


def _json_sheet(document, as_json) -> Sheet:
    """The records of a JSON document as a sheet, nested values as JSON text."""
    # The structure decides, not the detected format: detection sees only the start of
    # the file, and a list of Features is read as their collection would be.
    features = _geojson_features(document)
    if features is not None:
        records = list(_geojson_records(features, as_json))
        name = "features"
    else:
        records, name = _json_records(document)
    if not records:
        raise IngestError(_("The JSON holds no list of records (objects) to make a table of."))
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    header = list(columns)
    rows: list[list[Cell]] = [header]
    rows += [[_json_cell(record.get(key), as_json) for key in header] for record in records]
    return Sheet(name, rows)


def _json_error(error: json.JSONDecodeError) -> str:
    """Where the JSON went wrong, in words for the uploader (Python's own are English)."""
    return _("line %(line)s, column %(column)s", line=error.lineno, column=error.colno)


def _json_records(document) -> tuple[list[dict], str]:
    if isinstance(document, list) and all(isinstance(item, dict) for item in document):
        return document, "data"
    if isinstance(document, dict):
        for key, value in document.items():
            if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
                return value, str(key)
    return [], "data"


def _geojson_features(document) -> list | None:
    """The features of GeoJSON (a FeatureCollection, a Feature, or a list of Features);
    ``None`` for any other JSON."""
    if isinstance(document, dict):
        if document.get("type") == "FeatureCollection":
            features = document.get("features")
            return features if isinstance(features, list) else []
        return [document] if document.get("type") == "Feature" else None
    if isinstance(document, list) and document and all(
            isinstance(item, dict) and item.get("type") == "Feature" for item in document):
        return document
    return None


def _geojson_records(features: list, as_json) -> Iterator[dict]:
    """A record per feature: its properties, its id, its geometry as GeoJSON text, and
    the coordinates of a point as longitude and latitude."""
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise IngestError(_("Item %(n)s of the GeoJSON features is not a Feature (an "
                                "object).", n=number))
        properties = feature.get("properties")
        if isinstance(properties, dict):
            record = dict(properties)
        else:  # not GeoJSON, but kept rather than lost
            record = {} if properties is None else {"properties": properties}
        if feature.get("id") is not None:
            record.setdefault("id", feature["id"])
        geometry = feature.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coordinates = geometry.get("coordinates")
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                record.setdefault("longitude", coordinates[0])
                record.setdefault("latitude", coordinates[1])
        key = "geometry" if "geometry" not in record else "geometry_2"
        record[key] = as_json(geometry) if geometry else None
        yield record


def _json_cell(value, as_json) -> Cell:
    if isinstance(value, (dict, list)):
        return as_json(value)
    return value


def _plain_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _exact_json(value) -> str:
    """``value`` (read by :func:`read_json`) as JSON text like :func:`_plain_json`, but
    with each :class:`JsonNumber` written as it was read, not as a string. Slower, so
    taken only for documents that have one."""
    if isinstance(value, JsonNumber):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(_plain_json(str(key)) + ": " + _exact_json(item)
                               for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_exact_json(item) for item in value) + "]"
    return _plain_json(value)
