"""HTTP tests of the ticket pages: ask, follow, queues, staff actions, access by URL."""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.tickets.models import Ticket
from tests.conftest import login
from tests.samples import make_pdf, make_pe


@pytest.fixture
def people(make):
    org = make.organisation("AI Les Tilleuls", region="IDF")
    other = make.organisation("ACI Autre", kind="ACI", region="IDF")
    return {
        "adherent": make.user("adherent", organisation=org),
        "outsider": make.user("adherent", organisation=other),
        "delegate": make.user("delegate", region="IDF"),
        "jurist": make.user("jurist", specialty="droit_social"),
        "org": org,
    }


def ask(client, **extra):
    data = {"subject": "Durée d'une PMSMP", "body": "Combien de temps peut durer une PMSMP ?",
            "topic": "pmsmp", **extra}
    return client.post("/tickets/new", data=data, content_type="multipart/form-data")


def latest() -> Ticket:
    db.session.expire_all()
    return db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))


def test_adherent_asks_and_sees_ticket(client, people):
    login(client, people["adherent"])
    response = ask(client)
    assert response.status_code == 302
    ticket = latest()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ticket.reference in page and "Combien de temps" in page
    assert ticket.reference in client.get("/tickets").get_data(as_text=True)


def test_forbidden_attachment_keeps_question(client, people):
    login(client, people["adherent"])
    response = ask(client, files=[(io.BytesIO(b"MZ..."), "outil.exe"),
                                  (io.BytesIO(b"%PDF-1.4"), "statuts.pdf")])
    assert response.status_code == 302
    ticket = latest()
    assert [a.filename for a in ticket.attachments] == ["statuts.pdf"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "outil.exe" in page and "non autorisé" in page
    url = f"/tickets/{ticket.reference}/attachments/{ticket.attachments[0].id}"
    with client.get(url) as download:
        assert download.data == b"%PDF-1.4"


def test_an_executable_renamed_pdf_is_refused_and_the_question_kept(client, people):
    login(client, people["adherent"])
    response = ask(client, files=[(io.BytesIO(make_pe()), "facture.pdf"),
                                  (io.BytesIO(make_pdf()), "statuts.pdf")])
    assert response.status_code == 302
    ticket = latest()
    assert ticket.messages[0].body == "Combien de temps peut durer une PMSMP ?"
    assert [(a.filename, a.content_type) for a in ticket.attachments] == [
        ("statuts.pdf", "application/pdf")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("« facture.pdf » : le contenu du fichier ne correspond pas à son extension .pdf."
            in html.unescape(page))
    assert "le texte est bien enregistré" in html.unescape(page)


def test_other_organisation_gets_404(client, people):
    login(client, people["adherent"])
    ask(client)
    reference = latest().reference
    client.post("/logout")
    login(client, people["outsider"])
    assert client.get(f"/tickets/{reference}").status_code == 404
    assert client.post(f"/tickets/{reference}/reply", data={"body": "x"}).status_code == 404
    assert reference not in client.get("/tickets").get_data(as_text=True)


def test_adherent_cannot_use_staff_actions_or_queues(client, people):
    login(client, people["adherent"])
    ask(client)
    reference = latest().reference
    client.post(f"/tickets/{reference}/answer", data={"body": "Réponse pirate"})
    assert all(m.kind != "outbound" for m in latest().messages)
    assert client.get("/queue/delegation").status_code == 403
    assert client.get("/staff/log").status_code == 403


def test_delegate_escalates_and_jurist_answers(client, people):
    login(client, people["adherent"])
    ask(client)
    reference = latest().reference
    client.post("/logout")

    login(client, people["delegate"])
    queue = client.get("/queue/delegation").get_data(as_text=True)
    assert reference in queue
    client.post(f"/tickets/{reference}/note", data={"body": "À voir avec les juristes"})
    response = client.post(f"/tickets/{reference}/escalate",
                           data={"reason": "Situation individuelle"})
    assert response.status_code == 302
    assert reference not in client.get("/queue/delegation").get_data(as_text=True)
    client.post("/logout")

    login(client, people["jurist"])
    assert reference in client.get("/queue/national").get_data(as_text=True)
    client.post(f"/tickets/{reference}/claim")
    client.post(f"/tickets/{reference}/answer", data={"body": "La PMSMP dure un mois.",
                                                       "status": "answered"})
    page = client.get(f"/tickets/{reference}").get_data(as_text=True)
    assert "Historique" in page and "Situation individuelle" in page
    client.post("/logout")

    login(client, people["adherent"])
    page = client.get(f"/tickets/{reference}").get_data(as_text=True)
    assert "La PMSMP dure un mois." in page
    assert "À voir avec les juristes" not in page  # internal note hidden
    assert "Historique" not in page


def test_claim_conflict_message(client, people, make):
    other_jurist = make.user("jurist", specialty="droit_social")
    login(client, people["adherent"])
    ask(client, topic="ressources_humaines")
    reference = latest().reference
    client.post("/logout")
    login(client, people["jurist"])
    client.post(f"/tickets/{reference}/claim")
    client.post("/logout")
    login(client, other_jurist)
    response = client.post(f"/tickets/{reference}/claim", follow_redirects=True)
    assert "déjà prise en charge" in response.get_data(as_text=True)


def test_staff_log_phone_call(client, people):
    login(client, people["delegate"])
    response = client.post("/staff/log", data={
        "organisation": str(people["org"].id), "requester": "", "channel": "phone",
        "received_at": "2026-03-09T15:30", "subject": "Appel sur un CDDI",
        "body": "Renouvellement d'un CDDI", "topic": "contrats"})
    assert response.status_code == 302
    ticket = latest()
    assert ticket.channel == "phone"
    assert ticket.received_at.isoformat() == "2026-03-09T14:30:00"  # 15:30 Paris (UTC+1)


def test_staff_log_call_refuses_a_requester_of_another_organisation(client, people):
    login(client, people["delegate"])
    response = client.post("/staff/log", data={
        "organisation": str(people["org"].id), "requester": str(people["outsider"].id),
        "channel": "phone", "received_at": "2026-03-09T15:30", "subject": "Appel sur un CDDI",
        "body": "Renouvellement d'un CDDI", "topic": "contrats"})
    assert response.status_code == 400
    assert "appartient pas à la structure choisie" in response.get_data(as_text=True)
    assert latest() is None


def test_queue_filters_and_english_locale(client, people):
    login(client, people["adherent"])
    ask(client)
    client.post("/logout")
    login(client, people["delegate"])
    assert "Aucune demande" in client.get("/queue/delegation?topic=pass_iae").get_data(as_text=True)
    assert "PMSMP" in client.get("/queue/delegation?topic=pmsmp").get_data(as_text=True)
    client.post("/lang/en", data={"next": "/queue/delegation"})
    page = client.get("/queue/delegation").get_data(as_text=True)
    assert '<html lang="en">' in page


def test_staff_see_triage_reasons_and_set_urgency(client, people):
    login(client, people["adherent"])
    ask(client, subject="Accident", body="Un salarié s'est blessé ce matin sur le chantier.",
        topic="")
    reference = latest().reference
    client.post("/logout")
    login(client, people["jurist"])
    page = client.get(f"/tickets/{reference}").get_data(as_text=True)
    assert "Tri automatique" in page and "accident_du_travail" in page
    client.post(f"/tickets/{reference}/urgency", data={"urgent": "0", "reason": "Fausse alerte"})
    assert latest().priority == "normal"


def test_campaign_reference_link_must_be_http(client, people, make):
    from legaldesk.tickets.models import Campaign
    login(client, make.user("manager"))
    form = {"code": "fin-pass", "label": "Fin du pass", "keywords": "fin du pass",
            "canned_answer": "Réponse"}
    response = client.post("/campaigns", data={**form, "note_url": "javascript:alert(1)"})
    assert response.status_code == 200
    assert "seuls les liens http:// et https:// sont acceptés" in response.get_data(as_text=True)
    assert db.session.scalar(select(Campaign)) is None
    response = client.post("/campaigns", data={**form, "note_url": "https://example.org/fiche"})
    assert response.status_code == 302
    assert db.session.scalar(select(Campaign)).note_url == "https://example.org/fiche"


def test_campaign_bulk_answer_page(client, people, make):
    from legaldesk.tickets.campaigns import save_campaign
    manager = make.user("manager")
    save_campaign(manager, "fin-pass", label="Fin du pass", keywords=["fin du pass"])
    db.session.commit()
    login(client, people["adherent"])
    ask(client, subject="Pass IAE", body="Que faire à la fin du pass ?", topic="")
    reference = latest().reference
    client.post("/logout")
    login(client, people["delegate"])
    page = client.get("/campaigns/fin-pass").get_data(as_text=True)
    assert reference in page
    client.post("/campaigns/fin-pass", data={"references": [reference],
                                             "body": "Réponse commune"})
    ticket = latest()
    assert ticket.status == "answered" and ticket.messages[-1].body == "Réponse commune"
