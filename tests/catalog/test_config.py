"""Settings from CATALOG_* environment variables."""

from catalog.config import DEFAULT_MAX_UPLOAD_BYTES, Settings


def test_embedded_defaults(tmp_path):
    settings = Settings.from_env({"CATALOG_INSTANCE_DIR": str(tmp_path / "instance")})
    assert settings.database_url == f"sqlite:///{tmp_path / 'instance' / 'catalog.sqlite'}"
    assert settings.storage_url == str(tmp_path / "instance" / "files")
    assert settings.search_url == "" and settings.redis_url == ""
    assert settings.default_locale == "ja"
    assert settings.max_upload_bytes == DEFAULT_MAX_UPLOAD_BYTES
    assert settings.s3_endpoint_url == "" and settings.job_queue_name == "catalog"
    assert settings.link_fetch_allow_private is False
    assert settings.datastore_sql_timeout == 10 and settings.datastore_sql_max_rows == 32000
    assert settings.duckdb_memory_limit == "512MB"
    assert settings.mail_url == "" and settings.mail_from == "catalog@localhost"
    assert settings.trusted_proxies == 0  # X-Forwarded-* ignored unless a proxy is named
    # A secret is generated once and kept, so sessions survive restarts.
    again = Settings.from_env({"CATALOG_INSTANCE_DIR": str(tmp_path / "instance")})
    assert len(settings.secret_key) > 40 and again.secret_key == settings.secret_key


def test_everything_is_configurable(tmp_path):
    settings = Settings.from_env({
        "CATALOG_INSTANCE_DIR": str(tmp_path),
        "CATALOG_DATABASE_URL": "postgresql+psycopg://u@db/catalog",
        "CATALOG_STORAGE_URL": "s3://bucket/prefix",
        "CATALOG_SEARCH_URL": "http://es:9200",
        "CATALOG_REDIS_URL": "redis://redis:6379/0",
        "CATALOG_SECRET_KEY": "k",
        "CATALOG_SITE_URL": "https://data.pref.fukuoka.example/",
        "CATALOG_DEFAULT_LOCALE": "en",
        "CATALOG_MAX_UPLOAD_BYTES": "1024",
        "CATALOG_S3_ENDPOINT_URL": "http://minio:9000",
        "CATALOG_JOB_QUEUE": "catalog-test",
        "CATALOG_LINK_FETCH_ALLOW_PRIVATE": "true",
        "CATALOG_DATASTORE_SQL_TIMEOUT": "2.5",
        "CATALOG_DATASTORE_SQL_MAX_ROWS": "100",
        "CATALOG_DUCKDB_MEMORY_LIMIT": "1GB",
        "CATALOG_MAIL_URL": "smtp://mail.pref.fukuoka.example:587?starttls=true",
        "CATALOG_MAIL_FROM": "opendata@pref.fukuoka.example",
        "CATALOG_TRUSTED_PROXIES": "1",
    })
    assert settings.database_url.startswith("postgresql")
    assert settings.storage_url == "s3://bucket/prefix"
    assert settings.search_url == "http://es:9200"
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.secret_key == "k"
    assert settings.site_url == "https://data.pref.fukuoka.example"
    assert settings.default_locale == "en" and settings.max_upload_bytes == 1024
    assert settings.s3_endpoint_url == "http://minio:9000"
    assert settings.job_queue_name == "catalog-test" and settings.link_fetch_allow_private
    assert settings.datastore_sql_timeout == 2.5 and settings.datastore_sql_max_rows == 100
    assert settings.duckdb_memory_limit == "1GB"
    assert settings.mail_url == "smtp://mail.pref.fukuoka.example:587?starttls=true"
    assert settings.mail_from == "opendata@pref.fukuoka.example"
    assert settings.trusted_proxies == 1


def test_a_proxy_count_that_is_not_a_number_is_refused(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="CATALOG_TRUSTED_PROXIES"):
        Settings.from_env({"CATALOG_INSTANCE_DIR": str(tmp_path), "CATALOG_TRUSTED_PROXIES": "yes"})
