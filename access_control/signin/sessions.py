"""Password sign-in and the signed-in session.

Every way of signing in ends in :func:`start_session` (password today, OIDC later, see
:mod:`access_control.signin.sso`); :func:`access_control.authentication.current_principal`
reads the user id it stores.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import session
from sqlalchemy.orm import Session

from access_control.authentication import SESSION_USER_KEY
from access_control.models import User
from access_control.passwords import hash_password, verify_password

SESSION_LIFETIME = timedelta(hours=8)  # one working day
# Verified against when the user does not exist, so both cases take as long.
_DUMMY_HASH = hash_password("not a real password, only for timing")


def check_password(db: Session, name: str, password: str) -> User | None:
    """The active user ``name`` (user name or e-mail) if ``password`` is theirs."""
    name = name.strip()
    user = db.scalar(sa.select(User).where(
        sa.or_(User.name == name.lower(), sa.and_(User.email != "", User.email == name))))
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def start_session(user: User, method: str = "password") -> None:
    """Sign ``user`` in. The session starts afresh (nothing from before carries over,
    except the chosen language) and lasts :data:`SESSION_LIFETIME`."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session[SESSION_USER_KEY] = user.id
    session["auth_method"] = method
    session.permanent = True


def end_session() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
