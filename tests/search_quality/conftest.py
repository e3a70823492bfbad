"""The quality set loaded into the catalog, once per engine and database."""

from __future__ import annotations

from tests.catalog.search.conftest import (  # noqa: F401 - fixtures shared with the contract tests
    engine_app,
    noida_es_url,
    search_url,
)
