"""The index follows the database through the queue; search filters by audience and status."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from whoosh import index as whoosh_index

from legaldesk.core.extensions import db
from legaldesk.kb import index_queue, note_import, note_search, permissions, services
from legaldesk.kb.models import IndexQueue
from legaldesk.kb.search import KnowledgeIndex
from tests.conftest import NOW
from tests.kb import support
from tests.kb.support import answered_ticket, note, queued_note_ids

kb_people = support.kb_people  # the shared fixture, used by name below

LATER = datetime(2026, 3, 11, 9, 0)


def titles(result) -> list[str]:
    """Titles of a search result's hits (or of a list of hits)."""
    return [hit.title for hit in (result.hits if hasattr(result, "hits") else result)]


def indexed_ids(app) -> set[str]:
    """Ids stored in the index directory, read with plain Whoosh."""
    index_queue.knowledge_index()  # creates the directory on first use
    with whoosh_index.open_dir(app.config["KB_INDEX_DIR"]).searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


def test_writes_are_queued_then_applied_after_commit(kb_people, app):
    item = note(kb_people["jurist"], title="Durée d'une PMSMP", apply=False)
    assert queued_note_ids() == [item.id]
    assert indexed_ids(app) == set()
    assert index_queue.apply_index_queue(NOW) == 1
    assert queued_note_ids() == []
    assert indexed_ids(app) == {str(item.id)}


def test_apply_refuses_pending_changes(kb_people):
    services.create_note(kb_people["jurist"], now=NOW, title="Non validée", body_markdown="x")
    with pytest.raises(RuntimeError):
        index_queue.apply_index_queue(NOW)


def test_a_busy_index_leaves_the_change_queued(kb_people, app):
    item = note(kb_people["jurist"], apply=False)
    index_queue.knowledge_index()  # create the index directory
    other_writer = whoosh_index.open_dir(app.config["KB_INDEX_DIR"]).writer()
    try:
        assert index_queue.apply_index_queue(NOW, timeout=0.05) == 0
        assert queued_note_ids() == [item.id]
        row = db.session.scalar(select(IndexQueue))
        assert row.attempts == 0 and row.last_error is None  # busy is not a failure
    finally:
        other_writer.cancel()
    assert index_queue.drain_index_queue(NOW) == 1
    assert queued_note_ids() == []


def test_apply_after_commit_never_raises(kb_people, app):
    item = note(kb_people["jurist"], apply=False)
    index_queue.knowledge_index()
    other_writer = whoosh_index.open_dir(app.config["KB_INDEX_DIR"]).writer()
    try:
        app.config["KB_INDEX_WEB_TIMEOUT_SECONDS"] = 0.05
        index_queue.apply_after_commit([item.id], NOW)
    finally:
        app.config["KB_INDEX_WEB_TIMEOUT_SECONDS"] = 0.5
        other_writer.cancel()
    assert queued_note_ids() == [item.id]


def test_only_the_given_notes_are_applied(kb_people):
    first = note(kb_people["jurist"], title="Un", apply=False)
    second = note(kb_people["jurist"], title="Deux", apply=False)
    assert index_queue.apply_index_queue(NOW, note_ids=[second.id]) == 1
    assert queued_note_ids() == [first.id]


def test_a_failing_note_is_retried_then_parked_with_its_error(kb_people, app, monkeypatch):
    good = note(kb_people["jurist"], title="Bonne note", apply=False)
    bad = note(kb_people["jurist"], title="Mauvaise note", apply=False)
    real_upsert = KnowledgeIndex.upsert

    def upsert(self, docs, timeout=5.0):
        docs = list(docs)
        if any(d.id == str(bad.id) for d in docs):
            raise ValueError("document illisible")
        return real_upsert(self, docs, timeout=timeout)
    monkeypatch.setattr(KnowledgeIndex, "upsert", upsert)
    assert index_queue.apply_index_queue(NOW) == 1
    row = db.session.scalar(select(IndexQueue))
    assert row.note_id == bad.id and row.attempts == 1
    assert row.last_error == "ValueError: document illisible"
    for _ in range(app.config["KB_INDEX_MAX_ATTEMPTS"]):
        index_queue.apply_index_queue(NOW)
    db.session.expire_all()
    assert db.session.scalar(select(IndexQueue)).attempts == app.config["KB_INDEX_MAX_ATTEMPTS"]
    assert index_queue.index_queue_status() == {"pending": 0, "failed": 1}
    assert good.id not in queued_note_ids()


def test_deleted_draft_leaves_the_index(kb_people):
    draft = note(kb_people["jurist"], title="Brouillon à supprimer")
    assert index_queue.knowledge_index().doc_count() == 1
    services.delete_draft(kb_people["jurist"], draft, now=LATER)
    db.session.commit()
    index_queue.apply_index_queue(LATER)
    assert index_queue.knowledge_index().doc_count() == 0


def test_reindex_rebuilds_from_the_database_and_clears_the_queue(kb_people):
    for title in ("Un", "Deux", "Trois"):
        note(kb_people["jurist"], title=title, apply=False)
    assert index_queue.reindex_all(page_size=2) == 3
    assert queued_note_ids() == []
    assert index_queue.knowledge_index().doc_count() == 3


# --- search -----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(kb_people):
    """Published public/members/staff notes, a draft and an archived note, all indexed."""
    jurist = kb_people["jurist"]
    made = {
        "public": note(title="PMSMP : durée maximale", audience="public",
                       body="Une période de mise en situation en milieu professionnel dure un "
                            "mois au plus."),
        "members": note(title="PMSMP et accident", audience="members",
                        body="Accident pendant une PMSMP : la structure d'accueil prévient."),
        "staff": note(title="PMSMP : doctrine interne", audience="staff",
                      body="Position interne de l'équipe sur les PMSMP."),
        "draft": note(jurist, title="PMSMP : brouillon", body="Brouillon sur la PMSMP."),
    }
    archived = note(title="PMSMP : ancienne règle", body="Ancienne règle de la PMSMP.")
    services.archive_note(jurist, archived, now=NOW)
    db.session.commit()
    index_queue.apply_index_queue(NOW)
    made["archived"] = archived
    return made


def test_search_filters_audience_and_status_inside_the_query(kb_people, catalogue):
    assert sorted(titles(note_search.search_notes(None, "PMSMP"))) == ["PMSMP : durée maximale"]
    assert sorted(titles(note_search.search_notes(kb_people["adherent"], "PMSMP"))) == [
        "PMSMP : durée maximale", "PMSMP et accident"]
    assert len(titles(note_search.search_notes(kb_people["delegate"], "PMSMP",
                                               include_unpublished=True))) == 3
    everything = note_search.search_notes(kb_people["jurist"], "PMSMP", include_unpublished=True)
    assert len(everything.hits) == 5


def test_member_search_ignores_an_index_lagging_behind(kb_people, catalogue):
    services.archive_note(kb_people["jurist"], catalogue["members"], now=LATER)
    db.session.commit()  # not applied: the index still says "published"
    assert titles(note_search.search_notes(kb_people["adherent"], "accident")) == []
    assert titles(note_search.suggest_notes(kb_people["adherent"], "accident PMSMP")) == []


def test_facets_filters_pagination_and_snippets(kb_people, catalogue):
    result = note_search.search_notes(kb_people["jurist"], "PMSMP", pagelen=1, page=2)
    assert result.total == 3 and len(result.hits) == 1 and result.page == 2
    assert result.facets["topic"] == {"pmsmp": 3}
    assert result.facets["kind"] == {"fiche": 3}
    assert titles(note_search.search_notes(kb_people["jurist"], "PMSMP", kinds=["guide"])) == []
    hit = note_search.search_notes(None, "mise en situation").hits[0]
    assert "<mark>" in hit.snippet


def test_did_you_mean_and_synonyms(kb_people, catalogue):
    result = note_search.search_notes(kb_people["adherent"], "periode mise en situaton")
    assert "PMSMP : durée maximale" in titles(result)
    assert titles(note_search.search_notes(kb_people["adherent"], "immersion professionnelle"))


def test_suggestions_similar_notes_and_ticket_panel_with_starter_notes(kb_people):
    note_import.load_starter_notes(NOW)
    db.session.commit()
    index_queue.apply_index_queue(NOW)
    member = kb_people["adherent"]
    short = note_search.suggest_notes(member, "Combien de temps dure une PMSMP ?")
    assert any(hit.title.startswith("PMSMP") for hit in short[:3])
    long = note_search.suggest_notes(member, "Bonjour, notre salarié en CDDI a eu un accident du "
                                             "travail sur un chantier chez un client, qui doit "
                                             "faire la déclaration à la CPAM et dans quel délai ?")
    assert long and "Accident du travail" in long[0].title
    first = permissions.get_note(member, int(short[0].id))
    similar = note_search.similar_notes(member, first)
    assert similar and all(h.id != str(first.id) for h in similar)
    ticket = answered_ticket(kb_people)
    other = answered_ticket(kb_people, subject="Renouveler une PMSMP",
                            body="Peut-on renouveler une PMSMP ?", answer="Oui, une fois.")
    related = note_search.related_for_ticket(kb_people["jurist"], ticket)
    assert related.notes and related.notes[0].title.startswith("PMSMP")
    assert [t.reference for t, _score in related.tickets] == [other.reference]
