"""A KB draft made from a confidential ticket: its author and the managers only, until published."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from legaldesk.core.errors import Conflict, NotFound
from legaldesk.core.extensions import db
from legaldesk.kb import index_queue, note_search, permissions, services, ticket_drafts
from legaldesk.kb.models import Note
from legaldesk.tickets import moves
from legaldesk.tickets import services as tickets
from tests.conftest import NOW, login
from tests.kb.support import note
from tests.tickets import need_to_know
from tests.tickets.need_to_know import confidential_case

people = need_to_know.people  # the shared fixture, used by name below
LATER = NOW + timedelta(hours=2)


def confidential_draft(people) -> Note:
    """The assigned jurist answers the confidential case and drafts a note from it."""
    ticket = confidential_case(people)
    tickets.record_answer(people["jurist"], ticket, "La salariée doit être protégée : "
                          "l'employeur prend des mesures conservatoires immédiates.", now=NOW)
    db.session.commit()
    item = ticket_drafts.draft_note_from_ticket(people["jurist"], ticket, now=LATER)
    db.session.commit()
    index_queue.apply_index_queue(LATER)
    return item


def readers_of(item: Note, people, keys) -> set[str]:
    return {key for key in keys if db.session.scalar(
        permissions.visible_notes(people[key]).where(Note.id == item.id)) is not None}


def test_draft_from_confidential_ticket_is_for_its_author_and_managers(people):
    item = confidential_draft(people)
    assert permissions.is_restricted(item)
    assert readers_of(item, people, ("jurist", "manager", "other_jurist", "admin", "relay",
                                     "adherent")) == {"jurist", "manager"}
    with pytest.raises(NotFound):
        permissions.get_note(people["other_jurist"], item.id)
    queue = services.review_queue(people["other_jurist"], today=LATER.date())
    assert item not in queue["drafts"]
    assert item in services.review_queue(people["manager"], today=LATER.date())["drafts"]
    ticket = item.source_links[0].ticket
    assert ticket_drafts.notes_from_ticket(people["manager"], ticket) == [item]
    # The ticket passes to another social-law jurist: she reads the ticket, not the draft,
    # and cannot make a second note from it (without learning which note exists).
    colleague = people.make.user("jurist", specialty="droit_social", name="Chloé Sociale")
    moves.assign_ticket(people["manager"], ticket, colleague, now=LATER)
    db.session.commit()
    assert ticket_drafts.notes_from_ticket(colleague, ticket) == []
    with pytest.raises(Conflict) as refused:
        ticket_drafts.draft_note_from_ticket(colleague, ticket, now=LATER)
    assert str(item.id) not in refused.value.message


def test_search_never_counts_or_shows_a_restricted_draft(people):
    item = confidential_draft(people)
    word = "conservatoires"
    for key in ("other_jurist", "jurist"):  # the author finds it in her drafts, not in search
        result = note_search.search_notes(people[key], word, include_unpublished=True)
        assert (result.hits, result.total, result.facets["topic"]) == ([], 0, {}), key
    found = note_search.search_notes(people["manager"], word, include_unpublished=True)
    assert [int(h.id) for h in found.hits] == [item.id] and found.total == 1
    assert item in services.my_drafts(people["jurist"])


def test_published_note_is_read_as_usual(people):
    item = confidential_draft(people)
    services.publish_note(people["manager"], item, now=LATER, confirm_personal_data=True)
    db.session.commit()
    index_queue.apply_index_queue(LATER)
    assert not permissions.is_restricted(item)
    assert readers_of(item, people, ("other_jurist", "adherent")) == {
        "other_jurist", "adherent"}
    hits = note_search.search_notes(people["other_jurist"], "conservatoires").hits
    assert [int(h.id) for h in hits] == [item.id]


def test_linking_a_confidential_ticket_restricts_a_draft(people):
    draft = note(people["other_jurist"], title="Mesures conservatoires", status="draft")
    assert readers_of(draft, people, ("jurist", "other_jurist")) == {"jurist", "other_jurist"}
    ticket = confidential_case(people)
    ticket_drafts.add_source_ticket(people["manager"], draft, ticket, now=LATER)
    db.session.commit()
    assert readers_of(draft, people, ("jurist", "other_jurist", "manager")) == {
        "other_jurist", "manager"}
    index_queue.apply_index_queue(LATER)
    assert note_search.search_notes(people["jurist"], "conservatoires",
                                    include_unpublished=True).total == 0


def test_restricted_draft_pages_over_http(client, people):
    item = confidential_draft(people)
    db.session.commit()
    login(client, people["other_jurist"])
    assert client.get(f"/kb/notes/{item.id}").status_code == 404
    assert item.title not in client.get("/kb/review").get_data(as_text=True)
    client.post("/logout")
    login(client, people["manager"])
    assert client.get(f"/kb/notes/{item.id}").status_code == 200
    assert item.title in client.get("/kb/review").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Note.status).where(Note.id == item.id)) == "draft"
