"""Controlled values of dataset fields: update frequencies, with labels and EU IRIs."""

from __future__ import annotations

from dataclasses import dataclass

EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"


@dataclass(frozen=True)
class Frequency:
    code: str
    label: str  # Japanese
    label_en: str
    iri: str


FREQUENCIES: tuple[Frequency, ...] = (
    Frequency("continuous", "随時", "Continuously updated", EU_FREQUENCY + "UPDATE_CONT"),
    Frequency("daily", "毎日", "Daily", EU_FREQUENCY + "DAILY"),
    Frequency("weekly", "毎週", "Weekly", EU_FREQUENCY + "WEEKLY"),
    Frequency("monthly", "毎月", "Monthly", EU_FREQUENCY + "MONTHLY"),
    Frequency("quarterly", "四半期ごと", "Quarterly", EU_FREQUENCY + "QUARTERLY"),
    Frequency("annual", "毎年", "Annual", EU_FREQUENCY + "ANNUAL"),
    Frequency("irregular", "不定期", "Irregular", EU_FREQUENCY + "IRREG"),
    Frequency("never", "更新なし", "Never", EU_FREQUENCY + "NEVER"),
)

_BY_CODE = {frequency.code: frequency for frequency in FREQUENCIES}


def get_frequency(code: str | None) -> Frequency | None:
    return _BY_CODE.get(code or "")
