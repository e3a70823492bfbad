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

from ingest.cells import Cell, JsonNumber, is_empty

# The words and signs notes start with (kept for callers that only need a first guess;
# the layout itself asks for what follows them too, see _NOTE).
FOOTNOTE_MARKERS = ("注", "（注", "(注", "出典", "資料", "※", "＊", "*", "備考", "（備考", "(備考")
# A note starts with a marker followed by what a note has: 注：, 注1, 注１）, （注）, 資料：,
# 出典：, ※1 ... A word that merely begins like one (注文の多い料理店, 資料館, 備考欄) is no
# note, nor is a symbol alone (*, *** for a secret value).
_NOTE = re.compile(r"^([(（【［\[]\s*(注|備考|参考)\s*[0-9０-９]*\s*[)）】］\]]"
                   r"|(注記?|備考|出典|資料|出所|参考)\s*[0-9０-９]*\s*[：:]"
                   r"|(出典|資料|出所)[\s\u3000]+\S"
                   r"|注\s*[0-9０-９]+|注[)）.．、\s\u3000]"
                   r"|[※＊*]\s*[0-9０-９]+)")
# ※ or * before text (※印は推計値): a note too, but only where a row cannot be data.
_MARKED_TEXT = re.compile(r"^[※＊*][\s\u3000]*[^\s\u3000*＊※]")
# A line that carries on the note above it: indented, or numbered (２）, (3) ...).
_NOTE_LINE = re.compile(r"^([\s\u3000]+\S|[(（]?[0-9０-９]{1,2}[)）.．、])")
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
    # What a big CSV's one pass left out past its head, where lines are not numbered
    # (see ingest.pipeline): the notes at its end (their first cell) and blank rows.
    unnumbered_notes: list[str] = field(default_factory=list)
    unnumbered_blank_rows: int = 0

    @property
    def first_data_row(self) -> int:
        return self.data_rows[0] if self.data_rows else len(self.header_rows)


def text_of(value: Cell) -> str:
    """A cell as text: ISO dates, integral floats without ``.0``. A date-time stays one
    even at midnight (``2023-04-01 00:00:00``): written as a date, it would not fit beside
    the other date-times of its column (readers turn all-midnight columns into dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def cell_text(row: list, sources: list[int]) -> str | None:
    """The text of a logical column in ``row``: its first source cell that is not empty."""
    for c in sources:
        if c < len(row) and not is_empty(row[c]):
            return text_of(row[c])
    return None


def kind_of(value: Cell) -> str:
    """empty, number, date, time or text; symbols such as ``-`` count as numbers."""
    if is_empty(value):
        return "empty"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, (int, float, JsonNumber)):
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
    if header_end - header_top == 1 and _sub_header(rows, header_top, header_end):
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


def _sub_header(rows: list[list[Cell]], top: int, below: int) -> bool:
    """Whether row ``below`` names the columns under the group headings of row ``top``:
    the second row of a header that the kinds of the data cannot reveal (text only).

    Conservative: ``top`` must have group headings, each followed by empty cells (merged
    across them in Excel, flattened in CSV); ``below`` holds distinct text exactly under
    them, and nothing (or the same words: a flattened tall cell) under the other headings;
    and under at least half of the grouped columns the data is written differently
    (digits, latin letters) from the name above it. A first data row with a value missing
    has that shape only by rare chance."""
    if below + 1 >= len(rows):
        return False  # nothing under it would be left as data
    head, sub = rows[top], rows[below]
    last = max((c for row in (head, sub) for c, cell in enumerate(row) if not is_empty(cell)),
               default=-1)
    grouped: list[int] = []
    c = 0
    while c <= last:
        span = c + 1
        while span <= last and is_empty(head[span]):
            span += 1
        if is_empty(head[c]):  # no heading over the first columns: not this shape
            return False
        if span - c > 1:
            if any(kind_of(sub[k]) != "text" for k in range(c, span)):
                return False
            grouped += range(c, span)
        elif not is_empty(sub[c]) and text_of(sub[c]).strip() != text_of(head[c]).strip():
            return False
        c = span
    names = [text_of(sub[k]).strip() for k in grouped]
    if not grouped or len(set(names)) < len(names):
        return False
    data = rows[below + 1:below + 51]
    differ = 0
    for k in grouped:
        shapes = Counter(_shape(text_of(row[k])) for row in data if not is_empty(row[k]))
        differ += bool(shapes) and shapes.most_common(1)[0][0] != _shape(text_of(sub[k]))
    return differ * 2 >= len(grouped)


def _shape(text: str) -> tuple[bool, bool]:
    """How a text is written, coarsely: with digits, with latin letters."""
    text = text.translate(_FULLWIDTH)
    return any(ch.isdigit() for ch in text), any("a" <= ch.lower() <= "z" for ch in text)


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
    """Notes under the table (see :func:`trailing_notes`), as row numbers."""
    found = trailing_notes([rows[r] for r in candidates], width)
    return {candidates[i] for i in found}


def trailing_notes(rows: list[list[Cell]], width: int) -> set[int]:
    """The positions in ``rows`` (the rows under a header, or the last rows of a file) of
    the notes at their end: rows after the last data row that start with a note (注：,
    資料：, ※1 ...) and fill few of the table's ``width`` columns, with the indented or
    numbered lines that carry a note on.

    A row filling every column (most columns of a narrow table), or holding a number
    beside its words, is data whatever its first word; so is any row above a data row: a
    table keeps rows that look like notes in its middle rather than lose a row of data."""
    few = max(2, width // 5) if width > 4 else 1
    notes: list[int] = []
    carried: list[int] = []  # continuation lines below a note not yet seen
    for i in range(len(rows) - 1, -1, -1):
        filled = [cell for cell in rows[i] if not is_empty(cell)]
        if not filled:
            continue
        cells = [text_of(cell) for cell in filled]
        first = cells[0].strip(" \u3000")
        # A number beside the words (※ 合計, ..., 100) makes a row of data.
        worded = all(kind_of(cell) == "text" for cell in filled[1:])
        if len(cells) <= few and worded and (
                _NOTE.match(first) or width > 1 and _MARKED_TEXT.match(first)):
            notes += carried + [i]
            carried = []
        elif len(cells) == 1 and width > 2 and _NOTE_LINE.match(cells[0]):
            carried.append(i)
        else:
            break
    return set(notes)


def _columns(rows, header_rows, data_rows, width, merges):
    header = _header_grid(rows, header_rows, width, merges)
    groups = _merged_groups(header_rows, width, merges)
    used = [c for c in range(width)
            if any(not is_empty(rows[r][c]) for r in data_rows) or any(header[c])]
    blank_columns = [c for c in range(width) if c not in used and used and c < used[-1]]
    columns, generated = [], []
    for group in groups:
        group = [c for c in group if c in used]
        if not group:
            continue
        # One logical column only when no row has values in two of its sources (a label
        # spanning A:B, its sub-items in B): otherwise each source is a column of its own.
        split = _both_filled(rows, data_rows, group)
        members = [[c] for c in group] if split else [group]
        named = []
        for sources in members:
            parts = [part for part in header[sources[0]] if part]
            name = clean_name("_".join(parts))
            if not name:
                generated.append(len(columns))
            columns.append(Column(sources, name, " ".join(clean_name(p) for p in parts) or name))
            named.append(columns[-1])
        if split and name and len({column.name for column in named}) == 1:
            for number, column in enumerate(named, 1):  # one heading merged over them all
                column.name = column.title = f"{column.name}_{number}"
    _name_columns(columns)
    return columns, generated, blank_columns


def _both_filled(rows, data_rows, sources: list[int]) -> bool:
    """Whether a data row has values in two of ``sources``."""
    return len(sources) > 1 and any(
        sum(not is_empty(rows[r][c]) for c in sources) > 1 for r in data_rows)


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
