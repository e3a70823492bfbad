"""The demo catalog: at least five published use cases, each linked to open datasets, and
a DCAT-AP catalog without a violation of the official shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from catalog import PROJECT_ROOT
from tests.catalog.publishing.conftest import SHAPES
from tests.catalog.publishing.test_dcat import SHAPE_FILES
from tests.helpers import result

pytestmark = pytest.mark.slow


def load(app) -> str:
    from catalog.demo import load_demo

    with app.app_context():
        return load_demo()


def test_demo_use_cases_and_catalog(app, client):
    assert "6 use cases created" in load(app)
    assert "0 use cases created" in load(app)  # idempotent like the rest of the demo

    showcases = result(client, "ckanext_showcase_list", _method="GET", limit=100)
    assert len(showcases) >= 5
    for showcase in showcases:
        datasets = result(client, "ckanext_showcase_package_list", showcase_id=showcase["id"])
        assert datasets and all(not dataset["private"] for dataset in datasets)
        assert showcase["image_url"]
    types = {showcase["showcase_type"] for showcase in showcases}
    assert {"app", "visualization", "report", "research", "article"} <= types

    shapes = Graph()
    for name in SHAPE_FILES:
        shapes.parse(Path(PROJECT_ROOT, SHAPES, name), format="turtle")
    catalog = Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    conforms, _graph, text = validate(catalog, shacl_graph=shapes, inference="none",
                                      allow_warnings=True)
    assert conforms, text
    open_count = result(client, "package_search", rows=0, include_private=False)["count"]
    assert len(set(catalog.subjects(RDF.type, DCAT.Dataset))) == open_count >= 30
