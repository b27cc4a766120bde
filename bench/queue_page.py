"""Benchmark of the national queue page with 10,000 open tickets (Flask test client).

Server time per request, measured around each GET over ~50 requests (first page, default sort
by due time, then a filtered page and the "received" sort), p50 and p95, on SQLite and
PostgreSQL.  Usage: .venv/bin/python bench/queue_page.py [--backend ...] [--requests 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime

from sla_report import bulk_insert, fresh_app, ticket_rows

from legaldesk.core.extensions import db

PASSWORD = "bench-password-lagune-2026"


def prepare(backend: str, tickets: int):
    """An app with a manager, four jurists and ``tickets`` open national tickets."""
    from legaldesk.auth.services import create_user

    app = fresh_app(backend, "legaldesk_bench_queue")
    with app.app_context():
        manager = create_user(None, email="manager@bench.example", name="Responsable",
                              password=PASSWORD, role="manager")
        staff = [create_user(None, email=f"j{i}@bench.example", name=f"Juriste {i}",
                             password=PASSWORD, role="jurist", specialty="droit_social").id
                 for i in range(4)]
        email = manager.email
        db.session.commit()
        bulk_insert(ticket_rows(tickets, datetime(2025, 9, 1), 180, seed=7, assignees=staff,
                                open_share=1.0, queue="national"))
    return app, email


def measure(app, email: str, requests: int) -> dict[str, tuple[float, float]]:
    """p50 and p95 (ms) of each page variant."""
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    variants = {"due": "/queue/national", "received": "/queue/national?sort=received",
                "filtered": "/queue/national?channel=email&priority=normal"}
    results = {}
    for name, url in variants.items():
        client.get(url)  # warm caches (templates, calendars)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        timings.sort()
        results[name] = (statistics.median(timings), timings[int(0.95 * (len(timings) - 1))])
    return results


def main() -> None:
    """Print p50/p95 per backend and variant."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=10_000)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        app, email = prepare(backend, args.tickets)
        for name, (p50, p95) in measure(app, email, args.requests).items():
            print(f"{backend:<9} {args.tickets} tickets ouverts, page {name:<9} "
                  f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
