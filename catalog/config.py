"""Settings read from ``CATALOG_*`` environment variables, with embedded defaults.

Every swappable engine is chosen here by a URL: an empty or local value selects the
embedded engine (SQLite, a local folder, SQL search, in-process jobs), and a server URL
selects the engine for scale (PostgreSQL, S3, Elasticsearch, Redis, an SMTP server).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Mapping

DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    storage_url: str
    search_url: str
    redis_url: str
    secret_key: str
    site_url: str
    default_locale: str
    max_upload_bytes: int
    s3_endpoint_url: str
    job_queue_name: str
    link_fetch_allow_private: bool
    datastore_sql_timeout: float
    datastore_sql_max_rows: int
    duckdb_memory_limit: str
    mail_url: str
    mail_from: str
    trusted_proxies: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read settings from ``environ`` (default ``os.environ``).

        The instance directory is created if missing: it holds the SQLite file, the
        local file store and the generated secret key of an embedded installation.
        """
        env = os.environ if environ is None else environ
        instance_dir = Path(env.get("CATALOG_INSTANCE_DIR") or "instance").resolve()
        instance_dir.mkdir(parents=True, exist_ok=True)
        return cls(
            instance_dir=instance_dir,
            database_url=env.get("CATALOG_DATABASE_URL")
            or f"sqlite:///{instance_dir / 'catalog.sqlite'}",
            storage_url=env.get("CATALOG_STORAGE_URL") or str(instance_dir / "files"),
            search_url=env.get("CATALOG_SEARCH_URL", ""),
            redis_url=env.get("CATALOG_REDIS_URL", ""),
            secret_key=env.get("CATALOG_SECRET_KEY") or _instance_secret(instance_dir),
            site_url=(env.get("CATALOG_SITE_URL") or "http://127.0.0.1:5000").rstrip("/"),
            default_locale=env.get("CATALOG_DEFAULT_LOCALE") or "ja",
            max_upload_bytes=int(env.get("CATALOG_MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES),
            s3_endpoint_url=env.get("CATALOG_S3_ENDPOINT_URL", ""),
            job_queue_name=env.get("CATALOG_JOB_QUEUE") or "catalog",
            link_fetch_allow_private=_flag(env.get("CATALOG_LINK_FETCH_ALLOW_PRIVATE", "")),
            datastore_sql_timeout=float(env.get("CATALOG_DATASTORE_SQL_TIMEOUT") or 10),
            datastore_sql_max_rows=int(env.get("CATALOG_DATASTORE_SQL_MAX_ROWS") or 32000),
            duckdb_memory_limit=env.get("CATALOG_DUCKDB_MEMORY_LIMIT") or "512MB",
            mail_url=env.get("CATALOG_MAIL_URL", ""),
            mail_from=env.get("CATALOG_MAIL_FROM") or "catalog@localhost",
            trusted_proxies=_count(env, "CATALOG_TRUSTED_PROXIES"),
        )

    def with_overrides(self, overrides: Mapping[str, object]) -> "Settings":
        """Return a copy with the given fields replaced (used by tests and the CLI)."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        return replace(self, **overrides)


def _count(env: Mapping[str, str], name: str) -> int:
    value = (env.get(name) or "0").strip()
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _instance_secret(instance_dir: Path) -> str:
    """A random secret kept in the instance directory, so sessions survive restarts
    without anyone having to invent (or commit) a key."""
    path = instance_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
