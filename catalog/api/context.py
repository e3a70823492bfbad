"""The context every action receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from access_control.principals import Principal
from catalog.config import Settings


@dataclass
class Context:
    """Who calls, with which database session and settings.

    Actions flush but never commit: the caller (HTTP dispatcher, web view, CLI, job)
    commits once the whole action succeeded, so a failed action changes nothing.
    """

    db: Session
    principal: Principal
    settings: Settings
    # Set by the HTTP layer for actions that want to know how they were called.
    remote_addr: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def user(self):
        return self.principal.user
