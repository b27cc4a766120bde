"""Failure counters in the database, shared by every process and host: refuse, then slow down.

Two shapes of policy: a fixed window (by client IP: N failures, then refused for a while) and an
exponential back-off (by account, device or code: after K failures one attempt per interval,
doubling up to a cap). Nothing here blocks for good. Services call these; the caller commits.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from legaldesk.auth.errors import LoginThrottled
from legaldesk.auth.models import LoginThrottle, UserToken
from legaldesk.core.extensions import db


@dataclass(frozen=True)
class WindowPolicy:
    """`max_failures` within `window` refuse the key for `block`."""

    max_failures: int
    window: timedelta
    block: timedelta


@dataclass(frozen=True)
class BackoffPolicy:
    """After `free` failures, wait base × 2^(failures − free), at most `cap`; forget after
    `reset` without failure."""

    free: int
    base: timedelta
    cap: timedelta
    reset: timedelta


def ip_policy(config: Mapping) -> WindowPolicy:
    """Failed passwords and codes from one client address."""
    return WindowPolicy(int(config["LOGIN_IP_MAX_FAILURES"]),
                        timedelta(minutes=int(config["LOGIN_IP_WINDOW_MINUTES"])),
                        timedelta(minutes=int(config["LOGIN_IP_BLOCK_MINUTES"])))


def account_policy(config: Mapping) -> BackoffPolicy:
    """Failed passwords on one account (or known device), failed codes of one user."""
    return BackoffPolicy(int(config["LOGIN_ACCOUNT_FREE_FAILURES"]),
                         timedelta(seconds=int(config["LOGIN_ACCOUNT_DELAY_SECONDS"])),
                         timedelta(minutes=int(config["LOGIN_ACCOUNT_MAX_DELAY_MINUTES"])),
                         timedelta(hours=int(config["LOGIN_ACCOUNT_RESET_HOURS"])))


def hourly_policy(max_requests: int) -> WindowPolicy:
    """At most `max_requests` an hour (password-reset requests)."""
    return WindowPolicy(max_requests, timedelta(hours=1), timedelta(hours=1))


def digest(value: str) -> str:
    """SHA-256 hex of a value (an e-mail address is never stored in clear in a key)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def ip_key(address: str | None, scope: str = "ip") -> str:
    """The key of a client address (`scope` keeps unrelated counters apart)."""
    return f"{scope}:{address or 'unknown'}"[:100]


def account_key(email: str, scope: str = "account") -> str:
    """The key of a typed e-mail address, known or not (nothing tells which accounts exist)."""
    return f"{scope}:{digest(email.strip().lower())}"


def retry_minutes(keys: Iterable[str], now: datetime) -> int:
    """Minutes to wait before any of the keys accepts an attempt (0: go ahead)."""
    keys = list(keys)
    until = db.session.scalar(
        select(LoginThrottle.blocked_until)
        .where(LoginThrottle.key.in_(keys), LoginThrottle.blocked_until > now)
        .order_by(LoginThrottle.blocked_until.desc()).limit(1))
    return math.ceil((until - now).total_seconds() / 60) if until else 0


def check_throttle(keys: Iterable[str], now: datetime) -> None:
    """Raise LoginThrottled when one of the keys refuses attempts now."""
    minutes = retry_minutes(keys, now)
    if minutes:
        raise LoginThrottled(minutes)


def record_failure(key: str, policy: WindowPolicy | BackoffPolicy, now: datetime) -> LoginThrottle:
    """Count one failure on the key (row locked until the caller commits) and apply the policy."""
    db.session.execute(_insert_if_missing(key, now))
    row = db.session.scalars(
        select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
        .execution_options(populate_existing=True)).one()
    if isinstance(policy, WindowPolicy):
        _apply_window(row, policy, now)
    else:
        _apply_backoff(row, policy, now)
    row.last_failure_at = now
    db.session.flush()
    return row


def clear_throttle(key: str) -> None:
    """Forget a key's failures (after a success on an account, device or code)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def prune_auth_records(now: datetime) -> int:
    """Job: delete expired counters and e-mailed links spent or expired over a day ago."""
    counters = db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.expires_at <= now)).rowcount
    day_ago = now - timedelta(days=1)
    tokens = db.session.execute(delete(UserToken).where(or_(
        UserToken.expires_at <= day_ago, UserToken.used_at <= day_ago))).rowcount
    return counters + tokens


def _insert_if_missing(key: str, now: datetime):
    """INSERT … ON CONFLICT DO NOTHING, so two processes counting a new key never collide."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(LoginThrottle).values(
        key=key, failures=0, window_started_at=now, expires_at=now,
    ).on_conflict_do_nothing(index_elements=["key"])


def _apply_window(row: LoginThrottle, policy: WindowPolicy, now: datetime) -> None:
    if row.window_started_at + policy.window <= now:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= policy.max_failures:
        row.blocked_until = now + policy.block
        row.failures, row.window_started_at = 0, now
    row.expires_at = max(row.window_started_at + policy.window, row.blocked_until or now)


def _apply_backoff(row: LoginThrottle, policy: BackoffPolicy, now: datetime) -> None:
    if row.last_failure_at is not None and row.last_failure_at + policy.reset <= now:
        row.failures = 0
    row.failures += 1
    excess = row.failures - policy.free
    if excess >= 0:
        # 2**excess grows fast: compare in seconds before building a timedelta
        seconds = min(policy.base.total_seconds() * 2 ** min(excess, 32),
                      policy.cap.total_seconds())
        row.blocked_until = now + timedelta(seconds=seconds)
    row.expires_at = max(now + policy.reset, row.blocked_until or now)
