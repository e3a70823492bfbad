"""Judged queries of the search quality set.

Each query names the topics whose records are relevant (grade 2) or partly relevant
(grade 1), optionally only for one place or Western year: what a person searching would
want, decided when the query was written, not from any engine's output.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.search_quality.corpus import Record

POPULATION = ("population-municipal", "population-age", "population-projection")
TOURISM = ("tourists", "lodging", "tourist-spots")
CHILDCARE_TAGGED = ("childcare-facilities", "waiting-children", "child-support-centers")


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    relevant: tuple[str, ...]
    partly: tuple[str, ...] = ()
    place: str | None = None
    year: int | None = None

    def grade(self, record: Record) -> int:
        if self.place and record.place != self.place:
            return 0
        if self.year and record.year != self.year:
            return 0
        if record.topic in self.relevant or "*" in self.relevant:
            return 2
        return 1 if record.topic in self.partly else 0


QUERIES = [
    # Two-character words, which FTS5's trigram tokenizer cannot find at all.
    Query("人口", "two-char", POPULATION, ("births", "migration", "housing-vacancy")),
    Query("観光", "two-char", TOURISM, ("public-wifi",)),
    Query("統計", "two-char", ("consumer-prices", "household-income", "births", "manufacturing")),
    Query("防災", "two-char", ("shelters", "hazard-flood", "landslide", "disaster-damage",
                               "river-levels", "rainfall")),
    Query("道路", "two-char", ("traffic-volume", "road-closures", "bridges"), ("traffic-accidents",)),
    Query("河川", "two-char", ("river-levels", "water-quality"), ("hazard-flood",)),
    Query("選挙", "two-char", ("elections", "voters")),
    Query("農業", "two-char", ("agriculture-output", "farmland")),
    Query("漁業", "two-char", ("fishery",)),
    Query("介護", "two-char", ("care-facilities", "care-certification")),
    Query("予算", "two-char", ("budget",)),
    Query("給食", "two-char", ("school-lunch",)),
    Query("火災", "two-char", ("fire",)),
    Query("地価", "two-char", ("land-prices",)),
    Query("雇用", "two-char", ("businesses", "employment"), ("minimum-wage",)),
    Query("森林", "two-char", ("forest",)),
    Query("水質", "two-char", ("water-quality",)),
    Query("福岡", "two-char", ("*",), place="福岡市"),
    # Several words, and words inside longer ones.
    Query("北九州市 人口", "words", POPULATION, place="北九州市"),
    Query("福岡市 観光", "words", TOURISM, place="福岡市"),
    Query("避難所 一覧", "words", ("shelters",)),
    Query("保育所 定員", "words", ("childcare-facilities",)),
    Query("待機児童", "words", ("waiting-children",), ("after-school",)),
    Query("交通事故", "words", ("traffic-accidents",)),
    Query("感染症", "words", ("infectious",)),
    Query("要介護認定", "words", ("care-certification",)),
    Query("有効求人倍率", "words", ("employment",)),
    Query("消費者物価指数", "words", ("consumer-prices",)),
    Query("県内総生産", "words", ("household-income",)),
    Query("特定健診", "words", ("health-checkups",)),
    Query("ハザードマップ", "words", ("hazard-flood",)),
    Query("土砂災害", "words", ("landslide",), ("shelters",)),
    Query("空き家", "words", ("housing-vacancy",)),
    # Katakana / hiragana.
    Query("ジンコウ", "kana", POPULATION, ("births", "migration", "housing-vacancy")),
    Query("かんこう", "kana", TOURISM, ("public-wifi",)),
    Query("ほいくしょ", "kana", ("childcare-facilities",), ("waiting-children",)),
    Query("ゴミ", "kana", ("garbage-collection", "waste-amount")),
    Query("ばす", "kana", ("bus-stops",)),
    Query("こども", "kana", ("childcare-facilities", "after-school"),
          ("waiting-children", "child-support-centers")),
    Query("ひなんじょ", "kana", ("shelters",), ("disaster-damage",)),
    # Full-width and half-width.
    Query("ＡＥＤ", "width", ("aed",)),
    Query("ﾊﾞｽ停", "width", ("bus-stops",)),
    Query("ＰＭ２．５", "width", ("air-quality",)),
    Query("ｗｉｆｉ", "width", ("public-wifi",)),
    Query("ﾃﾞｰﾀ 人口", "width", POPULATION, ("births", "migration", "housing-vacancy")),
    # Synonyms (the default list).
    Query("育児", "synonym", CHILDCARE_TAGGED),
    Query("住民数", "synonym", ("population-municipal", "population-age"),
          ("population-projection", "births", "migration", "housing-vacancy")),
    Query("自動体外式除細動器", "synonym", ("aed",)),
    Query("保育園", "synonym", ("childcare-facilities",), ("waiting-children",)),
    Query("廃棄物", "synonym", ("waste-amount",), ("garbage-collection",)),
    Query("シニア", "synonym", ("care-facilities", "care-certification")),
    Query("無線LAN", "synonym", ("public-wifi",)),
    # English.
    Query("population", "english", POPULATION, ("births", "migration", "housing-vacancy")),
    Query("tourism", "english", TOURISM, ("public-wifi",)),
    Query("shelter", "english", ("shelters",)),
    Query("bus stops", "english", ("bus-stops",)),
    Query("air pollution", "english", ("air-quality",)),
    Query("budget", "english", ("budget",)),
    Query("hospitals", "english", ("hospitals",)),
    Query("voter turnout", "english", ("elections",)),
    # Romaji.
    Query("jinkou", "romaji", POPULATION, ("births", "migration", "housing-vacancy")),
    Query("kanko", "romaji", TOURISM, ("public-wifi",)),
    Query("hoikusho", "romaji", ("childcare-facilities",), ("waiting-children",)),
    Query("kosodate", "romaji", CHILDCARE_TAGGED),
    # Typing mistakes.
    Query("populaton", "typo", POPULATION, ("births", "migration", "housing-vacancy")),
    Query("tourisum", "typo", TOURISM, ("public-wifi",)),
    Query("避難書", "typo", ("shelters",)),
    Query("待機児堂", "typo", ("waiting-children",), ("after-school",)),
    Query("ハザードマプ", "typo", ("hazard-flood",)),
    # Era years (和暦) and Western years.
    Query("令和4年度 予算", "wareki", ("budget",), year=2022),
    Query("2021年 人口", "wareki", POPULATION, ("births", "migration"), year=2021),
    Query("令和5年 観光", "wareki", TOURISM, year=2023),
    Query("平成30年度", "wareki", ("*",), year=2018),
    Query("R3 選挙", "wareki", ("elections", "voters"), year=2021),
    # Column names of the records' tables.
    Query("緯度 経度", "columns", ("tourist-spots", "childcare-facilities", "aed", "shelters",
                                  "bus-stops", "parking", "public-wifi", "public-facilities")),
    Query("収容人数", "columns", ("shelters",)),
    Query("浸水深", "columns", ("hazard-flood",)),
    Query("健全度", "columns", ("bridges",)),
    Query("電話番号", "columns", ("child-support-centers", "hospitals", "public-facilities")),
]
