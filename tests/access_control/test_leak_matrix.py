"""The leak matrix: every principal x every read path, on SQLite and PostgreSQL.

For each closed secret (a restricted dataset, an internal dataset, and a restricted file
inside an internal dataset), every marker must be absent from what a principal receives
through any path unless the policy lets that principal read the secret; and the markers a
path is meant to show (its ``reveals``) must be present for those who may.

The expectations below are the policy in the issue's words, written out by hand, not
computed by the policy module they check. Paths live in tests/access_control/read_paths/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from catalog import create_app
from catalog.migrate import upgrade
from tests import factories
from tests.access_control.read_paths import all_read_paths
from tests.access_control.read_paths._world import build_world
from tests.conftest import create_postgres_database, drop_postgres_database

# principal -> which secrets it may read
MAY_READ = {
    "anonymous": set(),
    "public_account": set(),
    "other_department": {"internal"},
    "member": {"restricted", "internal", "restricted_resource"},
    "editor": {"restricted", "internal", "restricted_resource"},
    "admin": {"restricted", "internal", "restricted_resource"},
    "grantee": {"restricted", "internal"},
    "expired_grantee": {"internal"},
    "organization_grantee": {"restricted", "internal"},
    "role_grantee": {"restricted", "internal"},
    "sysadmin": {"restricted", "internal", "restricted_resource"},
}
READ_PATHS = all_read_paths()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """One world per backend, in a database of its own, served by the test client and
    by a real HTTP server (for ckanapi)."""
    folder = tmp_path_factory.mktemp("leak")
    if request.param == "sqlite":
        url, server = f"sqlite:///{folder / 'catalog.sqlite'}", None
    else:
        server = request.getfixturevalue("postgres_server")
        url = create_postgres_database(server, "catalog_leak")
    upgrade(url)
    app = create_app({"instance_dir": folder, "database_url": url, "secret_key": "leak",
                      "storage_url": str(folder / "files"), "site_url": "http://localhost",
                      "TESTING": True})
    token = factories.CURRENT_APP.set(app)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        built = build_world(app)
        built.live_url = f"http://127.0.0.1:{http.server_port}"
        yield built
    finally:
        http.shutdown()
        thread.join(timeout=10)
        factories.CURRENT_APP.reset(token)
        app.extensions["db_engine"].dispose()
        if server is not None:
            drop_postgres_database(server, url)


def _mismatches(world, principal: str, text: str, reveals: frozenset[str]) -> list[str]:
    problems = []
    for secret in world.secrets:
        readable = secret.key in MAY_READ[principal]
        for kind, value in secret.markers.items():
            if value in text and not readable:
                problems.append(f"LEAK: {secret.key} {kind} reached {principal}")
            elif readable and kind in reveals and value not in text:
                problems.append(f"MISSING: {secret.key} {kind} not shown to {principal}")
    return problems


@pytest.mark.parametrize("principal", sorted(MAY_READ))
@pytest.mark.parametrize("path", READ_PATHS, ids=[path.name for path in READ_PATHS])
def test_markers_appear_exactly_as_the_policy_says(world, path, principal):
    text = path.function(world, world.callers[principal])
    assert _mismatches(world, principal, text, path.reveals) == []


def test_every_principal_was_signed_in_as_itself(world):
    """Guards the matrix itself: a failed sign-in would make everyone anonymous."""
    for name, caller in world.callers.items():
        status, text = caller.api("user_show")
        if name == "anonymous":
            assert status == 404
        else:
            assert status == 200 and json.loads(text)["result"]["name"]
            page = caller.get("/user/requests")
            assert page[0] == 200, name


CKANAPI = str(Path(sys.executable).with_name("ckanapi"))


@pytest.mark.slow
@pytest.mark.parametrize("principal", ["anonymous", "public_account", "other_department",
                                       "member", "grantee", "expired_grantee", "sysadmin"])
def test_ckanapi_export_returns_exactly_what_the_token_may_read(world, principal, tmp_path):
    """The unmodified ckanapi CLI, against a real server: ``search datasets
    include_private=true``, its way to export every dataset a token may read (``dump
    --all`` gives the open ones, as on CKAN)."""
    caller = world.callers[principal]
    output = tmp_path / "dump.jsonl"
    command = [CKANAPI, "search", "datasets", "include_private=true", "-r", world.live_url,
               "-O", str(output)]
    if caller.token:
        command += ["-a", caller.token]
    # ckanapi starts its workers as "ckanapi" from PATH.
    environment = {**os.environ, "PATH": f"{Path(CKANAPI).parent}:{os.environ.get('PATH', '')}"}
    finished = subprocess.run(command, timeout=120, capture_output=True, text=True,
                              env=environment)
    assert finished.returncode == 0, finished.stderr[-2000:]
    dumped = [json.loads(line) for line in output.read_text().splitlines()]
    names = {dataset["name"] for dataset in dumped}
    readable = MAY_READ[principal]
    expected = {world.open_dataset} | {s.dataset_name for s in world.secrets
                                       if s.key in readable and s.organization}
    if "internal" in readable:
        expected.add("mixed-data")  # the internal dataset holding the restricted file
    assert names == expected
    text = output.read_text()
    assert _mismatches(world, principal, text, frozenset()) == []
