"""The careful path for a big CSV: every row read again in Python, when DuckDB's one pass
met a cell the sample of head and tail did not foresee (see :mod:`ingest.pipeline`). Rows
are judged as :func:`ingest.layout.find_layout` judges a whole small file, and what is
not data (blank rows, repeated headers, notes, cells in columns the head did not show)
is kept for the report or given a column, never dropped unseen."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
from flask_babel import gettext as _

from ingest.cells import Sheet, is_empty
from ingest.errors import IngestError
from ingest.layout import Column, Layout, cell_text, trailing_notes
from ingest.readers import csv_errors, csv_reader
from ingest.types import quote

# Cells beyond the columns a big CSV's head shows are kept in memory until the pass ends.
MAX_EXTRA_CELLS = 1_000_000


@dataclass
class StreamFindings:
    """What the careful pass over a big CSV found besides data: footnote rows (0-based)
    and the cells of source columns the head did not show, by source column."""

    notes: list[int] = field(default_factory=list)
    blank: list[int] = field(default_factory=list)  # blank rows (0-based), trailing ones too
    last_data: int = -1
    extras: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    extra_cells: int = 0


def stream_rows(sheet: Sheet, layout: Layout, found: StreamFindings):
    """Every data row of a big CSV, read again in Python (when DuckDB's reader refused
    it), judged as :func:`ingest.layout.find_layout` judges a whole small file: blank
    rows and repeated headers are left out, and so are the notes at the end of the file
    (:func:`ingest.layout.trailing_notes` over its last rows). Cells in columns the head
    did not show go to ``found`` rather than being lost."""
    data_start = layout.first_data_row
    width = max(len(row) for row in sheet.rows)
    notes = [sheet.tail[i] for i in sorted(trailing_notes(sheet.tail, width))]
    header = [sheet.rows[r] for r in layout.header_rows]
    skipped = set(layout.metadata_rows)
    covered = {c for column in layout.columns for c in column.sources}
    uncovered = [c for c in range(width) if c not in covered]
    with open(sheet.stream.path, encoding="utf-8", newline="") as handle:
        reader = csv_reader(handle, sheet.stream.delimiter, sheet.stream.size)
        with csv_errors(reader):
            for number, row in enumerate(reader):
                if number < data_start or number in skipped or row in header:
                    continue
                if not any(not is_empty(cell) for cell in row):
                    found.blank.append(number)
                    continue
                if row in notes:
                    found.notes.append(number)
                    continue
                found.last_data = number
                yield _stream_values(number, row, layout, uncovered, width, found)


def _stream_values(number: int, row: list, layout: Layout, uncovered: list[int], width: int,
                   found: StreamFindings) -> tuple[int, list]:
    for c in (*uncovered, *range(width, len(row))):
        if c < len(row) and not is_empty(row[c]):
            found.extras.setdefault(c, []).append((number + 1, row[c]))
            found.extra_cells += 1
            if found.extra_cells > MAX_EXTRA_CELLS:
                raise IngestError(_("From line %(line)s on, many rows have more fields than "
                                    "the header. Check the delimiters and quotes, or add "
                                    "headings for the extra columns.", line=number + 1))
    return number + 1, [cell_text(row, column.sources) for column in layout.columns]


def apply_findings(con, relation: str, layout: Layout, found: StreamFindings) -> None:
    """Record the footnotes and blank rows in ``layout`` (for the report) and give each
    source column seen only past the head a column of its own, named as a small file's
    would be."""
    start = layout.first_data_row
    layout.footnote_rows = sorted({r for r in layout.footnote_rows if r < start} | set(found.notes))
    layout.blank_rows = [r for r in found.blank if r < found.last_data]  # as find_layout keeps them
    taken = {column.name for column in layout.columns}
    for source in sorted(found.extras):
        position = len(layout.columns)
        name, number = f"列{position + 1}", 2
        while name in taken:
            name, number = f"列{position + 1}_{number}", number + 1
        taken.add(name)
        layout.columns.append(Column([source], name, ""))
        layout.generated_names.append(position)
        if source in layout.blank_columns:
            layout.blank_columns.remove(source)
        cells = pa.table({"_row": [r for r, _text in found.extras[source]],
                          "v": [text for _r, text in found.extras[source]]})
        column = quote(f"c{position}")
        con.execute(f"ALTER TABLE {relation} ADD COLUMN {column} VARCHAR")
        con.register("extra_cells", cells)
        con.execute(f"UPDATE {relation} SET {column} = extra_cells.v FROM extra_cells "
                    f"WHERE {relation}._row = extra_cells._row")
        con.unregister("extra_cells")
