"""DCAT-AP 3 output: open datasets only, and conforming to the official 3.0.1 shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from catalog import PROJECT_ROOT
from catalog.publishing import services
from tests import factories
from tests.catalog.publishing.conftest import SHAPES

# rdflib's own JSON-LD parser (used here only to read our output back) still builds a
# ConjunctiveGraph and warns about it; that is rdflib's business, not ours.
pytestmark = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
HYDRA = "http://www.w3.org/ns/hydra/core#"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
# The combined official shapes, plus the controlled-vocabulary shapes (not in the combined
# file) that check formats, frequencies and languages against the EU tables.
SHAPE_FILES = ("shacl_dcat-ap-SHACL.ttl", "html_shacl_mdr-vocabularies.shape.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(Path(PROJECT_ROOT, SHAPES, name), format="turtle")
    return graph


def violations(data: Graph, shapes: Graph) -> str:
    conforms, _report, text = validate(data, shacl_graph=shapes, inference="none",
                                       allow_warnings=True)
    return "" if conforms else text


def fetch(client, path: str, rdf_format: str) -> Graph:
    response = client.get(path)
    assert response.status_code == 200, path
    return Graph().parse(data=response.data, format=rdf_format)


@pytest.mark.parametrize("extension, rdf_format, mimetype", [
    ("ttl", "turtle", "text/turtle"), ("rdf", "xml", "application/rdf+xml"),
    ("jsonld", "json-ld", "application/ld+json")])
def test_catalog_conforms_to_dcat_ap_3(client, catalog, shapes, extension, rdf_format, mimetype):
    response = client.get(f"/catalog.{extension}")
    assert response.mimetype == mimetype
    graph = Graph().parse(data=response.data, format=rdf_format)
    assert violations(graph, shapes) == ""
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {URIRef(f"http://localhost/dataset/{catalog[key].id}")
                        for key in ("full", "minimal")}


def test_the_shapes_do_catch_mistakes(client, catalog, shapes):
    """The check is real: the same graph with an untyped licence or an unknown
    frequency IRI fails."""
    graph = fetch(client, "/catalog.ttl", "turtle")
    licence = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    graph.remove((licence, RDF.type, None))
    assert "LicenseDocument" in violations(graph, shapes)
    graph = fetch(client, "/catalog.ttl", "turtle")
    dataset = URIRef(f"http://localhost/dataset/{catalog['full'].id}")
    graph.set((dataset, DCTERMS.accrualPeriodicity, URIRef("http://example.jp/maitsuki")))
    assert violations(graph, shapes) != ""


def test_catalog_describes_itself_and_its_datasets(client, catalog):
    graph = fetch(client, "/catalog.ttl", "turtle")
    catalog_node = URIRef("http://localhost/catalog")
    assert Literal("福岡県データカタログ", lang="ja") in set(graph.objects(catalog_node, DCTERMS.title))
    assert graph.value(catalog_node, DCTERMS.description) is not None
    publisher = graph.value(catalog_node, DCTERMS.publisher)
    assert "福岡県" in {str(name) for name in graph.objects(publisher, URIRef(
        "http://xmlns.com/foaf/0.1/name"))}
    dataset = URIRef(f"http://localhost/dataset/{catalog['full'].id}")
    assert graph.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/MONTHLY")
    issued = graph.value(dataset, DCTERMS.issued)
    assert issued.datatype == XSD.dateTime
    period = graph.value(dataset, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    distributions = {graph.value(d, DCTERMS.title).value: d
                     for d in graph.objects(dataset, DCAT.distribution)}
    csv = distributions["jinko.csv"]
    assert graph.value(csv, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV")
    assert graph.value(csv, DCTERMS.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert str(graph.value(csv, DCAT.downloadURL)).endswith("/download/jinko.csv")
    assert graph.value(distributions["解説ページ"], DCAT.downloadURL) is None  # a page
    assert graph.value(distributions["解説ページ"], DCAT.accessURL) == URIRef(
        "https://example.jp/about")
    # Every node pointed at is typed (web addresses of files and contacts aside).
    not_nodes = {RDF.type, DCAT.accessURL, DCAT.downloadURL, VCARD.hasEmail, VCARD.hasTelephone}
    untyped = {str(node) for _subject, predicate, node in graph
               if predicate not in not_nodes and not str(predicate).startswith(HYDRA)
               and not isinstance(node, Literal) and (node, RDF.type, None) not in graph}
    assert untyped == set()


def test_catalog_is_paged_with_hydra(client, app, monkeypatch):
    monkeypatch.setattr(services, "CATALOG_PAGE_SIZE", 2)
    monkeypatch.setattr("catalog.web.publishing.CATALOG_PAGE_SIZE", 2)
    organization = factories.make_org()
    for number in range(5):
        factories.make_dataset(organization, name=f"d{number}")
    seen = set()
    url, pages = "/catalog.jsonld?page=1", 0
    while url:
        graph = fetch(client, url, "json-ld")
        seen |= set(graph.subjects(RDF.type, DCAT.Dataset))
        view = URIRef("http://localhost" + url)
        assert graph.value(view, URIRef(HYDRA + "totalItems")).value == 5
        following = graph.value(view, URIRef(HYDRA + "next"))
        url = str(following).removeprefix("http://localhost") if following else None
        pages += 1
    assert pages == 3 and len(seen) == 5
    assert client.get("/catalog.ttl?page=0").status_code == 400
    assert client.get("/catalog.ttl?page=abc").status_code == 400


def test_one_dataset_in_each_format(client, catalog, shapes):
    for extension, rdf_format in (("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")):
        graph = fetch(client, f"/dataset/jinko.{extension}", rdf_format)
        assert list(graph.subjects(RDF.type, DCAT.Dataset)) == [
            URIRef(f"http://localhost/dataset/{catalog['full'].id}")]
        assert violations(graph, shapes) == ""
    assert client.get("/dataset/himitsu.ttl").status_code == 404
    assert client.get("/dataset/missing.ttl").status_code == 404
    # The page itself is still the page.
    assert client.get("/dataset/jinko").mimetype == "text/html"


def test_closed_resources_of_open_datasets_are_left_out(client, catalog):
    sysadmin = factories.make_token(factories.make_user("root", sysadmin=True))
    client.post("/api/3/action/resource_create", headers={"Authorization": sysadmin},
                json={"package_id": "jinko", "name": "個票データ", "url": "https://example.jp/x.csv",
                      "access_level": "restricted"})
    assert "個票データ" not in client.get("/dataset/jinko.ttl").get_data(as_text=True)
    staff_view = client.get("/catalog.ttl", headers={"Authorization": sysadmin})
    assert "個票データ" not in staff_view.get_data(as_text=True)
    assert "非公開の集計" not in staff_view.get_data(as_text=True)  # always the public view


def test_jsonld_is_compact_json(client, catalog):
    document = json.loads(client.get("/dataset/jinko.jsonld").data)
    assert "@context" in document and "@graph" in document


def test_cached_catalog_pages_follow_every_change(client, catalog):
    """Rendered pages are cached, but closing a dataset or a resource shows at once."""
    sysadmin = factories.make_token(factories.make_user("root", sysadmin=True))
    headers = {"Authorization": sysadmin}
    assert "避難所一覧" in client.get("/catalog.ttl").get_data(as_text=True)
    client.post("/api/3/action/package_patch", headers=headers,
                json={"id": "hinanjo", "access_level": "internal"})
    assert "避難所一覧" not in client.get("/catalog.ttl").get_data(as_text=True)
    csv = next(r for r in catalog["full"].resources if r.url_type == "upload")
    assert "jinko.csv" in client.get("/catalog.ttl").get_data(as_text=True)
    client.post("/api/3/action/resource_patch", headers=headers,
                json={"id": csv.id, "access_level": "restricted"})
    assert "jinko.csv" not in client.get("/catalog.ttl").get_data(as_text=True)


def test_fast_turtle_writes_exactly_what_rdflib_writes(client, catalog):
    """catalog-turtle only skips work: its output is rdflib's Turtle, byte for byte."""
    from catalog.publishing.dcat import PREFIXES
    from catalog.publishing.turtle import NAME

    graph = fetch(client, "/catalog.ttl", "turtle")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    assert len(graph) > 100 and "/datastore/dump/" in graph.serialize(format="nt")
    assert graph.serialize(format=NAME) == graph.serialize(format="turtle")
