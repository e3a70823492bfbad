"""Calling the Action API in tests."""

from __future__ import annotations


def call(client, action: str, token: str | None = None, /, *, _method: str = "POST", **data):
    """Call ``action`` (with ``token`` if given); returns (HTTP status, envelope).
    Positional-only parameters leave every keyword (even ``name``, ``token``) to ``data``."""
    headers = {"Authorization": token} if token else {}
    if _method == "GET":
        response = client.get(f"/api/3/action/{action}", query_string=data, headers=headers)
    else:
        response = client.post(f"/api/3/action/{action}", json=data, headers=headers)
    return response.status_code, response.get_json()


def result(client, action: str, token: str | None = None, /, *, _method: str = "POST", **data):
    """The ``result`` of a successful call (fails the test otherwise)."""
    status, body = call(client, action, token, _method=_method, **data)
    assert status == 200 and body["success"], (status, body)
    return body["result"]


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on ``path`` (as a browser would find it)."""
    import re

    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, name: str, password: str = "correct-horse"):
    """Sign in through the real form (CSRF token included); returns the response."""
    token = csrf_token(client, "/user/login")
    return client.post("/user/login", data={"username": name, "password": password,
                                            "csrf_token": token})


def post_form(client, path: str, data: dict, *, form_page: str | None = None, **kwargs):
    """POST ``data`` to ``path`` with the CSRF token of ``form_page`` (default: ``path``)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)
