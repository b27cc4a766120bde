"""The one scheduler process: APScheduler runs the job table while this process holds the lease."""

from __future__ import annotations

import logging
import signal
from datetime import datetime

from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from legaldesk.jobs.lease import Lease, new_holder_id

log = logging.getLogger(__name__)


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
        from legaldesk.jobs.table import run_job

        with self.app.app_context():
            now = self.clock()
            if not self.lease.is_held(now):
                return None
            return run_job(name, now)

    def build(self):
        """An APScheduler BlockingScheduler with the heartbeat and every job of the table."""
        from apscheduler.schedulers.blocking import BlockingScheduler

        from legaldesk.jobs.table import job_table

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
