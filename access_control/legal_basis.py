"""Why a dataset is closed: its legal basis (根拠法令) and a note.

The legal basis is free text with a choice list (:class:`LegalBasis`): a choice is stored
as its Japanese name (「統計法 第41条」), whatever spelling or code it was given in; any
other law is kept as written (inventories name laws freely: 児童手当法, 道路法).
``legal_basis_text`` holds details (the article; for その他, which law or reason) and
``access_note`` a note. A restricted dataset must state its legal basis, and with その他
also say what it is (in the text or the note) when a person sets it; the catalog acting
on its own (a harvest closing personal data) is never stopped by a missing basis, since
that would leave the data open. Internal and open datasets may state one (for open data
it is the law the data is kept under).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import gettext as _

from access_control.levels import AccessLevel


class LegalBasis(StrEnum):
    """The usual legal bases; the API also accepts these codes for them."""

    PERSONAL_INFORMATION = "personal_information"  # 個人情報保護法
    STATISTICS_ACT_41 = "statistics_act_41"  # 統計法 第41条 (secrecy of statistical data)
    LOCAL_TAX_ACT_22 = "local_tax_act_22"  # 地方税法 第22条 (tax secrecy)
    CONTRACT = "contract"  # 契約上の制約 (licence or contract with the data's provider)
    OTHER = "other"  # その他: the free text names it


# (Japanese, English) names. The Japanese name is what is stored.
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
    """The name of a legal basis in ``locale`` (free text as it is)."""
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


def normalise(basis: str | None) -> str:
    """The stored form of a legal basis: a choice's Japanese name, else the text as given."""
    parsed = parse_legal_basis(basis)
    return LABELS[parsed][0] if parsed else (basis or "").strip()


def check_closure(level: str | None, basis: str, text: str, note: str) -> Closure:
    """Check the legal basis, its free text and the note for a dataset at ``level``."""
    result = Closure()
    basis = normalise(basis)
    if level in REQUIRED_FOR and not basis:
        result.errors["legal_basis"] = [
            _("A restricted dataset must state its legal basis (the law or contract "
              "that forbids publishing it)")
        ]
    elif (level in REQUIRED_FOR and parse_legal_basis(basis) == LegalBasis.OTHER
          and not (text or note)):
        result.errors["legal_basis_text"] = [
            _("With the legal basis \"Other\", name the law or reason")
        ]
    result.values = {"legal_basis": basis, "legal_basis_text": text, "access_note": note}
    return result
