"""Types over the whole column, with the normalisation Japanese files need."""

from __future__ import annotations

import datetime

import duckdb
import pyarrow as pa
import pytest

from ingest.types import ColumnPlan, FieldType, install_macros, layered, misfits, parse_sql, profile, quote


@pytest.fixture
def con():
    connection = duckdb.connect()
    install_macros(connection)
    yield connection
    connection.close()


def parse(con, kind: FieldType, text: str, unit: str = ""):
    return con.execute(f"SELECT {parse_sql(kind, 'ing_trim(?)', unit)}", [text]).fetchone()[0]


@pytest.mark.parametrize("text, expected", [
    ("1234", 1234), ("１２３４", 1234), ("1,234,567", 1234567), ("－５", -5), ("△12", -12),
    ("▲3", -3), ("  42　", 42), ("12.0", None), ("12.5", None), ("1,23", None), ("007", None),
    ("1e3", None), ("0x10", None), ("", None)])
def test_integers(con, text, expected):
    assert parse(con, FieldType.INTEGER, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("3.14", 3.14), ("３．５", 3.5), ("1,234.5", 1234.5), ("-0.25", -0.25), ("1.5e3", 1500.0),
    ("nan", None), ("inf", None), ("1.2.3", None)])
def test_numbers(con, text, expected):
    assert parse(con, FieldType.NUMBER, text) == expected


@pytest.mark.parametrize("text, expected", [
    # A DOUBLE keeps these: up to 15 digits, and longer ones written as its shortest form.
    ("123456789012345", 123456789012345.0), ("0.30000000000000004", 0.30000000000000004),
    ("35.68123456789012", 35.68123456789012), ("1.5e300", 1.5e300),
    ("1,234,567,890.125", 1234567890.125), ("1.50000000000000000000", 1.5),
    # It would round these: they are no number (the column stays text, every digit kept).
    ("12345678901234567890", None), ("9007199254740993", None), ("35.681234567890124", None),
    ("0.1234567890123456789012345", None), ("12,345,678,901,234,567,890", None),
    ("1234567890123456789012345.5", None), ("1e400", None)])
def test_numbers_a_double_would_round_are_no_numbers(con, text, expected):
    assert parse(con, FieldType.NUMBER, text) == expected


@pytest.mark.parametrize("text, held", [
    ("0.1", True), ("123456789012345", True), ("0.30000000000000004", True), ("1.5e300", True),
    ("1.50000000000000000000", True), ("-2.5E-3", True), ("35.68123456789012", True),
    ("35.681234567890124", False), ("0.1000000000000000055511151231257827", False),
    ("12345678901234567890.5", False), ("9007199254740993.0", False), ("1e400", False),
    ("1E-400", False)])
def test_readers_of_typed_files_judge_a_double_as_the_sql_does(con, text, held):
    """JSON numbers are judged in Python as CSV text is in SQL: the same columns result."""
    from ingest.types import double_keeps

    assert double_keeps(text) is held
    assert (parse(con, FieldType.NUMBER, text) is not None) is held


@pytest.mark.parametrize("text, expected", [
    ("9223372036854775807", 9223372036854775807), ("-9223372036854775808", -9223372036854775808),
    ("9223372036854775808", None), ("12345678901234567890", None), ("１２３４５６７８９０１２３４５６７８９０", None)])
def test_integers_beyond_bigint_are_no_integers(con, text, expected):
    assert parse(con, FieldType.INTEGER, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2020-04-01", datetime.date(2020, 4, 1)), ("2020/4/1", datetime.date(2020, 4, 1)),
    ("2020年4月1日", datetime.date(2020, 4, 1)), ("令和2年4月1日", datetime.date(2020, 4, 1)),
    ("令和元年5月1日", datetime.date(2019, 5, 1)), ("平成31年4月30日", datetime.date(2019, 4, 30)),
    ("昭和64年1月7日", datetime.date(1989, 1, 7)), ("H29.4.1", datetime.date(2017, 4, 1)),
    ("R2.12.31", datetime.date(2020, 12, 31)), ("11/1/2018", datetime.date(2018, 11, 1)),
    ("２０２０年１月２日", datetime.date(2020, 1, 2)), ("2020-02-30", None), ("令和2年13月1日", None)])
def test_dates_including_wareki(con, text, expected):
    assert parse(con, FieldType.DATE, text) == expected


@pytest.mark.parametrize("kind, text, expected", [
    (FieldType.YEAR, "平成29年", 2017), (FieldType.YEAR, "令和元年", 2019), (FieldType.YEAR, "令和２年", 2020),
    (FieldType.YEAR, "2017年度", 2017), (FieldType.YEAR, "2017000000", 2017),
    (FieldType.YEAR, "2017100000", 2017), (FieldType.YEAR, "2017", None),
    (FieldType.YEARMONTH, "2017000303", "2017-03"), (FieldType.YEARMONTH, "平成29年4月", "2017-04"),
    (FieldType.YEARMONTH, "2020年12月", "2020-12"), (FieldType.YEARMONTH, "2020-07", "2020-07"),
    (FieldType.YEARMONTH, "2017000103", None),
    (FieldType.TIME, "9:05", datetime.time(9, 5)), (FieldType.TIME, "9時30分", datetime.time(9, 30)),
    (FieldType.TIME, "25:00", None),
    (FieldType.DATETIME, "2020-01-02 10:30", datetime.datetime(2020, 1, 2, 10, 30)),
    (FieldType.BOOLEAN, "TRUE", True), (FieldType.BOOLEAN, "いいえ", False)])
def test_years_months_times(con, kind, text, expected):
    assert parse(con, kind, text) == expected


def test_units_are_taken_off_only_the_given_unit(con):
    assert parse(con, FieldType.INTEGER, "1,000円", "円") == 1000
    assert parse(con, FieldType.INTEGER, "1000人", "円") is None


def column_types(con, values: dict[str, list]) -> dict[str, ColumnPlan]:
    con.register("sample", pa.table({"_row": list(range(1, len(next(iter(values.values()))) + 1)),
                                     **values}))
    plans = [ColumnPlan(name, quote(name)) for name in values]
    profile(con, "sample", plans)
    return {plan.name: plan for plan in plans}


def test_the_whole_column_decides_and_symbols_are_not_values(con):
    plans = column_types(con, {
        "count": ["1", "2", "-", "x", "4"],
        "code": ["011002", "401307", "131016", "011002", "472018"],
        "city_code": ["401307", "401307", "131016", "472018", "401307"],
        "late_text": ["1", "2", "3", "4", "五"],
        "symbols_only": ["-", "-", "…", "-", "-"],
    })
    assert plans["count"].type == FieldType.INTEGER and plans["count"].has_symbols
    assert plans["code"].type == FieldType.STRING and plans["code"].code  # leading zeros
    assert plans["city_code"].type == FieldType.STRING and plans["city_code"].code  # named a code
    # The last value does not fit: the column is text, nothing lost, the odd value reported.
    assert plans["late_text"].type == FieldType.STRING and plans["late_text"].likely == FieldType.INTEGER
    assert misfits(con, "sample", list(plans.values()), "_row") == [
        {"row": 5, "column": "late_text", "value": "五", "expected": "integer"}]
    assert plans["symbols_only"].type == FieldType.STRING


def test_text_column_values_are_kept_as_written(con):
    plans = column_types(con, {"name": ["  市営地下鉄　姪浜駅　", "ＪＲ", "-"]})
    source = layered("sample", [plans["name"]])
    assert con.execute(f"SELECT {plans['name'].value_sql()} FROM {source}").fetchall() == [
        ("市営地下鉄\u3000姪浜駅",), ("ＪＲ",), ("-",)]


@pytest.mark.parametrize("text, expected", [
    ("総数", "総数"), ("  42　", "42"), ("\u3000総数\u3000", "総数"), ("\tx\r\n", "x"), ("\rx", "x"),
    ("a\u3000b", "a\u3000b"), ("", None), ("  ", None), ("\u3000", None), (None, None),
    # Characters 12288 apart from U+3000 and the spaces pass the quick check; trim keeps them.
    ("怀", "怀"), ("退x ", "退x"), ("\x0bq", "\x0bq")])
def test_cells_are_trimmed_of_padding_only(con, text, expected):
    assert con.execute("SELECT ing_trim(?)", [text]).fetchone()[0] == expected


@pytest.mark.parametrize("text, expected", [
    ("\x00", None), ("\x00\x00 ", None), ("12\x00\x00", "12"), ("\x0012", "12"), ("1\x002", "1\x002")])
def test_nul_is_padding_and_a_nul_only_cell_is_empty(con, text, expected):
    assert con.execute("SELECT ing_trim(?)", [text]).fetchone()[0] == expected


def test_digit_strings_a_bigint_cannot_hold_are_text_never_rounded(con):
    plans = column_types(con, {
        "long": ["12345678901234567890", "22345678901234567890", "32345678901234567890"],
        "mixed": ["5", "7", "12345678901234567890"],
        "ratio": ["0.1234567890123456789012345", "0.5", "0.25"],
    })
    assert (plans["long"].type, plans["long"].likely) == (FieldType.STRING, None)
    assert (plans["mixed"].type, plans["mixed"].likely) == (FieldType.STRING, FieldType.INTEGER)
    assert (plans["ratio"].type, plans["ratio"].likely) == (FieldType.STRING, FieldType.NUMBER)
    source = layered("sample", list(plans.values()))
    assert con.execute(f"SELECT {', '.join(p.value_sql() for p in plans.values())} "
                       f"FROM {source}").fetchall() == [
        ("12345678901234567890", "5", "0.1234567890123456789012345"),
        ("22345678901234567890", "7", "0.5"), ("32345678901234567890", "12345678901234567890", "0.25")]
    assert misfits(con, "sample", list(plans.values()), "_row") == [
        {"row": 3, "column": "mixed", "value": "12345678901234567890", "expected": "integer"},
        {"row": 1, "column": "ratio", "value": "0.1234567890123456789012345", "expected": "number"}]


def strict_plan(kind: FieldType, clean: bool) -> ColumnPlan:
    """A column typed from a sample, as the fast path reads it."""
    plan = ColumnPlan("v", quote("v"))
    plan.type, plan.clean = kind, clean
    return plan


def strict_values(con, plan: ColumnPlan, cells: list):
    con.register("cells", pa.table({"v": pa.array(cells, pa.string())}))
    return [value for (value,) in con.execute(f"SELECT {plan.strict_value_sql()} FROM cells").fetchall()]


@pytest.mark.parametrize("clean", [True, False])
def test_the_fast_path_reads_an_empty_cell_it_did_not_foresee_as_empty(con, clean):
    assert strict_values(con, strict_plan(FieldType.INTEGER, clean), ["1", "\x00", " \x00", None, "2"]) == [
        1, None, None, None, 2]


@pytest.mark.parametrize("clean, stop", [(True, "unforeseen value"), (False, "misfit")])
def test_the_fast_path_stops_at_a_number_a_double_would_round(con, clean, stop):
    plan = strict_plan(FieldType.NUMBER, clean)
    assert strict_values(con, plan, ["0.5", "35.68123456789012", "0.30000000000000004"]) == [
        0.5, 35.68123456789012, 0.30000000000000004]
    for odd in ("12345678901234567890", "0.1234567890123456789012345"):
        with pytest.raises(duckdb.Error, match=stop):  # the careful path then reads every row
            strict_values(con, plan, ["0.5", odd])


@pytest.mark.parametrize("text, expected", [
    ("=1+2", "'=1+2"), ("+81", "'+81"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("福岡市", "福岡市"), ("a=b", "a=b"), ("", ""), (None, None)])
def test_dump_sql_neutralises_formulas_like_python(con, text, expected):
    from ingest.dump import neutralise, neutralised_sql

    sql = f"SELECT {neutralised_sql('v')} FROM (SELECT ?::VARCHAR AS v)"
    assert con.execute(sql, [text]).fetchone()[0] == expected
    assert neutralise(text) == expected
