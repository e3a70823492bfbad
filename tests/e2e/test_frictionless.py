"""frictionless' CKAN reader (frictionless[ckan]) against a real server."""

import csv
import io

from frictionless import Catalog, Package
from frictionless.portals import CkanControl


def test_reads_a_dataset_and_its_file(ckan_site):
    package = Package(f"{ckan_site['url']}/dataset/shichouson-jinkou")
    assert package.title == "市区町村別人口"
    assert [resource.name for resource in package.resources] == ["jinko-csv"] or \
        len(package.resources) == 1
    resource = package.resources[0]
    assert resource.path.startswith(ckan_site["url"])
    import requests

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
