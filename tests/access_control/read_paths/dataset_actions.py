"""Read paths through the dataset actions added for CKAN clients: resource_search and
package_revise's answer."""

from __future__ import annotations

from tests.access_control.read_paths import read_path


@read_path("resource_search", reveals={"resname", "exists"})
def resource_search(world, caller):
    """By a resource's name, and by its dataset's id (a count shows the dataset has
    resources the caller may see)."""
    texts = []
    for secret in world.secrets:
        if "resname" in secret.markers:
            texts.append(caller.api("resource_search", include_private=True,
                                    query=f"name:{secret.markers['resname']}")[1])
        if "exists" in secret.markers:
            found = caller.api_result("resource_search", include_private=True,
                                      query=f"package_id:{secret.dataset_id}")
            texts.append(str(found))
            if found and found["count"]:
                texts.append(secret.markers["exists"])
    return "\n".join(texts)


@read_path("package_revise with nothing to change")
def package_revise(world, caller):
    """A revise that changes nothing answers with the dataset: only for its editors."""
    return "\n".join(caller.api("package_revise", match={"id": s.dataset_id})[1]
                     for s in world.secrets)


@read_path("package_collaborator_list")
def package_collaborator_list(world, caller):
    """An answer at all confirms the dataset (only those who manage its grants get one)."""
    texts = []
    for secret in world.secrets:
        if "exists" in secret.markers:
            found = caller.api_result("package_collaborator_list", id=secret.dataset_id)
            texts.append(str(found))
            if found is not None:
                texts.append(secret.markers["exists"])
    return "\n".join(texts)


@read_path("package_collaborator_list_for_user")
def package_collaborator_list_for_user(world, caller):
    """A caller's own collaborations: the datasets granted to them by name."""
    me = caller.api_result("user_show")
    found = caller.api_result("package_collaborator_list_for_user", id=me["name"]) if me else []
    granted = {item["package_id"] for item in found or []}
    return "\n".join([str(found)] + [s.markers["exists"] for s in world.secrets
                                     if "exists" in s.markers and s.dataset_id in granted])
