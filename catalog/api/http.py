"""HTTP layer of the Action API: parse, authenticate, dispatch, wrap in CKAN's envelope."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from access_control.authentication import InvalidToken, principal_from_request
from catalog import db as database
from catalog.api.context import Context
from catalog.api.errors import ActionError, BadRequest, NotAuthorized
from catalog.api.registry import get_action

log = logging.getLogger(__name__)

blueprint = Blueprint("api", __name__)
# Flask answers HEAD with the GET view: a HEAD is read like a GET, and never writes.
SAFE_METHODS = ("GET", "HEAD")


@blueprint.route("/api/<int:version>", methods=["GET"])
@blueprint.route("/api", methods=["GET"], defaults={"version": 3})
def api_version(version: int):
    return _json({"version": 3})


@blueprint.route("/api/action/<name>", methods=["GET", "POST"])
@blueprint.route("/api/<int:version>/action/<name>", methods=["GET", "POST"])
def call(name: str, version: int = 3):
    help_url = url_for("api.call", name="help_show", version=3, _external=True) + f"?name={name}"
    spec = get_action(name)
    db = database.session()
    try:
        if version != 3:
            raise BadRequest(_("Bad request - API version not supported: %(v)s", v=version))
        if spec is None:
            raise BadRequest(_("Bad request - Action name not known: %(name)s", name=name))
        if request.method in SAFE_METHODS and not spec.read_only:
            raise BadRequest(
                _("Bad request - Action %(name)s can only be called with POST", name=name)
            )
        data_dict = _request_data()
        try:
            principal = principal_from_request(db, request, allow_session=spec.read_only)
        except InvalidToken:
            raise NotAuthorized(_("The API token is invalid, expired or revoked")) from None
        context = Context(
            db=db,
            principal=principal,
            settings=current_app.config["SETTINGS"],
            remote_addr=request.remote_addr,
        )
        try:
            result = spec.function(context, data_dict)
        except (RecursionError, OverflowError):
            # Input no sensible request carries: JSON nested thousands deep inside a
            # value, a number past what any field holds. Refused, not logged as a fault.
            raise BadRequest(_("Bad request - a value is nested too deeply or a number "
                               "is too large")) from None
        db.commit()
    except ActionError as error:
        db.rollback()
        return _json(
            {"help": help_url, "success": False, "error": error.as_error_dict()}, error.status
        )
    except RequestEntityTooLarge:
        db.rollback()
        from catalog.storage import human_size

        limit = human_size(current_app.config["SETTINGS"].max_upload_bytes)
        error = {"__type": "Validation Error", "upload": [
            _("The file is larger than the limit of %(limit)s.", limit=limit)]}
        return _json({"help": help_url, "success": False, "error": error}, 413)
    except Exception:
        db.rollback()
        log.exception("action %s failed", name)
        error = {"__type": "Internal Server Error", "message": _("Internal server error")}
        return _json({"help": help_url, "success": False, "error": error}, 500)
    if isinstance(result, Response):  # actions that stream (e.g. dumps) return a response
        return result
    return _json({"help": help_url, "success": True, "result": result})


def _request_data() -> dict:
    """The data_dict, refused when it carries a NUL character (no database stores one)
    or a lone surrogate (JSON's "\\ud800": no database, file or page can hold it)."""
    data = _parse_request_data()
    try:
        problem = _unstorable_text(data)
    except RecursionError:
        raise BadRequest(_("Bad request - a value is nested too deeply or a number "
                           "is too large")) from None
    if problem == "nul":
        raise BadRequest(_("Bad request - the input contains a NUL character"))
    if problem == "surrogate":
        raise BadRequest(_("Bad request - the input contains a broken character (a lone "
                           "UTF-16 surrogate)"))
    return data


def _unstorable_text(value) -> str | None:
    """"nul" or "surrogate" for the first text in ``value`` that holds one, else None."""
    if isinstance(value, str):
        if "\x00" in value:
            return "nul"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "surrogate"
        return None
    items = list(value.items()) if isinstance(value, dict) else value if isinstance(value, list) else []
    for item in items:
        for part in (item if isinstance(value, dict) else (item,)):
            problem = _unstorable_text(part)
            if problem:
                return problem
    return None


def _parse_request_data() -> dict:
    """The data_dict: query string for GET (and HEAD), else JSON body, or form fields
    plus files."""
    if request.method in SAFE_METHODS:
        return _flatten(request.args)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        data = _flatten(request.form)
        data.update(_flatten(request.files))
        return data
    body = request.get_data(cache=False)
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(_("Bad request - JSON Error: %(error)s", error=str(error)[:200])) from None
    except RecursionError:
        raise BadRequest(_("Bad request - a value is nested too deeply or a number "
                           "is too large")) from None
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise BadRequest(_("Bad request - JSON Error: the body must be a JSON object"))
    return parsed


def _flatten(values: MultiDict) -> dict:
    """Single values stay scalars; a key given several times becomes a list."""
    return {key: items[0] if len(items) == 1 else items for key, items in values.lists()}


def _json(payload: dict, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, default=str)
    return Response(body, status=status, mimetype="application/json")
