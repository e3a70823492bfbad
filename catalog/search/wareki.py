"""Japanese era years (和暦) and their Western years (西暦): 令和5年 = 2023.

Documents and queries both gain the Western year as a term, so a search for 令和5年
finds "2023年度" and a search for 2023 finds "令和5年度".
"""

from __future__ import annotations

import re

# First Western year of each era (year 1 of the era).
ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_INITIALS = {"m": "明治", "t": "大正", "s": "昭和", "h": "平成", "r": "令和"}

# Works on normalised text (NFKC, lower case): "令和5年", "令和元年度", "r5", "h30年度".
ERA_YEAR = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和)\s*(?P<year>元|\d{1,2})\s*年?"
    r"|(?<![0-9a-z])(?P<initial>[mtshr])\s?(?P<short>元|\d{1,2})(?![0-9a-z])"
)


def era_to_year(era: str, year: str) -> int | None:
    """The Western year of ``year`` (digits or 元) of ``era`` (name or initial)."""
    era = _INITIALS.get(era, era)
    if era not in ERAS:
        return None
    number = 1 if year == "元" else int(year)
    if number < 1 or number > 64:
        return None
    return ERAS[era] + number - 1


def western_years(normalised_text: str) -> list[tuple[int, int, int]]:
    """(start, end, Western year) of every era year in ``normalised_text``."""
    found = []
    for match in ERA_YEAR.finditer(normalised_text):
        era = match.group("era") or match.group("initial")
        year = match.group("year") or match.group("short")
        western = era_to_year(era, year)
        if western is not None:
            found.append((match.start(), match.end(), western))
    return found
