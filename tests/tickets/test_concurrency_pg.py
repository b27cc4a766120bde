"""Races on PostgreSQL with two real connections: references and claims."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from legaldesk.core.errors import Conflict
from legaldesk.core.extensions import db
from legaldesk.tickets import moves, services
from legaldesk.tickets.models import Ticket
from tests.conftest import NOW, backend

pytestmark = pytest.mark.skipif(backend() != "postgres",
                                reason="row-lock races are exercised on PostgreSQL")


def _run_in_threads(app, count: int, work) -> list:
    """Run work(index) in `count` threads, each in its own app context and connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = work(index)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
                db.session.rollback()
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_concurrent_creation_gives_unique_sequential_references(app, make):
    org = make.organisation()
    user_id = make.user("adherent", organisation=org).id

    def create(index: int) -> str:
        from legaldesk.auth.models import User
        user = db.session.get(User, user_id)
        return services.open_ticket(user, subject=f"Q{index}", body="b", now=NOW).reference

    references = []
    for _round in range(3):
        references += _run_in_threads(app, 4, create)
    assert all(isinstance(r, str) for r in references), references
    assert sorted(references) == [f"LD-2026-{n:05d}" for n in range(1, 13)]


def test_two_simultaneous_claims_exactly_one_wins(app, make):
    org = make.organisation()
    adherent = make.user("adherent", organisation=org)
    jurists = [make.user("jurist", specialty="droit_social").id for _ in range(2)]
    ticket = services.open_ticket(adherent, subject="Q", body="b", now=NOW)
    db.session.commit()
    reference = ticket.reference

    def claim(index: int):
        from legaldesk.auth.models import User
        actor = db.session.get(User, jurists[index])
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        return moves.claim_ticket(actor, ticket, now=NOW).assignee_id

    results = _run_in_threads(app, 2, claim)
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "déjà prise en charge" in losers[0].message
    db.session.expire_all()
    assert db.session.scalar(select(Ticket.assignee_id).where(Ticket.reference == reference)) \
        == winners[0]
