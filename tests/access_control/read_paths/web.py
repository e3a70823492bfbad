"""Read paths through the HTML pages."""

from __future__ import annotations

import re
from urllib.parse import quote

from tests.access_control.read_paths import read_path


def _without_echo(page: str) -> str:
    """The page without what only repeats the request (title, forms, link targets), so
    that searching for a marker does not count as finding it."""
    page = re.sub(r"<title>.*?</title>|<form.*?</form>", "", page, flags=re.DOTALL)
    return re.sub(r'href="[^"]*"', "", page)


def _count_on_card(page: str, path: str) -> int:
    """The dataset count on the card linking to ``path`` (organization/category lists)."""
    match = re.search(re.escape(f'href="{path}"') + r'[^<]*<span class="count">\D*(\d+)', page)
    return int(match.group(1)) if match else 0


@read_path("page: home", reveals={"title"})
def home(world, caller):
    return caller.get("/")[1]


@read_path("page: dataset search", reveals={"title", "tag", "exists"})
def search_pages(world, caller):
    texts = [caller.get("/dataset")[1], caller.get("/dataset?sort=title")[1]]
    for secret in world.secrets:
        for value in secret.markers.values():
            texts.append(_without_echo(caller.get(f"/dataset?q={quote(value)}")[1]))
        if "tag" in secret.markers:
            page = caller.get(f"/dataset?tags={quote(secret.markers['tag'])}")[1]
            texts.append(_without_echo(page))
            if re.search(r'id="results-heading">[1-9]', page):
                texts.append(secret.markers["exists"])
    return "\n".join(texts)


@read_path("page: dataset", reveals={"title", "notes", "tag", "resname"})
def dataset_pages(world, caller):
    return "\n".join(caller.get(f"/dataset/{reference}")[1] for s in world.secrets
                     for reference in (s.dataset_name, s.dataset_id))


@read_path("page: organizations", reveals={"title", "exists"})
def organization_pages(world, caller):
    index = caller.get("/organization")[1]
    texts = [index]
    for secret in world.secrets:
        if secret.organization:
            texts.append(caller.get(f"/organization/{secret.organization}")[1])
            if _count_on_card(index, f"/organization/{secret.organization}"):
                texts.append(secret.markers["exists"])
    return "\n".join(texts)


@read_path("page: categories", reveals={"title", "exists"})
def group_pages(world, caller):
    index = caller.get("/group")[1]
    texts = [index]
    for secret in world.secrets:
        if secret.group:
            texts.append(caller.get(f"/group/{secret.group}")[1])
            if _count_on_card(index, f"/group/{secret.group}"):
                texts.append(secret.markers["exists"])
    return "\n".join(texts)


@read_path("page: errors and tools of closed datasets")
def error_pages(world, caller):
    """Pages a non-reader may stumble on: all must answer without the dataset's content
    (403 or 404 for those who may not, the form for those who may)."""
    texts = []
    for secret in world.secrets:
        for suffix in ("/edit", "/access", "/resource/new", "/nonexistent"):
            texts.append(caller.get(f"/dataset/{secret.dataset_name}{suffix}")[1])
        texts.append(caller.get(f"/dataset/{secret.dataset_id}/resource/{secret.resource_id}")[1])
    texts.append(caller.get("/dataset/no-such-dataset")[1])
    return "\n".join(texts)
