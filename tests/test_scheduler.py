"""The scheduler lease: one holder runs the jobs, a standby takes over when the lease expires."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select

from legaldesk import create_app
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from legaldesk.jobs.lease import Lease, SchedulerLease
from legaldesk.jobs.scheduler import SchedulerProcess
from tests.conftest import app_config, database_url

T0 = datetime(2026, 3, 10, 10, 0)
TTL = 60


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_first_scheduler_takes_the_lease_and_the_second_stands_by(app):
    first, second = Lease("host-a:1", TTL), Lease("host-b:2", TTL)
    assert first.heartbeat(at(0)) is True
    assert second.heartbeat(at(1)) is False
    assert first.heartbeat(at(30)) is True  # renewal pushes expiry to 90 s
    assert second.heartbeat(at(80)) is False
    assert first.is_held(at(80)) and not second.is_held(at(80))
    row = db.session.get(SchedulerLease, "scheduler")
    assert (row.holder, row.acquired_at, row.expires_at) == ("host-a:1", at(0), at(90))


def test_standby_takes_over_after_expiry_and_the_old_holder_knows(app):
    first, second = Lease("host-a:1", TTL), Lease("host-b:2", TTL)
    first.heartbeat(at(0))
    assert second.heartbeat(at(59)) is False
    assert second.heartbeat(at(60)) is True  # the holder missed its renewals
    assert first.is_held(at(61)) is False
    assert first.heartbeat(at(61)) is False  # it stands by in turn
    assert db.session.get(SchedulerLease, "scheduler").acquired_at == at(60)


def test_release_lets_the_standby_in_at_once(app):
    first, second = Lease("host-a:1", TTL), Lease("host-b:2", TTL)
    first.heartbeat(at(0))
    first.release(at(5))
    assert second.heartbeat(at(5)) is True


def test_only_the_leader_runs_jobs(app):
    clock = {"now": at(0)}
    leader = SchedulerProcess(app, holder="a", ttl_seconds=TTL, clock=lambda: clock["now"])
    standby = SchedulerProcess(app, holder="b", ttl_seconds=TTL, clock=lambda: clock["now"])
    assert leader.heartbeat() and not standby.heartbeat()
    assert leader.run_if_leader("sla_check") == 0
    assert standby.run_if_leader("sla_check") is None
    clock["now"] = at(TTL + 1)  # the leader stopped renewing
    assert leader.run_if_leader("sla_check") is None
    assert standby.heartbeat() and standby.run_if_leader("sla_check") == 0


def test_apscheduler_table_has_every_job_and_the_heartbeat(app):
    scheduler = SchedulerProcess(app, holder="a").build()
    ids = {job.id for job in scheduler.get_jobs()}
    assert {"lease_heartbeat", "sla_check", "auto_escalate", "daily_digest",
            "auto_close", "dispatch_outbox"} <= ids


def _holder(engine) -> tuple[str | None, datetime | None]:
    table = SchedulerLease.__table__
    with engine.connect() as conn:
        row = conn.execute(select(table.c.holder, table.c.expires_at)).first()
    return (row[0], row[1]) if row else (None, None)


def _wait_for(engine, holder: str, deadline_seconds: float = 60) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if _holder(engine)[0] == holder:
            return
        time.sleep(0.2)
    raise AssertionError(f"{holder} never held the lease (holder: {_holder(engine)[0]})")


def _start(url: str, holder: str, log: Path) -> subprocess.Popen:
    env = dict(os.environ, LEGALDESK_SQLALCHEMY_DATABASE_URI=url,
               LEGALDESK_DEPLOYMENT="development", LEGALDESK_SECRET_KEY="test-secret")
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "legaldesk", "scheduler", "--holder", holder,
             "--lease-seconds", "4", "--heartbeat-seconds", "0.5"],
            env=env, stdout=output, stderr=subprocess.STDOUT)


def test_two_real_processes_one_takes_over_when_the_other_dies(tmp_path):
    url = database_url(tmp_path, "scheduler")
    schema_app = create_app(app_config(tmp_path, url))
    with schema_app.app_context():
        db.create_all()
        db.engine.dispose()
    engine = create_engine(url)
    first = _start(url, "first", tmp_path / "first.log")
    second = None
    try:
        _wait_for(engine, "first")
        second = _start(url, "second", tmp_path / "second.log")
        time.sleep(3)  # several heartbeats of both: the holder keeps its lease
        assert _holder(engine)[0] == "first", (tmp_path / "second.log").read_text()
        first.send_signal(signal.SIGKILL)  # a crash: no release, the lease must expire
        first.wait(timeout=30)
        _wait_for(engine, "second")
        second.send_signal(signal.SIGTERM)  # a clean stop releases the lease
        assert second.wait(timeout=30) == 0, (tmp_path / "second.log").read_text()
        holder, expires_at = _holder(engine)
        assert holder == "second" and expires_at <= utcnow() + timedelta(seconds=1)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=30)
        engine.dispose()
