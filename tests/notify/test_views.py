"""The notifications page, the header counter and the unread markers on queue rows (HTTP)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from legaldesk.core.extensions import db
from legaldesk.notify import inapp
from legaldesk.notify.models import Notification
from legaldesk.tickets import moves, services
from legaldesk.tickets.models import Topic
from tests.conftest import NOW, login

SUBJECT = "Durée maximale des PMSMP"


@pytest.fixture
def desk(make):
    """Two IDF delegates, a jurist, an adherent; two first-level tickets, the first replied to."""
    org = make.organisation("AI Les Tilleuls", region="IDF")
    people = {"adherent": make.user("adherent", organisation=org),
              "delegate": make.user("delegate", region="IDF"),
              "delegate2": make.user("delegate", region="IDF"),
              "jurist": make.user("jurist", specialty="droit_social")}
    pmsmp = db.session.scalar(select(Topic).where(Topic.code == "pmsmp"))
    people["tickets"] = [services.open_ticket(people["adherent"], subject=SUBJECT, body="?",
                                              now=NOW, topic=pmsmp) for _ in range(2)]
    services.add_requester_reply(people["adherent"], people["tickets"][0], "Précision", now=NOW)
    db.session.commit()
    return people


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_header_counter_page_and_mark_read(client, desk):
    login(client, desk["delegate"])
    html = page(client, "/notifications")
    assert "Notifications (1)" in html and 'aria-label="Notifications (1 non lue)"' in html
    reference = desk["tickets"][0].reference
    assert reference in html and SUBJECT in html and "Nouveau message du demandeur" in html
    [notice] = db.session.scalars(select(Notification).where(
        Notification.user_id == desk["delegate"].id)).all()
    response = client.post(f"/notifications/{notice.id}/read")
    assert response.status_code == 302
    html = page(client, "/notifications")
    assert "Notifications (0)" in html and "Marquer comme lue" not in html


def test_someone_elses_notification_is_not_found(client, desk):
    [notice] = db.session.scalars(select(Notification).where(
        Notification.user_id == desk["delegate2"].id)).all()
    login(client, desk["delegate"])
    assert client.post(f"/notifications/{notice.id}/read").status_code == 404
    db.session.refresh(notice)
    assert notice.read_at is None


def test_mark_all_read_and_email_choice(client, desk):
    login(client, desk["delegate"])
    assert client.post("/notifications/read-all").status_code == 302
    assert inapp.unread_count(desk["delegate"]) == 0
    assert inapp.unread_count(desk["delegate2"]) == 1
    client.post("/notifications/preferences", data={"email": "digest"})
    client.post("/notifications/preferences", data={"email": "hourly"})  # refused
    db.session.refresh(desk["delegate"])
    assert desk["delegate"].notification_email == "digest"
    assert re.search(r'<input checked[^>]*value="digest"', page(client, "/notifications"))


def test_subject_only_for_tickets_the_reader_may_still_open(client, desk):
    moves.escalate_ticket(desk["delegate2"], desk["tickets"][0], "Avis", now=NOW)
    db.session.commit()  # the delegate neither holds nor relayed it: it left their sight
    login(client, desk["delegate"])
    html = page(client, "/notifications")
    assert desk["tickets"][0].reference in html and SUBJECT not in html
    assert "vous n'avez plus accès à cette demande" in html


def test_only_staff_have_notifications(client, desk):
    assert client.get("/notifications").status_code == 302  # to the log-in page
    login(client, desk["adherent"])
    assert client.get("/notifications").status_code == 403
    assert client.post("/notifications/read-all").status_code == 403
    assert "Notifications (" not in page(client, "/tickets")


def test_queue_marks_unread_rows_in_one_query_and_opening_reads(client, desk):
    first, second = desk["tickets"]
    login(client, desk["delegate"])
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM notifications" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        html = page(client, "/queue/delegation")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2  # the header's COUNT and the rows' markers
    assert html.count('class="has-unread"') == 1 and html.count(">Non lu</span>") == 1
    row = html[html.index('class="has-unread"'):]
    assert row.index(first.reference) < row.index("Non lu") < row.index("</tr>")
    assert second.reference in html
    page(client, f"/tickets/{first.reference}")  # opening the ticket reads its notices
    html = page(client, "/queue/delegation")
    assert "has-unread" not in html and "Notifications (0)" in html


def test_csrf_is_required(app, client, desk):
    login(client, desk["delegate"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/notifications/read-all").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert inapp.unread_count(desk["delegate"]) == 1
