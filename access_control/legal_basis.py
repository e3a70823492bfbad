"""Why a dataset is closed: its legal basis (根拠法令) and a note.

A restricted dataset must name its legal basis, and with ``other`` also say which law or
reason (in the free text or the note); an internal one may state a basis; an open one
has none (the fields are cleared when a dataset is opened, since they would mislead).
The basis is one of :class:`LegalBasis`, with free text for the article.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import gettext as _

from access_control.levels import AccessLevel


class LegalBasis(StrEnum):
    """The legal bases a closed dataset may cite (stored as these codes)."""

    PERSONAL_INFORMATION = "personal_information"  # 個人情報保護法
    STATISTICS_ACT_41 = "statistics_act_41"  # 統計法 第41条 (secrecy of statistical data)
    LOCAL_TAX_ACT_22 = "local_tax_act_22"  # 地方税法 第22条 (tax secrecy)
    CONTRACT = "contract"  # 契約上の制約 (licence or contract with the data's provider)
    OTHER = "other"  # その他: the free text names it


# (Japanese, English) labels; Japanese is also accepted as input.
LABELS: dict[LegalBasis, tuple[str, str]] = {
    LegalBasis.PERSONAL_INFORMATION: ("個人情報保護法", "Act on the Protection of Personal Information"),
    LegalBasis.STATISTICS_ACT_41: ("統計法 第41条", "Statistics Act, Article 41"),
    LegalBasis.LOCAL_TAX_ACT_22: ("地方税法 第22条", "Local Tax Act, Article 22"),
    LegalBasis.CONTRACT: ("契約上の制約", "Contractual restriction"),
    LegalBasis.OTHER: ("その他", "Other"),
}
# Which levels must state a legal basis.
REQUIRED_FOR = frozenset({AccessLevel.RESTRICTED})
FIELDS = ("legal_basis", "legal_basis_text", "access_note")


def _key(text: str) -> str:
    """Comparison key: NFKC, no spaces, lower case (「統計法第４１条」 = 「統計法 第41条」)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


_BY_INPUT = {
    _key(text): basis
    for basis, labels in LABELS.items()
    for text in (basis.value, *labels)
}


def parse_legal_basis(value: str | None) -> LegalBasis | None:
    """The basis for a code or a label in either language; ``None`` when unknown/empty."""
    return _BY_INPUT.get(_key(value or ""))


def label(value: str | None, locale: str = "ja") -> str:
    """The label of a stored code (the value itself if it is not a known code)."""
    basis = parse_legal_basis(value)
    if basis is None:
        return value or ""
    japanese, english = LABELS[basis]
    return english if locale == "en" else japanese


@dataclass
class Closure:
    """Checked closure fields: ``values`` to store and per-field ``errors``."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)


def check_closure(level: str | None, basis: str, text: str, note: str) -> Closure:
    """Check the legal basis, its free text and the note for a dataset at ``level``."""
    result = Closure()
    if level == AccessLevel.OPEN:
        result.values = {name: "" for name in FIELDS}
        return result
    parsed = parse_legal_basis(basis)
    if basis and parsed is None:
        choices = "、".join(japanese for japanese, _english in LABELS.values())
        result.errors["legal_basis"] = [
            _("Choose the legal basis from: %(choices)s", choices=choices)
        ]
    elif parsed is None and level in REQUIRED_FOR:
        result.errors["legal_basis"] = [
            _("A restricted dataset must state its legal basis (the law or contract "
              "that forbids publishing it)")
        ]
    elif parsed == LegalBasis.OTHER and level in REQUIRED_FOR and not (text or note):
        result.errors["legal_basis_text"] = [
            _("With the legal basis \"Other\", name the law or reason")
        ]
    result.values = {
        "legal_basis": parsed.value if parsed else "",
        "legal_basis_text": text,
        "access_note": note,
    }
    return result
