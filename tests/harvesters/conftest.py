"""Fixtures for harvest tests: a programmable HTTP server on 127.0.0.1, a second instance
of this application (its own database and live server) to harvest from, and helpers that
create sources and run jobs through the real services and runner."""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from catalog import create_app
from catalog.datasets.dictization import dataset_dict
from catalog.datasets.models import Dataset, DatasetRevision
from catalog.migrate import upgrade
from tests.factories import system_context

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "harvest"


@dataclass
class FileServer:
    """Serves ``routes`` (path -> (status, content type, body) or a callable taking the
    request) and counts requests per path."""

    url: str = ""
    routes: dict[str, object] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    def serve(self, path: str, body: bytes | str, content_type: str = "text/plain",
              status: int = 200) -> str:
        self.routes[path] = (status, content_type, body.encode() if isinstance(body, str) else body)
        return self.url + path

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        route = self.routes.get(request.path)
        if route is None:
            response = Response("not found", status=404)
        elif callable(route):
            response = route(request)
        else:
            status, content_type, body = route
            response = Response(body, status=status, content_type=content_type)
        return response(environ, start_response)


def _serve(wsgi_app) -> tuple:
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(autouse=True)
def sources_on_this_machine(request):
    """The sources harvested here are servers on 127.0.0.1: allow that, as a site
    harvesting its own network would (``CATALOG_LINK_FETCH_ALLOW_PRIVATE``). Tests
    marked ``public_only`` keep the default, which refuses them."""
    if "app" in request.fixturenames and "public_only" not in request.keywords:
        app = request.getfixturevalue("app")
        app.config["SETTINGS"] = app.config["SETTINGS"].with_overrides(
            {"link_fetch_allow_private": True})


@pytest.fixture
def file_server():
    files = FileServer()
    server, thread, files.url = _serve(files)
    yield files
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def remote_template_db(tmp_path_factory) -> Path:
    """A migrated SQLite database, copied for each remote instance (migrating is slow)."""
    path = tmp_path_factory.mktemp("remote-template") / "remote.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


class RemoteCatalog:
    """A second instance of this application, harvested from over HTTP. Its data is
    changed through its own Action API, with a sysadmin token."""

    def __init__(self, app, url: str, token: str):
        self.app, self.url, self.token = app, url, token

    def call(self, action: str, token: str | None = "default", **data):
        headers = {"Authorization": self.token if token == "default" else token} if token else {}
        response = requests.post(f"{self.url}/api/3/action/{action}", json=data,
                                 headers=headers, timeout=30)
        body = response.json()
        assert body["success"], body
        return body["result"]

    def dataset(self, owner_org: str, **fields) -> dict:
        data = {"owner_org": owner_org, "access_level": "open", "license_id": "CC-BY-4.0",
                **fields}
        return self.call("package_create", **data)

    def upload(self, dataset_id: str, filename: str, content: bytes) -> dict:
        response = requests.post(f"{self.url}/api/3/action/resource_create",
                                 headers={"Authorization": self.token},
                                 data={"package_id": dataset_id, "name": filename},
                                 files={"upload": (filename, content)}, timeout=30)
        assert response.json()["success"], response.text
        return response.json()["result"]


@pytest.fixture
def remote_catalog(remote_template_db, tmp_path):
    """Another instance of this platform on 127.0.0.1, on its own database, with two
    organizations (``kikaku`` and ``tokei``)."""
    from access_control.tokens import create_token
    from access_control.users import create_user
    from catalog import db as database
    from catalog.organizations.models import Organization

    folder = tmp_path / "remote"
    folder.mkdir()
    shutil.copy(remote_template_db, folder / "remote.sqlite")
    remote_app = create_app({
        "instance_dir": folder, "database_url": f"sqlite:///{folder / 'remote.sqlite'}",
        "storage_url": str(folder / "files"), "secret_key": "remote", "TESTING": True})
    server, thread, url = _serve(remote_app)
    remote_app.config["SETTINGS"] = remote_app.config["SETTINGS"].with_overrides({"site_url": url})
    with remote_app.app_context():
        db = database.session()
        admin = create_user(db, "remote-admin", "correct-horse", sysadmin=True, staff=True)
        for name, title in (("kikaku", "企画課"), ("tokei", "統計課")):
            db.add(Organization(name=name, title=title))
        _token, secret = create_token(db, admin, "harvest tests")
        db.commit()
    yield RemoteCatalog(remote_app, url, secret)
    server.shutdown()
    thread.join(timeout=10)
    remote_app.extensions["db_engine"].dispose()


# -- running harvests in the local app -------------------------------------------------

def make_source(app, **fields) -> str:
    """Create a harvest source as the system; returns its name."""
    from harvesters import services
    from harvesters.models import HarvestSource

    with app.app_context():
        context = system_context()
        source = HarvestSource()
        services.apply_source(context, source, {"title": "テスト収集元", **fields}, partial=False)
        context.db.add(source)
        context.db.commit()
        return source.name


def harvest(app, source_name: str, *, dry_run: bool = False) -> dict:
    """Create a job for the source and run it now; returns the job with its report lines
    (``objects``) and stats."""
    from harvesters import services
    from harvesters.models import HarvestJob, HarvestObject
    from harvesters.runner import run_job, source_of

    with app.app_context():
        context = system_context()
        job = services.create_job(context, source_of(context.db, source_name), dry_run=dry_run)
        context.db.commit()
        job_id = job.id
    with app.app_context():
        run_job(job_id)
    with app.app_context():
        db = system_context().db
        job = db.get(HarvestJob, job_id)
        objects = db.scalars(sa.select(HarvestObject).where(HarvestObject.job_id == job_id))
        return {"id": job.id, "status": job.status, "reason": job.reason, "stats": job.stats,
                "failed_stage": job.failed_stage, "log": job.log,
                "objects": {o.remote_id: o for o in objects}}


def catalog_state(app) -> dict:
    """Every dataset as package_show shows it, plus its revision count: two equal states
    mean nothing in the catalog changed."""
    with app.app_context():
        db = system_context().db
        site = app.config["SETTINGS"].site_url
        state = {}
        for dataset in db.scalars(sa.select(Dataset).order_by(Dataset.id)):
            revisions = db.scalar(sa.select(sa.func.count()).where(
                DatasetRevision.dataset_id == dataset.id))
            state[dataset.id] = (dataset_dict(dataset, site), revisions)
        return state


def datasets_by_title(app) -> dict[str, dict]:
    with app.app_context():
        db = system_context().db
        site = app.config["SETTINGS"].site_url
        return {d.title: dataset_dict(d, site) for d in db.scalars(sa.select(Dataset))}


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
