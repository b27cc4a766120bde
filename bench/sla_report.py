"""Benchmark of the SLA report: SQL aggregates vs a naive Python baseline, SQLite and PostgreSQL.

Data: 10 years × 1,000 tickets, then 100,000 tickets over 10 years, bulk-inserted directly
(fictional rows with stored durations).  The report (all eight breakdowns, previous period,
backlog, breaches) is timed over the whole range and over one year; the baseline fetches the
period's rows and computes mean, median and p90 per breakdown in Python.  The first run also
checks that both give the same overall figures.  PostgreSQL uses its own `legaldesk_bench`
database.  Usage: .venv/bin/python bench/sla_report.py [--backend sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

from legaldesk import create_app
from legaldesk.core.extensions import db

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CHANNELS = ["web", "email", "phone", "whatsapp", "webinar"]
REQUESTERS = ["adherent"] * 8 + ["delegation", "reseau_partenaire", "service_etat"]
OPEN = ["new", "assigned", "in_progress", "waiting_on_requester", "reopened"]
BDAY = 9 * 3600


def fresh_app(backend: str, name: str = "legaldesk_bench"):
    """An app on an empty database with the schema and reference data (regions, topics)."""
    if backend == "postgres":
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / (name + '.sqlite')}"
    app = create_app({"TESTING": True, "DEPLOYMENT": "development", "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        from legaldesk.tickets.seed import seed_reference_data

        db.create_all()
        seed_reference_data()
        db.session.commit()
    return app


def reference_ids() -> tuple[list[int], list[int]]:
    """Ids of the seeded topics and regions."""
    from legaldesk.auth.models import Region
    from legaldesk.tickets.models import Topic

    return (list(db.session.scalars(select(Topic.id))),
            list(db.session.scalars(select(Region.id))))


def ticket_rows(count: int, first_day: datetime, days: int, *, seed: int, assignees: list[int],
                open_share: float = 0.05, queue: str | None = None, start: int = 0):
    """Fictional ticket rows (dicts for a bulk insert) spread over ``days`` from ``first_day``."""
    from legaldesk.sla.services import HOUR

    rng = random.Random(seed)
    topics, regions = reference_ids()
    rows = []
    for number in range(start, start + count):
        received = first_day + timedelta(seconds=rng.randrange(days * 86400))
        urgent = rng.random() < 0.05
        targets = (4 * HOUR, BDAY) if urgent else (2 * BDAY, 10 * BDAY)
        is_open = rng.random() < open_share
        first = round(rng.lognormvariate(9.5, 1.0)) if not is_open or rng.random() < 0.5 else None
        resolution = None if is_open else (first or 0) + round(rng.lognormvariate(11.5, 0.9))
        level = rng.choice(["first_level", "expert", "expert"])
        rows.append({
            "reference": f"LD-B-{number:07d}", "subject": "Question fictive", "triage": {},
            "status": rng.choice(OPEN) if is_open else "closed", "level": level,
            "priority": "urgent" if urgent else "normal", "confidential": False,
            "topic_id": rng.choice(topics), "channel": rng.choice(CHANNELS),
            "queue": queue or ("delegation" if level == "first_level" else "national"),
            "requester_type": rng.choice(REQUESTERS), "region_id": rng.choice(regions),
            "assignee_id": rng.choice(assignees) if assignees else None,
            "received_at": received, "created_at": received, "updated_at": received,
            "first_response_target_seconds": targets[0], "resolution_target_seconds": targets[1],
            "first_response_business_seconds": first,
            "first_response_calendar_seconds": None if first is None else round(first * 2.6),
            "resolution_business_seconds": resolution,
            "resolution_calendar_seconds": None if resolution is None else round(resolution * 2.6),
            "first_response_due_at": received + timedelta(days=2),
            "resolution_due_at": received + timedelta(days=14),
            "next_due_at": received + timedelta(days=2) if is_open else None,
            "paused_business_seconds": 0, "paused_calendar_seconds": 0,
        })
    return rows


def bulk_insert(rows: list[dict], chunk: int = 5000) -> None:
    """Insert ticket rows directly (executemany in chunks), then analyse for the planner."""
    from legaldesk.tickets.models import Ticket

    for offset in range(0, len(rows), chunk):
        db.session.execute(insert(Ticket.__table__), rows[offset:offset + chunk])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


# --- the benchmark ------------------------------------------------------------------------


def naive_python_report(period) -> dict:
    """The baseline: fetch every row of the period and compute the figures in Python."""
    import statistics

    from legaldesk.tickets.models import Ticket

    rows = db.session.execute(select(
        Ticket.channel, Ticket.level, Ticket.priority, Ticket.requester_type, Ticket.region_id,
        Ticket.topic_id, Ticket.assignee_id, Ticket.received_at,
        Ticket.first_response_business_seconds, Ticket.first_response_calendar_seconds,
        Ticket.resolution_business_seconds, Ticket.resolution_calendar_seconds,
        Ticket.resolution_target_seconds).where(
        Ticket.received_at >= period.start, Ticket.received_at < period.end)).all()

    def block(values):
        values = sorted(v for v in values if v is not None)
        if not values:
            return None
        cut = statistics.quantiles(values, n=10, method="inclusive") if len(values) > 1 else [
            values[0]] * 9
        return (statistics.fmean(values), statistics.median(values), cut[8])

    groups: dict = {}
    for index in range(7):  # the seven column breakdowns (month left out: a Python detail)
        for row in rows:
            groups.setdefault((index, row[index]), []).append(row)
    result = {"all": [block(r[m] for r in rows) for m in (8, 9, 10, 11)]}
    for key, members in groups.items():
        result[key] = [block(r[m] for r in members) for m in (8, 9, 10, 11)]
    return result


def timed(function, *args, repeat: int = 3, **kwargs) -> float:
    """Best of ``repeat`` wall-clock runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(*args, **kwargs)
        best = min(best, time.perf_counter() - started)
    return best


def check_same_figures(report, naive: dict) -> None:
    """The SQL report and the Python baseline agree on the overall resolution figures."""
    mean, median, p90 = naive["all"][2]  # resolution business seconds
    block = report.overall.resolution
    day = BDAY
    assert abs(block.mean_business_days - mean / day) < 1e-6, (block, mean / day)
    assert abs(block.median_business_days - median / day) < 1e-6, (block, median / day)
    assert abs(block.p90_business_days - p90 / day) < 1e-6, (block, p90 / day)


def run(backend: str) -> list[tuple]:
    """Time the report on 10 years × 1,000 tickets and on 100,000 tickets."""
    from datetime import date

    from legaldesk.sla import reports

    results = []
    for label, count, first_year, years in (("10 ans × 1 000", 10_000, 2016, 10),
                                            ("100 000", 100_000, 2016, 10)):
        app = fresh_app(backend)
        with app.app_context():
            from legaldesk.auth.services import create_user

            staff = [create_user(None, email=f"j{i}@bench.example", name=f"Juriste {i}",
                                 password="bench-password-lagune-2026", role="jurist",
                                 specialty="droit_social").id for i in range(4)]
            db.session.commit()
            started = time.perf_counter()
            days = (datetime(first_year + years, 1, 1) - datetime(first_year, 1, 1)).days
            bulk_insert(ticket_rows(count, datetime(first_year, 1, 1), days, seed=count,
                                    assignees=staff))
            loading = time.perf_counter() - started
            whole = reports.Period(date(first_year, 1, 1), date(first_year + years - 1, 12, 31))
            year = reports.Period(date(2023, 1, 1), date(2023, 12, 31))
            now = datetime(2026, 1, 5, 10)
            report = reports.build_report(None, whole, now=now)
            check_same_figures(report, naive_python_report(whole))
            sql_whole = timed(reports.build_report, None, whole, now=now)
            sql_year = timed(reports.build_report, None, year, now=now)
            naive_whole = timed(naive_python_report, whole)
            results.append((backend, label, count, loading, sql_whole, sql_year, naive_whole))
            db.session.remove()
            db.engine.dispose()
    return results


def main() -> None:
    """Print one line per backend and data set."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"{'base':<9} {'données':<15} {'tickets':>8} {'chargement':>11} {'rapport':>9} "
          f"{'1 an':>7} {'Python naïf':>12}")
    for backend in backends:
        for line in run(backend):
            backend_name, label, count, loading, whole, year, naive = line
            print(f"{backend_name:<9} {label:<15} {count:>8} {loading:>10.2f}s {whole:>8.3f}s "
                  f"{year:>6.3f}s {naive:>11.3f}s", flush=True)


if __name__ == "__main__":
    main()
