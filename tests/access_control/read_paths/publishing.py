"""Read paths of publishing (DCAT, feeds, sitemaps) and use cases (showcase pages).

These publish open data only, to everyone: closed markers must never appear, whoever
asks, so no marker is required (``reveals`` is empty)."""

from __future__ import annotations

from tests.access_control.read_paths import read_path
from tests.access_control.read_paths._world import SHOWCASE


@read_path("DCAT catalog and dataset documents")
def dcat(world, caller):
    texts = [caller.get(f"/catalog.{extension}")[1] for extension in ("ttl", "rdf", "jsonld")]
    texts += [caller.get(f"/dataset/{secret.dataset_name}.{extension}")[1]
              for secret in world.secrets for extension in ("ttl", "rdf", "jsonld")]
    return "\n".join(texts)


@read_path("feeds, sitemap and popular datasets")
def feeds_and_sitemap(world, caller):
    sitemap = caller.get("/sitemap.xml")[1]
    texts = [caller.get("/feeds/dataset.atom")[1], sitemap,
             caller.api("popular_package_list")[1]]
    texts += [s.markers["exists"] for s in world.secrets
              if "exists" in s.markers and f"/dataset/{s.dataset_name}<" in sitemap]
    return "\n".join(texts)


@read_path("use cases linking closed datasets")
def showcases(world, caller):
    texts = [caller.get(path)[1] for path in ("/showcase", f"/showcase/{SHOWCASE}", "/")]
    texts += [caller.api(action, **params)[1] for action, params in (
        ("ckanext_showcase_show", {"id": SHOWCASE}),
        ("ckanext_showcase_package_list", {"showcase_id": SHOWCASE}),
        ("ckanext_showcase_list", {}), ("showcase_search", {}))]
    texts += [caller.api("ckanext_package_showcase_list", package_id=s.dataset_name)[1]
              for s in world.secrets]
    return "\n".join(texts)
