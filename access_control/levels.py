"""Access levels of datasets and resources."""

from __future__ import annotations

from enum import StrEnum


class AccessLevel(StrEnum):
    """How closed a dataset is. Ordered from most open to most closed."""

    OPEN = "open"  # public, published as open data
    INTERNAL = "internal"  # every signed-in staff member (庁内限定)
    RESTRICTED = "restricted"  # owning organization and explicit grants (限定公開)

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least_as_strict_as(self, other: "AccessLevel") -> bool:
        return self.rank >= other.rank

    @classmethod
    def strictest(cls, *levels: "AccessLevel | str | None") -> "AccessLevel":
        """The most closed of the given levels (``None`` entries are ignored)."""
        return max((cls(level) for level in levels if level), key=lambda level: level.rank)


_RANK = {AccessLevel.OPEN: 0, AccessLevel.INTERNAL: 1, AccessLevel.RESTRICTED: 2}
