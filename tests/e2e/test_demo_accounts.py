"""The demo accounts the README lists sign in, over real HTTP, with the password it states,
and each sees closed demo data as its role allows."""

from __future__ import annotations

import re

import requests

from catalog import PROJECT_ROOT


def _readme_accounts() -> tuple[list[str], str]:
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("Demo accounts", 1)[1].split("\n## ", 1)[0]
    password = re.search(r"password `([^`]+)`", section).group(1)
    return re.findall(r"^\| `([a-z0-9_-]+)` \|", section, flags=re.MULTILINE), password


def _sign_in(url: str, name: str, password: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{url}/user/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = browser.post(f"{url}/user/login", timeout=30, allow_redirects=False,
                            data={"username": name, "password": password, "csrf_token": token})
    assert response.status_code == 302, (name, response.status_code)
    return browser


def test_every_readme_account_signs_in(app, live_server):
    from catalog.demo import load_demo

    with app.app_context():
        load_demo()
    names, password = _readme_accounts()
    assert {"admin", "yamamoto", "tanaka", "watanabe", "citizen"} <= set(names)
    for name in names:
        page = _sign_in(live_server, name, password).get(f"{live_server}/", timeout=30).text
        assert "サインアウト" in page, name
    restricted = requests.post(f"{live_server}/api/3/action/package_search", timeout=30,
                               json={"fq": "access_level:restricted", "rows": 100,
                                     "include_private": True},
                               headers={"Authorization": _token(app, "admin")}).json()
    dataset, owner_admin = next(
        (dataset, admin) for dataset in restricted["result"]["results"]
        if (admin := _member_with_role(app, dataset["owner_org"], "admin")))
    pages = {who: _sign_in(live_server, who, password).get(
        f"{live_server}/dataset/{dataset['name']}", timeout=30) for who in
        ("admin", owner_admin, "watanabe", "citizen")}
    assert pages["admin"].status_code == 200 and pages[owner_admin].status_code == 200
    assert pages["watanabe"].status_code == 403 and "利用を申請する" in pages["watanabe"].text
    assert dataset["title"] not in pages["watanabe"].text
    assert pages["citizen"].status_code == 404
    wrong = requests.Session()
    form = wrong.get(f"{live_server}/user/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    refused = wrong.post(f"{live_server}/user/login", timeout=30, allow_redirects=False,
                         data={"username": "admin", "password": "not-it", "csrf_token": token})
    assert refused.status_code == 401


def _token(app, name: str) -> str:
    from access_control.tokens import create_token
    from catalog import db
    from catalog.organizations.services import find_user

    with app.app_context():
        _row, secret = create_token(db.session(), find_user(db.session(), name), "test")
        db.session().commit()
    return secret


def _member_with_role(app, organization_id: str, role: str) -> str:
    import sqlalchemy as sa

    from access_control.models import User
    from catalog import db
    from catalog.organizations.models import Membership

    with app.app_context():
        return db.session().scalar(
            sa.select(User.name).join(Membership, Membership.user_id == User.id).where(
                Membership.organization_id == organization_id, Membership.capacity == role))
