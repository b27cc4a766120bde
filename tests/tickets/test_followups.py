"""Who is notified of a ticket's follow-ups: replies, reopenings, escalations, assignments,
mentions and call-backs (the hooks in ticket services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.notify.models import Notification, Outbox
from legaldesk.tickets import followups, moves, services
from legaldesk.tickets.models import Queue, Status, Ticket, Topic
from tests.conftest import NOW


def topic(code: str) -> Topic:
    return db.session.scalar(select(Topic).where(Topic.code == code))


@pytest.fixture
def desk(make, app):
    """IDF and BRE delegates, a social-law and a business-law jurist, a manager, an adherent."""
    app.config["AUTO_ASSIGN_EXPERT"] = False  # expert tickets wait unassigned in these tests
    org = make.organisation("AI Les Tilleuls", region="IDF")
    people = {
        "org": org, "adherent": make.user("adherent", organisation=org),
        "delegate": make.user("delegate", region="IDF", name="Hélène Le Roux"),
        "delegate2": make.user("delegate", region="IDF"),
        "delegate_bre": make.user("delegate", region="BRE", name="Yann Le Goff"),
        "social": make.user("jurist", specialty="droit_social", name="Marie Dupont"),
        "business": make.user("jurist", specialty="droit_des_affaires"),
        "manager": make.user("manager"),
    }
    yield people
    app.config["AUTO_ASSIGN_EXPERT"] = True


def ask(desk, code="pmsmp") -> Ticket:
    ticket = services.open_ticket(desk["adherent"], subject="Question", body="Texte", now=NOW,
                                  topic=topic(code))
    db.session.commit()
    return ticket


def notified(kind: str | None = None) -> dict[int, set[str]]:
    """User id → kinds of their notifications."""
    query = select(Notification)
    if kind:
        query = query.where(Notification.kind == kind)
    result: dict[int, set[str]] = {}
    for notice in db.session.scalars(query):
        result.setdefault(notice.user_id, set()).add(notice.kind)
    return result


def ids(*users) -> set[int]:
    return {user.id for user in users}


def test_requester_reply_goes_to_the_delegation_when_nobody_holds_the_ticket(desk):
    ticket = ask(desk)
    services.add_requester_reply(desk["adherent"], ticket, "Une précision.", now=NOW)
    db.session.commit()
    assert set(notified("requester_reply")) == ids(desk["delegate"], desk["delegate2"])


def test_requester_reply_and_reopen_go_to_the_assignee(desk):
    ticket = ask(desk)
    moves.claim_ticket(desk["delegate"], ticket, now=NOW)
    services.record_answer(desk["delegate"], ticket, "Réponse.", now=NOW)
    db.session.commit()
    assert notified() == {}  # claiming and answering tell nobody
    services.reopen_ticket(desk["adherent"], ticket, now=NOW)
    services.add_requester_reply(desk["adherent"], ticket, "Merci, mais...", now=NOW)
    db.session.commit()
    assert notified() == {desk["delegate"].id: {"reopened", "requester_reply"}}


def test_an_email_reply_from_an_unknown_sender_is_seen(desk):
    """The issue's case: a reply filed without a user (e-mail intake) notified nobody."""
    ticket = ask(desk, "procedures_collectives")
    services.add_requester_reply(None, ticket, "Réponse par e-mail", now=NOW, channel="email",
                                 sender="inconnu@example.org")
    db.session.commit()
    assert set(notified("requester_reply")) == ids(desk["business"])  # the field's jurists
    assert [o.recipient for o in db.session.scalars(
        select(Outbox).where(Outbox.purpose == "notification"))] == [desk["business"].email]


def test_a_confidential_unassigned_ticket_tells_the_managers_only(desk):
    ticket = ask(desk, "procedures_collectives")
    ticket.confidential = True
    services.add_requester_reply(desk["adherent"], ticket, "Précision", now=NOW)
    assert set(notified()) == ids(desk["manager"])


def test_escalation_tells_the_jurists_of_the_field_but_not_the_delegate(desk):
    ticket = ask(desk)
    moves.escalate_ticket(desk["delegate"], ticket, "Avis d'un juriste", now=NOW)
    db.session.commit()
    assert notified() == {desk["social"].id: {"escalated"}}


def test_automatic_escalation_is_notified(desk, app):
    ticket = ask(desk)
    assert moves.auto_escalate_overdue(NOW + timedelta(days=7)) == 1
    assert ticket.queue == Queue.NATIONAL
    assert notified() == {desk["social"].id: {"escalated"}}


def test_assignment_by_someone_else_is_notified_but_not_a_self_assignment(desk):
    ticket, mine = ask(desk, "procedures_collectives"), ask(desk, "procedures_collectives")
    moves.assign_ticket(desk["manager"], ticket, desk["business"], now=NOW)
    moves.assign_ticket(desk["business"], mine, desk["business"], now=NOW)
    moves.assign_ticket(desk["manager"], ticket, desk["business"], now=NOW)  # no change
    db.session.commit()
    assert [(n.user_id, n.ticket_id, n.kind) for n in db.session.scalars(
        select(Notification))] == [(desk["business"].id, ticket.id, "assigned")]


MENTIONS = [
    ("@helene.le.roux peux-tu rappeler ?", ["delegate"]),
    ("Vu avec @Hélène.Le.Roux.", ["delegate"]),
    ("cc @marie.dupont@example.invalid", []),  # not her address: nobody
    ("écrire à helene@tilleuls.org", []),  # an address in the text is not a mention
    ("@yann.le.goff @marie.dupont", ["social"]),  # BRE's delegate cannot see an IDF ticket
]


def test_mentions_in_an_internal_note(desk):
    ticket = ask(desk)
    for text, expected in MENTIONS:
        db.session.query(Notification).delete()
        services.add_internal_note(desk["delegate2"], ticket, text, now=NOW)
        assert set(notified("mentioned")) == ids(*(desk[name] for name in expected)), text


def test_mention_by_address_and_never_of_oneself_or_a_requester(desk):
    ticket = ask(desk)
    body = (f"@{desk['delegate2'].email} et @{desk['delegate'].email}, "
            f"voir @{desk['adherent'].email}")
    assert followups.mention_keys(body) == {desk[k].email for k in
                                            ("delegate2", "delegate", "adherent")}
    services.add_internal_note(desk["delegate"], ticket, body, now=NOW)
    assert set(notified("mentioned")) == ids(desk["delegate2"])


def test_callback_on_an_answered_ticket_reopens_it_into_the_delegation_queue(desk):
    ticket = ask(desk)
    moves.escalate_ticket(desk["delegate"], ticket, "Avis", now=NOW)
    ticket.level = "first_level"  # a jurist re-qualified it, then answered from national
    services.record_answer(desk["social"], ticket, "Réponse.", now=NOW)
    db.session.query(Notification).delete()
    db.session.query(Outbox).delete()
    moves.request_callback(desk["adherent"], ticket, "Joignable ce matin", now=NOW)
    db.session.commit()
    assert (ticket.status, ticket.queue) == (Status.REOPENED, Queue.DELEGATION)
    assert notified() == {desk["social"].id: {"reopened"}}  # still its assignee
    assert not db.session.scalars(select(Outbox).where(Outbox.purpose == "notification")).all()
    callbacks = db.session.scalars(select(Outbox).where(Outbox.purpose == "callback_request"))
    assert [o.recipient for o in callbacks] == [desk["social"].email]


def test_callback_on_an_open_ticket_is_a_callback_notice(desk):
    ticket = ask(desk, "procedures_collectives")
    moves.request_callback(desk["adherent"], ticket, "", now=NOW)
    assert ticket.status == Status.NEW
    assert notified() == {desk["business"].id: {"callback_requested"}}
