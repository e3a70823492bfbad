"""A per-session token on the harvest pages' forms, so another site cannot make a signed-in
browser submit them (the session cookie's SameSite=Lax is the first line; this is the
second)."""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

SESSION_KEY = "form_token"


def form_token() -> str:
    """The token to put in a hidden ``form_token`` field."""
    if SESSION_KEY not in session:
        session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def check_form_token() -> None:
    """Refuse (400) a POST whose token is missing or not this session's."""
    sent = request.form.get("form_token", "")
    expected = session.get(SESSION_KEY, "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400)
