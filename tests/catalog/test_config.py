"""Settings from CATALOG_* environment variables."""

from catalog.config import DEFAULT_MAX_UPLOAD_BYTES, Settings


def test_embedded_defaults(tmp_path):
    settings = Settings.from_env({"CATALOG_INSTANCE_DIR": str(tmp_path / "instance")})
    assert settings.database_url == f"sqlite:///{tmp_path / 'instance' / 'catalog.sqlite'}"
    assert settings.storage_url == str(tmp_path / "instance" / "files")
    assert settings.search_url == "" and settings.redis_url == ""
    assert settings.default_locale == "ja"
    assert settings.max_upload_bytes == DEFAULT_MAX_UPLOAD_BYTES
    assert settings.mail_url == "" and settings.mail_from == "catalog@localhost"
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
        "CATALOG_MAIL_URL": "smtp://mail.pref.fukuoka.example:587?starttls=true",
        "CATALOG_MAIL_FROM": "opendata@pref.fukuoka.example",
    })
    assert settings.database_url.startswith("postgresql")
    assert settings.storage_url == "s3://bucket/prefix"
    assert settings.search_url == "http://es:9200"
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.secret_key == "k"
    assert settings.site_url == "https://data.pref.fukuoka.example"
    assert settings.default_locale == "en" and settings.max_upload_bytes == 1024
    assert settings.mail_url == "smtp://mail.pref.fukuoka.example:587?starttls=true"
    assert settings.mail_from == "opendata@pref.fukuoka.example"
