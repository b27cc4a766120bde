"""Rights of the people concerned: find by e-mail or phone, export (ZIP), erase; audited."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import func, select

from legaldesk.audit.models import AuditEntry
from legaldesk.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.intake import services as intake
from legaldesk.intake.models import InboundMessage
from legaldesk.privacy import rights
from legaldesk.privacy.retention import ERASED
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Attachment, Ticket
from tests.conftest import login
from tests.intake.mails import raw_email
from tests.samples import make_pdf

NOW = datetime(2026, 5, 4, 10, 0)


@pytest.fixture
def desk(make):
    org = make.organisation("AI Les Tilleuls", region="IDF")
    people = {"org": org, "adherent": make.user("adherent", organisation=org,
                                                phone="06 12 34 56 78"),
              "jurist": make.user("jurist", specialty="droit_social"),
              "manager": make.user("manager")}
    ticket = tickets.open_ticket(people["adherent"], subject="Harcèlement", now=NOW,
                                 body="Ma salariée Zoé Quintanilla est harcelée.")
    tickets.attach_files(people["adherent"], ticket, [tickets.UploadedFile(
        "plainte.pdf", "application/pdf", make_pdf("plainte"))], now=NOW)
    tickets.record_answer(people["jurist"], ticket, "Voici la marche à suivre.", now=NOW)
    db.session.commit()
    intake.ingest_email(raw_email(sender="Inconnu <inconnu@exemple.org>",
                                  message_id="rights1@exemple.org"), now=NOW, source="cli")
    people["ticket"] = ticket
    return people


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_find_by_email_or_phone_and_export(desk):
    manager = desk["manager"]
    contact = rights.find_person(manager, email="INCONNU@exemple.org")
    counts = contact.counts()
    assert (counts["accounts"], counts["contacts"], counts["tickets"], counts["raw_inbound"],
            counts["attachments"]) == (0, 1, 1, 1, 0)
    member = rights.find_person(manager, phone="+33 6 12 34 56 78")
    assert [u.id for u in member.users] == [desk["adherent"].id]
    assert [t.id for t in member.tickets] == [desk["ticket"].id]
    archive = zipfile.ZipFile(io.BytesIO(rights.export_person(manager, member, now=NOW)))
    document = json.loads(archive.read("person.json"))
    assert document["accounts"][0]["phone"] == "06 12 34 56 78"
    bodies = [m["body"] for m in document["tickets"][0]["messages"]]
    assert "Ma salariée Zoé Quintanilla est harcelée." in bodies
    assert any(name.endswith("-plainte.pdf") for name in archive.namelist())
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "privacy.person_exported")).one()
    assert entry.target_ref == f"user:{desk['adherent'].id}" and "06" not in entry.target_ref
    with pytest.raises(InvalidInput):
        rights.find_person(manager, phone="06 12")
    with pytest.raises(Forbidden):
        rights.find_person(desk["jurist"], email="inconnu@exemple.org")
    with pytest.raises(NotFound):
        rights.export_person(manager, rights.find_person(manager, email="x@y.fr"), now=NOW)


def test_erase_a_contact_keeps_the_ticket_as_statistics(desk):
    manager = desk["manager"]
    person = rights.find_person(manager, email="inconnu@exemple.org")
    ticket_id = person.tickets[0].id
    with pytest.raises(InvalidInput, match="motif"):
        rights.erase_person(manager, person, now=NOW, reason=" ")
    rights.erase_person(manager, person, now=NOW, reason="Demande reçue le 3 mai")
    db.session.commit()
    ticket = db.session.get(Ticket, ticket_id)
    assert ticket.subject == ERASED and {m.body for m in ticket.messages} == {ERASED}
    assert ticket.received_at is not None and ticket.channel == "email"
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 0
    assert not rights.find_person(manager, email="inconnu@exemple.org").found
    assert audit_actions()[-1] == "privacy.person_erased"


def test_erase_a_member_account_and_refuse_staff(desk):
    manager = desk["manager"]
    rights.erase_person(manager, rights.find_person(manager, phone="0612345678"), now=NOW,
                        reason="Demande écrite")
    db.session.commit()
    adherent = desk["adherent"]
    assert (adherent.name, adherent.phone, adherent.active) == ("[effacé]", None, False)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    with pytest.raises(Conflict):
        rights.erase_person(manager, rights.find_person(manager, email=desk["jurist"].email),
                            now=NOW, reason="x")


def test_pages_for_managers_only(client, desk):
    for url in ("/privacy/people", "/privacy/register"):
        assert client.get(url).status_code == 302
    login(client, desk["jurist"])
    assert client.get("/privacy/people").status_code == 403
    assert client.post("/privacy/people/export", data={"email": "inconnu@exemple.org"}
                       ).status_code == 403
    client.post("/logout")
    login(client, desk["manager"])
    page = client.post("/privacy/people", data={"email": "inconnu@exemple.org"}
                       ).get_data(as_text=True)
    assert "Demandes : 1" in page and "style=" not in page
    export = client.post("/privacy/people/export", data={"email": "inconnu@exemple.org"})
    assert export.mimetype == "application/zip"
    assert "person.json" in zipfile.ZipFile(io.BytesIO(export.data)).namelist()
    client.post("/privacy/people/erase", data={"email": "inconnu@exemple.org",
                                               "reason": "Demande", "confirm": "y"})
    assert audit_actions()[-2:] == ["privacy.person_exported", "privacy.person_erased"]
    register = client.get("/privacy/register").get_data(as_text=True)
    assert "Registre des traitements" in register and "1826 jours" in register
