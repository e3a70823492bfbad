"""Reading and checking values of a data_dict, with CKAN-style per-field errors."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _

from catalog.api.errors import ValidationError

MISSING = object()


def require(data: dict, key: str, *aliases: str) -> Any:
    """The value of ``key`` (or the first present alias); a Validation Error when missing."""
    for name in (key, *aliases):
        value = data.get(name)
        if value not in (None, ""):
            return value
    raise ValidationError({key: [_("Missing value")]})


def as_bool(value: Any, default: bool = False) -> bool:
    """CKAN's boolean conversion: true/false, yes/no, 1/0, on/off, in any case."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on", "t", "y"):
        return True
    if text in ("false", "0", "no", "off", "f", "n"):
        return False
    raise ValidationError({"value": [_("Not a boolean: %(value)s", value=str(value)[:50])]})


# The largest integer a database column (BIGINT) or a query's LIMIT/OFFSET holds.
LARGEST_INT = 2**63 - 1


def as_int(
    data: dict, key: str, default: int, *, minimum: int = 0, maximum: int | None = None
) -> int:
    """An integer parameter within bounds (at most :data:`LARGEST_INT` when no maximum
    is given); a Validation Error names the field otherwise."""
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError({key: [_("Invalid integer")]}) from None
    if number < minimum:
        raise ValidationError({key: [_("Must be at least %(n)s", n=minimum)]})
    limit = LARGEST_INT if maximum is None else maximum
    if number > limit:
        raise ValidationError({key: [_("Must be at most %(n)s", n=limit)]})
    return number


def as_list(value: Any, key: str) -> list:
    """A list given as a list, a JSON array string (CKAN's GET style) or a single value."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            raise ValidationError({key: [_("Not a valid JSON list")]}) from None
        if isinstance(parsed, list):
            return parsed
    return [value]
