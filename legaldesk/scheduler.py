"""The one scheduler process: APScheduler runs the job table while this process holds the lease.

Several scheduler processes may be started (hosts, restarts); each renews or tries to take a
single lease row in the database on every heartbeat.  Only the holder runs jobs; the others
stand by and take over once the lease has expired (the holder died or lost the database).
Lease changes are one conditional UPDATE, atomic on SQLite (immediate transactions) and
PostgreSQL (row lock, WHERE re-checked).  Times are naive UTC and passed in explicitly.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, case, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from legaldesk.extensions import db
from legaldesk.models import utcnow

log = logging.getLogger(__name__)
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


class SchedulerProcess:
    """Wires the lease and the job table into APScheduler for `legaldesk scheduler`."""

    def __init__(self, app, holder: str | None = None, ttl_seconds: float | None = None,
                 heartbeat_seconds: float | None = None, clock=utcnow):
        self.app, self.clock = app, clock
        self.lease = Lease(holder or new_holder_id(),
                           ttl_seconds or app.config["SCHEDULER_LEASE_SECONDS"])
        self.heartbeat_seconds = heartbeat_seconds or app.config["SCHEDULER_HEARTBEAT_SECONDS"]
        self.leading = False

    def heartbeat(self) -> bool:
        """Renew or take the lease; log when this process starts or stops leading."""
        with self.app.app_context():
            try:
                leading = self.lease.heartbeat(self.clock())
            except Exception:  # the database is away: stop leading, retry next beat
                db.session.rollback()
                log.exception("lease heartbeat failed")
                leading = False
        if leading != self.leading:
            log.warning("%s %s the lease", self.lease.holder, "holds" if leading else "lost")
        self.leading = leading
        return leading

    def run_if_leader(self, name: str) -> int | None:
        """Run a job once if this process holds the lease now; None if it stood by."""
        from legaldesk.jobs import run_job

        with self.app.app_context():
            now = self.clock()
            if not self.lease.is_held(now):
                return None
            return run_job(name, now)

    def build(self):
        """An APScheduler BlockingScheduler with the heartbeat and every job of the table."""
        from apscheduler.schedulers.blocking import BlockingScheduler

        from legaldesk.jobs import job_table

        scheduler = BlockingScheduler(timezone=self.app.config["SCHEDULER_TIMEZONE"],
                                      job_defaults={"coalesce": True, "max_instances": 1,
                                                    "misfire_grace_time": 300})
        scheduler.add_job(self.heartbeat, "interval", seconds=self.heartbeat_seconds,
                          id="lease_heartbeat", next_run_time=datetime.now().astimezone())
        for job in job_table(self.app.config).values():
            scheduler.add_job(self._safe_run, job.trigger, args=[job.name], id=job.name,
                              **job.schedule)
        return scheduler

    def _safe_run(self, name: str) -> None:
        try:
            self.run_if_leader(name)
        except Exception:  # logged by run_job; the next run tries again
            log.warning("job %s will be retried at its next run", name)

    def serve(self) -> None:
        """Run until SIGTERM/SIGINT, then release the lease for a quick takeover."""
        scheduler = self.build()

        def stop(_signum, _frame):
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.warning("scheduler %s started (lease %ss, heartbeat %ss)", self.lease.holder,
                    self.lease.ttl.total_seconds(), self.heartbeat_seconds)
        try:
            scheduler.start()
        finally:
            with self.app.app_context():
                self.lease.release(self.clock())
