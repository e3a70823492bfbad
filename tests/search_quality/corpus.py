"""The 310 records of the search quality set: five of each topic, varied the way real
catalogs vary (place, year written as 和暦 or 西暦, full-width letters, half-width kana,
ごみ/ゴミ, English summaries on some)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.search_quality.topics import PLACES, TOPICS, YEARS, Topic
from catalog.search.wareki import era_to_year

RECORDS_PER_TOPIC = 5
_HALF_WIDTH = {"データ": "ﾃﾞｰﾀ", "センター": "ｾﾝﾀｰ", "バス": "ﾊﾞｽ", "スポット": "ｽﾎﾟｯﾄ",
               "クラブ": "ｸﾗﾌﾞ", "カレンダー": "ｶﾚﾝﾀﾞｰ", "ホテル": "ﾎﾃﾙ"}
_FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@dataclass(frozen=True)
class Record:
    name: str
    topic: str
    place: str
    year: int | None  # Western year the record is about, if any
    org: str
    group: str
    title: str
    notes: str
    tags: tuple[str, ...]
    columns: tuple[str, ...]
    formats: tuple[str, ...]


def _year_number(text: str) -> int:
    if text[:2] in ("令和", "平成"):
        number = text[2:].rstrip("年度")
        return era_to_year(text[:2], number)
    return int(text[:4])


def _vary(text: str, variant: int) -> str:
    """Real-world spelling variation, by record."""
    if variant == 1:
        for word in ("AED", "GTFS", "PM2.5", "Wi-Fi", "LAN", "DX"):
            text = text.replace(word, word.translate(_FULL_WIDTH))
    if variant == 2:
        for word, half in _HALF_WIDTH.items():
            text = text.replace(word, half)
    if variant == 3:
        text = text.replace("ごみ", "ゴミ").replace("子ども", "こども").replace("いちご", "イチゴ")
    return text


def _record(topic: Topic, index: int, serial: int) -> Record:
    place = PLACES[(serial * 5 + index) % len(PLACES)]
    uses_year = "{year}" in topic.title
    year_text = YEARS[(serial * 3 + index) % len(YEARS)] if uses_year else ""
    title = _vary(topic.title.format(place=place, year=year_text), index)
    notes = topic.notes.format(place=place, year=year_text)
    if topic.english and index in (0, 3):
        notes += "\n\n" + topic.english
    if uses_year:
        notes += f"\n\n対象期間: {year_text}"
    return Record(
        name=f"{topic.key}-{index + 1}", topic=topic.key, place=place if "{place}" in topic.title else "",
        year=_year_number(year_text) if year_text else None, org=topic.org, group=topic.group,
        title=title, notes=_vary(notes, index), tags=topic.tags, columns=topic.columns,
        formats=topic.formats,
    )


def records() -> list[Record]:
    """Every record of the quality set, in a fixed order."""
    return [_record(topic, index, serial)
            for serial, topic in enumerate(TOPICS)
            for index in range(RECORDS_PER_TOPIC)]
