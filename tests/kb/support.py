"""Shared helpers and fixtures for the knowledge-base tests (imported by each test module)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.kb import index_queue, services
from legaldesk.kb.models import IndexQueue, Note
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Topic
from tests.conftest import NOW


class People(dict):
    """Test people created on first use (password hashing is slow: only pay for who is used)."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key: str):
        make = self.make
        if key == "org":
            value = make.organisation("AI Les Tilleuls", region="IDF",
                                      email_domains=["ai-tilleuls.fr"],
                                      phone_numbers=["01 23 45 67 89"])
        elif key == "adherent":
            value = make.user("adherent", organisation=self["org"], name="Marie Durand",
                              email="marie.durand@ai-tilleuls.fr")
        elif key == "partner":
            partner = make.organisation("Réseau partenaire", kind="partenaire", region=None)
            value = make.user("adherent", organisation=partner, name="Paul Partenaire")
        else:
            role, kwargs = PEOPLE[key]
            value = make.user(role, **kwargs)
        self[key] = value
        return value


PEOPLE = {
    "delegate": ("delegate", {"region": "IDF", "name": "Denis Délégué"}),
    "delegate2": ("delegate", {"region": "BRE", "name": "Berthe Bretonne"}),
    "jurist": ("jurist", {"specialty": "droit_social", "name": "Julie Juriste"}),
    "jurist2": ("jurist", {"specialty": "droit_des_affaires", "name": "Jean Affaires"}),
    "manager": ("manager", {"name": "Mona Manager"}),
}


@pytest.fixture
def kb_people(make):
    """A member structure (AI Les Tilleuls) with an adherent, a partner user, two delegates,
    two jurists and a manager, each created when a test first uses it."""
    return People(make)


def note(actor=None, *, title="Durée d'une PMSMP", body="La PMSMP dure un mois au plus.",
         status="published", audience="members", topics=("pmsmp",), kind="fiche",
         apply=True, **extra) -> Note:
    """Create a note (as the system unless an actor is given), commit and index it."""
    if actor is None:
        item = services.create_note(None, now=NOW, title=title, body_markdown=body,
                                    status=status, audience=audience, topics=list(topics),
                                    kind=kind, **extra)
    else:
        item = services.create_note(actor, now=NOW, title=title, body_markdown=body,
                                    audience=audience, topics=list(topics), kind=kind, **extra)
    db.session.commit()
    if apply:
        index_queue.apply_index_queue(NOW)
    return item


def queued_note_ids() -> list[int]:
    """Note ids of the rows still waiting in the index queue."""
    db.session.expire_all()
    return [row.note_id for row in db.session.scalars(select(IndexQueue).order_by(IndexQueue.id))]


def topic(code: str) -> Topic:
    """A seeded topic by code."""
    return db.session.scalar(select(Topic).where(Topic.code == code))


def answered_ticket(people, *, subject="Durée d'une PMSMP pour Marie Durand",
                    body="Bonjour,\nnotre salariée Mme Fatima BENALI, 59 ans, voudrait faire "
                         "une PMSMP. Joignable au 06 12 34 56 78 ou marie.durand@ai-tilleuls.fr."
                         "\nCordialement,\nMarie Durand\nDirectrice AI Les Tilleuls",
                    answer="Bonjour Marie,\nUne PMSMP dure un mois au plus, renouvelable une "
                           "fois (art. D. 5135-3).\nCordialement,\nJulie Juriste"):
    """A ticket asked by the adherent and answered by the jurist."""
    ticket = tickets.open_ticket(people["adherent"], subject=subject, body=body, now=NOW,
                                 topic=topic("pmsmp"))
    db.session.flush()
    tickets.record_answer(people["jurist"], ticket, answer, now=NOW)
    db.session.commit()
    return ticket
