"""Shared people and cases for the need-to-know tests (confidential tickets, alerts, drafts)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.notify.models import Outbox
from legaldesk.tickets import services
from legaldesk.tickets.models import Ticket, Topic
from tests.conftest import NOW

# A fictional sexual-assault report: words that must never reach someone who cannot read it.
CASE_SUBJECT = "Signalement Mme Kessler chantier Vireux"
CASE_BODY = ("Une salariée dit avoir subi des attouchements de la part de son chef d'équipe, "
             "M. Brandt, sur le chantier de Vireux.")
CASE_SECRETS = ("Kessler", "Vireux", "attouchements", "Brandt", "Tilleuls", "Marie Durand")

PEOPLE = {
    "relay": ("delegate", {"region": "IDF", "name": "Denis Relais"}),
    "region_delegate": ("delegate", {"region": "IDF", "name": "Diane Région"}),
    "other_delegate": ("delegate", {"region": "BRE", "name": "Berthe Bretonne"}),
    "jurist": ("jurist", {"specialty": "droit_social", "name": "Julie Sociale"}),
    "other_jurist": ("jurist", {"specialty": "droit_des_affaires", "name": "Jean Affaires"}),
    "manager": ("manager", {"name": "Mona Manager"}),
    "admin": ("admin", {"name": "Adam Admin"}),
}


class People(dict):
    """Test people created on first use (password hashing is slow: only pay for who is used)."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key: str):
        make = self.make
        if key == "org":
            value = make.organisation("AI Les Tilleuls", region="IDF")
        elif key == "adherent":
            value = make.user("adherent", organisation=self["org"], name="Marie Durand")
        elif key == "colleague":  # same organisation, did not ask
            value = make.user("adherent", organisation=self["org"], name="Paul Collègue")
        else:
            role, kwargs = PEOPLE[key]
            value = make.user(role, **kwargs)
        self[key] = value
        return value


@pytest.fixture
def people(make):
    """An IDF AI (adherent, colleague), delegates (relaying, IDF, BRE), two jurists, a manager
    and an admin, each created when a test first uses it."""
    return People(make)


def topic(code: str) -> Topic:
    """A seeded topic by code."""
    return db.session.scalar(select(Topic).where(Topic.code == code))


def confidential_case(people, *, now=NOW) -> Ticket:
    """The relaying delegate logs the adherent's call about a sexual assault: triage makes it
    urgent, confidential, national and assigns the social-law jurist."""
    for key in ("jurist", "manager", "region_delegate"):
        people[key]  # exist before the alerts go out
    ticket = services.open_ticket(
        people["relay"], subject=CASE_SUBJECT, body=CASE_BODY, now=now, channel="phone",
        organisation=people["org"], requester=people["adherent"], received_at=now)
    db.session.commit()
    assert ticket.confidential and ticket.relayed_by == people["relay"]
    assert ticket.assignee == people["jurist"]
    return ticket


def outbox_rows(*, purpose: str | None = None) -> list[Outbox]:
    """Outbox rows, oldest first, optionally of one purpose."""
    query = select(Outbox).order_by(Outbox.id)
    if purpose:
        query = query.where(Outbox.purpose == purpose)
    return list(db.session.scalars(query))


def leaked(row: Outbox, secrets=CASE_SECRETS) -> list[str]:
    """The secret words found in an Outbox row's subject or body."""
    text = f"{row.subject}\n{row.body}"
    return [word for word in secrets if word in text]
