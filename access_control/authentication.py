"""Who is calling: an API token in a header, or the signed-in session.

Single sign-on (OIDC) plugs in here: it only has to put the user id in the session,
as the local password sign-in does.
"""

from __future__ import annotations

from flask import Request, g, has_request_context, request, session
from sqlalchemy.orm import Session

from access_control.models import User
from access_control.principals import Principal, principal_for
from access_control.tokens import touch, valid_token

SESSION_USER_KEY = "user_id"


class InvalidToken(Exception):
    """A token was presented but matches no active, unrevoked, unexpired token."""


def token_from_request(req: Request) -> str | None:
    """The raw token from ``Authorization`` (raw or ``Bearer``) or ``X-CKAN-API-Key``."""
    value = req.headers.get("Authorization") or req.headers.get("X-CKAN-API-Key")
    if not value:
        return None
    value = value.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    return value or None


def principal_from_request(db: Session, req: Request, *, allow_session: bool) -> Principal:
    """The principal of ``req``.

    A token wins over the session. ``allow_session=False`` ignores the session cookie,
    so that a cross-site request cannot borrow a signed-in browser's identity for a write.
    """
    secret = token_from_request(req)
    if secret:
        token = valid_token(db, secret)
        if token is None:
            raise InvalidToken()
        if touch(db, token):
            _audit_token_use(db, token, req)
            db.commit()
        return principal_for(db, token.user)
    if allow_session and session.get(SESSION_USER_KEY):
        return principal_for(db, db.get(User, session[SESSION_USER_KEY]))
    return principal_for(db, None)


def _audit_token_use(db: Session, token, req: Request) -> None:
    from access_control.audit import AuditEvent
    from access_control.audit.services import append_event

    append_event(db, AuditEvent.TOKEN_USED, actor=token.user, remote_addr=req.remote_addr,
                 subject=token.id, details={"token_name": token.name, "path": req.path})


def current_principal() -> Principal:
    """The principal of the current web request (anonymous outside requests)."""
    from catalog import db as database

    if not has_request_context():
        return principal_for(database.session(), None)
    if "principal" not in g:
        try:
            g.principal = principal_from_request(database.session(), request, allow_session=True)
        except InvalidToken:
            g.principal = principal_for(database.session(), None)
    return g.principal
