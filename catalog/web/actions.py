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


def call_action(name: str, data: dict | None = None, *, commit: bool = True):
    """Run action ``name`` as the current user and commit, as the API does (reads of
    closed data write audit rows). ``commit=False`` leaves committing to the view, for
    several actions that must succeed or fail together.

    Not Found and Authorization Error become HTTP 404 and 403; a Validation Error is
    raised for the view to show beside its form fields.
    """
    spec = get_action(name)
    try:
        result = spec.function(context(), dict(data or {}))
    except NotFound:
        database.session().rollback()
        abort(404)
    except NotAuthorized:
        database.session().rollback()
        abort(403)
    except Exception:
        database.session().rollback()
        raise
    if commit:
        database.session().commit()
    return result
