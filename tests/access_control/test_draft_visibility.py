"""Which drafts a search lists (``include_drafts``): the rule of :class:`Visibility`, as
SQL and in Python, agrees with ``can(READ)`` (package_show's rule) for every person, and
drafts are never listed unless asked for."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from access_control.models import User
from access_control.policy import Action, can, visibility
from access_control.principals import Principal, principal_for
from catalog.datasets.models import Dataset
from tests.factories import make_dataset
from tests.helpers import result

PEOPLE = ("kanri", "henshu", "menba", "tanin", "shimin", "root", "anonymous")


@pytest.fixture
def drafts(client, department):
    """Drafts of tokei at each level and one of kikaku; tanin (a kikaku member) holds an
    edit grant on the restricted one, shimin a read grant on the internal one."""
    tokei, kikaku = department.organization, department.other_organization
    make_dataset(tokei, name="soan-kokai", title="公開予定の草案", state="draft")
    make_dataset(tokei, name="soan-naibu", title="内部の草案", state="draft",
                 access_level="internal")
    make_dataset(tokei, name="soan-gentei", title="限定の草案", state="draft",
                 access_level="restricted", legal_basis="statistics_act_41")
    make_dataset(kikaku, name="soan-kikaku", title="企画課の草案", state="draft")
    admin = department.tokens["kanri"]
    result(client, "dataset_grant_create", admin, id="soan-gentei", principal_type="user",
           principal="tanin", permission="edit")
    result(client, "dataset_grant_create", admin, id="soan-naibu", principal_type="user",
           principal="shimin", permission="read")


def _principal(db, name: str) -> Principal:
    if name == "anonymous":
        return principal_for(db, None)
    return principal_for(db, db.scalars(sa.select(User).where(User.name == name)).one())


def test_listed_drafts_are_those_the_caller_may_edit(db, department, drafts):
    listed = {}
    datasets = list(db.scalars(sa.select(Dataset).where(Dataset.state.in_(("active", "draft")))))
    for name in PEOPLE:
        principal = _principal(db, name)
        seen = visibility(principal).with_drafts()
        by_sql = set(db.scalars(sa.select(Dataset.name).where(
            seen.state_clause(Dataset.state, Dataset.owner_org_id, Dataset.id),
            seen.dataset_clause())))
        by_python = {dataset.name for dataset in datasets
                     if seen.lists(dataset.state, dataset.owner_org_id, dataset.id)
                     and seen.allows(dataset.access_level, dataset.owner_org_id, dataset.id)}
        by_can = {dataset.name for dataset in datasets if can(principal, Action.READ, dataset)}
        assert by_sql == by_python == by_can, name
        for dataset in datasets:
            assert seen.may_edit(dataset.owner_org_id, dataset.id) == can(
                principal, Action.UPDATE, dataset), (name, dataset.name)
        listed[name] = {dataset for dataset in by_sql if dataset.startswith("soan-")}
    tokei_drafts = {"soan-kokai", "soan-naibu", "soan-gentei"}
    assert listed == {"kanri": tokei_drafts, "henshu": tokei_drafts, "menba": set(),
                      "tanin": {"soan-gentei"}, "shimin": set(),
                      "root": tokei_drafts | {"soan-kikaku"}, "anonymous": set()}


def test_drafts_are_listed_only_when_asked_for(db, department, drafts):
    for name in PEOPLE:
        seen = visibility(_principal(db, name))
        assert not seen.drafts
        found = set(db.scalars(sa.select(Dataset.name).where(
            seen.state_clause(Dataset.state, Dataset.owner_org_id, Dataset.id),
            seen.dataset_clause())))
        assert not any(dataset.startswith("soan-") for dataset in found), name


def test_open_only_keeps_what_the_caller_may_edit(db, department, drafts):
    """``include_private=false`` with ``include_drafts=true``: the open drafts it edits."""
    for name, expected in (("henshu", {"soan-kokai"}), ("root", {"soan-kokai", "soan-kikaku"}),
                           ("tanin", set())):
        seen = visibility(_principal(db, name)).open_only().with_drafts()
        found = set(db.scalars(sa.select(Dataset.name).where(
            seen.state_clause(Dataset.state, Dataset.owner_org_id, Dataset.id),
            seen.dataset_clause(), Dataset.state == "draft")))
        assert found == expected, name
