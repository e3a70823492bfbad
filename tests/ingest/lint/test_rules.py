"""The machine-readability report of each real file finds what its README says is wrong."""

from __future__ import annotations

from ingest.lint import PENALTY, Report, refused_report, score
from ingest.lint.rules import RULES, Severity
from tests.ingest.conftest import findings, fixture


def rules_of(result) -> set[str]:
    return {f["rule"] for f in result.report.as_dicts()}


def test_every_rule_has_a_japanese_title_and_fix():
    assert [rule_id for rule_id in RULES if rule_id.startswith("L1")] == [f"L1-{n:02d}" for n in range(1, 11)]
    assert RULES["L3-09"].level == 3 and len(RULES) == 28
    for rule in RULES.values():
        assert any("\u3040" <= ch <= "\u30ff" for ch in rule.title + rule.fix), rule.id


def test_score_counts_each_broken_rule_once():
    report = Report()
    for _ in range(5):
        report.add("L1-06", "結合セル")
    report.add("L3-01", "文字コード")
    assert score(report) == 100 - PENALTY[Severity.ERROR] - PENALTY[Severity.INFO]
    assert refused_report("HTML").as_dicts()[0]["rule"] == "L1-01"


def test_statistics_table_findings(ingest):
    result = ingest(fixture("jinko-dotai-h29_cp932.csv"))
    assert {"L1-05", "L1-08", "L1-10", "L2-05", "L2-06", "L2-07", "L3-01", "L3-03"} <= rules_of(result)
    title_rows = findings(result, "L1-05")[0]
    assert title_rows["row"] == 1 and "表題" in title_rows["message"] and title_rows["fix"]
    layout = [f for f in findings(result, "L1-08") if "総　数" in f["message"]]
    assert layout and layout[0]["row"] == 3
    platform = findings(result, "L1-10")[0]
    assert platform["row"] == 5 and platform["column"] == "列1" and "①" in platform["message"]
    assert findings(result, "L2-07")[0]["message"].startswith("見出しが 2 行（3〜4行目）")
    assert "Shift_JIS" in findings(result, "L3-01")[0]["message"]
    assert findings(result, "L3-03")[0]["count"] == 32
    assert result.report.stars == 3 and result.report.score < 50
    # The UTF-8 copy has no ① and no legacy encoding.
    utf8 = ingest(fixture("jinko-dotai-h29_utf8.csv"))
    assert "L1-10" not in rules_of(utf8) and "L3-01" not in rules_of(utf8)


def test_wareki_findings(ingest):
    result = ingest(fixture("wareki-and-time-codes.csv"))
    assert {f["column"] for f in findings(result, "L2-04")} == {"jp_cal1", "jp_cal2", "jp_cal3"}
    full_width = findings(result, "L3-09")
    assert full_width[0]["column"] == "jp_cal1" and "令和２年" in full_width[0]["message"]


def test_units_and_two_values_findings(ingest):
    result = ingest(fixture("numbers-with-units.csv"))
    not_numbers = findings(result, "L2-01")
    assert [(f["row"], f["column"]) for f in not_numbers] == [(8, "数値間違いあり"), (9, "数値間違いあり")]
    units = {f["column"]: f["message"] for f in findings(result, "L2-02")}
    assert "「円」" in units["単位揃い"] and "混在" in units["単位揃わず"]
    two_values = findings(result, "L1-09")
    assert two_values[0]["row"] == 9 and "1(10)" in two_values[0]["message"]


def test_split_table_findings(ingest):
    result = ingest(fixture("split-table.csv"))
    split = findings(result, "L1-03")[0]
    assert split["row"] == 23 and split["severity"] == "error"
    assert {f["message"].split("（")[0] for f in findings(result, "L2-08")} >= {"表の途中に空行が 1 行あります",
                                                                              "表の途中に空の列があります"}
    assert {f["row"] for f in findings(result, "L2-01")} == {39, 40, 42}


def test_merged_cells_notes_and_formatting_findings(ingest):
    result = ingest(fixture("jnto-visitor-arrivals-merged-cells.xlsx"))
    merged = {f["sheet"]: f for f in findings(result, "L1-06")}
    assert merged["2021"]["count"] == 51 and merged["2021"]["row"] == 4
    notes = [f for f in findings(result, "L1-05") if f["sheet"] == "2021"]
    assert [f["row"] for f in notes] == [1, 58]  # title and note rows above, 注１/注２ below
    assert any(f["sheet"] == "2021" for f in findings(result, "L1-07"))  # italic estimates
    assert result.report.stars == 2  # Excel: structured, not an open format


def test_metadata_rows_and_lat_lon_findings(ingest):
    result = ingest(fixture("takamatsu-aed-with-metadata-preamble.csv"))
    metadata = findings(result, "L3-06")[0]
    assert metadata["row"] == 1 and "#license" in metadata["message"]
    assert findings(result, "L3-08")[0]["column"] == "location"


def test_header_space_and_dates_findings(ingest):
    result = ingest(fixture("takamatsu-hospitals.csv"))
    assert findings(result, "L3-04")[0]["column"] == "openingDate"
    assert {f["column"] for f in findings(result, "L2-01")} == {"numberOfBeds"}
    header = [f for f in findings(result, "L1-08") if f["column"] == ""]
    assert header and "telephone\u3000number" in header[0]["message"] and header[0]["row"] == 1
    assert result.report.stars == 4  # prefCode: local government codes identify the city
