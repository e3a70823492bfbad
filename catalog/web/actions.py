"""Calling actions from HTML views, as the signed-in user.

Views use the same actions as the API, so permissions are checked in one place.
"""

from __future__ import annotations

from flask import abort, current_app, request

from access_control.authentication import current_principal
from catalog import db as database
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound
from catalog.api.registry import get_action


def context() -> Context:
    return Context(
        db=database.session(),
        principal=current_principal(),
        settings=current_app.config["SETTINGS"],
        remote_addr=request.remote_addr,
    )


def call_action(name: str, data: dict | None = None):
    """Run action ``name`` as the current user; 404/403 become HTTP errors."""
    spec = get_action(name)
    try:
        return spec.function(context(), dict(data or {}))
    except NotFound:
        abort(404)
    except NotAuthorized:
        abort(403)
