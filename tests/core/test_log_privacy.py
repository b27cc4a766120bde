"""Minimal logging: no question text, message body or query string in the logs."""

from __future__ import annotations

import logging

import pytest

from legaldesk.core.log_privacy import HIDDEN
from legaldesk.kb import note_search
from tests.conftest import login
from tests.intake.mails import raw_email
from tests.mailservers import configure, serve_twilio, twilio_post, whatsapp_form

MARK = "Quintanilla-Marchetti"
QUESTION = (f"Ma salariée Zoé {MARK}, enceinte, subit du harcèlement : que faire ? "
            f"Elle habite 12 rue des Lilas.")
SECRET = "un-secret-partage-assez-long"

twilio_api = pytest.fixture(serve_twilio, name="twilio_api")


def logged_text(caplog) -> str:
    """Every captured record as a handler would write it (message, arguments, traceback)."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) + repr(record.args) for record in caplog.records)


@pytest.fixture
def member(make):
    org = make.organisation("ACI Les Jardins", kind="ACI", region="IDF",
                            phone_numbers=["01 45 67 89 10"])
    return make.user("adherent", organisation=org, phone="06 12 34 56 78")


def test_an_exception_message_is_masked_but_its_frames_stay(app, caplog):
    caplog.set_level(logging.DEBUG)
    try:
        raise ValueError(f"cannot parse {QUESTION}")
    except ValueError:
        logging.getLogger("legaldesk.tickets.views").exception("filing failed")
    text = logged_text(caplog)
    assert MARK not in text
    assert "filing failed" in text and f"builtins.ValueError: {HIDDEN}" in text
    assert "test_an_exception_message_is_masked_but_its_frames_stay" in text  # the frame


def test_database_errors_hide_their_parameters(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


def test_the_ask_form_logs_no_question_text(client, member, caplog):
    login(client, member)
    caplog.set_level(logging.DEBUG)
    response = client.post("/tickets/new", data={"subject": f"Harcèlement {MARK}",
                                                 "body": QUESTION},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert MARK not in logged_text(caplog)


def test_kb_suggestions_log_no_question_text_even_when_search_fails(client, member, caplog,
                                                                    monkeypatch):
    login(client, member)
    caplog.set_level(logging.DEBUG)
    assert client.post("/kb/suggest", json={"q": QUESTION}).status_code == 200

    def broken(actor, question, limit):
        raise RuntimeError(f"query parser failed on {question!r}")
    monkeypatch.setattr(note_search, "suggest_notes", broken)
    response = client.post("/kb/suggest", json={"q": QUESTION})
    assert response.status_code == 200 and response.get_json() == {"suggestions": []}
    text = logged_text(caplog)
    assert "knowledge-base suggestions unavailable" in text  # the failure is logged...
    assert MARK not in text and "harcèlement" not in text  # ...without the question


def test_the_email_webhook_logs_no_message_text(app, client, member, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "INBOUND_EMAIL_SECRET", SECRET)
    caplog.set_level(logging.DEBUG)
    for body in (QUESTION, b"\xff\xfe not a mail " + MARK.encode()):
        raw = raw_email(body=body) if isinstance(body, str) else body
        response = client.post("/webhooks/email/inbound", data=raw,
                               content_type="message/rfc822",
                               headers={"X-LegalDesk-Secret": SECRET})
        assert response.status_code == 200
    assert MARK not in logged_text(caplog)


def test_the_whatsapp_webhook_logs_no_message_text(app, client, member, caplog, monkeypatch,
                                                   twilio_api):
    configure(monkeypatch, app, twilio_api.config())
    caplog.set_level(logging.DEBUG)
    response = twilio_post(client, "/webhooks/twilio/whatsapp",
                           whatsapp_form("SMlog1", QUESTION, sender="+33612345678"))
    assert response.status_code == 200
    assert MARK not in logged_text(caplog)
