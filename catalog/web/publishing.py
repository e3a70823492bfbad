"""Machine-readable outputs of the open catalog: DCAT-AP RDF, Atom, sitemap, robots.txt.

They always describe what the anonymous public may read, whoever asks (a signed-in staff
member gets the same files), so they can be cached and crawled safely.
"""

from __future__ import annotations

import json
import threading
import time

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, request, url_for

from catalog import db as database
from catalog.datasets.models import Dataset
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.publishing import feeds
from catalog.publishing.dcat import PREFIXES, CatalogGraph
from catalog.publishing.services import (
    CATALOG_PAGE_SIZE,
    RDF_FORMATS,
    catalog_version,
    public_dataset,
    public_datasets,
)
from catalog.showcase.models import Showcase, ShowcaseState

blueprint = Blueprint("publishing", __name__)
PUBLIC_CACHE = "public, max-age=300"


def _site_url() -> str:
    return current_app.config["SETTINGS"].site_url


def _serialize(graph, extension: str) -> bytes:
    rdflib_format = RDF_FORMATS[extension][0]
    options = {"context": {p: str(ns) for p, ns in PREFIXES.items()}, "auto_compact": True} \
        if rdflib_format == "json-ld" else {}
    return graph.serialize(format=rdflib_format, encoding="utf-8", **options)


def _rdf_response(body: bytes, extension: str) -> Response:
    response = Response(body, mimetype=RDF_FORMATS[extension][1])
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


class RenderedCatalog:
    """Rendered catalog pages, kept while the public catalog stays the same (building and
    serialising a page of RDF costs far more than a page view should). Entries are keyed
    by :func:`catalog_version` and expire after ``ttl`` seconds anyway (organization and
    category names can change without any dataset changing)."""

    def __init__(self, ttl: float = 600, size: int = 64):
        self.ttl, self.size = ttl, size
        self._entries: dict[tuple, tuple[float, bytes]] = {}
        self._lock = threading.Lock()

    def get_or_build(self, key: tuple, build) -> bytes:
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found and now - found[0] < self.ttl:
                return found[1]
        body = build()
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = (now, body)
        return body


@blueprint.route("/catalog.<any(ttl, rdf, jsonld):extension>")
def catalog(extension: str):
    """The DCAT-AP catalog, :data:`CATALOG_PAGE_SIZE` datasets a page (Hydra paging)."""
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        abort(400)
    page_number, site, db = int(page), _site_url(), database.session()

    def build() -> bytes:
        result = public_datasets(db, limit=CATALOG_PAGE_SIZE,
                                 offset=(page_number - 1) * CATALOG_PAGE_SIZE)
        builder = CatalogGraph(site)
        builder.add_catalog(result.datasets, result.last_modified)
        builder.add_paging(lambda n: f"{site}/catalog.{extension}?page={n}", result.total,
                           page_number, CATALOG_PAGE_SIZE)
        return _serialize(builder.graph, extension)

    key = (site, extension, page_number, CATALOG_PAGE_SIZE, *catalog_version(db))
    cache = current_app.extensions.setdefault("rendered_catalog", RenderedCatalog())
    return _rdf_response(cache.get_or_build(key, build), extension)


@blueprint.route("/dataset/<name>.<any(ttl, rdf, jsonld):extension>")
def dataset(name: str, extension: str):
    """One open dataset in DCAT-AP. Closed and missing datasets are both 404."""
    found = public_dataset(database.session(), name)
    if found is None:
        abort(404)
    builder = CatalogGraph(_site_url())
    builder.add_dataset(found)
    return _rdf_response(_serialize(builder.graph, extension), extension)


@blueprint.route("/dataset/<name>/datapackage.json")
def datapackage(name: str):
    """The open dataset's ingested tables as a Frictionless Data Package. Closed and
    missing datasets are both 404, and so is an open dataset without any table."""
    from catalog.publishing.datapackage import data_package
    from ingest.services import tables_by_resource

    db = database.session()
    found = public_dataset(db, name)
    if found is None:
        abort(404)
    package = data_package(found, tables_by_resource(db, [r.id for r in found.resources]),
                           _site_url())
    if not package["resources"]:
        abort(404)
    response = Response(json.dumps(package, ensure_ascii=False, indent=2),
                        mimetype="application/json")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@blueprint.route("/feeds/dataset.atom")
def atom():
    """New and updated open datasets."""
    from flask_babel import get_locale

    result = public_datasets(database.session(), limit=feeds.FEED_SIZE,
                             order_by=(Dataset.modified.desc(), Dataset.id))
    body = feeds.atom_feed(result.datasets, _site_url(),
                           _site_url() + url_for("publishing.atom"), str(get_locale()))
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@blueprint.route("/sitemap.xml")
def sitemap():
    site, db = _site_url(), database.session()
    entries = [feeds.SitemapEntry(f"{site}{path}") for path in
               ("/", "/dataset", "/organization", "/group", "/showcase", "/about", "/api-guide")]
    result = public_datasets(db, limit=feeds.SITEMAP_LIMIT, order_by=(Dataset.name,))
    entries += [feeds.SitemapEntry(f"{site}/dataset/{d.name}", d.modified)
                for d in result.datasets]
    entries += [feeds.SitemapEntry(f"{site}/organization/{name}") for name in db.scalars(
        sa.select(Organization.name).where(Organization.state == "active")
        .order_by(Organization.name))]
    entries += [feeds.SitemapEntry(f"{site}/group/{name}") for name in db.scalars(
        sa.select(Group.name).where(Group.state == "active").order_by(Group.name))]
    entries += [feeds.SitemapEntry(f"{site}/showcase/{name}", modified) for name, modified in
                db.execute(sa.select(Showcase.name, Showcase.modified)
                           .where(Showcase.state == ShowcaseState.ACTIVE.value)
                           .order_by(Showcase.name))]
    response = Response(feeds.sitemap(entries), mimetype="application/xml")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@blueprint.route("/robots.txt")
def robots():
    return Response(feeds.robots_txt(_site_url()), mimetype="text/plain")
