"""SQLite under several writing processes: no 'database is locked', references stay gapless."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select

from legaldesk import create_app
from legaldesk.core.extensions import db
from tests.conftest import NOW, app_config, backend

WRITERS = 4
TICKETS_EACH = 15


def _writer(url: str, tmp: str, worker: int) -> None:
    from pathlib import Path

    from legaldesk.auth.models import User
    from legaldesk.tickets.services import open_ticket

    app = create_app(app_config(Path(tmp), url))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "adh@example.org"))
        for index in range(TICKETS_EACH):
            # Read-then-write, like a web request: the pattern that fails without BEGIN IMMEDIATE.
            open_ticket(user, subject=f"Question {worker}-{index}", body="Texte", now=NOW)
            db.session.commit()
        db.engine.dispose()


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite-specific locking behaviour")
def test_concurrent_writers_never_hit_database_is_locked(tmp_path):
    from legaldesk.auth.services import create_organisation, create_user, seed_regions
    from legaldesk.tickets.models import Ticket

    url = f"sqlite:///{tmp_path / 'concurrency.sqlite'}"
    app = create_app(app_config(tmp_path, url))
    with app.app_context():
        db.create_all()
        seed_regions()
        org = create_organisation(None, name="AI Test", kind="AI")
        create_user(None, email="adh@example.org", name="A", password="tortue-lagune-piano-42",
                    role="adherent", organisation=org)
        db.session.commit()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(url, str(tmp_path), n))
               for n in range(WRITERS)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    assert [p.exitcode for p in workers] == [0] * WRITERS
    with app.app_context():
        total = db.session.scalar(select(func.count(Ticket.id)))
        references = set(db.session.scalars(select(Ticket.reference)))
        db.engine.dispose()
    assert total == WRITERS * TICKETS_EACH
    assert references == {f"LD-2026-{n:05d}" for n in range(1, total + 1)}
