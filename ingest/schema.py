"""Frictionless Table Schemas for ingested tables, and the staff-edited data dictionary."""

from __future__ import annotations

import unicodedata
from typing import Iterable

from ingest.layout import Column, Layout
from ingest.types import FieldType, ColumnPlan

SYMBOLS_FIELD = "_symbols"
EDITABLE = ("title", "description", "unit")


def columns_meant(names: Iterable[str], name: str) -> list[str]:
    """The columns of ``names`` a caller's ``name`` may mean: itself when it is one, else
    those whose NFKC form is its NFKC form (one, several, or none). Ingest stores headers
    NFKC-normalised (健全（I） as 健全(I)), and people write a column as it is in their
    own file."""
    names = list(names)
    if name in names:
        return [name]
    wanted = unicodedata.normalize("NFKC", str(name))
    return [n for n in names if unicodedata.normalize("NFKC", n) == wanted]


def build_schema(plans: list[ColumnPlan], columns: list[Column], layout: Layout | None,
                 has_symbols: bool) -> dict:
    """The Table Schema of an ingested table (see :class:`ingest.models.DataTable`)."""
    fields = []
    for plan, column in zip(plans, columns):
        field = {"name": plan.name, "title": column.title or plan.name, "description": "",
                 "type": plan.type.value, "unit": plan.unit}
        if plan.code:
            field["format"] = "code"
        normalized = normalizations(plan)
        if normalized:
            field["normalized"] = normalized
        if plan.symbols:
            field["specialValues"] = dict(plan.symbols)
        fields.append(field)
    if has_symbols:
        fields.append({
            "name": SYMBOLS_FIELD, "title": "記号", "type": "object", "unit": "",
            "description": "数値や日付の代わりに書かれていた記号（-、…、x、*** など）。"
                           "列名から記号への対応（JSON）。その列の値は空（null）になっています。",
        })
    schema: dict = {"fields": fields, "missingValues": [""]}
    if layout is not None and layout.metadata:
        schema["x-sourceMetadata"] = dict(layout.metadata)
    return schema


def normalizations(plan: ColumnPlan) -> list[str]:
    """What ingest rewrote in a typed column, judged from its type and unit."""
    done = []
    if plan.unit:
        done.append("unit")
    if plan.type in (FieldType.DATE, FieldType.YEAR, FieldType.YEARMONTH):
        done.append("calendar")
    if plan.symbols:
        done.append("symbols")
    return done


def merge_dictionary(old: dict | None, new: dict) -> dict:
    """Keep what staff wrote in the data dictionary (title, description, unit) for the
    columns that are still there after a re-ingest."""
    if not old:
        return new
    previous = {field["name"]: field for field in old.get("fields", [])}
    for field in new.get("fields", []):
        edited = previous.get(field["name"], {}).get("x-edited", [])
        for key in edited:
            field[key] = previous[field["name"]].get(key, field.get(key))
        if edited:
            field["x-edited"] = list(edited)
    return new


def update_dictionary(schema: dict, changes: list[dict]) -> tuple[dict, list[str]]:
    """Apply data-dictionary edits ``[{"id"/"name": column, "title"/"label",
    "description"/"notes", "unit"}]`` (CKAN's ``info`` keys accepted); returns the new
    schema and the names not found."""
    fields = [dict(field) for field in schema.get("fields", [])]
    by_name = {field["name"]: field for field in fields}
    unknown = []
    for change in changes:
        name = change.get("id") or change.get("name")
        info = {**change, **(change.get("info") or {})}
        meant = columns_meant(by_name, name) if isinstance(name, str) else []
        field = by_name[meant[0]] if len(meant) == 1 else None
        if field is None:
            unknown.append(str(name))
            continue
        values = {"title": info.get("title", info.get("label")),
                  "description": info.get("description", info.get("notes")),
                  "unit": info.get("unit")}
        for key, value in values.items():
            if value is not None:
                field[key] = str(value)[:2000]
                field["x-edited"] = sorted({*field.get("x-edited", []), key})
    return {**schema, "fields": fields}, unknown
