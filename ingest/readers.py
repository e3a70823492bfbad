"""Reading cells out of files: every sheet of a workbook (:mod:`ingest.excel`), the rows
of a CSV (here), the records of JSON/GeoJSON (:mod:`ingest.json_tables`), as the sheets
of :mod:`ingest.cells`. Layout is not judged here (see :mod:`ingest.layout`)."""

from __future__ import annotations

import csv
import io
import os
import sys
from contextlib import contextmanager

from flask_babel import gettext as _

from ingest import transcode
from ingest.cells import Cell, CsvStream, Sheet, Workbook
from ingest.detect import Detected, SourceFormat, encoding_label
from ingest.errors import IngestError
from ingest.excel import read_xls, read_xlsx
from ingest.json_tables import read_json

# Below this size a CSV is parsed in Python (exact row numbers, forgiving of stray quotes);
# above it DuckDB's reader does the bulk and Python only looks at its head and tail.
SMALL_CSV_BYTES = 16 * 1024 * 1024
HEAD_ROWS = 2000
TAIL_BYTES = 256 * 1024


def read(path: str, detected: Detected, workdir: str) -> Workbook:
    """The sheets of the file at ``path``."""
    match detected.format:
        case SourceFormat.CSV:
            return Workbook([read_csv(path, detected, workdir)])
        case SourceFormat.XLSX:
            return read_xlsx(path)
        case SourceFormat.XLS:
            return read_xls(path)
        case SourceFormat.JSON | SourceFormat.GEOJSON:
            return Workbook([read_json(path, detected)])
    raise ValueError(detected.format)


# --- CSV --------------------------------------------------------------------------------


def read_csv(path: str, detected: Detected, workdir: str) -> Sheet:
    utf8_path = _as_utf8(path, detected.encoding, workdir)
    size = os.path.getsize(utf8_path)
    with open(utf8_path, encoding="utf-8", newline="") as handle:
        reader = csv_reader(handle, detected.delimiter, size)
        with csv_errors(reader):
            if size <= SMALL_CSV_BYTES:
                return Sheet("data", list(reader))
            head = [row for _index, row in zip(range(HEAD_ROWS), reader)]
    return Sheet("data", head, tail=_tail_rows(utf8_path, detected.delimiter),
                 stream=CsvStream(utf8_path, detected.delimiter, size))


def csv_reader(handle, delimiter: str, size: int):
    """A forgiving ``csv.reader`` over ``handle``, a text of ``size`` bytes, that takes a
    cell as long as the text itself."""
    # Python's csv module refuses cells over 128 KB (a process-wide setting), yet a long
    # WKT geometry or a pasted document is a real cell. No cell is longer than its file,
    # and the upload limit bounds the file; raising the limit never harms another reader.
    wanted = min(sys.maxsize, size + 1)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)
    return csv.reader(handle, delimiter=delimiter, strict=False)


@contextmanager
def csv_errors(reader):
    """Turn an error of ``reader`` (a :func:`csv_reader`) into an :class:`IngestError`
    naming the line, in words for the people who uploaded the file."""
    try:
        yield
    except csv.Error:
        raise IngestError(_("Line %(line)s of the CSV cannot be read. Check the quotes and "
                            "delimiters around it, or save the file again as CSV.",
                            line=reader.line_num)) from None


def _as_utf8(path: str, encoding: str, workdir: str) -> str:
    """``path`` itself when it is UTF-8 without BOM, else a UTF-8 copy (streamed)."""
    if encoding == "utf-8":
        return path
    target = os.path.join(workdir, "source-utf8.csv")
    try:
        transcode.to_utf8(path, encoding, target)
    except transcode.BadBytes as bad:
        raise IngestError(_("Line %(line)s or after contains bytes that are not valid "
                            "%(encoding)s. Save the file again as UTF-8.",
                            line=bad.line, encoding=encoding_label(encoding))) from None
    return target


def _tail_rows(path: str, delimiter: str) -> list[list[Cell]]:
    with open(path, "rb") as handle:
        handle.seek(max(0, os.path.getsize(path) - TAIL_BYTES))
        data = handle.read()
    text = data.decode("utf-8", errors="replace")
    text = text[text.find("\n") + 1:]  # drop the partial first line
    try:
        return list(csv_reader(io.StringIO(text), delimiter, len(data)))
    except csv.Error:  # the tail only samples types and finds notes: the pass reads all
        return []
