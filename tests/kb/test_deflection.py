"""Deflection: suggestions shown while asking, opened, then a question submitted or not."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from legaldesk.core.errors import Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.kb import deflection, index_queue, note_import, permissions, services
from legaldesk.kb.models import SuggestionEvent
from legaldesk.kb.views import FixedWindowLimiter
from legaldesk.tickets import services as tickets
from tests.conftest import NOW, login
from tests.kb import support
from tests.kb.support import note

kb_people = support.kb_people  # the shared fixture, used by name below

SESSION_A, SESSION_B, SESSION_C = "a" * 24, "b" * 24, "c" * 24


def later(minutes: int) -> datetime:
    """NOW plus some minutes."""
    return NOW + timedelta(minutes=minutes)


def ask(people, when):
    """The adherent asks a question at `when` (flushed, not committed)."""
    ticket = tickets.open_ticket(people["adherent"], subject="Question", body="Texte", now=when)
    db.session.flush()
    return ticket


def test_shown_opened_submitted_and_deflected_sessions(kb_people):
    member = kb_people["adherent"]
    first, second = note(title="Un"), note(title="Deux")
    # A: shown two notes, opened one, never asked → deflected once the window is over
    deflection.record_suggestions_shown(member, SESSION_A, [first.id, second.id], now=NOW)
    deflection.record_suggestion_open(member, SESSION_A, first.id, now=later(1))
    # B: shown and opened, then asked anyway
    deflection.record_suggestions_shown(member, SESSION_B, [first.id], now=NOW)
    deflection.record_suggestion_open(member, SESSION_B, first.id, now=later(2))
    assert deflection.record_ask_submitted(member, SESSION_B, ask(kb_people, later(5)),
                                           now=later(5)) == 1
    # C: shown only
    deflection.record_suggestions_shown(member, SESSION_C, [second.id], now=NOW)
    db.session.commit()
    assert deflection.deflection_stats(NOW, later(60), now=later(10)) == {
        "sessions_shown": 3, "sessions_opened": 2, "deflected": 0,
        "submitted_after_open": 1, "pending": 1, "notes_shown": 4, "notes_opened": 2}
    stats = deflection.deflection_stats(NOW, later(60), now=later(45))
    assert stats["deflected"] == 1 and stats["pending"] == 0
    assert deflection.deflection_stats(later(60), later(120))["sessions_shown"] == 0


def test_shown_is_recorded_once_per_note_and_session(kb_people):
    item = note()
    member = kb_people["adherent"]
    assert deflection.record_suggestions_shown(member, SESSION_A, [item.id], now=NOW) == 1
    assert deflection.record_suggestions_shown(member, SESSION_A, [item.id], now=later(1)) == 0
    db.session.commit()
    assert len(list(db.session.scalars(select(SuggestionEvent)))) == 1


def test_session_keys_are_checked(kb_people):
    item = note()
    member = kb_people["adherent"]
    with pytest.raises(InvalidInput):
        deflection.record_suggestions_shown(member, "court", [item.id], now=NOW)
    with pytest.raises(InvalidInput):
        deflection.record_suggestion_open(member, "x'; drop", item.id, now=NOW)
    assert deflection.record_ask_submitted(member, None, ask(kb_people, NOW), now=NOW) == 0


def test_opening_needs_a_readable_note_and_the_own_session(kb_people, make):
    staff_only = note(audience="staff")
    member = kb_people["adherent"]
    with pytest.raises(NotFound):
        deflection.record_suggestion_open(member, SESSION_A, staff_only.id, now=NOW)
    item = note()
    deflection.record_suggestion_open(member, SESSION_A, item.id, now=NOW)
    someone = make.user("adherent", organisation=kb_people["org"])
    with pytest.raises(Forbidden):
        deflection.record_suggestion_open(someone, SESSION_A, item.id, now=NOW)


def test_fixed_window_limiter():
    limiter = FixedWindowLimiter(period_seconds=60)
    assert all(limiter.hit("user:1", 3, at=10.0) for _ in range(3))
    assert not limiter.hit("user:1", 3, at=59.0)
    assert limiter.hit("user:2", 3, at=59.0)  # per key
    assert limiter.hit("user:1", 3, at=61.0)  # next window


# --- over HTTP --------------------------------------------------------------------------------


@pytest.fixture
def indexed(kb_people, app):
    """The starter notes, indexed; a fresh rate limiter (user ids repeat across tests)."""
    app.extensions.pop("kb_suggest_limiter", None)
    note_import.load_starter_notes(NOW)
    db.session.commit()
    index_queue.apply_index_queue(NOW)
    return kb_people


def test_ask_page_has_the_panel_and_works_without_javascript(client, indexed):
    login(client, indexed["adherent"])
    page = client.get("/tickets/new").get_data(as_text=True)
    assert 'id="kb-suggestions"' in page and "deflect.js" in page
    assert 'name="kb_session"' in page and "<script>" not in page  # no inline script
    response = client.post("/tickets/new", data={"subject": "PMSMP", "body": "Durée ?",
                                                 "kb_session": "not valid"},
                           content_type="multipart/form-data")
    assert response.status_code == 302


def test_suggest_json_records_shown_then_opened_then_submitted(client, indexed):
    login(client, indexed["adherent"])
    response = client.post("/kb/suggest", json={
        "q": "Combien de temps dure une PMSMP ?", "session": SESSION_A})
    suggestions = response.get_json()["suggestions"]
    assert response.status_code == 200 and suggestions
    first = suggestions[0]
    assert set(first) == {"id", "title", "url", "snippet"} and "<mark>" not in first["snippet"]
    assert first["url"] == f"/kb/notes/{first['id']}"
    opened = client.post("/kb/suggest/opened", json={"note_id": first["id"],
                                                     "session": SESSION_A})
    assert opened.status_code == 200 and opened.get_json() == {"ok": True}
    client.post("/tickets/new", data={"subject": "PMSMP", "body": "Durée ?",
                                      "kb_session": SESSION_A},
                content_type="multipart/form-data")
    events = list(db.session.scalars(select(SuggestionEvent)))
    assert len(events) == len(suggestions)
    assert all(e.submitted_at is not None and e.ticket_id for e in events)
    assert sum(1 for e in events if e.opened_at) == 1


def test_suggest_is_rate_limited(client, indexed, app):
    login(client, indexed["adherent"])
    app.config["KB_SUGGEST_RATE_PER_MINUTE"] = 2
    try:
        codes = [client.post("/kb/suggest", json={"q": "PMSMP"}).status_code
                 for _ in range(3)]
    finally:
        app.config["KB_SUGGEST_RATE_PER_MINUTE"] = 60
    assert codes[:2] == [200, 200] and codes[2] == 429


def test_anonymous_suggestions_only_show_public_notes(client, indexed):
    suggestions = client.post("/kb/suggest", json={"q": "PMSMP immersion"}).get_json()
    assert suggestions["suggestions"]
    ids = [s["id"] for s in suggestions["suggestions"]]
    audiences = {permissions.get_note(indexed["jurist"], i).audience for i in ids}
    assert audiences == {"public"}


def test_suggest_takes_the_question_by_post_with_csrf_never_in_the_url(client, indexed, app):
    login(client, indexed["adherent"])
    question = {"q": "Accident du travail et PMSMP", "session": SESSION_A}
    assert client.get("/kb/suggest", query_string=question).status_code == 405
    assert client.post("/kb/suggest", json=question).get_json()["suggestions"]
    assert client.post("/kb/suggest", data="not json").get_json() == {"suggestions": []}
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/kb/suggest", json=question).status_code == 400  # no token
        page = client.get("/tickets/new").get_data(as_text=True)
        token = re.search(r'data-csrf="([^"]+)"', page).group(1)
        with_token = client.post("/kb/suggest", json=question, headers={
            "X-CSRFToken": token, "Referer": "https://localhost/tickets/new"})  # https: strict
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert with_token.status_code == 200 and with_token.get_json()["suggestions"]


def test_opened_endpoint_needs_login_and_csrf_header(client, indexed, app):
    item = services.latest_notes(indexed["adherent"])[0]
    anonymous = client.post("/kb/suggest/opened", json={"note_id": item.id, "session": SESSION_A})
    assert anonymous.status_code in (302, 401)
    login(client, indexed["adherent"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/kb/suggest/opened", json={"note_id": item.id,
                                                          "session": SESSION_A})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    bad = client.post("/kb/suggest/opened", json={"note_id": "x", "session": SESSION_A})
    assert bad.status_code == 400
