"""``inventory``: the 棚卸 spreadsheet (Excel or CSV) in which departments list the data
they hold, or a 06 オープンデータ一覧 (自治体標準オープンデータセット).

Each row (each データセット_ID for the standard list) becomes or updates a dataset.
Access level of an inventory row: personal data → ``restricted``; publishable and no
personal data → ``open``; otherwise the source's default, at least ``internal``. A cell
that is blank or unclear about personal data counts as personal data; an unclear
publishable cell counts as not publishable (each noted in the report). Rows of the
standard list are published data: ``open``, never more open than the source's default.
Rows that disappear are reported as missing and their datasets kept (``on_missing``).

Config keys: ``layout`` (``auto``, ``inventory``, ``opendata_list``), ``columns``
(field → header name or list of names, see :mod:`inventory_layouts`), ``sheet``,
``header_row`` (1-based; found automatically otherwise), ``departments`` (department
name → organization name; other rows go to the source's organization).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask_babel import gettext as _

from access_control.levels import AccessLevel
from harvesters.interfaces import DatasetDraft, ItemError, Listing, RemoteItem, SourceError
from harvesters.run import HarvestRun
from harvesters.types.common import clean_extras, clean_tags, map_license
from harvesters.types.inventory_layouts import (
    LAYOUTS, REQUIRED, column_map, detect_layout, frequency_code, normalise_header,
    split_contact, yes_no,
)
from harvesters.types.spreadsheet import read_rows

HEADER_SEARCH_ROWS = 30
PUBLISHED_STATUSES = {"", "配信中", "公開", "公開中"}


class InventoryHarvester:
    source_type = "inventory"
    on_missing = "report"
    server_side = False

    def check_config(self, url: str, config: dict) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = {}
        if not url.startswith(("http://", "https://", "file:")):
            problems["url"] = [_("Must be an http(s) URL or a file: path of a spreadsheet")]
        if config.get("layout", "auto") not in ("auto", *LAYOUTS):
            problems.setdefault("config", []).append(
                _("layout must be auto, inventory or opendata_list"))
        if not isinstance(config.get("columns", {}), dict):
            problems.setdefault("config", []).append(
                _("columns must map field names to header names"))
        return problems

    def gather(self, run: HarvestRun) -> Listing:
        rows = read_rows(self._download(run), run.config.get("sheet"))
        header_index, layout, columns = self._header(run, rows)
        run.log(_("Layout %(layout)s, header on row %(row)s", layout=layout, row=header_index + 1))
        records = []
        for index in range(header_index + 1, len(rows)):
            cells = rows[index]
            if any(cells):
                records.append((index + 1, {field: _cell(cells, position)
                                            for field, position in columns.items()}))
        items = (_group_by_dataset(records) if layout == "opendata_list"
                 else _inventory_items(records))
        return Listing(items=items)

    def _download(self, run: HarvestRun) -> bytes:
        url = run.source.url
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path))
            try:
                return path.read_bytes()
            except OSError as error:
                raise SourceError(_("The file %(path)s cannot be read: %(error)s",
                                    path=str(path), error=error.strerror or str(error)))
        body, _content_type = run.fetcher.get_bytes(url)
        return body

    def _header(self, run: HarvestRun, rows: list[list[str]]):
        """(index of the header row, layout, field -> column)."""
        overrides = run.config.get("columns") or {}
        wanted = run.config.get("layout", "auto")
        given = run.config.get("header_row")
        candidates = [int(given) - 1] if given else range(min(HEADER_SEARCH_ROWS, len(rows)))
        for index in candidates:
            if not 0 <= index < len(rows):
                continue
            layout = wanted if wanted != "auto" else detect_layout(rows[index])
            columns = column_map(rows[index], layout, overrides)
            if REQUIRED[layout] in columns:
                return index, layout, columns
        raise SourceError(_("No header row with a dataset name column (such as データ名 or "
                            "データセット_タイトル) in the first %(n)s rows: set columns.title "
                            "or header_row in the config", n=HEADER_SEARCH_ROWS))

    def fetch(self, run: HarvestRun, item: RemoteItem) -> RemoteItem:
        return item

    def map_item(self, run: HarvestRun, item: RemoteItem) -> DatasetDraft:
        if item.content.get("duplicate_of"):
            raise ItemError(_("Row %(row)s has the same dataset as row %(first)s",
                              row=item.content["row"], first=item.content["duplicate_of"]))
        if item.content["layout"] == "opendata_list":
            return _map_list_entry(run, item.content)
        return _map_inventory_row(run, item.content)


def _cell(cells: list[str], position: int) -> str:
    return cells[position].strip() if position < len(cells) else ""


def _inventory_items(records) -> list[RemoteItem]:
    """One item per row, keyed by its id column, else by department and name."""
    items, first_row = [], {}
    for row, cells in records:
        key = cells.get("id") or "/".join(filter(None, (
            normalise_header(cells.get("department", "")), normalise_header(cells.get("title", "")))))
        content = {"layout": "inventory", "row": row, "cells": cells}
        if key in first_row:
            content["duplicate_of"] = first_row[key]
            key = f"{key}#row{row}"
        first_row.setdefault(key, row)
        items.append(RemoteItem(remote_id=key or f"row{row}", content=content,
                                title=cells.get("title") or _("(row %(row)s)", row=row)))
    return items


def _group_by_dataset(records) -> list[RemoteItem]:
    groups: dict[str, list] = {}
    for row, cells in records:
        key = cells.get("id") or normalise_header(cells.get("title", "")) or f"row{row}"
        groups.setdefault(key, []).append((row, cells))
    return [RemoteItem(remote_id=key, title=rows[0][1].get("title", ""),
                       remote_url=rows[0][1].get("page_url", ""),
                       remote_modified=rows[0][1].get("modified", ""),
                       content={"layout": "opendata_list", "row": rows[0][0],
                                "rows": [cells for _row, cells in rows]})
            for key, rows in groups.items()]


def _require_title(content: dict, cells: dict) -> str:
    title = cells.get("title", "").strip()
    if not title:
        raise ItemError(_("Row %(row)s has no dataset name", row=content["row"]))
    return title


def _map_inventory_row(run: HarvestRun, content: dict) -> DatasetDraft:
    cells = content["cells"]
    level, messages = _inventory_level(run, cells)
    name, email, phone = split_contact(cells.get("contact", ""))
    department = cells.get("department", "")
    departments = {normalise_header(k): v for k, v in (run.config.get("departments") or {}).items()}
    frequency = frequency_code(cells.get("frequency", ""))
    extras = {"department": department, "personal_data": cells.get("personal_data", ""),
              "publishable": cells.get("publishable", ""), "data_format": cells.get("format", ""),
              "inventory_id": cells.get("id", "")}
    if cells.get("frequency") and not frequency:
        extras["update_frequency"] = cells["frequency"]
    package = {
        "title": _require_title(content, cells),
        "notes": cells.get("description", ""),
        "legal_basis": cells.get("legal_basis", "")[:300],
        "maintainer": name or department, "maintainer_email": email, "contact_phone": phone,
        "frequency": frequency,
        "license_id": "" if level == AccessLevel.OPEN else "not-published",
        "extras": clean_extras({k: v for k, v in extras.items() if v}),
    }
    if normalise_header(department) in departments:
        package["owner_org"] = departments[normalise_header(department)]
    return DatasetDraft(package=package, access_level=level.value, messages=messages)


def _inventory_level(run: HarvestRun, cells: dict) -> tuple[AccessLevel, list[str]]:
    messages = []
    personal = yes_no(cells.get("personal_data", "")) if "personal_data" in cells else False
    if personal is None:
        messages.append(_("Personal data not clearly stated (%(value)s): treated as personal "
                          "data", value=cells.get("personal_data") or _("blank")))
        personal = True
    publishable = yes_no(cells.get("publishable", ""))
    if publishable is None and cells.get("publishable"):
        messages.append(_("Publishable not clearly stated (%(value)s): treated as not "
                          "publishable", value=cells["publishable"]))
    if personal:
        if publishable:
            messages.append(_("Marked publishable but holds personal data: kept restricted"))
        return AccessLevel.RESTRICTED, messages
    if publishable:
        return AccessLevel.OPEN, messages
    return AccessLevel.strictest(run.source.default_access_level, AccessLevel.INTERNAL), messages


def _map_list_entry(run: HarvestRun, content: dict) -> DatasetDraft:
    rows = content["rows"]
    first = rows[0]
    value = lambda field: next((r[field] for r in rows if r.get(field)), "")  # noqa: E731
    frequency = frequency_code(value("frequency"))
    resources = [{"name": r.get("file_title", ""), "url": r.get("file_url", ""),
                  "description": r.get("file_description", ""), "format": r.get("file_format", "")}
                 for r in rows if r.get("file_url") or r.get("file_title")]
    extras = {key: value(key) for key in ("municipality", "municipality_code", "category",
                                          "standard", "remarks", "issued", "modified", "period")}
    if value("frequency") and not frequency:
        extras["update_frequency"] = value("frequency")
    published = any(r.get("file_status", "") in PUBLISHED_STATUSES for r in rows)
    level = AccessLevel.strictest(AccessLevel.OPEN if published else AccessLevel.INTERNAL,
                                  run.source.default_access_level)
    package = {
        "title": _require_title(content, first),
        "notes": value("description"),
        "url": value("page_url"),
        "author": value("creator"),
        "maintainer": value("contact_name"),
        "maintainer_email": value("contact_email") if "@" in value("contact_email") else "",
        "contact_phone": value("contact_phone")[:50],
        "frequency": frequency,
        "license_id": map_license(*(r.get("file_license") for r in rows)),
        "tags": clean_tags(re.split(r"[;；,、，]", value("keywords"))),
        "extras": clean_extras({k: v for k, v in extras.items() if v}),
        "resources": resources,
    }
    return DatasetDraft(package=package, access_level=level.value)
