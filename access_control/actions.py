"""User and API token actions."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.audit import AuditEvent, record_event
from access_control.models import ApiToken, User
from access_control.policy import Action, can
from access_control.tokens import create_token, find_token, revoke_token
from access_control.users import create_user, find_user, user_dict
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound
from catalog.api.registry import action
from catalog.api.validation import as_bool, as_int, require
from catalog.db import utcnow


def _user(context: Context, reference) -> User:
    user = find_user(context.db, str(reference or ""))
    if user is None or (user.state != "active" and not context.principal.is_sysadmin):
        raise NotFound(_("User not found"))
    return user


@action("user_show", read_only=True)
def user_show(context: Context, data: dict) -> dict:
    """A user (staff and the user themselves; e-mail only for themselves and sysadmins).

    :param id: user name or id (default: the caller)
    """
    reference = data.get("id") or context.principal.user_id
    if not reference:
        raise NotFound(_("User not found"))
    user = _user(context, reference)
    is_self_or_admin = can(context.principal, Action.SEE_USER, user)
    if not (is_self_or_admin or can(context.principal, Action.LIST_USERS)):
        raise NotAuthorized(_("Only staff may see users"))
    return user_dict(user, full=is_self_or_admin)


@action("user_list", read_only=True)
def user_list(context: Context, data: dict) -> list:
    """Active users (staff only).

    :param q: only users whose name or full name contains this
    :param all_fields: dicts (default) or names only when false
    :param limit, offset: paging
    """
    if not can(context.principal, Action.LIST_USERS):
        raise NotAuthorized(_("Only staff may list users"))
    query = sa.select(User).where(User.state == "active").order_by(User.name)
    text = str(data.get("q") or "").strip()[:100]
    if text:
        query = query.where(sa.or_(User.name.contains(text, autoescape=True),
                                   User.fullname.contains(text, autoescape=True)))
    query = query.offset(as_int(data, "offset", 0))
    if data.get("limit") not in (None, ""):
        query = query.limit(as_int(data, "limit", 0))
    users = context.db.scalars(query)
    if not as_bool(data.get("all_fields"), True):
        return [user.name for user in users]
    full = context.principal.is_sysadmin
    return [user_dict(user, full=full) for user in users]


@action("user_autocomplete", read_only=True)
def user_autocomplete(context: Context, data: dict) -> list[dict]:
    """Active users whose name or full name contains ``q``: ``id``, ``name`` and
    ``fullname``, by name (staff only, as user_list: the public may not list staff).

    :param q: the text typed so far
    :param limit: at most this many (default 20; more than 100 gives 100)
    :param ignore_self: leave the caller out (default false)
    """
    if not can(context.principal, Action.LIST_USERS):
        raise NotAuthorized(_("Only staff may list users"))
    text = str(require(data, "q")).strip()[:100]
    limit = min(as_int(data, "limit", 20, minimum=1), 100)
    # Not the e-mail address, which CKAN also matches: staff do not see addresses.
    users = (
        sa.select(User)
        .where(User.state == "active",
               sa.or_(User.name.icontains(text, autoescape=True),
                      User.fullname.icontains(text, autoescape=True)))
        .order_by(User.name)
        .limit(limit)
    )
    if as_bool(data.get("ignore_self")) and context.principal.user_id:
        users = users.where(User.id != context.principal.user_id)
    return [{"id": user.id, "name": user.name, "fullname": user.fullname}
            for user in context.db.scalars(users)]


@action("user_create")
def user_create(context: Context, data: dict) -> dict:
    """Create a user (sysadmins only).

    :param name: user name (a-z, 0-9, - and _)
    :param email: e-mail address
    :param password: at least 8 characters (omit for single sign-on accounts)
    :param fullname: display name
    :param staff: staff member (reads internal data); default true
    :param sysadmin: default false
    """
    if not can(context.principal, Action.CREATE_USER):
        raise NotAuthorized(_("Only sysadmins may create users"))
    user = create_user(
        context.db,
        str(require(data, "name")).strip(),
        data.get("password") or None,
        email=str(data.get("email") or "").strip(),
        fullname=str(data.get("fullname") or "").strip(),
        sysadmin=as_bool(data.get("sysadmin")),
        staff=as_bool(data.get("staff"), True),
    )
    return user_dict(user, full=True)


def _token_dict(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "user_id": token.user_id,
        "created_at": token.created.isoformat(),
        "last_access": token.last_used.isoformat() if token.last_used else None,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
    }


@action("api_token_create")
def api_token_create(context: Context, data: dict) -> dict:
    """Create an API token; the secret is returned only this once.

    :param user: user name or id (yourself unless sysadmin)
    :param name: what the token is for
    :param expires_in: lifetime in days (optional)
    """
    user = _user(context, require(data, "user"))
    if not can(context.principal, Action.MANAGE_TOKENS, user):
        raise NotAuthorized(_("You may only create tokens for yourself"))
    days = as_int(data, "expires_in", 0, maximum=3650)
    expires_at = utcnow() + timedelta(days=days) if days else None
    token, secret = create_token(context.db, user, str(require(data, "name"))[:200], expires_at)
    record_event(context, AuditEvent.TOKEN_CREATED, subject=token.id,
                 details={"token_name": token.name, "user": user.name})
    return {"token": secret, **_token_dict(token)}


@action("api_token_list", read_only=True)
def api_token_list(context: Context, data: dict) -> list[dict]:
    """A user's unrevoked tokens (without their secrets).

    :param user_id: user name or id (yourself unless sysadmin); ``user`` also accepted
    """
    user = _user(context, data.get("user_id") or data.get("user") or context.principal.user_id)
    if not can(context.principal, Action.MANAGE_TOKENS, user):
        raise NotAuthorized(_("You may only list your own tokens"))
    tokens = context.db.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created)
    )
    return [_token_dict(token) for token in tokens]


@action("api_token_revoke")
def api_token_revoke(context: Context, data: dict) -> None:
    """Revoke a token.

    :param jti: the token id (``id`` also accepted); or ``token``: the secret itself
    """
    if data.get("token"):
        token = find_token(context.db, str(data["token"]))
    else:
        token = context.db.get(ApiToken, str(require(data, "jti", "id")))
    if token is None or not can(context.principal, Action.MANAGE_TOKENS, token.user):
        raise NotFound(_("Token not found"))
    revoke_token(context.db, token)
    record_event(context, AuditEvent.TOKEN_REVOKED, subject=token.id,
                 details={"token_name": token.name, "user": token.user.name})
