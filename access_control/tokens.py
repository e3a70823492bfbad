"""API tokens: random secrets shown once, stored as SHA-256, revocable, optionally expiring.

A SHA-256 is enough here (unlike passwords): tokens carry 256 bits of randomness, so
there is nothing to brute-force, and a fast hash keeps every API call cheap.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from access_control.models import ApiToken, User
from catalog.db import utcnow

TOKEN_PREFIX = "cat_"
# Writing last_used on every call would turn each read into a write; minute precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    db: Session, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``. Returns the row and the secret, which is not stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(secret), expires_at=expires_at)
    db.add(token)
    db.flush()
    return token, secret


def find_token(db: Session, secret: str) -> ApiToken | None:
    """The token row for a secret, whatever its state."""
    return db.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret.strip())))


def valid_token(db: Session, secret: str) -> ApiToken | None:
    """The token for ``secret`` if it is unrevoked, unexpired and its user active."""
    token = find_token(db, secret)
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= utcnow())
        or not token.user.is_active
    ):
        return None
    return token


def touch(db: Session, token: ApiToken) -> bool:
    """Record that ``token`` is being used; True when this is its first use in the
    current minute (only then is ``last_used`` written, and token use audited)."""
    now = utcnow()
    if token.last_used is not None and now - token.last_used <= LAST_USED_PRECISION:
        return False
    token.last_used = now
    db.flush()
    return True


def user_for_token(db: Session, secret: str) -> User | None:
    """The active user owning an unrevoked, unexpired token, else ``None``."""
    token = valid_token(db, secret)
    if token is None:
        return None
    if touch(db, token):
        db.commit()
    return token.user


def revoke_token(db: Session, token: ApiToken) -> None:
    token.revoked_at = utcnow()
    db.flush()
