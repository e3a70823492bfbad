"""Creating users and describing them (callers check permission and commit)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.models import User
from access_control.passwords import hash_password
from catalog.api.errors import ValidationError
from catalog.slugs import is_valid_name

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


def find_user(db: Session, reference: str | None) -> User | None:
    """The user with this id or name (any state), or ``None``."""
    if not reference:
        return None
    return db.scalar(sa.select(User).where(sa.or_(User.id == reference, User.name == reference)))


def create_user(
    db: Session,
    name: str,
    password: str | None,
    *,
    email: str = "",
    fullname: str = "",
    sysadmin: bool = False,
    staff: bool = False,
) -> User:
    """A new active user. Raises :class:`ValidationError` listing every problem."""
    errors: dict[str, list[str]] = {}
    if not is_valid_name(name or ""):
        errors["name"] = [_("Must be 2-100 lowercase letters, digits, - or _ "
                            "(and not only symbols)")]
    elif db.scalar(sa.select(User.id).where(User.name == name)):
        errors["name"] = [_("The username is already taken")]
    if email and not EMAIL.match(email):
        errors["email"] = [_("Not a valid e-mail address")]
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [_("The password must be at least %(n)s characters",
                                n=MIN_PASSWORD_LENGTH)]
    if errors:
        raise ValidationError(errors)
    user = User(
        name=name,
        email=email,
        fullname=fullname,
        password_hash=hash_password(password) if password else None,
        sysadmin=sysadmin,
        staff=staff or sysadmin,
    )
    db.add(user)
    db.flush()
    return user


def user_dict(user: User, *, full: bool) -> dict:
    """CKAN's user dict. ``full`` adds e-mail and flags (for the user and sysadmins)."""
    result = {
        "id": user.id,
        "name": user.name,
        "fullname": user.fullname,
        "display_name": user.fullname or user.name,
        "about": user.about,
        "created": user.created.isoformat(),
        "state": user.state,
        "sysadmin": user.sysadmin,
        "image_display_url": "",
    }
    if full:
        result.update(email=user.email, staff=user.staff,
                      site_roles=sorted(role.role for role in user.site_roles))
    return result
