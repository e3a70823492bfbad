"""Login throttling: per account and per address, counted in the database so it holds
across processes."""

from datetime import timedelta

from access_control.signin.models import LoginAttempt
from access_control.signin.throttle import LoginThrottle
from catalog.db import utcnow


def test_account_locks_after_failures_and_a_success_resets(db):
    throttle = LoginThrottle(max_account_failures=3, max_address_failures=100)
    for _ in range(2):
        throttle.record(db, "Tanaka", "10.0.0.1", succeeded=False)
    assert not throttle.is_blocked(db, "tanaka", "10.0.0.2")
    throttle.record(db, "tanaka", "10.0.0.1", succeeded=True)
    for _ in range(2):
        throttle.record(db, "tanaka", "10.0.0.1", succeeded=False)
    assert not throttle.is_blocked(db, "tanaka", "10.0.0.1")  # counted since the success
    throttle.record(db, "tanaka", "10.0.0.3", succeeded=False)
    assert throttle.is_blocked(db, "TANAKA", "10.0.0.9")  # any address, any case
    assert not throttle.is_blocked(db, "suzuki", "10.0.0.1")


def test_address_locks_after_failures_on_many_accounts(db):
    throttle = LoginThrottle(max_account_failures=100, max_address_failures=4)
    for number in range(4):
        throttle.record(db, f"user-{number}", "192.0.2.7", succeeded=False)
    assert throttle.is_blocked(db, "someone-new", "192.0.2.7")
    assert not throttle.is_blocked(db, "someone-new", "192.0.2.8")


def test_old_failures_expire_and_old_rows_are_pruned(db):
    throttle = LoginThrottle(max_account_failures=1, window=timedelta(minutes=15))
    db.add(LoginAttempt(account="tanaka", remote_addr="a", succeeded=False,
                        attempted_at=utcnow() - timedelta(minutes=16)))
    db.add(LoginAttempt(account="old", remote_addr="a", succeeded=False,
                        attempted_at=utcnow() - timedelta(days=2)))
    db.commit()
    assert not throttle.is_blocked(db, "tanaka", "a")
    throttle.record(db, "suzuki", "b", succeeded=True)
    db.commit()
    assert db.query(LoginAttempt).filter_by(account="old").count() == 0
