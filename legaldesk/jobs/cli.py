"""CLI: `jobs list|run`, `scheduler` (the one job process) and `serve` (development server)."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext

from legaldesk.core.commands import parse_now, service_command


def register(cli) -> None:
    """Attach the job, scheduler and development-server commands to the app's CLI."""
    for command in (jobs_group, scheduler_command, serve_command):
        cli.add_command(command)


@click.group("jobs")
def jobs_group():
    """The scheduler's jobs."""


@jobs_group.command("list")
@with_appcontext
def jobs_list():
    """List the jobs with their schedule."""
    from flask import current_app

    from legaldesk.jobs.table import job_table

    for job in job_table(current_app.config).values():
        click.echo(f"{job.name:<16} {job.describe_schedule():<22} {job.description}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--now", "now_text", help="Instant de référence (ISO 8601)")
@service_command
def jobs_run(name: str, now_text: str | None):
    """Run one job once, now (idempotent: running it again does nothing more)."""
    from legaldesk.jobs.table import run_job

    click.echo(f"{name} : {run_job(name, parse_now(now_text))}")


@click.command("scheduler")
@click.option("--holder", help="Identifiant de ce planificateur (défaut : hôte:pid:aléa)")
@click.option("--lease-seconds", type=float, help="Durée du bail (SCHEDULER_LEASE_SECONDS)")
@click.option("--heartbeat-seconds", type=float,
              help="Renouvellement du bail (SCHEDULER_HEARTBEAT_SECONDS)")
@with_appcontext
def scheduler_command(holder, lease_seconds, heartbeat_seconds):
    """Run the job scheduler; a second one stands by and takes over if this one stops."""
    from flask import current_app

    from legaldesk.jobs.scheduler import SchedulerProcess

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    SchedulerProcess(current_app._get_current_object(), holder=holder, ttl_seconds=lease_seconds,
                     heartbeat_seconds=heartbeat_seconds).serve()


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=False,
              help="Lancer aussi le planificateur (un processus à part) à côté du serveur.")
@with_appcontext
def serve_command(host: str, port: int, with_scheduler: bool):
    """Serve the app on the development server (use gunicorn wsgi:app in production)."""
    import subprocess
    import sys

    from flask import current_app
    from werkzeug.serving import run_simple

    from legaldesk.core.access_log import PathOnlyRequestHandler

    scheduler = None
    if with_scheduler:
        # Its own process, as in production: it holds the lease, the web server does not.
        scheduler = subprocess.Popen([sys.executable, "-m", "legaldesk", "scheduler"])
    try:
        run_simple(host, port, current_app._get_current_object(), threaded=True,
                   use_reloader=False, request_handler=PathOnlyRequestHandler)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=15)
