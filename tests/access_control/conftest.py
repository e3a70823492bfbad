"""Fixtures for access control tests: one department with people in every role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from access_control.audit.models import AuditRecord
from tests.factories import make_dataset, make_org, make_token, make_user


@dataclass
class Department:
    """A department (tokei) with a restricted and an internal dataset, its admin, editor
    and member, a staff member of another department, a public account and a sysadmin.
    ``tokens`` maps each of those people's names to an API token."""

    organization: object
    other_organization: object
    restricted: object
    internal: object
    tokens: dict[str, str]


@pytest.fixture
def department(app) -> Department:
    tokei = make_org("tokei", "統計調査課")
    kikaku = make_org("kikaku", "企画課")
    people = {
        "kanri": make_user("kanri", orgs={tokei: "admin"}),
        "henshu": make_user("henshu", orgs={tokei: "editor"}),
        "menba": make_user("menba", orgs={tokei: "member"}),
        "tanin": make_user("tanin", orgs={kikaku: "member"}),
        "shimin": make_user("shimin", staff=False),
        "root": make_user("root", sysadmin=True),
    }
    restricted = make_dataset(tokei, name="kojin-chosa", title="個人調査票",
                              access_level="restricted", legal_basis="statistics_act_41",
                              files={"chosa.csv": "氏名,年齢\n山田,40\n".encode()})
    internal = make_dataset(tokei, name="naibu-shukei", title="内部集計",
                            access_level="internal")
    return Department(tokei, kikaku, restricted, internal,
                      {name: make_token(user) for name, user in people.items()})


def audit_events(db, **conditions) -> list[AuditRecord]:
    """Audit rows matching ``conditions`` (column=value), oldest first."""
    db.expire_all()
    query = sa.select(AuditRecord).order_by(AuditRecord.id)
    for column, value in conditions.items():
        query = query.where(getattr(AuditRecord, column) == value)
    return list(db.scalars(query))
