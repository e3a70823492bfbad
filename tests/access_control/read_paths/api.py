"""Read paths through the core Action API."""

from __future__ import annotations

from tests.access_control.read_paths import read_path

DATASET_KINDS = {"title", "notes", "tag", "resname"}


def _dataset_secrets(world):
    return [secret for secret in world.secrets if secret.organization]


@read_path("package_show by name", reveals=DATASET_KINDS)
def package_show_by_name(world, caller):
    return "\n".join(caller.api("package_show", id=s.dataset_name)[1] for s in world.secrets)


@read_path("package_show by id", reveals=DATASET_KINDS)
def package_show_by_id(world, caller):
    return "\n".join(caller.api("package_show", id=s.dataset_id)[1] for s in world.secrets)


@read_path("package_search q=marker", reveals={"title", "notes", "tag"})
def package_search_markers(world, caller):
    return "\n".join(caller.api("package_search", q=value, include_private=True)[1]
                     for secret in world.secrets for value in secret.markers.values())


@read_path("package_search count", reveals={"exists"})
def package_search_count(world, caller):
    """Counts only (rows=0): a match on a marker shows the secret is there (for a
    resource stricter than its dataset, that the dataset has a resource of that name:
    such resources are not searchable at all, so only the absence is checked)."""
    found = []
    for secret in world.secrets:
        for kind, value in secret.markers.items():
            result = caller.api_result("package_search", q=value, rows=0, include_private=True)
            if kind != "exists" and result and result["count"] > 0:
                found.append(secret.markers.get("exists") or value)
    return "\n".join(found)


@read_path("package_search facet counts", reveals={"tag", "exists"})
def package_search_facets(world, caller):
    result = caller.api_result("package_search", rows=0, include_private=True, **{
        "facet.field": ["tags", "groups", "organization", "res_format", "access_level"],
        "facet.limit": -1})
    found = [str(result)]
    for secret in _dataset_secrets(world):
        counts = {(field, item["name"]): item["count"]
                  for field, facet in result["search_facets"].items() for item in facet["items"]}
        if counts.get(("groups", secret.group)) or counts.get(("organization",
                                                              secret.organization)):
            found.append(secret.markers["exists"])
    return "\n".join(found)


@read_path("package_search fq and include_private", reveals={"title", "exists"})
def package_search_filters(world, caller):
    texts = []
    for secret in _dataset_secrets(world):
        for fq in (f'tags:"{secret.markers["tag"]}"', f"name:{secret.dataset_name}",
                   f'organization:"{secret.organization}"'):
            for include_private in (True, False):
                result = caller.api_result("package_search", fq=fq,
                                           include_private=include_private)
                texts.append(str(result))
                if include_private and result["count"]:
                    texts.append(secret.markers["exists"])
    for level in ("restricted", "internal"):
        texts.append(caller.api("package_search", fq=f"access_level:{level}",
                                include_private=True)[1])
    return "\n".join(texts)


@read_path("package_list", reveals={"exists"})
def package_list(world, caller):
    names = caller.api_result("package_list", include_private=True) or []
    return "\n".join(names + [s.markers["exists"] for s in _dataset_secrets(world)
                              if s.dataset_name in names])


@read_path("current_package_list_with_resources", reveals={"title", "notes", "tag",
                                                           "resname"})
def current_package_list(world, caller):
    return caller.api("current_package_list_with_resources", limit=1000)[1]


@read_path("package_autocomplete", reveals={"title"})
def package_autocomplete(world, caller):
    return "\n".join(caller.api("package_autocomplete", q=s.markers[kind])[1]
                     for s in _dataset_secrets(world) for kind in ("title", "tag"))


@read_path("tag_list", reveals={"tag"})
def tag_list(world, caller):
    texts = [caller.api("tag_list", all_fields=True)[1]]
    texts += [caller.api("tag_list", query=s.markers["tag"][:8])[1] for s in _dataset_secrets(world)]
    return "\n".join(texts)


@read_path("tag_search, tag_autocomplete and tag_show", reveals={"tag"})
def tag_lookups(world, caller):
    texts = []
    for secret in _dataset_secrets(world):
        tag = secret.markers["tag"]
        texts += [caller.api("tag_search", query=tag[:8])[1],
                  caller.api("tag_autocomplete", q=tag[:8])[1],
                  caller.api("tag_show", id=tag, include_datasets=True)[1]]
    return "\n".join(texts)


def _counts(world, caller, list_action: str, key: str) -> str:
    items = caller.api_result(list_action, all_fields=True) or []
    counts = {item["name"]: item["package_count"] for item in items}
    return "\n".join([str(items)] + [s.markers["exists"] for s in _dataset_secrets(world)
                                     if counts.get(getattr(s, key))])


@read_path("organization_list counts", reveals={"exists"})
def organization_list(world, caller):
    return _counts(world, caller, "organization_list", "organization")


@read_path("group_list counts", reveals={"exists"})
def group_list(world, caller):
    return _counts(world, caller, "group_list", "group")


def _show_owner(world, caller, show_action: str, key: str) -> str:
    texts = []
    for secret in _dataset_secrets(world):
        result = caller.api_result(show_action, id=getattr(secret, key), include_datasets=True)
        texts.append(str(result))
        if result and result["package_count"]:
            texts.append(secret.markers["exists"])
    return "\n".join(texts)


@read_path("organization_show", reveals={"title", "notes", "tag", "exists"})
def organization_show(world, caller):
    return _show_owner(world, caller, "organization_show", "organization")


@read_path("group_show", reveals={"title", "notes", "tag", "exists"})
def group_show(world, caller):
    return _show_owner(world, caller, "group_show", "group")


@read_path("package_activity_list", reveals={"title", "notes", "tag", "resname"})
def package_activity_list(world, caller):
    return "\n".join(caller.api("package_activity_list", id=s.dataset_name)[1]
                     for s in world.secrets)


@read_path("resource_show", reveals={"resname"})
def resource_show(world, caller):
    return "\n".join(caller.api("resource_show", id=s.resource_id)[1] for s in world.secrets)
