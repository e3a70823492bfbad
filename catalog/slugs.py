"""URL names (slugs) for datasets, organizations and groups.

Names are ASCII, as CKAN requires. A Japanese title is romanised (Hepburn) so that the
URL stays readable: 「福岡県の人口」 becomes ``fukuokaken-no-jinkou``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

NAME_PATTERN = re.compile(r"^[a-z0-9_-]{2,100}$")
MAX_LENGTH = 90  # leaves room for a "-2" suffix within CKAN's 100


@lru_cache(maxsize=1)
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def is_valid_name(name: str) -> bool:
    """CKAN's rule (2-100 of a-z 0-9 - _) and not made of dashes and underscores only."""
    return bool(NAME_PATTERN.match(name)) and bool(re.search(r"[a-z0-9]", name))


def slugify(text: str, fallback: str = "dataset") -> str:
    """A readable ASCII name for ``text``; ``fallback`` when nothing readable remains."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    words = []
    for item in _kakasi().convert(text):
        words.append(item["hepburn"] if item["orig"] != item["hepburn"] else item["orig"])
    ascii_text = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)[:MAX_LENGTH].rstrip("-")
    return slug if is_valid_name(slug) else fallback


def unique_name(db: Session, column: sa.Column, base: str, exclude_id: str | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken in ``column``."""
    table_id = column.table.c.id
    taken = set(
        db.scalars(
            sa.select(column).where(
                sa.or_(column == base, column.like(f"{base}-%")),
                table_id != (exclude_id or ""),
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
