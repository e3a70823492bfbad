"""Downloading files, including by guessed URLs."""

from __future__ import annotations

from tests.access_control.read_paths import read_path


@read_path("resource download", reveals={"file"})
def download(world, caller):
    return "\n".join(
        caller.get(f"/dataset/{s.dataset_id}/resource/{s.resource_id}/download/{s.filename}")[1]
        for s in world.secrets)


@read_path("resource download by guessed URLs", reveals={"file"})
def guessed_downloads(world, caller):
    """The dataset's name instead of its id, no file name, a wrong file name, and another
    (open) dataset's path in front of the resource id."""
    texts = []
    for s in world.secrets:
        for path in (f"/dataset/{s.dataset_name}/resource/{s.resource_id}/download",
                     f"/dataset/{s.dataset_id}/resource/{s.resource_id}/download/x.csv",
                     f"/dataset/{world.open_dataset}/resource/{s.resource_id}/download/a.csv"):
            texts.append(caller.get(path)[1])
    return "\n".join(texts)
