"""e-Stat API v3 JSON: calls with RESULT.STATUS checked, the single-object-or-list quirk,
and the tidy CSV written from getStatsData.

The tidy table has one row per VALUE. For each classification in CLASS_INF order
(tab, cat01..cat15, area, time, ...): ``<id>_code`` (kept as text by the ingest, so
leading zeros stay) and a label column named after the classification (CLASS_OBJ
``@name``, e.g. 男女別; ``<id>_name`` if two share a name). Then ``unit`` (VALUE
``@unit``, else the unit of its classes), ``value`` (the number as e-Stat wrote it, empty
for a special symbol) and ``special_symbol`` (the symbol, as listed in NOTE: ``-``,
``…``, ``x``, ``***``, ...).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field

from flask_babel import gettext as _

from harvesters.interfaces import DownloadedFile, ItemError, SourceError
from harvesters.run import HarvestRun

ROOTS = {"getStatsList": "GET_STATS_LIST", "getMetaInfo": "GET_META_INFO",
         "getStatsData": "GET_STATS_DATA"}
# Symbols e-Stat tables use for "no number" even when NOTE does not list them.
SYMBOLS = {"-", "－", "―", "‐", "…", "...", "・・・", "x", "X", "ｘ", "Ｘ", "*", "**", "***",
           "＊", "＊＊", "＊＊＊"}
VALUE_ATTRIBUTES = {"@unit", "@annotation"}


@dataclass
class Classification:
    """One CLASS_OBJ: its id (tab, cat01, area, time, ...), name and code -> label/unit."""

    id: str
    name: str
    labels: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


def as_list(value) -> list:
    """e-Stat gives a single object where a list has one element, and nothing for none."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def text_of(value) -> str:
    """The text of an element given either as ``"text"`` or as ``{"@code": .., "$": "text"}``."""
    if isinstance(value, dict):
        value = value.get("$", "")
    return "" if value is None else str(value).strip()


def call(run: HarvestRun, api: str, params: dict) -> tuple[dict, int, str]:
    """(body under the API's root element, RESULT.STATUS, RESULT.ERROR_MSG)."""
    url = run.source.url.rstrip("/") + "/" + api
    query = {"appId": run.config.get("appId", ""), "lang": run.config.get("lang", "J"), **params}
    document = run.fetcher.get_json(url, query)
    body = document.get(ROOTS[api]) if isinstance(document, dict) else None
    if not isinstance(body, dict) or not isinstance(body.get("RESULT"), dict):
        raise SourceError(_("%(url)s is not the e-Stat API: the answer has no %(root)s.RESULT",
                            url=url, root=ROOTS[api]))
    result = body["RESULT"]
    try:
        status = int(result.get("STATUS"))
    except (TypeError, ValueError):
        raise SourceError(_("%(api)s returned an invalid RESULT.STATUS", api=api)) from None
    return body, status, text_of(result.get("ERROR_MSG"))


def classes_of(class_inf) -> list[Classification]:
    """The classifications of CLASS_INF, in their order."""
    classes = []
    objects = as_list(class_inf.get("CLASS_OBJ")) if isinstance(class_inf, dict) else []
    for obj in objects:
        if not isinstance(obj, dict) or not obj.get("@id"):
            continue
        found = Classification(id=str(obj["@id"]), name=text_of(obj.get("@name")))
        for entry in as_list(obj.get("CLASS")):
            if isinstance(entry, dict) and "@code" in entry:
                code = str(entry["@code"])
                found.labels[code] = text_of(entry.get("@name"))
                if entry.get("@unit"):
                    found.units[code] = text_of(entry["@unit"])
        classes.append(found)
    return classes


def notes_of(data_inf: dict) -> dict[str, str]:
    """NOTE: special symbol -> its meaning."""
    return {text_of(note.get("@char")): text_of(note)
            for note in as_list(data_inf.get("NOTE")) if isinstance(note, dict)
            and note.get("@char")}


def header_of(classes: list[Classification]) -> list[str]:
    names = [c.name for c in classes]
    header = []
    for c in classes:
        label = c.name if c.name and names.count(c.name) == 1 else f"{c.id}_name"
        if label in ("unit", "value", "special_symbol") or label.endswith("_code"):
            label = f"{c.id}_name"
        header += [f"{c.id}_code", label]
    return header + ["unit", "value", "special_symbol"]


def write_tidy_csv(run: HarvestRun, table_id: str, classes: list[Classification],
                   page_size: int) -> tuple[DownloadedFile, dict[str, str], int]:
    """Page through getStatsData (NEXT_KEY) writing the tidy CSV; returns the file, the
    NOTE symbols and the number of values."""
    folder = run.work_dir / "estat"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table_id}.csv"
    known = {c.id for c in classes}
    notes: dict[str, str] = {}
    count, start = 0, 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header_of(classes))
        while True:
            run.check()
            body, status, message = call(run, "getStatsData", {
                "statsDataId": table_id, "metaGetFlg": "N", "cntGetFlg": "N",
                "limit": page_size, "startPosition": start})
            if status != 0:
                raise ItemError(refused(f"getStatsData {table_id}", status, message))
            data = body.get("STATISTICAL_DATA")
            data_inf = data.get("DATA_INF") if isinstance(data, dict) else None
            if not isinstance(data_inf, dict):
                raise SourceError(_("getStatsData returned no DATA_INF for %(id)s", id=table_id))
            notes.update(notes_of(data_inf))
            for value in as_list(data_inf.get("VALUE")):
                writer.writerow(_row(value, classes, known, notes, table_id))
                count += 1
            following = next_key(data.get("RESULT_INF"), start, "getStatsData")
            if following is None:
                break
            start = following
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    downloaded = DownloadedFile(path=path, filename=f"estat-{table_id}.csv", sha256=digest,
                                size=path.stat().st_size, mimetype="text/csv")
    return downloaded, notes, count


def _row(value, classes: list[Classification], known: set[str], notes: dict[str, str],
         table_id: str) -> list[str]:
    if not isinstance(value, dict):
        raise SourceError(_("getStatsData returned a VALUE that is not an object (%(id)s)",
                            id=table_id))
    unknown = {key[1:] for key in value if key.startswith("@")} - known - {
        attribute[1:] for attribute in VALUE_ATTRIBUTES}
    if unknown:
        raise ItemError(_("A VALUE of table %(id)s has classifications missing from "
                          "CLASS_INF: %(names)s", id=table_id, names=", ".join(sorted(unknown))))
    row, unit = [], text_of(value.get("@unit"))
    for c in classes:
        code = str(value.get(f"@{c.id}", ""))
        row += [code, c.labels.get(code, "")]
        unit = unit or c.units.get(code, "")
    text = text_of(value)
    number, symbol = _number(text, notes)
    return row + [unit, number, symbol]


def _number(text: str, notes: dict[str, str]) -> tuple[str, str]:
    """(value, special symbol): a special symbol gives no value."""
    if text in notes or text in SYMBOLS or not text:
        return "", text
    plain = text.replace(",", "")
    try:
        float(plain)
    except ValueError:
        return "", text  # a mark NOTE forgot to list: never a number
    return plain, ""


def refused(api: str, status: int, message: str) -> str:
    return _("e-Stat refused %(api)s (STATUS %(status)s): %(message)s", api=api,
             status=status, message=message or _("no message"))


def next_key(result_inf, start: int, api: str) -> int | None:
    """The next startPosition, or None on the last page; a NEXT_KEY that does not move
    forward would page for ever, so it is garbage."""
    if not isinstance(result_inf, dict) or result_inf.get("NEXT_KEY") in (None, ""):
        return None
    try:
        key = int(result_inf["NEXT_KEY"])
    except (TypeError, ValueError):
        raise SourceError(_("%(api)s returned an invalid NEXT_KEY: %(value)s", api=api,
                            value=str(result_inf["NEXT_KEY"])[:50])) from None
    if key <= start:
        raise SourceError(_("%(api)s returned NEXT_KEY %(value)s that does not move forward",
                            api=api, value=key))
    return key
