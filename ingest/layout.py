"""Finding the table inside a sheet: title rows and metadata above the header, a header
that may span several rows (merged cells), footnotes below, blank separator rows and
columns. The result says which rows are data and what each column is called."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from ingest.readers import Cell

FOOTNOTE_MARKERS = ("注", "（注", "(注", "出典", "資料", "※", "＊", "*", "備考", "（備考", "(備考")
_NUMBER = re.compile(r"^[+\-−△▲]?[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?%?$|^[+\-−△▲]?[0-9]+(\.[0-9]+)?%?$")
_DATE = re.compile(r"^(\d{4}[-/.年]\d{1,2}([-/.月]\d{1,2}日?)?|(明治|大正|昭和|平成|令和)(元|\d{1,2})年.*"
                   r"|\d{1,2}/\d{1,2}/\d{4})$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
SYMBOLS = frozenset(["-", "－", "−", "‐", "―", "—", "…", "...", "・・・", "x", "X", "ｘ", "Ｘ",
                     "*", "**", "***", "＊", "＊＊", "＊＊＊"])
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－＋：／", "0123456789,.-+:/")
_CJK = r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"


@dataclass
class Column:
    """A logical column: the source columns it is read from (several when a merged header
    spans them), its machine name and the header text as written."""

    sources: list[int]
    name: str
    title: str


@dataclass
class Layout:
    header_rows: list[int]
    data_rows: list[int]
    columns: list[Column]
    preamble_rows: list[int] = field(default_factory=list)  # titles and notes above
    footnote_rows: list[int] = field(default_factory=list)  # notes below
    blank_rows: list[int] = field(default_factory=list)  # empty rows inside the data
    blank_columns: list[int] = field(default_factory=list)  # empty columns inside the table
    metadata: dict[str, str] = field(default_factory=dict)  # "#key,value" rows
    metadata_rows: list[int] = field(default_factory=list)
    generated_names: list[int] = field(default_factory=list)  # columns without a header

    @property
    def first_data_row(self) -> int:
        return self.data_rows[0] if self.data_rows else len(self.header_rows)


def text_of(value: Cell) -> str:
    """A cell as text: ISO dates, integral floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def is_empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000"))


def kind_of(value: Cell) -> str:
    """empty, number, date, time or text; symbols such as ``-`` count as numbers."""
    if is_empty(value):
        return "empty"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (datetime, date)):
        return "date"
    if isinstance(value, time):
        return "time"
    text = str(value).strip(" \u3000").translate(_FULLWIDTH)
    if text in SYMBOLS or _NUMBER.match(text):
        return "number"
    if _DATE.match(text):
        return "date"
    if _TIME.match(text):
        return "time"
    return "text"


def clean_name(text: str) -> str:
    """A header as a column name: NFKC, no layout spaces between Japanese characters,
    single spaces elsewhere."""
    text = unicodedata.normalize("NFKC", text).replace("\n", " ").strip()
    text = re.sub(r"\s+", " ", text)
    return re.sub(rf"(?<={_CJK}) (?={_CJK})", "", text)


def find_layout(rows: list[list[Cell]], merges: list[tuple[int, int, int, int]] = ()) -> Layout:
    """Where the header, the data and the notes of a sheet are."""
    width = max((len(row) for row in rows), default=0)
    rows = [list(row) + [None] * (width - len(row)) for row in rows]
    filled = [sum(not is_empty(cell) for cell in row) for row in rows]
    if rows and isinstance(rows[0][0], str) and rows[0][0].startswith("#"):
        return _hash_layout(rows, filled, width, merges)
    if not any(filled):
        return Layout([], [], [])
    start = _table_start(filled, width)
    header_top = start
    while header_top > 0 and filled[header_top - 1] >= max(2, math.ceil(width / 4)):
        header_top -= 1
    profile = _column_kinds(rows, start + 1)
    header_end = start + 1
    while header_end < len(rows) and header_end - header_top < 4 and filled[header_end] \
            and _header_like(rows[header_end], profile):
        header_end += 1
    header_rows = list(range(header_top, header_end))
    layout = _body(rows, filled, header_rows, width, merges)
    layout.preamble_rows = [r for r in range(header_top) if filled[r]]
    return layout


def _table_start(filled: list[int], width: int) -> int:
    """The first row filled at least half as wide as the table (titles are narrower)."""
    wide = max(2, math.ceil(width / 2)) if width > 2 else 1
    return next((r for r, count in enumerate(filled) if count >= wide), 0)


def _column_kinds(rows: list[list[Cell]], first: int) -> list[str]:
    """The usual kind of each column over the rows after a candidate header."""
    sample = rows[first:first + 50]
    kinds = []
    for c in range(len(rows[0]) if rows else 0):
        counter = Counter(kind_of(row[c]) for row in sample)
        counter.pop("empty", None)
        kinds.append(counter.most_common(1)[0][0] if counter else "empty")
    return kinds


def _header_like(row: list[Cell], profile: list[str]) -> bool:
    """A row belongs to the header when (nearly) no cell has the kind its column's data
    has (text over numbers, dates over numbers...). Text-only tables get a one-row header."""
    matches = [kind_of(cell) == kind for cell, kind in zip(row, profile)
               if not is_empty(cell) and kind != "empty"]
    return bool(matches) and sum(matches) <= len(matches) // 4


def _hash_layout(rows, filled, width, merges) -> Layout:
    """Files in the ``#property`` convention (Japanese open-data CSV with metadata rows):
    ``#key,value`` rows, the ``#property`` row as header, more ``#`` rows after it."""
    hash_rows = []
    for r, row in enumerate(rows):
        if isinstance(row[0], str) and row[0].startswith("#"):
            hash_rows.append(r)
        elif filled[r]:
            break
    header = next((r for r in hash_rows if str(rows[r][0]).lower() == "#property"), None)
    if header is None:
        header = hash_rows[-1] + 1 if hash_rows else 0
        hash_rows = [r for r in hash_rows if r < header]
    layout = _body(rows, filled, [header], width, merges, skip=set(hash_rows))
    layout.metadata_rows = [r for r in hash_rows if r != header]
    layout.metadata = {str(rows[r][0])[1:]: ",".join(text_of(c) for c in rows[r][1:] if not is_empty(c))
                       for r in layout.metadata_rows}
    first = layout.columns[0] if layout.columns else None
    if first and first.name.startswith("#"):
        first.name = first.name.lstrip("#") or "property"
    return layout


def _body(rows, filled, header_rows, width, merges, skip=frozenset()) -> Layout:
    last_header = header_rows[-1] if header_rows else -1
    candidates = [r for r in range(last_header + 1, len(rows)) if r not in skip]
    footnotes = _footnotes(rows, filled, candidates, width)
    data_rows, blank_rows = [], []
    for r in candidates:
        if r in footnotes:
            continue
        (data_rows if filled[r] else blank_rows).append(r)
    while blank_rows and data_rows and blank_rows[-1] > data_rows[-1]:
        blank_rows.pop()
    columns, generated, blank_columns = _columns(rows, header_rows, data_rows, width, merges)
    return Layout(header_rows, data_rows, columns, footnote_rows=sorted(footnotes),
                  blank_rows=blank_rows, blank_columns=blank_columns, generated_names=generated)


def _footnotes(rows, filled, candidates, width) -> set[int]:
    """Notes under the table: rows starting with a note marker (注, 出典, ※ ...) that fill
    few cells, and the narrow text rows after the last full data row."""
    narrow = max(2, width // 5)
    notes = set()
    for r in candidates:
        first = next((text_of(c).strip(" \u3000") for c in rows[r] if not is_empty(c)), "")
        if filled[r] and filled[r] <= narrow and first.startswith(FOOTNOTE_MARKERS):
            notes.add(r)
    full = [r for r in candidates if filled[r] > narrow and r not in notes]
    if full:
        notes.update(r for r in candidates if r > full[-1] and filled[r]
                     and all(kind_of(c) in ("text", "empty") for c in rows[r]))
    return notes


def _columns(rows, header_rows, data_rows, width, merges):
    header = _header_grid(rows, header_rows, width, merges)
    groups = _merged_groups(header_rows, width, merges)
    used = [c for c in range(width)
            if any(not is_empty(rows[r][c]) for r in data_rows) or any(header[c])]
    blank_columns = [c for c in range(width) if c not in used and used and c < used[-1]]
    columns, generated = [], []
    for sources in groups:
        sources = [c for c in sources if c in used]
        if not sources:
            continue
        parts = [part for part in header[sources[0]] if part]
        name = clean_name("_".join(parts))
        if not name:
            generated.append(len(columns))
        columns.append(Column(sources, name, " ".join(clean_name(p) for p in parts) or name))
    _name_columns(columns)
    return columns, generated, blank_columns


def _header_grid(rows, header_rows, width, merges) -> list[list[str]]:
    """Header text (as written, trimmed) by column and header row, merged cells spread
    over their span. Without
    merge information (CSV) an upper header cell spreads right over the empty cells whose
    lower header is filled: a flattened merged group heading."""
    grid = [[text_of(rows[r][c]).strip(" \u3000") if r < len(rows) else "" for r in header_rows]
            for c in range(width)]
    position = {r: i for i, r in enumerate(header_rows)}
    for r1, c1, r2, c2 in merges:  # spread across, not down: a tall cell is one heading
        if r1 in position:
            for c in range(c1 + 1, min(c2 + 1, width)):
                grid[c][position[r1]] = grid[c][position[r1]] or grid[c1][position[r1]]
    for i in range(len(header_rows) - 1):
        carry = ""
        for c in range(width):
            if grid[c][i]:
                carry = grid[c][i]
            elif carry and any(grid[c][i + 1:]):
                grid[c][i] = carry
            else:
                carry = ""
    return grid


def _merged_groups(header_rows, width, merges) -> list[list[int]]:
    """Source columns that form one logical column: those under one header cell merged
    across them in the last header row (e.g. a label spanning columns A:B)."""
    last = header_rows[-1] if header_rows else -1
    owner = list(range(width))
    for r1, c1, r2, c2 in merges:
        if r1 <= last <= r2 and c2 > c1:
            for c in range(c1 + 1, min(c2 + 1, width)):
                owner[c] = c1
    groups: dict[int, list[int]] = {}
    for c in range(width):
        groups.setdefault(owner[c], []).append(c)
    return list(groups.values())


def _name_columns(columns: list[Column]) -> None:
    """Unique names: empty headers become 列N; a heading repeated after each of several
    distinct headings is qualified by them (1月, 伸率, 2月, 伸率 -> 1月_伸率, 2月_伸率);
    other repeats get _2, _3..."""
    for index, column in enumerate(columns):
        if not column.name:
            column.name = f"列{index + 1}"
    counts = Counter(column.name for column in columns)
    paired = {
        base for base, count in counts.items() if count > 1 and all(
            i > 0 and counts[columns[i - 1].name] == 1
            for i, column in enumerate(columns) if column.name == base)
    }
    taken: set[str] = set()
    for i, column in enumerate(columns):
        base = column.name
        if base in paired:
            column.name = f"{columns[i - 1].name}_{base}"
        elif base in taken:
            n = 2
            while f"{base}_{n}" in taken or f"{base}_{n}" in counts:
                n += 1
            column.name = f"{base}_{n}"
        taken.add(column.name)
