"""What the readers give the layout: sheets of cells, whatever the file was (a workbook,
a CSV, JSON). Shared by :mod:`ingest.readers`, :mod:`ingest.excel` and
:mod:`ingest.json_tables`, and by the layout and lint that judge the cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

Cell = str | int | float | bool | date | datetime | time | None


@dataclass
class Sheet:
    """The cells of one sheet (or of a whole CSV/JSON file).

    ``rows`` holds every row, unless ``stream`` is set: then ``rows`` is the head of a
    large CSV, ``tail`` its last rows, and ``stream`` the UTF-8 file DuckDB reads.
    Positions are 0-based (row, column); reports add 1.
    """

    name: str
    rows: list[list[Cell]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)
    styled_cells: list[tuple[int, int, str]] = field(default_factory=list)  # italic, bold, fill
    formulas: int = 0
    # Formula cells saved without their result (files written by a program, never opened
    # in a spreadsheet): read as empty cells. The count and the first (row, column).
    formulas_without_value: int = 0
    first_formula_without_value: tuple[int, int] | None = None
    # The writer asked for every formula to be computed on opening (fullCalcOnLoad): the
    # results stored with them were not computed by a spreadsheet and may be placeholders.
    formulas_not_recalculated: bool = False
    hidden: str = ""  # "hidden" or "veryHidden" for a sheet Excel does not show; "" when shown
    tail: list[list[Cell]] = field(default_factory=list)
    stream: "CsvStream | None" = None


@dataclass(frozen=True)
class CsvStream:
    path: str  # UTF-8 without BOM
    delimiter: str
    size: int


@dataclass
class Workbook:
    sheets: list[Sheet]
    drawings: bool = False  # images, charts or shapes anywhere in the workbook


# What a blank cell may hold: spaces of either width, line breaks, and NULs (padding some
# systems write, which the typed pass trims too).
BLANK = " \t\r\n\u3000\x00"


def is_empty(value: Cell) -> bool:
    """A cell with nothing in it: ``None``, or text of :data:`BLANK` characters only."""
    return value is None or (isinstance(value, str) and not value.strip(BLANK))


def trim_rows(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop empty rows at the end and empty cells at the end of each row."""
    trimmed = []
    for row in rows:
        end = len(row)
        while end and is_empty(row[end - 1]):
            end -= 1
        trimmed.append(list(row[:end]))
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


class JsonNumber(str):
    """A JSON number kept as written, because a float would round it (0.1000000000000000055,
    a 20-digit identifier): typed as the same text in a CSV would be, never rounded."""
