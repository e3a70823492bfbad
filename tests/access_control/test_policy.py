"""The questions the policy answers about "any organization" (menus and system objects),
asked for real people loaded from the database."""

from __future__ import annotations

import pytest

from access_control.policy import Action, can
from access_control.principals import principal_for
from access_control.models import User

ANY_ORGANIZATION = [Action.MANAGE_GRANTS, Action.MANAGE_HARVEST]
SYSADMIN_ONLY = [Action.SEE_SYSTEM_JOBS, Action.SEE_DELETED_ORGANIZATIONS]


def _principal(db, name):
    return principal_for(db, db.query(User).filter_by(name=name).one())


@pytest.mark.parametrize("action", ANY_ORGANIZATION)
def test_only_admins_of_some_organization_decide_grants_and_harvests(db, department, action):
    decides = {name: can(_principal(db, name), action)
               for name in ("kanri", "henshu", "menba", "tanin", "shimin", "root")}
    assert decides == {"kanri": True, "henshu": False, "menba": False, "tanin": False,
                       "shimin": False, "root": True}


@pytest.mark.parametrize("action", SYSADMIN_ONLY)
def test_system_objects_are_for_sysadmins(db, department, action):
    seen = {name: can(_principal(db, name), action) for name in ("kanri", "shimin", "root")}
    assert seen == {"kanri": False, "shimin": False, "root": True}
