"""The audit log as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from access_control.audit.models import AuditRecord

COLUMNS = ("id", "occurred_at", "event", "actor_name", "actor_id", "dataset_name",
           "dataset_id", "resource_id", "subject", "remote_addr", "details")
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value: str) -> str:
    """Prefix a would-be formula with an apostrophe so a spreadsheet shows it as text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _row(record: AuditRecord) -> list[str]:
    values = {
        "id": str(record.id),
        "occurred_at": record.occurred_at.isoformat(timespec="seconds") + "Z",
        "event": record.event,
        "actor_name": record.actor_name,
        "actor_id": record.actor_id or "",
        "dataset_name": record.dataset_name,
        "dataset_id": record.dataset_id or "",
        "resource_id": record.resource_id or "",
        "subject": record.subject,
        "remote_addr": record.remote_addr,
        "details": json.dumps(record.details, ensure_ascii=False, sort_keys=True)
        if record.details else "",
    }
    return [neutralise(values[column]) for column in COLUMNS]


def csv_lines(records: Iterable[AuditRecord]) -> Iterator[str]:
    """The CSV text in chunks: a UTF-8 BOM (so Excel reads Japanese), header, rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(_row(record))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
