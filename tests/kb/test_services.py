"""Service tests: notes, roles, review life cycle, revisions, files, ticket → note, import."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from legaldesk.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.kb import note_attachments, note_import, permissions, services, ticket_drafts
from legaldesk.kb.models import Note, NoteSourceTicket
from legaldesk.tickets import services as tickets
from legaldesk.tickets.attachments import attachment_path
from tests.conftest import NOW
from tests.kb import support
from tests.kb.support import answered_ticket, note
from tests.samples import make_docx, make_pe

kb_people = support.kb_people  # the shared fixture, used by name below

LATER = datetime(2026, 3, 11, 9, 0)


def test_delegate_drafts_and_cannot_publish(kb_people):
    draft = note(kb_people["delegate"], status="draft")
    assert draft.status == "draft" and draft.author == kb_people["delegate"]
    assert [r.number for r in draft.revisions] == [1]
    with pytest.raises(Forbidden):
        services.publish_note(kb_people["delegate"], draft, now=LATER)
    services.submit_for_review(kb_people["delegate"], draft, now=LATER)
    assert draft.status == "in_review"
    with pytest.raises(Forbidden):  # under review, the jurists own it
        services.update_note(kb_people["delegate"], draft, now=LATER, title="Autre")


def test_members_cannot_write_and_humans_create_drafts_only(kb_people):
    with pytest.raises(Forbidden):
        services.create_note(kb_people["adherent"], now=NOW, title="x", body_markdown="y")
    with pytest.raises(InvalidInput):
        services.create_note(kb_people["jurist"], now=NOW, title="x", body_markdown="y",
                             status="published")


def test_update_records_a_revision_with_what_changed(kb_people):
    item = note(kb_people["jurist"])
    services.update_note(kb_people["jurist"], item, now=LATER, title="PMSMP : durée",
                         body_markdown="Un mois, renouvelable une fois.", tags=["immersion"])
    assert item.revision_number == 2
    last = item.revisions[-1]
    assert last.actor == kb_people["jurist"] and last.created_at == LATER
    assert last.change_summary == "Modification : titre, texte, mots-clés"
    assert last.snapshot["title"] == "PMSMP : durée" and last.snapshot["tags"] == ["immersion"]
    services.update_note(kb_people["jurist"], item, now=LATER, title="PMSMP : durée")
    assert item.revision_number == 2  # nothing changed, no revision


def test_stale_editor_is_refused(kb_people):
    item = note(kb_people["jurist"])
    services.update_note(kb_people["jurist2"], item, now=LATER, expected_revision=1,
                         summary="Première version")
    with pytest.raises(Conflict):
        services.update_note(kb_people["jurist"], item, now=LATER, expected_revision=1,
                             summary="Écrase l'autre")


def test_delegate_edits_only_own_drafts(kb_people):
    mine = note(kb_people["delegate"])
    theirs = note(kb_people["delegate2"])
    services.update_note(kb_people["delegate"], mine, now=LATER, summary="ok")
    with pytest.raises(Forbidden):
        services.update_note(kb_people["delegate"], theirs, now=LATER, summary="non")


def test_field_validation(kb_people):
    jurist = kb_people["jurist"]
    with pytest.raises(InvalidInput, match="Thème inconnu"):
        note(jurist, topics=["inexistant"])
    with pytest.raises(InvalidInput, match="adresse web"):
        note(jurist, sources=[{"label": "x", "url": "javascript:alert(1)"}])
    with pytest.raises(InvalidInput, match="Lien : adresse web invalide"):
        note(jurist, url="javascript:alert(1)")
    assert note(jurist, url="https://code.travail.gouv.fr/fiche").url == (
        "https://code.travail.gouv.fr/fiche")
    with pytest.raises(InvalidInput, match="révision"):
        note(jurist, valid_as_of=date(2026, 1, 1), review_by=date(2025, 1, 1))
    with pytest.raises(InvalidInput, match="titre"):
        note(jurist, title="   ")


def test_parse_sources_from_editor_text():
    assert services.parse_sources("Code du travail, art. L. 5135-1 | https://x.gouv.fr/a\n"
                                  "https://y.fr\nDécret n° 2021-1129\n") == [
        {"label": "Code du travail, art. L. 5135-1", "url": "https://x.gouv.fr/a"},
        {"label": "", "url": "https://y.fr"},
        {"label": "Décret n° 2021-1129", "url": ""}]


def test_life_cycle_and_wrong_moves(kb_people):
    jurist = kb_people["jurist"]
    item = note(jurist)
    services.publish_note(jurist, item, now=LATER)
    assert item.status == "published" and item.published_at == LATER
    with pytest.raises(Conflict):
        services.submit_for_review(jurist, item, now=LATER)
    services.archive_note(jurist, item, now=LATER, reason="Dispositif supprimé")
    assert item.status == "archived" and not permissions.can_edit(jurist, item)
    services.reopen_note(jurist, item, now=LATER)
    services.publish_note(jurist, item, now=datetime(2026, 4, 1))
    assert item.published_at == LATER  # first publication is kept
    assert [r.change_summary for r in item.revisions][-4:] == [
        "Publiée", "Archivée : Dispositif supprimé", "Remise en brouillon", "Publiée"]


def test_publication_checks_residual_personal_data(kb_people):
    jurist = kb_people["jurist"]
    item = note(jurist, body="Appelez le standard au 06 12 34 56 78.")
    with pytest.raises(InvalidInput, match="téléphone"):
        services.publish_note(jurist, item, now=LATER)
    services.publish_note(jurist, item, now=LATER, confirm_personal_data=True)
    assert item.status == "published"
    assert "confirmées" in item.revisions[-1].change_summary


@pytest.mark.parametrize("body", [
    "Appelez Mme Dupont demain.", "Samia El Amrani a signé son CDDI.",
    "Youssef travaille sur le chantier depuis mars."])
def test_publication_is_refused_while_a_name_remains_even_confirmed(kb_people, body):
    jurist = kb_people["jurist"]
    item = note(jurist, body=body)
    with pytest.raises(InvalidInput, match="nom de personne"):
        services.publish_note(jurist, item, now=LATER, confirm_personal_data=True)
    assert item.status == "draft"


def test_restore_revision_brings_back_content_not_status(kb_people):
    jurist = kb_people["jurist"]
    item = note(jurist, title="Version 1", body="Texte 1", tags=["a"])
    services.update_note(jurist, item, now=LATER, title="Version 2", body_markdown="Texte 2",
                         tags=["b"])
    services.publish_note(jurist, item, now=LATER)
    services.restore_revision(jurist, item, 1, now=LATER)
    assert (item.title, item.body_markdown, item.tags) == ("Version 1", "Texte 1", ["a"])
    assert item.status == "published"
    assert item.revisions[-1].change_summary == "Restauration de la révision 1"
    with pytest.raises(NotFound):
        services.restore_revision(jurist, item, 99, now=LATER)
    with pytest.raises(Forbidden):
        services.restore_revision(kb_people["delegate"], item, 1, now=LATER)


def test_who_reads_what(kb_people):
    public = note(title="Public", audience="public")
    members = note(title="Adhérents", audience="members")
    staff = note(title="Équipe", audience="staff")
    draft = note(kb_people["jurist"], title="Brouillon")
    own = note(kb_people["delegate"], title="Brouillon du délégué", audience="staff")

    def readable(actor):
        return {n.title for n in db.session.scalars(permissions.visible_notes(actor))}
    assert readable(None) == {"Public"}
    assert readable(kb_people["partner"]) == {"Public"}  # not a member structure
    assert readable(kb_people["adherent"]) == {"Public", "Adhérents"}
    assert readable(kb_people["delegate"]) == {"Public", "Adhérents", "Équipe",
                                               "Brouillon du délégué"}
    assert readable(kb_people["jurist"]) == {"Public", "Adhérents", "Équipe", "Brouillon",
                                             "Brouillon du délégué"}
    with pytest.raises(NotFound):
        permissions.get_note(kb_people["adherent"], staff.id)
    with pytest.raises(NotFound):
        permissions.get_note(kb_people["delegate2"], own.id)
    assert permissions.get_note(kb_people["adherent"], members.id) is members
    assert {public.id, draft.id}  # created


def test_attachments(kb_people, app):
    jurist = kb_people["jurist"]
    item = note(jurist)
    docx = make_docx("Modèle de CDI inclusion")
    upload = tickets.UploadedFile("modele-cdi.docx", "application/octet-stream", docx)
    attachment = note_attachments.add_note_attachment(jurist, item, upload, now=LATER)
    db.session.commit()
    assert attachment_path(attachment.sha256).read_bytes() == docx
    assert attachment.content_type.endswith("wordprocessingml.document")  # sniffed, not declared
    assert item.revisions[-1].change_summary == "Pièce jointe ajoutée : modele-cdi.docx"
    services.publish_note(jurist, item, now=LATER)
    found = note_attachments.get_note_attachment(kb_people["adherent"], item.id, attachment.id)
    assert found.filename == "modele-cdi.docx"
    with pytest.raises(InvalidInput):
        note_attachments.add_note_attachment(jurist, item, tickets.UploadedFile("x.exe", "", b"MZ"),
                                             now=LATER)
    with pytest.raises(InvalidInput, match="ne correspond pas"):  # an .exe renamed .pdf
        note_attachments.add_note_attachment(
            jurist, item, tickets.UploadedFile("guide.pdf", "application/pdf", make_pe()),
            now=LATER)
    note_attachments.remove_note_attachment(jurist, item, attachment.id, now=LATER)
    db.session.commit()
    with pytest.raises(NotFound):
        note_attachments.get_note_attachment(kb_people["adherent"], item.id, attachment.id)


def test_delete_draft_only_if_never_published(kb_people):
    jurist = kb_people["jurist"]
    draft = note(kb_people["delegate"])
    draft_id = draft.id
    services.delete_draft(kb_people["delegate"], draft, now=LATER)
    db.session.commit()
    assert db.session.get(Note, draft_id) is None
    published = note(jurist)
    services.publish_note(jurist, published, now=LATER)
    services.archive_note(jurist, published, now=LATER)
    services.reopen_note(jurist, published, now=LATER)
    with pytest.raises(Conflict):
        services.delete_draft(jurist, published, now=LATER)


# --- ticket → note ----------------------------------------------------------------------------


def test_note_from_ticket_is_anonymised_and_linked(kb_people):
    ticket = answered_ticket(kb_people)
    item = ticket_drafts.draft_note_from_ticket(kb_people["jurist"], ticket, now=LATER)
    db.session.commit()
    text = f"{item.title}\n{item.summary}\n{item.body_markdown}"
    for secret in ("Marie", "Durand", "BENALI", "Fatima", "06 12 34 56 78", "ai-tilleuls",
                   "Tilleuls", "Julie", "Juriste", "59 ans"):
        assert secret not in text, secret
    assert "[ÂGE : entre 57 et 61 ans]" in text and "D. 5135-3" in text
    assert "[PERSONNE]" in text and "[SIGNATURE]" in text
    assert item.status == "draft" and item.kind == "faq" and item.topics == ["pmsmp"]
    assert item.body_markdown.startswith("## Question")
    assert "## Réponse" in item.body_markdown
    assert "anonymisation :" in item.revisions[0].change_summary
    assert [t.reference for t in ticket_drafts.source_tickets(kb_people["jurist"], item)] == [
        ticket.reference]
    assert ticket_drafts.source_tickets(kb_people["adherent"], item) == []
    with pytest.raises(Conflict, match="existe déjà"):
        ticket_drafts.draft_note_from_ticket(kb_people["jurist"], ticket, now=LATER)


def test_note_from_ticket_keeps_the_answers_layout_and_summarises_the_question(kb_people):
    answer = ("Bonjour Marie,\n\nDeux conditions :\n\n- un CDDI de 24 mois au plus ;\n"
              "- 50 ans et plus pour la prolongation (article L. 5132-15-1).\n\n"
              "Bien cordialement,\nJulie Juriste")
    ticket = answered_ticket(kb_people, answer=answer)
    item = ticket_drafts.draft_note_from_ticket(kb_people["jurist"], ticket, now=LATER)
    assert ("Deux conditions :\n\n- un CDDI de 24 mois au plus ;\n- 50 ans et plus pour la "
            "prolongation (article L. 5132-15-1).") in item.body_markdown
    assert item.summary.startswith("notre salariée Mme [PERSONNE]")
    assert "Bonjour" not in item.summary


def test_note_from_ticket_needs_an_answer_and_a_visible_ticket(kb_people):
    ticket = tickets.open_ticket(kb_people["adherent"], subject="Question", body="Texte ?",
                                 now=NOW)
    db.session.commit()
    with pytest.raises(Conflict, match="répondue"):
        ticket_drafts.draft_note_from_ticket(kb_people["jurist"], ticket, now=LATER)
    answered = answered_ticket(kb_people)
    with pytest.raises(Forbidden):
        ticket_drafts.draft_note_from_ticket(kb_people["adherent"], answered, now=LATER)
    with pytest.raises(NotFound):  # another delegation's delegate does not see it
        ticket_drafts.draft_note_from_ticket(kb_people["delegate2"], answered, now=LATER)


def test_add_source_ticket_once(kb_people):
    ticket = answered_ticket(kb_people)
    item = note(kb_people["jurist"])
    ticket_drafts.add_source_ticket(kb_people["jurist"], item, ticket, now=LATER)
    ticket_drafts.add_source_ticket(kb_people["jurist"], item, ticket, now=LATER)
    db.session.commit()
    links = db.session.scalars(select(NoteSourceTicket).where(NoteSourceTicket.note_id == item.id))
    assert len(list(links)) == 1
    assert ticket_drafts.notes_from_ticket(kb_people["jurist"], ticket) == [item]


# --- import, starter notes, key figures -------------------------------------------------------


def test_import_creates_updates_and_reports(kb_people):
    records = [
        (1, {"id": "cdt:L5135-1", "title": "Article L5135-1", "body": "Les périodes…",
             "url": "https://www.legifrance.gouv.fr/a", "topics": ["pmsmp", "inconnu"]}),
        (2, {"id": "cdt:L5132-5", "title": "Article L5132-5", "body": "Les entreprises…"}),
        (3, {"id": "sans-titre", "body": "x"}),
        (4, ["pas un objet"]),
        (5, {"id": "mauvais-lien", "title": "t", "body": "b", "url": "ftp://x"}),
        (6, {"id": "lien-script", "title": "t", "body": "b", "url": "javascript:alert(1)"}),
    ]
    report = note_import.import_documents(None, records, now=NOW)
    db.session.commit()
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert len(report.errors) == 4 and report.errors[0].startswith("ligne 3")
    assert report.errors[3].startswith("ligne 6")
    first = db.session.scalar(select(Note).where(Note.external_ref == "cdt:L5135-1"))
    assert (first.status, first.kind, first.audience, first.body_format) == (
        "published", "reference", "public", "text")
    assert first.topics == ["pmsmp"]
    again = note_import.import_documents(None, [
        (1, {"id": "cdt:L5135-1", "title": "Article L5135-1", "body": "Nouveau texte",
             "url": "https://www.legifrance.gouv.fr/a", "topics": ["pmsmp"]}),
        (2, {"id": "cdt:L5132-5", "title": "Article L5132-5", "body": "Les entreprises…"}),
    ], now=LATER)
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert first.body_markdown == "Nouveau texte" and first.revision_number == 2
    assert db.session.scalar(select(db.func.count(Note.id))) == 2
    with pytest.raises(Forbidden):
        note_import.import_documents(kb_people["adherent"], [], now=NOW)


def test_starter_notes_load_once_with_dates_and_sources(app):
    summary = note_import.load_starter_notes(NOW)
    db.session.commit()
    assert summary == {"created": 15, "skipped": 0}
    assert note_import.load_starter_notes(NOW) == {"created": 0, "skipped": 15}
    notes = list(db.session.scalars(select(Note).order_by(Note.title)))
    assert len(notes) == 15
    for item in notes:
        assert item.status == "published" and item.external_ref.startswith("starter:")
        assert item.valid_as_of and item.review_by and item.review_by > item.valid_as_of
        assert item.summary and item.topics and item.sources
        labels = " ".join(s["label"] for s in item.sources)
        assert "art." in labels, item.title  # each note cites articles of law
        # no name or identifier (dates of texts and words the model mistakes for places are
        # only flagged for the jurist's confirmation)
        kinds = {kind for kind, _excerpt in services.personal_data_findings(item)}
        assert kinds <= {"DATE", "LIEU", "STRUCTURE"}, (item.title, kinds)


def test_count_published_notes_by_year(kb_people):
    jurist = kb_people["jurist"]
    for title in ("Un", "Deux"):
        services.publish_note(jurist, note(jurist, title=title), now=NOW)
    services.publish_note(jurist, note(jurist, title="Trois"), now=datetime(2025, 6, 1))
    note(jurist, title="Brouillon")
    note_import.import_documents(None, [(1, {"id": "r", "title": "Réf", "body": "Texte"})], now=NOW)
    db.session.commit()
    assert services.count_published_notes(2026) == 2
    assert services.count_published_notes(2025) == 1
