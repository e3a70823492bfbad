"""The unmodified ckanapi command-line client against a real server."""

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

BIN = Path(sys.executable).parent
# ckanapi starts its dump/load workers as `ckanapi` found on PATH.
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def ckanapi(*args: str) -> str:
    completed = subprocess.run([str(BIN / "ckanapi"), *args], capture_output=True, text=True,
                               timeout=120, env=ENV)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_action_package_list(ckan_site):
    names = json.loads(ckanapi("action", "package_list", "-r", ckan_site["url"]))
    assert names == ckan_site["open"]


def test_search_datasets_in_japanese(ckan_site):
    output = ckanapi("search", "datasets", "q=人口", "-r", ckan_site["url"])
    found = sorted(json.loads(line)["name"] for line in output.splitlines())
    assert found == ["shichouson-jinkou", "shussho-su"]


def names_in(path) -> list[str]:
    return sorted(json.loads(line)["name"] for line in path.read_text().splitlines())


def test_dump_all_gets_open_data_and_search_with_include_private_everything_it_may_read(
        ckan_site, tmp_path):
    """As on CKAN (ckanapi's README): ``dump --all`` lists the public datasets even with a
    sysadmin's token; ``search datasets include_private=true`` exports the private ones."""
    dumped = tmp_path / "datasets.jsonl"
    ckanapi("dump", "datasets", "--all", "-r", ckan_site["url"], "-a", ckan_site["admin_token"],
            "-O", str(dumped))
    assert names_in(dumped) == ckan_site["open"]
    searched = tmp_path / "searched.jsonl"
    ckanapi("search", "datasets", "include_private=true", "-r", ckan_site["url"],
            "-a", ckan_site["admin_token"], "-O", str(searched))
    assert names_in(searched) == ckan_site["all"]
    anonymous = tmp_path / "public.jsonl"
    ckanapi("search", "datasets", "include_private=true", "-r", ckan_site["url"],
            "-O", str(anonymous))
    assert names_in(anonymous) == ckan_site["open"]


def test_dump_then_load_round_trips_without_errors_or_changes(ckan_site, tmp_path, app):
    out = tmp_path / "datasets.jsonl"
    ckanapi("search", "datasets", "include_private=true", "-r", ckan_site["url"],
            "-a", ckan_site["admin_token"], "-O", str(out))
    log = tmp_path / "load.log"  # ckanapi exits non-zero when any record fails
    ckanapi("load", "datasets", "-I", str(out), "-r", ckan_site["url"],
            "-a", ckan_site["admin_token"], "--log", str(log))
    replies = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(replies) == len(ckan_site["all"])
    assert all(action == "update" and error is None
               for _time, _finished, action, error, _response in replies), replies
    # Loading identical data changed nothing: one revision per dataset, files untouched.
    with app.app_context():
        from catalog import db
        from catalog.datasets.models import DatasetRevision

        revisions = db.session().scalar(sa.select(sa.func.count()).select_from(DatasetRevision))
    assert revisions == len(ckan_site["all"]) + 1  # + the upload added to one dataset
    again = tmp_path / "again.jsonl"
    ckanapi("search", "datasets", "include_private=true", "-r", ckan_site["url"],
            "-a", ckan_site["admin_token"], "-O", str(again))
    assert out.read_text().splitlines() == again.read_text().splitlines()


def test_load_creates_datasets_on_an_empty_site(ckan_site, tmp_path):
    dataset = json.loads(ckanapi("action", "package_show", "id=kankou-kyaku",
                                 "-r", ckan_site["url"]))
    for key in ("id", "name"):
        dataset.pop(key)
    dataset["name"] = "kankou-kyaku-copy"
    source = tmp_path / "new.jsonl"
    source.write_text(json.dumps(dataset, ensure_ascii=False) + "\n")
    log = tmp_path / "load.log"
    ckanapi("load", "datasets", "-I", str(source), "-r", ckan_site["url"],
            "-a", ckan_site["admin_token"], "--log", str(log))
    assert json.loads(log.read_text().splitlines()[0])[2:4] == ["create", None]
    copy = json.loads(ckanapi("action", "package_show", "id=kankou-kyaku-copy",
                              "-r", ckan_site["url"]))
    assert copy["title"] == "観光入込客数" and copy["access_level"] == "open"
