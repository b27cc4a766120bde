"""HTTP tests of the knowledge-base pages: search, note, editor, review, ticket panel."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.kb import index_queue, note_import, services, ticket_drafts
from legaldesk.kb.models import Note
from tests.conftest import NOW, login
from tests.kb import support
from tests.kb.support import answered_ticket, note
from tests.samples import make_pdf

kb_people = support.kb_people  # the shared fixture, used by name below


def text(response) -> str:
    """A response body as text."""
    return response.get_data(as_text=True)


@pytest.fixture
def library(kb_people):
    """Four published notes (public, members, staff) plus a hostile one, indexed."""
    made = {
        "public": note(title="PMSMP : durée", audience="public",
                       body="## Durée\n\nUne **PMSMP** dure un mois au plus."),
        "members": note(title="PMSMP et CDDI", audience="members",
                        body="Le CDDI peut être suspendu pendant une PMSMP."),
        "staff": note(title="PMSMP : doctrine interne", audience="staff",
                      body="Position interne sur la PMSMP."),
        "hostile": note(title="PMSMP <script>alert(1)</script>", audience="public",
                        body="PMSMP [lien](javascript:alert(2)) <img src=x onerror=alert(3)>"),
    }
    return made


def test_search_page_for_anonymous_members_and_staff(client, library, kb_people):
    anonymous = text(client.get("/kb/", query_string={"q": "PMSMP"}))
    assert "PMSMP : durée" in anonymous and "PMSMP et CDDI" not in anonymous
    assert "doctrine interne" not in anonymous
    assert "<script>alert(1)" not in anonymous and "&lt;script&gt;" in anonymous
    assert "<mark>" in anonymous
    login(client, kb_people["adherent"])
    member = text(client.get("/kb/", query_string={"q": "PMSMP"}))
    assert "PMSMP et CDDI" in member and "doctrine interne" not in member
    client.post("/logout")
    login(client, kb_people["delegate"])
    assert "doctrine interne" in text(client.get("/kb/", query_string={"q": "PMSMP"}))


def test_search_facets_filters_pagination_and_did_you_mean(client, library, kb_people, app):
    login(client, kb_people["adherent"])
    page = text(client.get("/kb/", query_string={"q": "PMSMP"}))
    assert "/kb/?q=PMSMP&amp;topic=pmsmp" in page and "Fiche pratique" in page
    filtered = text(client.get("/kb/", query_string={"q": "PMSMP", "kind": "guide"}))
    assert "0 résultat" in filtered and "Retirer les filtres" in filtered
    app.config["KB_SEARCH_PAGE_SIZE"] = 1
    try:
        first = text(client.get("/kb/", query_string={"q": "PMSMP"}))
        second = text(client.get("/kb/", query_string={"q": "PMSMP", "page": 2}))
    finally:
        app.config["KB_SEARCH_PAGE_SIZE"] = 10
    assert "page=2" in first and "Page suivante" in first and "Page précédente" in second


def test_did_you_mean_links_to_the_corrected_search(client, kb_people):
    note_import.load_starter_notes(NOW)
    db.session.commit()
    index_queue.apply_index_queue(NOW)
    typo = text(client.get("/kb/", query_string={"q": "acident du travail"}))
    assert "Vouliez-vous dire" in typo
    assert 'href="/kb/?q=accident+du+travail"' in typo


def test_search_home_lists_latest_notes_and_own_drafts(client, library, kb_people):
    note(kb_people["delegate"], title="Mon brouillon")
    login(client, kb_people["delegate"])
    page = text(client.get("/kb/"))
    assert "Mes brouillons" in page and "Mon brouillon" in page and "PMSMP et CDDI" in page


def test_note_page_is_audience_checked_and_sanitised(client, library, kb_people):
    assert client.get(f"/kb/notes/{library['members'].id}").status_code == 404
    login(client, kb_people["adherent"])
    assert client.get(f"/kb/notes/{library['staff'].id}").status_code == 404
    page = text(client.get(f"/kb/notes/{library['public'].id}"))
    assert "<h2>Durée</h2>" in page and "<strong>PMSMP</strong>" in page
    assert "Historique des révisions" not in page  # staff block hidden from members
    hostile = text(client.get(f"/kb/notes/{library['hostile'].id}"))
    assert "javascript:alert" not in hostile and "onerror" not in hostile
    assert "<script>alert(1)" not in hostile


def test_editor_creates_edits_and_refuses_stale_saves(client, kb_people):
    login(client, kb_people["jurist"])
    form = {"title": "Renouveler un CDDI", "summary": "Résumé", "body_markdown": "Texte **ok**",
            "topics": ["contrats"], "tags": "CDDI, renouvellement", "audience": "members",
            "kind": "fiche", "valid_as_of": "2026-01-01", "review_by": "2026-12-31",
            "sources": "Code du travail, art. L. 5132-15-1 | https://www.legifrance.gouv.fr/x",
            "url": "", "change_summary": ""}
    response = client.post("/kb/notes/new", data=form)
    assert response.status_code == 302
    item = db.session.scalar(select(Note).where(Note.title == "Renouveler un CDDI"))
    assert item.tags == ["CDDI", "renouvellement"] and item.status == "draft"
    assert item.sources[0]["url"] == "https://www.legifrance.gouv.fr/x"
    edit_page = text(client.get(f"/kb/notes/{item.id}/edit"))
    assert 'name="revision" type="hidden" value="1"' in edit_page
    saved = client.post(f"/kb/notes/{item.id}/edit", data={**form, "title": "CDDI : renouveler",
                                                         "revision": "1"})
    assert saved.status_code == 302
    stale = client.post(f"/kb/notes/{item.id}/edit", data={**form, "title": "Écrasement",
                                                         "revision": "1"})
    assert stale.status_code == 409 and "modifiée entre-temps" in text(stale)
    db.session.expire_all()
    assert db.session.get(Note, item.id).title == "CDDI : renouveler"


def test_members_cannot_open_the_editor_or_review(client, library, kb_people):
    login(client, kb_people["adherent"])
    assert client.get("/kb/notes/new").status_code == 403
    assert client.get(f"/kb/notes/{library['public'].id}/edit").status_code == 403
    assert client.post(f"/kb/notes/{library['public'].id}/archive").status_code == 403
    assert client.get("/kb/review").status_code == 403


def test_publish_with_personal_data_needs_confirmation(client, kb_people):
    item = note(kb_people["jurist"], body="Écrire à contact@exemple.org")
    login(client, kb_people["jurist"])
    page = text(client.get(f"/kb/notes/{item.id}"))
    assert "Données personnelles possibles" in page and "contact@exemple.org" in page
    client.post(f"/kb/notes/{item.id}/publish", data={})
    db.session.expire_all()
    assert db.session.get(Note, item.id).status == "draft"
    client.post(f"/kb/notes/{item.id}/publish", data={"confirm": "y"})
    db.session.expire_all()
    assert db.session.get(Note, item.id).status == "published"
    assert queued_or_indexed(item.id)


def queued_or_indexed(note_id: int) -> bool:
    """The web request applied its change to the index (nothing left in the queue)."""
    from tests.kb.support import queued_note_ids
    return note_id not in queued_note_ids()


def test_revisions_list_view_and_restore(client, kb_people):
    jurist = kb_people["jurist"]
    item = note(jurist, title="Version un", body="Texte un")
    services.update_note(jurist, item, now=NOW, title="Version deux", body_markdown="Texte deux")
    db.session.commit()
    login(client, jurist)
    listing = text(client.get(f"/kb/notes/{item.id}/revisions"))
    assert "Création de la note" in listing and "Modification : titre, texte" in listing
    old = text(client.get(f"/kb/notes/{item.id}/revisions/1"))
    assert "Version un" in old and "Texte un" in old
    assert client.post(f"/kb/notes/{item.id}/revisions/1/restore").status_code == 302
    db.session.expire_all()
    assert db.session.get(Note, item.id).title == "Version un"


def test_publish_is_refused_while_a_name_remains(client, kb_people):
    item = note(kb_people["jurist"], body="Karim Benali a signé son CDDI.")
    login(client, kb_people["jurist"])
    client.post(f"/kb/notes/{item.id}/publish", data={"confirm": "y"})
    db.session.expire_all()
    assert db.session.get(Note, item.id).status == "draft"


def test_review_screen_highlights_each_replacement_with_its_kind(client, kb_people):
    ticket = answered_ticket(kb_people)
    draft = ticket_drafts.draft_note_from_ticket(kb_people["jurist"], ticket, now=NOW)
    leftover = note(kb_people["delegate"], title="Reste un nom",
                    body="Mme [PERSONNE] a vu Youssef le [DATE : mars 2025].")
    services.submit_for_review(kb_people["delegate"], leftover, now=NOW)
    db.session.commit()
    login(client, kb_people["jurist"])
    page = text(client.get("/kb/review"))
    assert draft.title.startswith("Durée d")
    assert "Anonymisation de « Durée d" in page
    assert re.search(r'<mark class="anon anon-replaced anon-personne"[^>]*>\[PERSONNE\]'
                     r'<span class="anon-kind">nom</span></mark>', page)
    assert 'class="anon anon-replaced anon-age"' in page
    assert re.search(r'<mark class="anon anon-detected anon-personne"[^>]*>Youssef<span', page)
    assert "1 donnée personnelle encore détectée" in page
    assert "style=" not in page and "<script>" not in page


def test_review_queue(client, kb_people):
    draft = note(kb_people["delegate"], title="À relire")
    services.submit_for_review(kb_people["delegate"], draft, now=NOW)
    db.session.commit()
    login(client, kb_people["jurist"])
    page = text(client.get("/kb/review"))
    assert "À relire" in page and "Date de révision dépassée" in page


def test_ticket_panel_make_a_note_and_insert_link(client, kb_people):
    note_import.load_starter_notes(NOW)
    db.session.commit()
    index_queue.apply_index_queue(NOW)
    ticket = answered_ticket(kb_people)
    login(client, kb_people["jurist"])
    page = text(client.get(f"/tickets/{ticket.reference}"))
    assert "Faire une note (anonymisée)" in page and "data-kb-insert=" in page
    assert re.search(r'data-kb-insert="PMSMP[^"]*: https?://localhost/kb/notes/\d+"', page)
    response = client.post(f"/kb/from-ticket/{ticket.reference}")
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    page = text(client.get(f"/tickets/{ticket.reference}"))
    assert "Faire une note (anonymisée)" not in page and "Note issue de cette demande" in page
    related = client.get(f"/kb/tickets/{ticket.reference}/related").get_json()
    assert related["notes"] and "//localhost/kb/notes/" in related["notes"][0]["url"]


def test_members_see_no_panel_and_no_source_tickets(client, kb_people):
    ticket = answered_ticket(kb_people)
    item = ticket_drafts.draft_note_from_ticket(kb_people["jurist"], ticket, now=NOW)
    services.publish_note(kb_people["jurist"], item, now=NOW, confirm_personal_data=True)
    db.session.commit()
    index_queue.apply_index_queue(NOW)
    login(client, kb_people["adherent"])
    assert "Base de connaissances</h2>" not in text(client.get(f"/tickets/{ticket.reference}"))
    page = text(client.get(f"/kb/notes/{item.id}"))
    assert ticket.reference not in page
    assert client.get(f"/kb/tickets/{ticket.reference}/related").status_code == 403
    client.post("/logout")
    login(client, kb_people["jurist"])
    assert ticket.reference in text(client.get(f"/kb/notes/{item.id}"))


PDF = make_pdf("Modèle")


def test_attachment_upload_and_download(client, kb_people):
    item = note(kb_people["jurist"], audience="members")
    services.publish_note(kb_people["jurist"], item, now=NOW)
    db.session.commit()
    login(client, kb_people["jurist"])
    client.post(f"/kb/notes/{item.id}/attachments",
                data={"file": (io.BytesIO(PDF), "modele.pdf")},
                content_type="multipart/form-data")
    db.session.expire_all()
    attachment = db.session.get(Note, item.id).attachments[0]
    client.post("/logout")
    login(client, kb_people["adherent"])
    with client.get(f"/kb/notes/{item.id}/attachments/{attachment.id}") as download:
        assert download.status_code == 200 and download.data == PDF


def test_a_broken_index_does_not_break_the_note_page_or_the_ask_form(client, library,
                                                                      kb_people, monkeypatch):
    from legaldesk.kb.search import KnowledgeIndex

    def broken(*_args, **_kwargs):
        raise OSError("index unreadable")
    monkeypatch.setattr(KnowledgeIndex, "similar", broken)
    monkeypatch.setattr(KnowledgeIndex, "search", broken)
    login(client, kb_people["adherent"])
    assert client.get(f"/kb/notes/{library['public'].id}").status_code == 200
    response = client.post("/kb/suggest", json={"q": "PMSMP durée"})
    assert response.status_code == 200 and response.get_json() == {"suggestions": []}
