"""Column types over the whole table, with the normalisation Japanese files need.

Everything here is SQL for DuckDB, so one implementation serves a 20-row sample and a
5-million-row file: ``parse_sql`` turns a cell's trimmed text into a typed value (or NULL
when it does not fit), :func:`profile` counts over every row which types each column
fits, and :func:`decide` picks the narrowest type that every value fits. A column that
does not fit any type falls back to text and keeps every value; the values that broke the
likeliest type are reported as diagnostics.

Normalised on the way: full-width digits and signs, thousands separators, △/▲ for
minus, units written in every cell (``1000円``), 和暦 (令和/平成/昭和/大正/明治, 元年),
``YYYY年M月D日``, e-Stat time codes (``2017000000`` = 2017, ``2017000303`` = 2017-03),
special symbols (``-``, ``…``, ``x``, ``***``) to NULL with the symbol kept aside.
Integer-looking codes with leading zeros (団体コード ``011002``) stay text, and so do
numbers a BIGINT or DOUBLE would not hold exactly (20-digit identifiers, 25-digit ratios).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    """Frictionless Table Schema types."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    YEAR = "year"
    YEARMONTH = "yearmonth"


SQL_TYPES = {
    FieldType.STRING: "VARCHAR", FieldType.INTEGER: "BIGINT", FieldType.NUMBER: "DOUBLE",
    FieldType.BOOLEAN: "BOOLEAN", FieldType.DATE: "DATE", FieldType.DATETIME: "TIMESTAMP",
    FieldType.TIME: "TIME", FieldType.YEAR: "INTEGER", FieldType.YEARMONTH: "VARCHAR",
}
# When several types fit every value, the first wins (a 10-digit e-Stat code is a year
# before it is an integer; 0/1 are integers, not booleans).
PREFERENCE = (FieldType.YEAR, FieldType.YEARMONTH, FieldType.DATE, FieldType.DATETIME,
              FieldType.TIME, FieldType.INTEGER, FieldType.NUMBER, FieldType.BOOLEAN)
# A column whose values mostly fit a type, but not all, is reported as such.
LIKELY_SHARE = 0.5
# Columns per detection or statistics query. One query over every column of a wide table
# (age-by-sex sheets have hundreds) needs memory and planning time that grow faster than
# its width: 200 histograms in one SELECT exhaust 512 MB even over a single row. Tables up
# to this width still take a single query, so narrow files scan no more often than before.
QUERY_COLUMNS = 32

SYMBOLS = ("-", "－", "−", "‐", "―", "—", "…", "...", "・・・", "‥", "x", "X", "ｘ", "Ｘ",
           "*", "**", "***", "＊", "＊＊", "＊＊＊")
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "はい": True, "いいえ": False}
_FULLWIDTH_FROM = "０１２３４５６７８９＋－−‐，．：／"
_FULLWIDTH_TO = "0123456789+---,.:/"
ERA_BASE = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018,
            "M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
ERA_PATTERN = "(明治|大正|昭和|平成|令和|M|T|S|H|R)"
CODE_NAME = re.compile(r"(コード|番号|code|Code|CODE|ID$|_id$|id$|郵便|電話|tel|Tel|TEL|phone)")


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def trimmed_sql(column_sql: str) -> str:
    """A raw cell without padding (ASCII or full-width spaces, newlines); empty is NULL."""
    return f"ing_trim({column_sql})"


def symbol_sql(t: str) -> str:
    return f"ing_sym({t})"


def _era_cases() -> str:
    return " ".join(f"WHEN {literal(k)} THEN {v}" for k, v in ERA_BASE.items())


# The parsers as DuckDB macros: a query names each once per column instead of repeating
# kilobytes of SQL, which keeps planning fast for wide sheets.
MACROS = {
    # Trimming with a custom character set is slow, and most cells need none: only a cell
    # whose first or last character is a control character, a space or U+3000 (the
    # modulo lets a few CJK characters through too, which trim() then leaves as they are)
    # is trimmed. ord('') is -1, so an empty cell becomes NULL on the same way. NUL is
    # padding too (some systems fill cells with it): a NUL-only cell is empty wherever it
    # is in the file, at no cost to the cells without one.
    "ing_trim(x)": "CASE WHEN ord(x) % 12288 <= 32 OR ord(substr(x, -1)) % 12288 <= 32 "
                   "THEN nullif(trim(x, ' \t\r\n\u3000' || chr(0)), '') ELSE x END",
    "ing_sym(t)": f"(t IN ({', '.join(literal(s) for s in SYMBOLS)}))",
    "ing_ascii(t)": f"translate(t, {literal(_FULLWIDTH_FROM)}, {literal(_FULLWIDTH_TO)})",
    "ing_signed(a)": "CASE WHEN a LIKE '△%' OR a LIKE '▲%' THEN '-' || substr(a, 2) ELSE a END",
    "ing_unitless(n, unit)": "CASE WHEN suffix(n, unit) THEN rtrim(left(n, length(n) - "
                             "length(unit))) ELSE n END",
    "ing_int(n)": "(CASE WHEN regexp_full_match(n, '[+-]?0[0-9]+') THEN NULL "
                  "WHEN contains(n, ',') THEN CASE WHEN regexp_full_match(n, "
                  "'[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+') THEN TRY_CAST(replace(n, ',', '') AS BIGINT) END "
                  "WHEN regexp_full_match(n, '[+-]?[0-9]+') THEN TRY_CAST(n AS BIGINT) END)",
    # A number is a DOUBLE only when the DOUBLE keeps it: when its shortest form (what is
    # shown and exported) has the same significant digits as the text. A text of up to
    # 15 bytes without an exponent always fits; longer ones (25-digit ratios,
    # 20-digit identifiers) are compared, and those a DOUBLE would round are no number.
    "ing_digits(s)": "trim(translate(split_part(lower(s), 'e', 1), '+-.', ''), '0')",
    "ing_double(s)": "(CASE WHEN strlen(s) <= 15 AND NOT contains(lower(s), 'e') THEN TRY_CAST(s AS DOUBLE) "
                     "WHEN ing_digits(s) = ing_digits(TRY_CAST(TRY_CAST(s AS DOUBLE) AS VARCHAR)) "
                     "THEN TRY_CAST(s AS DOUBLE) END)",
    "ing_num(n)": "(CASE WHEN contains(n, ',') THEN CASE WHEN regexp_full_match(n, "
                  "'[+-]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?') THEN ing_double(replace(n, ',', '')) "
                  "END WHEN regexp_full_match(n, "
                  "'[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?') THEN ing_double(n) END)",
    "ing_era(e, y)": f"(CASE e {_era_cases()} END + CASE WHEN y = '元' THEN 1 "
                     "ELSE TRY_CAST(y AS INTEGER) END)",
    "ing_ymd(y, m, d)": "TRY_CAST(printf('%04d-%02d-%02d', TRY_CAST(y AS INTEGER), "
                        "TRY_CAST(m AS INTEGER), TRY_CAST(d AS INTEGER)) AS DATE)",
    "ing_ym(y, m)": "CASE WHEN TRY_CAST(m AS INTEGER) BETWEEN 1 AND 12 THEN printf('%04d-%02d', "
                    "TRY_CAST(y AS INTEGER), TRY_CAST(m AS INTEGER)) END",
    "ing_wareki(a)": f"regexp_extract(a, '^{ERA_PATTERN}\\.?(元|[0-9]{{1,2}})[年.\\-/]"
                     "([0-9]{1,2})[月.\\-/]([0-9]{1,2})日?$', ['e', 'y', 'm', 'd'])",
    "ing_kanji_date(a)": "regexp_extract(a, '^([0-9]{4})[年.]([0-9]{1,2})[月.]([0-9]{1,2})日?$', "
                         "['y', 'm', 'd'])",
    "ing_us_date(a)": "regexp_extract(a, '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$', ['m', 'd', 'y'])",
    "ing_date(a)": "(CASE WHEN regexp_full_match(a, '[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}') "
                   "THEN TRY_CAST(replace(a, '/', '-') AS DATE) "
                   "WHEN ing_wareki(a).e <> '' THEN ing_ymd(ing_era(ing_wareki(a).e, ing_wareki(a).y), "
                   "ing_wareki(a).m, ing_wareki(a).d) "
                   "WHEN ing_kanji_date(a).y <> '' THEN ing_ymd(ing_kanji_date(a).y, "
                   "ing_kanji_date(a).m, ing_kanji_date(a).d) "
                   "WHEN ing_us_date(a).y <> '' THEN ing_ymd(ing_us_date(a).y, ing_us_date(a).m, "
                   "ing_us_date(a).d) END)",
    "ing_datetime(a)": "(CASE WHEN regexp_full_match(a, '[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}[ T]"
                       "[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?') "
                       "THEN TRY_CAST(replace(a, '/', '-') AS TIMESTAMP) END)",
    "ing_kanji_time(a)": "regexp_extract(a, '^([0-9]{1,2})時(([0-9]{1,2})分)?$', ['h', 'x', 'm'])",
    "ing_time(a)": "(CASE WHEN regexp_full_match(a, '[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?') "
                   "THEN TRY_CAST(a AS TIME) WHEN ing_kanji_time(a).h <> '' THEN TRY_CAST(printf("
                   "'%02d:%02d:00', TRY_CAST(ing_kanji_time(a).h AS INTEGER), coalesce(TRY_CAST("
                   "nullif(ing_kanji_time(a).m, '') AS INTEGER), 0)) AS TIME) END)",
    "ing_wareki_year(a)": f"regexp_extract(a, '^{ERA_PATTERN}(元|[0-9]{{1,2}})年度?$', ['e', 'y'])",
    "ing_year(a)": "(CASE WHEN regexp_full_match(a, '[0-9]{4}年度?') THEN TRY_CAST(left(a, 4) AS INTEGER) "
                   "WHEN regexp_full_match(a, '[12][0-9]{3}(00|10)0000') THEN TRY_CAST(left(a, 4) AS INTEGER) "
                   "WHEN ing_wareki_year(a).e <> '' THEN ing_era(ing_wareki_year(a).e, "
                   "ing_wareki_year(a).y) END)",
    "ing_wareki_ym(a)": f"regexp_extract(a, '^{ERA_PATTERN}(元|[0-9]{{1,2}})年([0-9]{{1,2}})月$', "
                        "['e', 'y', 'm'])",
    "ing_plain_ym(a)": "regexp_extract(a, '^([0-9]{4})(年|-|/|\\.)([0-9]{1,2})月?$', ['y', 's', 'm'])",
    "ing_estat_ym(a)": "regexp_extract(a, '^([12][0-9]{3})00(0[1-9]|1[0-2])([0-9]{2})$', "
                       "['y', 'm', 'n'])",
    "ing_yearmonth(a)": "(CASE WHEN ing_estat_ym(a).y <> '' AND ing_estat_ym(a).m = ing_estat_ym(a).n "
                        "THEN ing_ym(ing_estat_ym(a).y, ing_estat_ym(a).m) "
                        "WHEN ing_plain_ym(a).y <> '' AND (ing_plain_ym(a).s <> '年' OR a LIKE '%月') "
                        "THEN ing_ym(ing_plain_ym(a).y, ing_plain_ym(a).m) "
                        "WHEN ing_wareki_ym(a).e <> '' THEN ing_ym(ing_era(ing_wareki_ym(a).e, "
                        "ing_wareki_ym(a).y), ing_wareki_ym(a).m) END)",
    "ing_bool(t)": "(CASE lower(t) " + " ".join(
        f"WHEN {literal(k)} THEN {str(v).upper()}" for k, v in BOOLEANS.items()) + " END)",
}


def double_keeps(text: str) -> bool:
    """Whether a DOUBLE holds the number written ``text`` (no thousands separators) as
    ``ing_double`` judges: its shortest form has the same significant digits. Readers of
    typed sources (JSON) ask it to hand over the text instead of a rounded float."""
    if len(text) <= 15 and "e" not in text and "E" not in text:
        return True  # at most 15 digits, no exponent to overflow: always held
    try:
        value = float(text)
    except ValueError:
        return False
    return _digits(text) == _digits(repr(value))


_NOT_DIGITS = str.maketrans("", "", "+-.")


def _digits(text: str) -> str:
    return text.lower().split("e")[0].translate(_NOT_DIGITS).strip("0")


# Clean values that a plain cast reads exactly as the parser would: most cells of a
# well-made file take this short cut (a cast and a cheap check instead of patterns).
FAST_GUARDS = {
    FieldType.INTEGER: ("TRY_CAST({x} AS BIGINT)::VARCHAR = {x}", "TRY_CAST({x} AS BIGINT)"),
    # Up to 15 bytes a DOUBLE keeps every digit; a longer text only when it is the
    # DOUBLE's own shortest form (else the parser decides, see ing_double). A CASE, not
    # an OR: DuckDB evaluates both sides of an OR in a FILTER, and formatting a DOUBLE
    # for every cell triples the cost of this check.
    FieldType.NUMBER: ("isfinite(TRY_CAST({x} AS DOUBLE)) AND NOT contains({x}, '_') AND CASE "
                       "WHEN strlen({x}) <= 15 THEN true ELSE TRY_CAST({x} AS DOUBLE)::VARCHAR = {x} END",
                       "TRY_CAST({x} AS DOUBLE)"),
    FieldType.DATE: ("length({x}) <= 10 AND TRY_CAST({x} AS DATE) IS NOT NULL", "TRY_CAST({x} AS DATE)"),
    FieldType.DATETIME: ("regexp_full_match({x}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[ T][0-9]{{2}}:[0-9]{{2}}"
                         "(:[0-9]{{2}})?')", "TRY_CAST({x} AS TIMESTAMP)"),
    FieldType.TIME: ("regexp_full_match({x}, '[0-9]{{1,2}}:[0-9]{{2}}(:[0-9]{{2}})?')", "TRY_CAST({x} AS TIME)"),
}


def install_macros(con) -> None:
    """Define the parsing macros on a DuckDB connection (once per connection)."""
    for signature, body in MACROS.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {signature} AS {body}")


def parse_sql(field_type: FieldType, t: str, unit: str = "", a: str | None = None,
              n: str | None = None) -> str:
    """The typed value of trimmed text ``t`` (SQL), NULL when it does not fit. ``a`` is
    ``t`` with full-width digits made ASCII and ``n`` that with △/▲ as minus, when the
    query has them already."""
    a = a or f"ing_ascii({t})"
    n = n or f"ing_signed({a})"
    if unit:
        n = f"ing_unitless({n}, {literal(unit)})"
    match field_type:
        case FieldType.INTEGER:
            return f"ing_int({n})"
        case FieldType.NUMBER:
            return f"ing_num({n})"
        case FieldType.DATE:
            return f"ing_date({a})"
        case FieldType.DATETIME:
            return f"ing_datetime({a})"
        case FieldType.TIME:
            return f"ing_time({a})"
        case FieldType.YEAR:
            return f"ing_year({a})"
        case FieldType.YEARMONTH:
            return f"ing_yearmonth({a})"
        case FieldType.BOOLEAN:
            return f"ing_bool({t})"
    return t


UNIT_SQL = r"'^[+\-△▲]?[0-9０-９][0-9０-９,，]*([.．][0-9０-９]+)?[ 　]*([^0-9０-９\s.,，．()（）/\-]{1,5})$'"


@dataclass
class ColumnPlan:
    """What a column becomes: its type, unit and what ingest rewrote. ``source`` is the
    SQL of its raw text; ``index`` names it in :func:`layered` queries (``t3``, ``a3``)."""

    name: str
    source: str
    index: int = 0
    type: FieldType = FieldType.STRING
    unit: str = ""
    symbols: dict[str, int] = field(default_factory=dict)
    code: bool = False  # digits kept as text (leading zeros or a code column)
    likely: FieldType | None = None  # the type most values fit, when not all do
    misfit_count: int = 0
    units_seen: dict[str, int] = field(default_factory=dict)
    unit_candidate: str = ""  # the one unit written in most cells, if any
    has_symbols: bool = False
    # Every value seen passes the column's fast check (a plain cast reads it right): the
    # fast path then treats any other value as a surprise rather than parsing it.
    clean: bool = False

    @property
    def t(self) -> str:
        return f"t{self.index}"

    @property
    def a(self) -> str:
        return f"a{self.index}"

    @property
    def n(self) -> str:
        return f"n{self.index}"

    @property
    def typed(self) -> bool:
        return self.type != FieldType.STRING

    # Whether the layered relation has the a<i>/n<i> columns (it has not on the fast path,
    # where computing them for every cell would cost more than parsing the few odd ones).
    prepared: bool = True

    def parse(self, field_type: FieldType, unit: str | None = None) -> str:
        unit = self.unit if unit is None else unit
        if not self.prepared:
            return parse_sql(field_type, self.t, unit)
        return parse_sql(field_type, self.t, unit, self.a, self.n)

    def value_sql(self) -> str:
        """The column's output value (over a :func:`layered` relation)."""
        if not self.typed:
            return self.t
        guard = FAST_GUARDS.get(self.type)
        if guard is None or self.unit:
            return self.parse(self.type)
        check, value = (part.format(x=self.t) for part in guard)
        return f"CASE WHEN {check} THEN {value} ELSE {self.parse(self.type)} END"

    def strict_value_sql(self) -> str:
        """The output value read straight from the raw cell (no :func:`layered` columns),
        raising an error on any cell the plan did not foresee: used when the plan came
        from a sample. Clean cells take a single pattern check and a cast."""
        raw, t = self.source, f"ing_trim({self.source})"
        if not self.typed:
            return t
        symbol = "NULL" if self.has_symbols else f"error('unforeseen symbol in ' || {literal(self.name)})"
        slow = (f"CASE WHEN {t} IS NULL THEN NULL WHEN ing_sym({t}) THEN {symbol} ELSE coalesce("
                f"{parse_sql(self.type, t, self.unit)}, error('misfit in ' || {literal(self.name)})) END")
        guard = FAST_GUARDS.get(self.type)
        if guard is None or self.unit:
            return f"CASE WHEN {raw} IS NULL THEN NULL ELSE {slow} END"
        check, value = (part.format(x=raw) for part in guard)
        if self.clean:  # parsing here would cost every row; a surprise sends us the long way
            # but for an empty one (spaces or NULs only): it is NULL on every path
            slow = (f"CASE WHEN {t} IS NULL THEN NULL "
                    f"ELSE error('unforeseen value in ' || {literal(self.name)}) END")
        # The check first: it is NULL for a NULL cell, and a CASE whose first branch takes
        # most rows costs a third less than one that first splits off the NULLs.
        return f"CASE WHEN {check} THEN {value} WHEN {raw} IS NULL THEN NULL ELSE {slow} END"


def layered(relation: str, plans: list[ColumnPlan], extra: str = "", where: str = "",
            prepared: bool = True) -> str:
    """``relation`` as a subquery with each column's trimmed text ``t<i>``, its ASCII form
    ``a<i>`` and signed-number form ``n<i>`` computed once, so the parsers can name them."""
    for index, plan in enumerate(plans):
        plan.index, plan.prepared = index, prepared
    trimmed = ", ".join(f"ing_trim({plan.source}) AS {plan.t}" for plan in plans)
    ascii_ = ", ".join(f"ing_ascii({plan.t}) AS {plan.a}" for plan in plans)
    signed = ", ".join(f"ing_signed({plan.a}) AS {plan.n}" for plan in plans)
    prefix = f"{extra}, " if extra else ""
    inner = f"SELECT {prefix}{trimmed} FROM {relation}" + (f" WHERE {where}" if where else "")
    if not prepared:
        return f"({inner})"
    return f"(SELECT *, {signed} FROM (SELECT *, {ascii_} FROM ({inner})))"


def column_batches(plans: list, size: int = QUERY_COLUMNS) -> list[list]:
    """``plans`` in consecutive groups of at most ``size``: one query per group."""
    return [plans[start:start + size] for start in range(0, len(plans), size)]


def profile(con, relation: str, plans: list[ColumnPlan]) -> None:
    """Count over every row of ``relation`` what each column fits and decide its type
    (updates ``plans`` in place). A sample of values first rules out the types a column
    cannot be, so that the full count only tries the plausible ones."""
    for batch in column_batches(plans):
        _profile_batch(con, relation, batch)


def _profile_batch(con, relation: str, plans: list[ColumnPlan]) -> None:
    source = layered(relation, plans)
    possible = _possible_types(con, source, plans)
    _find_units(con, relation, [p for p in plans if possible[p.name] & {FieldType.INTEGER,
                                                                         FieldType.NUMBER}])
    expressions: list[str] = []
    for plan in plans:
        expressions += [f"count({plan.t})", f"count(*) FILTER (WHERE ing_sym({plan.t}))",
                        f"count(*) FILTER (WHERE regexp_full_match({plan.t}, '[+-]?0[0-9]+'))"]
        expressions += [f"count({plan.parse(kind, plan.unit_candidate)})"
                        if kind in possible[plan.name] else "0" for kind in PREFERENCE]
    row = con.execute(f"SELECT {', '.join(expressions)} FROM {source}").fetchone()
    width = 3 + len(PREFERENCE)
    for index, plan in enumerate(plans):
        counts = row[index * width:(index + 1) * width]
        decide(plan, counts[0], counts[1], counts[2], dict(zip(PREFERENCE, counts[3:])))


_SHAPES = {
    FieldType.INTEGER: re.compile(r"^[+\-−－△▲]?[0-9０-９][0-9０-９,，]*([.．]0*)?\s*\D{0,5}$"),
    FieldType.NUMBER: re.compile(r"^[+\-−－△▲]?[0-9０-９.．][0-9０-９,，.．]*([eE][+-]?[0-9]+)?\s*\D{0,5}$"),
    FieldType.DATE: re.compile(r"^([0-9０-９]{4}[-/.年][0-9０-９]{1,2}[-/.月][0-9０-９]{1,2}日?"
                               r"|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|(明治|大正|昭和|平成|令和|[MTSHR]).*日?)$"),
    FieldType.DATETIME: re.compile(r"^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}[ T][0-9]"),
    FieldType.TIME: re.compile(r"^[0-9０-９]{1,2}[:：時]"),
    FieldType.YEAR: re.compile(r"^([0-9０-９]{4}年度?|(明治|大正|昭和|平成|令和|[MTSHR]).*年度?|"
                               r"[12][0-9]{3}(00|10)0000)$"),
    FieldType.YEARMONTH: re.compile(r"^([0-9０-９]{4}[-/.年][0-9０-９]{1,2}月?|[12][0-9]{3}00[0-9]{4}|"
                                    r"(明治|大正|昭和|平成|令和|[MTSHR]).*月)$"),
}


def _possible_types(con, relation: str, plans: list[ColumnPlan]) -> dict[str, set[FieldType]]:
    """Types that at least half of a sample of each column's distinct values might be."""
    columns = ", ".join(plan.t for plan in plans)
    rows = con.execute(f"SELECT {columns} FROM {relation} USING SAMPLE reservoir(3000 ROWS) "
                       f"REPEATABLE (7)").fetchall()
    possible: dict[str, set[FieldType]] = {}
    for index, plan in enumerate(plans):
        values = {row[index] for row in rows if row[index] is not None} - set(SYMBOLS)
        kinds = set()
        if values:
            lowered = {value.lower() for value in values}
            if len(lowered & set(BOOLEANS)) * 2 >= len(lowered):
                kinds.add(FieldType.BOOLEAN)
            for kind, shape in _SHAPES.items():
                if sum(1 for value in values if shape.match(value)) * 2 >= len(values):
                    kinds.add(kind)
        possible[plan.name] = kinds
    return possible


def mark_clean(con, relation: str, plans: list[ColumnPlan]) -> None:
    """Set ``clean`` on typed columns whose every value in ``relation`` (a sample) passes
    the fast check."""
    checked = [plan for plan in plans if plan.typed and not plan.unit and not plan.has_symbols
               and plan.type in FAST_GUARDS]
    if not checked:
        return
    for batch in column_batches(checked):
        source = layered(relation, batch)
        counts = con.execute("SELECT " + ", ".join(
            f"count(*) FILTER (WHERE {plan.t} IS NOT NULL AND NOT coalesce("
            f"{FAST_GUARDS[plan.type][0].format(x=plan.t)}, false))" for plan in batch)
            + f" FROM {source}").fetchone()
        for plan, count in zip(batch, counts):
            plan.clean = count == 0


def decide(plan: ColumnPlan, non_null: int, symbols: int, leading_zero: int,
           fits: dict[FieldType, int]) -> None:
    values = non_null - symbols
    plan.type, plan.likely, plan.misfit_count = FieldType.STRING, None, 0
    plan.has_symbols = symbols > 0
    unit = plan.unit_candidate
    if values <= 0:
        return
    if leading_zero and fits[FieldType.INTEGER] + leading_zero == values:
        plan.code = True
        return
    for kind in PREFERENCE:
        if fits[kind] == values:
            if kind in (FieldType.INTEGER, FieldType.NUMBER) and CODE_NAME.search(plan.name) \
                    and not unit:
                plan.code = True
                return
            plan.type = kind
            plan.unit = unit if kind in (FieldType.INTEGER, FieldType.NUMBER) else ""
            return
    best = max(PREFERENCE, key=lambda kind: (fits[kind], -PREFERENCE.index(kind)))
    if fits[best] and fits[best] >= values * LIKELY_SHARE and best != FieldType.BOOLEAN:
        plan.likely, plan.misfit_count = best, values - fits[best]


def _find_units(con, relation: str, plans: list[ColumnPlan]) -> None:
    """Units written in the cells (``1000円``); the unit is taken off the numbers only
    when one unit is in at least half the values. ``relation`` is the raw one (not
    :func:`layered`): each branch trims only its own column, so the query grows with the
    number of columns rather than with its square."""
    if not plans:
        return
    selects = [f"SELECT {i} AS c, regexp_extract({trimmed_sql(p.source)}, {UNIT_SQL}, 2) AS u, "
               f"{trimmed_sql(p.source)} IS NOT NULL AS filled FROM {relation}"
               for i, p in enumerate(plans)]
    rows = con.execute(
        f"SELECT c, u, count(*) FILTER (WHERE u <> ''), sum(count(*) FILTER (WHERE filled)) "
        f"OVER (PARTITION BY c) FROM ({' UNION ALL '.join(selects)}) GROUP BY c, u").fetchall()
    found: dict[int, list[tuple[str, int, int]]] = {}
    for column, unit, count, total in rows:
        if unit:
            found.setdefault(column, []).append((unit, count, total))
    for index, plan in enumerate(plans):
        units = sorted(found.get(index, []), key=lambda item: -item[1])
        plan.units_seen = {unit: count for unit, count, _total in units}
        if len(units) == 1 and units[0][1] * 2 >= units[0][2]:
            plan.unit_candidate = units[0][0]


def misfits(con, relation: str, plans: list[ColumnPlan], row_sql: str,
            limit: int = 100) -> list[dict]:
    """Cells of columns that fell back to text which did not fit their likely type."""
    found = []
    for plan in plans:
        if plan.likely is None:
            continue
        # The column alone: a relation layering every column of a wide table would be
        # planned again for each column reported.
        source = layered(relation, [plan], extra=row_sql)
        rows = con.execute(
            f"SELECT {row_sql}, {plan.t} FROM {source} WHERE {plan.t} IS NOT NULL AND NOT "
            f"ing_sym({plan.t}) AND {plan.parse(plan.likely, plan.unit_candidate)} IS NULL "
            f"ORDER BY 1 LIMIT {limit}").fetchall()
        found += [{"row": row, "column": plan.name, "value": value,
                   "expected": plan.likely.value} for row, value in rows]
    return found
