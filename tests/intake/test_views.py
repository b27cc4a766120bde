"""HTTP doors: the raw-MIME endpoint behind its shared secret, and the admins' quarantine page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from legaldesk.core.extensions import db
from legaldesk.intake.models import InboundMessage, InboundStatus
from legaldesk.tickets.models import Ticket
from tests.conftest import login
from tests.intake.mails import corpus, raw_email

INBOUND = "/webhooks/email/inbound"
SECRET = "un-secret-partage-assez-long"


@pytest.fixture
def secret_app(app, monkeypatch):
    monkeypatch.setitem(app.config, "INBOUND_EMAIL_SECRET", SECRET)
    return app


def inbound_count() -> int:
    return db.session.scalar(select(func.count(InboundMessage.id)))


def test_raw_mime_with_the_secret_is_filed(secret_app, client, make):
    response = client.post(INBOUND, data=raw_email(), content_type="message/rfc822",
                           headers={"X-LegalDesk-Secret": SECRET})
    assert response.status_code == 200
    assert response.json["outcome"] == "created" and response.json["reference"]
    again = client.post(INBOUND, data=raw_email(), content_type="message/rfc822",
                        headers={"Authorization": f"Bearer {SECRET}"})
    assert again.json["outcome"] == "duplicate"
    assert again.json["reference"] == response.json["reference"]


def test_webhooks_need_no_csrf_token_even_when_csrf_is_on(secret_app, client, monkeypatch):
    monkeypatch.setitem(secret_app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(INBOUND, data=raw_email(), content_type="message/rfc822",
                           headers={"X-LegalDesk-Secret": SECRET})
    assert response.status_code == 200
    assert client.post("/login", data={"email": "x", "password": "y"}).status_code == 400


def test_an_oversized_post_is_refused_before_storing(secret_app, client, monkeypatch):
    monkeypatch.setitem(secret_app.config, "INBOUND_MAX_BYTES", 100)
    response = client.post(INBOUND, data=raw_email(), content_type="message/rfc822",
                           headers={"X-LegalDesk-Secret": SECRET})
    assert response.status_code == 413 and inbound_count() == 0


def test_a_provider_posting_the_mail_as_a_form_file_is_understood(secret_app, client):
    from io import BytesIO
    response = client.post(INBOUND, data={"email": (BytesIO(raw_email()), "message.eml")},
                           headers={"X-LegalDesk-Secret": SECRET})
    assert response.json["outcome"] == "created"


@pytest.mark.parametrize("headers", [{}, {"X-LegalDesk-Secret": "faux"},
                                     {"X-LegalDesk-Secret": SECRET[:-1]},
                                     {"Authorization": "Bearer faux"}])
def test_without_the_right_secret_nothing_is_stored(secret_app, client, headers):
    response = client.post(INBOUND, data=raw_email(), content_type="message/rfc822",
                           headers=headers)
    assert response.status_code == 403
    assert inbound_count() == 0


def test_the_endpoint_is_closed_when_no_secret_is_configured(app, client):
    response = client.post(INBOUND, data=raw_email(), content_type="message/rfc822",
                           headers={"X-LegalDesk-Secret": ""})
    assert response.status_code == 403 and inbound_count() == 0


def test_an_unreadable_mail_is_accepted_and_quarantined(secret_app, client):
    response = client.post(INBOUND, data=corpus("40_garbage_not_email.eml"),
                           content_type="message/rfc822", headers={"X-LegalDesk-Secret": SECRET})
    assert response.status_code == 200 and response.json["outcome"] == "quarantined"
    assert "pas un e-mail" in response.json["error"]


def test_admins_see_the_quarantine_and_retry_from_it(secret_app, client, make, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    secret_app.config["ATTACHMENTS_DIR"] = str(blocked)
    client.post(INBOUND, data=raw_email(attachments=[("a.pdf", "application/pdf", b"%PDF-1 x")]),
                content_type="message/rfc822", headers={"X-LegalDesk-Secret": SECRET})
    inbound = db.session.scalars(select(InboundMessage)).one()
    assert inbound.status == InboundStatus.QUARANTINED
    admin = make.user("admin")
    login(client, admin)
    page = client.get("/admin/quarantine").get_data(as_text=True)
    assert "claire.morin@tilleuls.org" in page and "Relancer" in page
    raw = client.get(f"/admin/quarantine/{inbound.id}/raw")
    assert raw.data == inbound.raw and raw.mimetype == "application/octet-stream"
    secret_app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    response = client.post(f"/admin/quarantine/{inbound.id}/retry", follow_redirects=True)
    assert "Message traité (created)" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(InboundMessage, inbound.id).status == InboundStatus.PROCESSED
    assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_the_quarantine_is_for_admins_only(app, client, make):
    login(client, make.user("jurist", specialty="droit_social"))
    assert client.get("/admin/quarantine").status_code == 403


def test_the_ticket_page_folds_the_quoted_history(secret_app, client, make):
    response = client.post(INBOUND, data=corpus("23_outlook_reply_message_origine.eml"),
                           content_type="message/rfc822", headers={"X-LegalDesk-Secret": SECRET})
    reference = response.json["reference"]
    login(client, make.user("manager"))
    page = client.get(f"/tickets/{reference}").get_data(as_text=True)
    assert "<details class=\"quoted\"><summary>Historique cité et signature</summary>" in page
    assert page.index("Merci beaucoup pour ces précis") < page.index("<details")


def test_html_mail_never_brings_script_to_the_page(secret_app, client, make):
    response = client.post(INBOUND, data=corpus("43_html_script_onclick.eml"),
                           content_type="message/rfc822", headers={"X-LegalDesk-Secret": SECRET})
    login(client, make.user("manager"))
    page = client.get(f"/tickets/{response.json['reference']}").get_data(as_text=True)
    assert "Notre CSE demande l&#39;accès aux dossiers" in page
    for hostile in ("evil.example", "alert(", "steal()", "onclick", "javascript:"):
        assert hostile not in page
