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
