"""frictionless' CKAN reader (frictionless[ckan]) against a real server."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from frictionless import Catalog, Package
from frictionless.portals import CkanControl


def test_reads_a_dataset_and_its_file(ckan_site):
    package = Package(f"{ckan_site['url']}/dataset/shichouson-jinkou")
    assert package.title == "市区町村別人口"
    assert [resource.name for resource in package.resources] == ["jinko-csv"] or \
        len(package.resources) == 1
    resource = package.resources[0]
    assert resource.path.startswith(ckan_site["url"])
    content = requests.get(resource.path, timeout=10).content.decode("cp932")
    assert list(csv.reader(io.StringIO(content)))[1] == ["401005", "北九州市", "939029"]


def test_reads_an_organization_as_a_catalog(ckan_site):
    catalog = Catalog(control=CkanControl(baseurl=ckan_site["url"],
                                          organization_name="toukei-chousa"))
    names = sorted(dataset.name for dataset in catalog.datasets)
    # the public reader gets the organization's open datasets only
    assert names == ["shichouson-jinkou", "shussho-su"]


def test_reads_the_demo_catalog(app, live_server):
    from catalog.demo import load_demo

    with app.app_context():
        load_demo()
    package = Package(f"{live_server}/dataset/aed-setchi-basho")
    assert package.title == "AED設置箇所一覧"
    assert package.resources[0].path.startswith(f"{live_server}/dataset/")
    catalog = Catalog(control=CkanControl(baseurl=live_server, organization_name="toukei-chousa",
                                          num_packages=100))
    names = {dataset.name for dataset in catalog.datasets}
    assert "shichouson-betsu-jinkou" in names
    assert "keizai-census-kohyou" not in names  # restricted: not for the public reader


FRICTIONLESS = str(Path(sys.executable).with_name("frictionless"))


@pytest.mark.slow
def test_every_demo_data_package_validates(app, live_server):
    """Acceptance: ``frictionless validate`` (the real command line) passes on the data
    package of every open demo dataset with ingested tables, fetched from a real server."""
    from access_control.principals import ANONYMOUS
    from access_control.policy import Action, can
    from catalog.demo import load_demo
    from catalog.publishing.services import public_datasets
    from ingest.services import tables_by_resource

    with app.app_context():
        load_demo()
        from catalog import db as database

        db = database.session()
        datasets = public_datasets(db, limit=1000).datasets
        tables = tables_by_resource(db, [r.id for d in datasets for r in d.resources])
        expected = sorted(d.name for d in datasets if any(
            tables[r.id] for r in d.resources if can(ANONYMOUS, Action.READ, r)))
    assert len(expected) >= 30  # the demo's open datasets nearly all have tables
    checked = []
    for name in expected:
        url = f"{live_server}/dataset/{name}/datapackage.json"
        run = subprocess.run([FRICTIONLESS, "validate", "--json", url], capture_output=True,
                             text=True, timeout=120)
        report = json.loads(run.stdout)
        errors = [error["message"] for task in report["tasks"] for error in task["errors"]]
        assert report["valid"] and run.returncode == 0, (name, errors[:3], report["errors"])
        checked.append((name, sum(task["stats"]["rows"] or 0 for task in report["tasks"])))
    assert all(rows > 0 for _name, rows in checked), checked
    # A closed demo dataset has no package, whoever asks.
    assert requests.get(f"{live_server}/dataset/keizai-census-kohyou/datapackage.json",
                        timeout=10).status_code == 404
