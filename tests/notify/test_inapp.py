"""In-app notifications: creation, e-mail preferences (immediate, digest, none), read marks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from legaldesk.core.errors import InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.jobs.table import run_job
from legaldesk.notify import inapp
from legaldesk.notify.models import Notification, Outbox
from legaldesk.tickets import services
from tests.conftest import NOW

SECRET = "licenciement de Mme Martin après son accident"


@pytest.fixture
def desk(make):
    """An IDF adherent's first-level ticket whose subject and text are private; three staff."""
    org = make.organisation("AI Les Tilleuls", region="IDF")
    adherent = make.user("adherent", organisation=org)
    ticket = services.open_ticket(adherent, subject=SECRET, body=SECRET, now=NOW)
    db.session.commit()
    return {"ticket": ticket, "adherent": adherent,
            "jurist": make.user("jurist", specialty="droit_social"),
            "delegate": make.user("delegate", region="IDF"), "manager": make.user("manager")}


def mails(purpose: str) -> list[Outbox]:
    return list(db.session.scalars(select(Outbox).where(Outbox.purpose == purpose)
                                   .order_by(Outbox.id)))


def test_notify_users_skips_the_actor_and_inactive_people_and_emails_at_once(desk, app):
    app.config["PUBLIC_BASE_URL"] = "https://juridique.example.org"
    try:
        desk["manager"].active = False
        created = inapp.notify_users(
            [desk["jurist"], desk["delegate"], desk["manager"], None], "requester_reply",
            desk["ticket"], actor=desk["delegate"], now=NOW)
        db.session.commit()
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    assert [n.user_id for n in created] == [desk["jurist"].id]
    [mail] = mails("notification")
    reference = desk["ticket"].reference
    assert mail.recipient == desk["jurist"].email and mail.ticket_id == desk["ticket"].id
    assert mail.subject == f"[{reference}] Nouveau message du demandeur"
    assert f"https://juridique.example.org/tickets/{reference}" in mail.body
    assert "Martin" not in mail.subject + mail.body  # never text from the ticket
    assert created[0].emailed_at == NOW


def test_an_unread_notice_is_brought_forward_not_repeated(desk):
    later = NOW + timedelta(hours=1)
    inapp.notify_users([desk["jurist"]], "requester_reply", desk["ticket"], actor=None, now=NOW)
    again = inapp.notify_users([desk["jurist"]], "requester_reply", desk["ticket"], actor=None,
                               now=later)
    db.session.commit()
    assert again == [] and len(mails("notification")) == 1
    [notice] = db.session.scalars(select(Notification)).all()
    assert notice.created_at == later
    inapp.mark_all_read(desk["jurist"], now=later)
    assert len(inapp.notify_users([desk["jurist"]], "requester_reply", desk["ticket"],
                                  actor=None, now=later)) == 1


def test_email_preference_none_and_digest_send_nothing_at_once(desk):
    inapp.set_email_preference(desk["jurist"], "none")
    inapp.set_email_preference(desk["delegate"], "digest")
    inapp.notify_users([desk["jurist"], desk["delegate"]], "escalated", desk["ticket"],
                       actor=None, now=NOW)
    db.session.commit()
    assert mails("notification") == []
    with pytest.raises(InvalidInput):
        inapp.set_email_preference(desk["jurist"], "hourly")


def test_digest_job_sends_one_mail_per_user_once_without_read_or_private_text(desk, make):
    other = services.open_ticket(desk["adherent"], subject=SECRET, body=SECRET, now=NOW)
    for user in (desk["jurist"], desk["delegate"]):
        inapp.set_email_preference(user, "digest")
    inapp.notify_users([desk["jurist"], desk["delegate"]], "requester_reply", desk["ticket"],
                       actor=None, now=NOW)
    inapp.notify_users([desk["jurist"]], "assigned", other, actor=None, now=NOW)
    inapp.mark_ticket_read(desk["delegate"], desk["ticket"].id, now=NOW)
    db.session.commit()
    evening = NOW + timedelta(hours=8)
    assert run_job("notification_digest", evening) == 1  # the delegate read theirs
    [digest] = mails("notification_digest")
    assert digest.recipient == desk["jurist"].email
    assert desk["ticket"].reference in digest.body and other.reference in digest.body
    assert "Demande qui vous est attribuée" in digest.body and "Martin" not in digest.body
    assert run_job("notification_digest", evening) == 0  # idempotent
    inapp.notify_users([desk["jurist"]], "mentioned", other, actor=None, now=evening)
    db.session.commit()
    assert run_job("notification_digest", evening + timedelta(days=1)) == 1
    assert other.reference in mails("notification_digest")[-1].body
    assert desk["ticket"].reference not in mails("notification_digest")[-1].body


def test_counts_markers_and_read_marks(desk):
    other = services.open_ticket(desk["adherent"], subject="Autre", body="Autre", now=NOW)
    jurist, delegate = desk["jurist"], desk["delegate"]
    [first] = inapp.notify_users([jurist], "requester_reply", desk["ticket"], actor=None, now=NOW)
    inapp.notify_users([jurist, delegate], "assigned", other, actor=None, now=NOW)
    db.session.commit()
    assert inapp.unread_count(jurist) == 2 and inapp.unread_count(delegate) == 1
    assert inapp.unread_ticket_ids(jurist, [desk["ticket"].id, other.id, 999]) == {
        desk["ticket"].id, other.id}
    assert inapp.unread_ticket_ids(jurist, []) == set()
    with pytest.raises(NotFound):
        inapp.mark_read(delegate, first.id, now=NOW)  # someone else's
    assert inapp.mark_read(jurist, first.id, now=NOW).read_at == NOW
    assert inapp.unread_ticket_ids(jurist, [desk["ticket"].id, other.id]) == {other.id}
    assert inapp.mark_ticket_read(jurist, other.id, now=NOW) == 1
    assert inapp.unread_count(jurist) == 0 and inapp.unread_count(delegate) == 1
    assert inapp.mark_all_read(delegate, now=NOW) == 1 and inapp.unread_count(delegate) == 0
    notices, total = inapp.list_notifications(jurist, limit=1)
    assert total == 2 and len(notices) == 1
