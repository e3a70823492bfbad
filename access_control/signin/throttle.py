"""Login rate limiting, per account and per client address.

Attempts are counted in the database, so the limit holds across every process and
server of the site. Too many failures lock an account (or an address) for the window;
a blocked attempt does not even check the password, so guessing gets no answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from access_control.signin.models import LoginAttempt
from catalog.db import utcnow

KEEP_ATTEMPTS = timedelta(days=1)


@dataclass(frozen=True)
class LoginThrottle:
    """``max_account_failures`` failed attempts on one account since its last success,
    or ``max_address_failures`` from one address, within ``window`` block further tries."""

    max_account_failures: int = 5
    max_address_failures: int = 20
    window: timedelta = timedelta(minutes=15)

    def is_blocked(self, db: Session, account: str, remote_addr: str) -> bool:
        since = utcnow() - self.window
        account = _account_key(account)
        last_success = db.scalar(
            sa.select(sa.func.max(LoginAttempt.attempted_at)).where(
                LoginAttempt.account == account, LoginAttempt.succeeded.is_(True)))
        account_since = max(since, last_success) if last_success else since
        account_failures = self._failures(db, LoginAttempt.account == account, account_since)
        if account_failures >= self.max_account_failures:
            return True
        address_failures = self._failures(db, LoginAttempt.remote_addr == remote_addr, since)
        return address_failures >= self.max_address_failures

    @staticmethod
    def _failures(db: Session, condition, since) -> int:
        return db.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
            condition, LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at > since)) or 0

    @staticmethod
    def record(db: Session, account: str, remote_addr: str, succeeded: bool) -> None:
        """Count an attempt (and forget attempts older than a day)."""
        db.execute(sa.delete(LoginAttempt).where(
            LoginAttempt.attempted_at < utcnow() - KEEP_ATTEMPTS))
        db.add(LoginAttempt(account=_account_key(account), remote_addr=remote_addr[:64],
                            succeeded=succeeded))
        db.flush()


def _account_key(account: str) -> str:
    return account.strip().lower()[:100]
