"""The config keys every source understands, checked before a source is saved.

Each type adds its own keys (see its ``check_config``). Secrets (API tokens, appIds,
passwords in URLs) are hidden from everyone who may not manage the source.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

SECRET_KEYS = ("api_key", "token", "appId", "app_id", "password")
URL_PASSWORD = re.compile(r"(://[^:/@]*:)([^@]*)(@)")


@dataclass(frozen=True)
class BaseConfig:
    """The keys the base runner uses, with their defaults."""

    time_limit: int = 3600  # seconds for the whole job
    max_items: int | None = None  # harvest at most this many items per job
    retries: int = 3  # extra attempts for a failed request
    retry_backoff: float = 1.0  # first wait in seconds; doubles on each attempt
    request_timeout: float = 60.0  # seconds for one request
    on_missing: str | None = None  # "withdraw" or "report" (None: the type's default)
    allow_empty: bool = False  # accept a listing with no items at all
    default_tags: tuple[str, ...] = ()
    default_extras: tuple[tuple[str, str], ...] = ()
    override_extras: bool = False  # default_extras win over the source's own


def parse_config_text(value: Any) -> dict:
    """``config`` as given to the API: a JSON object, or a string holding one."""
    if value in (None, ""):
        return {}
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(str(value))
    except ValueError as error:
        raise ValueError(_("config is not valid JSON: %(error)s", error=str(error)[:200]))
    if not isinstance(parsed, dict):
        raise ValueError(_("config must be a JSON object"))
    return parsed


def check_base_config(config: dict) -> tuple[BaseConfig, list[str]]:
    """The base keys of ``config`` and the problems found in them."""
    problems: list[str] = []

    def number(key: str, default, minimum, maximum, kind=int):
        value = config.get(key, default)
        if value is None:
            return default
        try:
            number_value = kind(value)
        except (TypeError, ValueError):
            problems.append(_("%(key)s must be a number", key=key))
            return default
        if not minimum <= number_value <= maximum:
            problems.append(_("%(key)s must be between %(low)s and %(high)s",
                              key=key, low=minimum, high=maximum))
            return default
        return number_value

    on_missing = config.get("on_missing")
    if on_missing not in (None, "withdraw", "report"):
        problems.append(_("on_missing must be withdraw or report"))
        on_missing = None
    tags = config.get("default_tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        problems.append(_("default_tags must be a list of words"))
        tags = []
    extras = config.get("default_extras") or {}
    if not isinstance(extras, dict):
        problems.append(_("default_extras must be an object"))
        extras = {}
    base = BaseConfig(
        time_limit=number("time_limit", 3600, 1, 86400),
        max_items=number("max_items", None, 1, 10_000_000),
        retries=number("retries", 3, 0, 10),
        retry_backoff=number("retry_backoff", 1.0, 0, 60, float),
        request_timeout=number("request_timeout", 60.0, 0.1, 600, float),
        on_missing=on_missing,
        allow_empty=bool(config.get("allow_empty", False)),
        default_tags=tuple(tag.strip() for tag in tags if tag.strip()),
        default_extras=tuple((str(k), str(v)) for k, v in extras.items()),
        override_extras=bool(config.get("override_extras", False)),
    )
    return base, problems


def redact(config: dict) -> dict:
    """``config`` with secrets replaced by ``"***"``."""
    return {
        key: "***" if key in SECRET_KEYS and value else redact_url(value)
        if isinstance(value, str) else value
        for key, value in config.items()
    }


def redact_url(url: str) -> str:
    """A URL without the password it may carry (``postgresql://u:secret@h`` -> ``u:***@h``)."""
    return URL_PASSWORD.sub(r"\1***\3", url or "")
