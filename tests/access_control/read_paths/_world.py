"""The world of the leak matrix: closed data with unique markers, and every principal.

Each secret is one dataset (or one resource stricter than its dataset) whose title,
notes, tag, file content and resource name carry markers found nowhere else. Each
secret dataset is alone in its organization and its category, so counts can be read
as "it is there".
"""

from __future__ import annotations

import json
import secrets as random
from dataclasses import dataclass, field
from datetime import timedelta

from access_control.models import Grant, UserSiteRole
from access_control.roles import SiteRole
from catalog import db as database
from catalog.db import utcnow
from tests import factories
from tests.helpers import sign_in

PASSWORD = "correct-horse"


def marker(label: str) -> str:
    """A unique marker: lower-case ASCII letters and digits, so search finds it as is."""
    return f"mk{label}{random.token_hex(5)}"


@dataclass
class Secret:
    key: str  # restricted, internal, restricted_resource
    dataset_name: str
    dataset_id: str = ""
    organization: str | None = None  # alone in it: its count shows the secret
    group: str | None = None
    resource_id: str = ""
    filename: str = ""
    markers: dict[str, str] = field(default_factory=dict)


@dataclass
class Caller:
    """A principal as seen from outside: a browser (signed in through the form, unless
    anonymous) and an API token."""

    name: str
    client: object
    token: str | None

    def api(self, action: str, **data) -> tuple[int, str]:
        """(status, body text) of an Action API call with the caller's token."""
        headers = {"Authorization": self.token} if self.token else {}
        response = self.client.post(f"/api/3/action/{action}", json=data, headers=headers)
        assert response.status_code < 500, (action, response.get_data(as_text=True)[:500])
        return response.status_code, response.get_data(as_text=True)

    def api_result(self, action: str, **data):
        """The result of a call, or ``None`` when it failed."""
        status, text = self.api(action, **data)
        return json.loads(text)["result"] if status == 200 else None

    def get(self, path: str) -> tuple[int, str]:
        """(status, body text) of a page as the caller's browser sees it."""
        response = self.client.get(path)
        assert response.status_code < 500, (path, response.get_data(as_text=True)[:500])
        return response.status_code, response.get_data(as_text=True)


@dataclass
class World:
    secrets: list[Secret]
    open_dataset: str
    callers: dict[str, Caller]
    live_url: str = ""

    def secret(self, key: str) -> Secret:
        return next(secret for secret in self.secrets if secret.key == key)


def _table(file_marker: str) -> bytes:
    """A secret file: one row holding the marker, with coordinates so that it is a table
    of points too (GeoJSON)."""
    return f"列,緯度,経度\n{file_marker},33.6064,130.4181\n".encode()


def _dataset_secret(key: str, organization, group, level: str, **extra) -> Secret:
    secret = Secret(key, f"{key.replace('_', '-')}-data", organization=organization.name,
                    group=group.name, filename=f"{key}.csv")
    secret.markers = {kind: marker(f"{kind}{key[:4]}")
                      for kind in ("title", "notes", "tag", "file", "exists")}
    dataset = factories.make_dataset(
        organization, name=secret.dataset_name, access_level=level,
        title=f"非公開データ {secret.markers['title']}",
        notes=f"説明 {secret.markers['notes']}", tags=[{"name": secret.markers["tag"]}],
        groups=[{"name": group.name}], legal_basis="personal_information",
        files={secret.filename: _table(secret.markers["file"])}, **extra)
    secret.dataset_id, secret.resource_id = dataset.id, dataset.resources[0].id
    return secret


def _restricted_resource_secret(organization) -> Secret:
    """A restricted file inside an internal dataset (stricter than its dataset)."""
    import io

    from werkzeug.datastructures import FileStorage

    from catalog.datasets import services

    secret = Secret("restricted_resource", "mixed-data", filename="detail.csv")
    secret.markers = {"resname": marker("resname"), "file": marker("filerr")}
    dataset = factories.make_dataset(organization, name="mixed-data", access_level="internal",
                                     title="庁内集計（明細は限定）",
                                     files={"summary.csv": b"a\n1\n"})
    with factories.CURRENT_APP.get().app_context():
        context = factories.system_context()
        upload = FileStorage(io.BytesIO(_table(secret.markers["file"])), filename=secret.filename)
        resource = services.create_resource(
            context, context.db.merge(dataset),
            {"name": f"明細 {secret.markers['resname']}", "upload": upload,
             "access_level": "restricted"})
        context.db.commit()
        secret.dataset_id, secret.resource_id = dataset.id, resource.id
    return secret


def _grant(dataset_id: str, principal_type: str, principal_id: str, expired=False) -> None:
    with factories.CURRENT_APP.get().app_context():
        db = database.session()
        expires = utcnow() - timedelta(days=1) if expired else utcnow() + timedelta(days=30)
        db.add(Grant(dataset_id=dataset_id, principal_type=principal_type,
                     principal_id=principal_id, expires_at=expires))
        db.commit()


def _people(owner, mixed_owner, other, grant_org) -> dict:
    make = factories.make_user
    owner_roles = {role: {owner: role, mixed_owner: role} for role in ("member", "editor", "admin")}
    people = {
        "anonymous": None,
        "public_account": make("citizen", staff=False),
        "other_department": make("tanin", orgs={other: "member"}),
        "member": make("menba", orgs=owner_roles["member"]),
        "editor": make("henshu", orgs=owner_roles["editor"]),
        "admin": make("kanri", orgs=owner_roles["admin"]),
        "grantee": make("grantee"),
        "expired_grantee": make("expired"),
        "organization_grantee": make("org-grantee", orgs={grant_org: "member"}),
        "role_grantee": make("curator"),
        "sysadmin": make("root", sysadmin=True),
    }
    with factories.CURRENT_APP.get().app_context():
        db = database.session()
        db.add(UserSiteRole(user_id=people["role_grantee"].id,
                            role=SiteRole.SHOWCASE_ADMIN.value))
        db.commit()
    return people


SHOWCASE = "leak-showcase"


def _showcase_linking(secrets: list[Secret]) -> None:
    """A published use case linking the open dataset and, as if they had been linked
    while open and closed later, every secret dataset."""
    from catalog.datasets.models import Dataset
    from catalog.showcase import services
    from catalog.showcase.models import ShowcaseState

    with factories.CURRENT_APP.get().app_context():
        context = factories.system_context()
        showcase = services.create_showcase(
            context, {"name": SHOWCASE, "title": "活用事例", "datasets": ["open-data"]},
            state=ShowcaseState.ACTIVE)
        for secret in secrets:
            showcase.datasets.append(context.db.get(Dataset, secret.dataset_id))
        context.db.commit()


def build_world(app) -> World:
    make_org, make_group = factories.make_org, factories.make_group
    owner, mixed_owner = make_org("himitsu-ka", "秘密課"), make_org("kongou-ka", "混合課")
    internal_owner, open_owner = make_org("naibu-ka", "内部課"), make_org("koukai-ka", "公開課")
    other, grant_org = make_org("tanin-ka", "他部署"), make_org("kyoryoku-ka", "協力課")
    restricted = _dataset_secret("restricted", owner, make_group("g-restricted"), "restricted")
    internal = _dataset_secret("internal", internal_owner, make_group("g-internal"), "internal")
    mixed = _restricted_resource_secret(mixed_owner)
    factories.make_dataset(open_owner, name="open-data", title="公開データ",
                           groups=[{"name": make_group("g-open").name}],
                           files={"open.csv": b"a\n1\n"})
    _showcase_linking([restricted, internal, mixed])
    people = _people(owner, mixed_owner, other, grant_org)
    _grant(restricted.dataset_id, "user", people["grantee"].id)
    _grant(restricted.dataset_id, "user", people["expired_grantee"].id, expired=True)
    _grant(restricted.dataset_id, "organization", grant_org.id)
    _grant(restricted.dataset_id, "role", SiteRole.SHOWCASE_ADMIN.value)
    callers = {}
    for name, user in people.items():
        client = app.test_client()
        if user is not None:
            assert sign_in(client, user.name, PASSWORD).status_code == 302
        callers[name] = Caller(name, client, factories.make_token(user) if user else None)
    return World([restricted, internal, mixed], "open-data", callers)
