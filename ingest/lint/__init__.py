"""The machine-readability report of an ingested file: findings under the rules of
:mod:`ingest.lint.rules`, a 0-100 score and a 5-star open-data rating."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.lint.rules import RULES, Severity

# Points lost once per rule broken (a rule broken in many cells costs the same).
PENALTY = {Severity.ERROR: 15, Severity.WARNING: 7, Severity.INFO: 2}
MAX_FINDINGS_PER_RULE = 20


@dataclass
class Finding:
    rule: str
    message: str
    sheet: str = ""
    row: int | None = None  # 1-based, as the file shows it
    column: str = ""  # column letter (Excel) or name
    count: int = 1  # cells or rows concerned
    fix: str = ""  # how to fix this case, when the rule's general fix does not say it

    def as_dict(self) -> dict:
        rule = RULES[self.rule]
        return {"rule": self.rule, "level": rule.level, "severity": rule.severity.value,
                "title": rule.title, "message": self.message, "fix": self.fix or rule.fix,
                "fixed_in_clean_csv": rule.fixed_in_clean_csv, "sheet": self.sheet,
                "row": self.row, "column": self.column, "count": self.count}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    score: int = 100
    stars: int = 0
    identifier_columns: list[str] = field(default_factory=list)  # URIs, local government codes

    def add(self, rule: str, message: str, **where) -> None:
        if sum(1 for f in self.findings if f.rule == rule) < MAX_FINDINGS_PER_RULE:
            self.findings.append(Finding(rule, message, **where))

    def rules_broken(self) -> set[str]:
        return {finding.rule for finding in self.findings}

    def as_dicts(self) -> list[dict]:
        return [finding.as_dict() for finding in sorted(
            self.findings, key=lambda f: (f.rule, f.sheet, f.row or 0))]


def score(report: Report) -> int:
    return max(0, 100 - sum(PENALTY[RULES[rule].severity] for rule in report.rules_broken()))


def lint(con, result) -> Report:
    """Check an ingested file (:class:`ingest.pipeline.IngestResult`)."""
    from ingest.lint.checks import check_file, check_table, stars
    from ingest.lint.values import check_values

    report = Report()
    check_file(report, result)
    for table in result.tables:
        check_table(report, table)
        check_values(report, table)
    report.score = score(report)
    report.stars = stars(result, report)
    return report


def refused_report(message: str) -> Report:
    """The report of a file that is no table at all."""
    report = Report()
    report.add("L1-01", message)
    report.score, report.stars = 0, 0
    return report
