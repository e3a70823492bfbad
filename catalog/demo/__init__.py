"""Demo data: a believable Fukuoka Prefecture catalog.

:func:`load_demo` is idempotent: what already exists (by name) is left alone, so running
``catalog demo`` twice changes nothing the second time.
"""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from access_control.models import User, UserSiteRole
from access_control.principals import system_principal
from access_control.users import create_user
from catalog import db as database
from catalog.api.context import Context
from catalog.datasets import services as dataset_services
from catalog.datasets.models import Dataset
from catalog.demo.datasets import DATASETS, DemoDataset
from catalog.demo.organizations import DEMO_PASSWORD, GROUPS, ORGANIZATIONS, USERS
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.organizations.services import apply_organization, find_organization, set_member
from catalog.showcase.demo import load_demo_showcases


def load_demo() -> str:
    """Create what is missing of the demo catalog; returns a one-line summary."""
    db = database.session()
    context = Context(db=db, principal=system_principal(db),
                      settings=current_app.config["SETTINGS"])
    created = {
        "organizations": _organizations(db),
        "groups": _groups(db),
        "users": _users(db),
        "datasets": sum(_dataset(context, spec) for spec in DATASETS),
        "use cases": load_demo_showcases(context),
    }
    return "demo: " + ", ".join(f"{count} {kind} created" for kind, count in created.items())


def _organizations(db) -> int:
    created = 0
    for name, title, parent, description in ORGANIZATIONS:
        if find_organization(db, name) is None:
            organization = Organization()
            apply_organization(db, organization, {"name": name, "title": title,
                                                  "parent": parent, "description": description},
                               partial=False)
            db.add(organization)
            db.flush()
            created += 1
    db.commit()
    return created


def _groups(db) -> int:
    existing = set(db.scalars(sa.select(Group.name)))
    for name, title, description in GROUPS:
        if name not in existing:
            db.add(Group(name=name, title=title, description=description))
    db.commit()
    return len({name for name, _title, _description in GROUPS} - existing)


def _users(db) -> int:
    created = 0
    for name, fullname, sysadmin, staff, memberships, site_roles in USERS:
        user = db.scalar(sa.select(User).where(User.name == name))
        if user is None:
            user = create_user(db, name, DEMO_PASSWORD, email=f"{name}@pref.fukuoka.example",
                               fullname=fullname, sysadmin=sysadmin, staff=staff)
            for role in site_roles:
                db.add(UserSiteRole(user_id=user.id, role=role))
            for organization_name, role in memberships.items():
                set_member(db, find_organization(db, organization_name), user, role)
            created += 1
    db.commit()
    return created


def _dataset(context: Context, spec: DemoDataset) -> int:
    """Create one demo dataset with its files (1), or nothing if it exists (0)."""
    if context.db.scalar(sa.select(Dataset.id).where(Dataset.name == spec.name)):
        return 0
    organization = find_organization(context.db, spec.organization)
    data = {
        "name": spec.name,
        "title": spec.title,
        "owner_org": organization.id,
        "notes": spec.notes,
        "groups": [{"name": group} for group in spec.groups],
        "tags": [{"name": tag} for tag in spec.tags],
        "access_level": spec.access_level,
        "license_id": spec.license_id,
        "frequency": spec.frequency,
        "legal_basis": spec.legal_basis,
        "access_note": spec.access_note,
        "spatial": "福岡県",
        "maintainer": f"福岡県 {organization.title}",
        "maintainer_email": f"{spec.organization}@pref.fukuoka.example",
        "temporal_start": spec.temporal[0] if spec.temporal else None,
        "temporal_end": spec.temporal[1] if spec.temporal else None,
    }
    dataset = dataset_services.create_dataset(context, data)
    for demo_file in spec.files:
        upload = FileStorage(io.BytesIO(demo_file.make()), filename=demo_file.filename)
        dataset_services.create_resource(
            context, dataset,
            {"name": demo_file.name, "description": demo_file.description, "upload": upload},
        )
    context.db.commit()
    return 1
