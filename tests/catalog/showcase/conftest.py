"""Fixtures for use cases: an organization with open and closed datasets, a use-case
administrator, and real image files."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from access_control.models import UserSiteRole
from access_control.roles import SiteRole
from catalog import db as database
from tests import factories


def image_bytes(format: str = "PNG", size=(40, 30), **save_options) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, format=format, **save_options)
    return output.getvalue()


@factories.in_app_context
def make_showcase_admin(name: str = "curator"):
    user = factories.make_user.__wrapped__(name)
    db = database.session()
    db.add(UserSiteRole(user_id=user.id, role=SiteRole.SHOWCASE_ADMIN.value))
    db.commit()
    return user


@pytest.fixture
def organization(app):
    return factories.make_org("tokei", "統計調査課")


@pytest.fixture
def open_dataset(organization):
    return factories.make_dataset(organization, title="市町村別人口", name="jinko",
                                  notes="市町村ごとの人口", license_id="CC-BY-4.0")


@pytest.fixture
def internal_dataset(organization):
    return factories.make_dataset(organization, title="庁内の集計", name="naibu",
                                  access_level="internal")


@pytest.fixture
def admin_token(app):
    return factories.make_token(make_showcase_admin())


@pytest.fixture
def staff_token(app):
    return factories.make_token(factories.make_user("ippan"))
