"""Factories for model objects, going through the real services.

Each factory runs in a short app context of the test's app (set by the ``app``
fixture) and returns detached objects with their columns and collections loaded.
"""

from __future__ import annotations

import io
import itertools
from contextvars import ContextVar
from functools import wraps

from flask import current_app
from werkzeug.datastructures import FileStorage

from access_control.models import User
from access_control.principals import principal_for, system_principal
from access_control.tokens import create_token
from access_control.users import create_user
from catalog import db as database
from catalog.api.context import Context
from catalog.datasets import services
from catalog.datasets.models import Dataset
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.organizations.services import set_member

_counter = itertools.count(1)
CURRENT_APP: ContextVar = ContextVar("CURRENT_APP")


def in_app_context(factory):
    @wraps(factory)
    def run(*args, **kwargs):
        with CURRENT_APP.get().app_context():
            return factory(*args, **kwargs)

    return run


def system_context() -> Context:
    db = database.session()
    return Context(db=db, principal=system_principal(db), settings=current_app.config["SETTINGS"])


def context_for(user: User | None) -> Context:
    db = database.session()
    return Context(db=db, principal=principal_for(db, user), settings=current_app.config["SETTINGS"])


@in_app_context
def make_org(name: str | None = None, title: str = "", parent: Organization | None = None,
             description: str = ""):
    db = database.session()
    name = name or f"org-{next(_counter)}"
    organization = Organization(name=name, title=title or name, parent=parent,
                                description=description)
    db.add(organization)
    db.commit()
    return organization


@in_app_context
def make_group(name: str | None = None, title: str = "") -> Group:
    db = database.session()
    name = name or f"group-{next(_counter)}"
    group = Group(name=name, title=title or name)
    db.add(group)
    db.commit()
    return group


@in_app_context
def make_user(
    name: str | None = None,
    *,
    sysadmin: bool = False,
    staff: bool = True,
    orgs: dict[Organization, str] | None = None,
    password: str = "correct-horse",
) -> User:
    db = database.session()
    user = create_user(db, name or f"user-{next(_counter)}", password, sysadmin=sysadmin,
                       staff=staff, email="someone@example.jp")
    for organization, role in (orgs or {}).items():
        set_member(db, organization, user, role)
    db.commit()
    return user


@in_app_context
def make_token(user: User) -> str:
    db = database.session()
    _token, secret = create_token(db, user, "test")
    db.commit()
    return secret


@in_app_context
def make_dataset(organization: Organization, **fields) -> Dataset:
    """A dataset created through the service layer (revisions and search included).
    ``files`` maps file names to bytes, uploaded as resources."""
    files = fields.pop("files", {})
    data = {"title": f"データセット {next(_counter)}", "owner_org": organization.id,
            "access_level": "open", **fields}
    context = system_context()
    dataset = services.create_dataset(context, data)
    for filename, content in files.items():
        upload = FileStorage(io.BytesIO(content), filename=filename)
        services.create_resource(context, dataset, {"name": filename, "upload": upload})
    context.db.commit()
    for loaded in (dataset.resources, dataset.tags, dataset.groups, dataset.organization):
        assert loaded is not None  # load now: the object is detached when the context ends
    return dataset
