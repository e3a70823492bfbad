"""The seam for single sign-on (OIDC). Not built yet; this is where it plugs in.

An OIDC implementation provides an :class:`IdentityProvider` (register it as
``app.extensions["identity_provider"]``) and two views: one redirecting to
:meth:`IdentityProvider.login_redirect`, and the callback, which turns the provider's
answer into an :class:`ExternalIdentity`, finds or creates the local user with
:func:`user_for_identity`, and calls :func:`access_control.signin.sessions.start_session`
with ``method="oidc"``. Everything after that (policy, tokens, audit) is unchanged.
Accounts created this way have no password hash, so password sign-in never matches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from access_control.models import User


@dataclass(frozen=True)
class ExternalIdentity:
    """Who the identity provider says signed in."""

    username: str  # becomes the local user name (lower case, a-z 0-9 - _)
    email: str
    fullname: str
    staff: bool  # e.g. from a directory group: prefectural staff or not


class IdentityProvider(Protocol):
    """A single sign-on provider such as the prefecture's OIDC directory."""

    def login_redirect(self, state: str, redirect_uri: str) -> str:
        """The provider's URL to send the browser to."""
        ...

    def identity_from_callback(self, args: Mapping[str, str], state: str,
                               redirect_uri: str) -> ExternalIdentity:
        """Check the provider's answer (state, code exchange, token signature) and say
        who signed in; raise ``PermissionError`` when it does not check out."""
        ...


def user_for_identity(db: Session, identity: ExternalIdentity) -> User:
    """The local user for an external identity, created on first sign-in (no password)."""
    from access_control.users import create_user

    user = db.scalar(sa.select(User).where(User.name == identity.username))
    if user is None:
        user = create_user(db, identity.username, None, email=identity.email,
                           fullname=identity.fullname, staff=identity.staff)
    return user
