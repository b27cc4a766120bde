"""The scheduler's lease: one database row that says which scheduler process runs the jobs.

Several scheduler processes may be started (hosts, restarts); each renews or tries to take the
lease row on every heartbeat.  Only the holder runs jobs; the others stand by and take over once
the lease has expired.  Lease changes are one conditional UPDATE, atomic on SQLite (immediate
transactions) and PostgreSQL (row lock, WHERE re-checked).  Times are naive UTC, passed in.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, case, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from legaldesk.core.extensions import db

LEASE_NAME = "scheduler"


class SchedulerLease(db.Model):
    """Who runs the jobs, until when (renewed by the holder's heartbeat)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime] = mapped_column(DateTime)
    renewed_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


def new_holder_id() -> str:
    """A holder id that names the host and process (and stays unique across restarts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Lease:
    """One scheduler's view of the lease; every method commits its own short transaction."""

    def __init__(self, holder: str, ttl_seconds: float, name: str = LEASE_NAME):
        self.holder, self.name = holder, name
        self.ttl = timedelta(seconds=ttl_seconds)

    def heartbeat(self, now: datetime) -> bool:
        """Renew the lease if held, take it if free or expired; True if this holder has it."""
        taken = db.session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == self.name,
                   or_(SchedulerLease.holder == self.holder, SchedulerLease.expires_at <= now))
            .values(holder=self.holder, renewed_at=now, expires_at=now + self.ttl,
                    acquired_at=case((SchedulerLease.holder == self.holder,
                                      SchedulerLease.acquired_at), else_=now))
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        if not taken:
            taken = self._create(now)
        db.session.commit()
        return taken

    def _create(self, now: datetime) -> bool:
        if db.session.get(SchedulerLease, self.name) is not None:
            return False
        try:
            with db.session.begin_nested():
                db.session.add(SchedulerLease(name=self.name, holder=self.holder, acquired_at=now,
                                              renewed_at=now, expires_at=now + self.ttl))
        except IntegrityError:
            return False  # another scheduler created it first
        return True

    def is_held(self, now: datetime) -> bool:
        """True if this holder has an unexpired lease at ``now`` (checked before each job)."""
        row = db.session.execute(select(SchedulerLease.holder, SchedulerLease.expires_at)
                                 .where(SchedulerLease.name == self.name)).first()
        db.session.commit()
        return row is not None and row.holder == self.holder and row.expires_at > now

    def release(self, now: datetime) -> None:
        """Give the lease up at once (clean shutdown) so a standby need not wait for expiry."""
        db.session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == self.name, SchedulerLease.holder == self.holder)
            .values(expires_at=now).execution_options(synchronize_session=False))
        db.session.commit()
