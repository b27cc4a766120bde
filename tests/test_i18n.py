"""Interface language: French by default, English for users (or visitors) who chose it."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import legaldesk
from legaldesk.core.extensions import db
from tests.conftest import login
from tests.samples import make_pe

TRANSLATIONS = Path(legaldesk.__file__).parent / "translations"
ENGLISH_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
TEMPLATE_POT = TRANSLATIONS / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def read_catalog(path: Path):
    """Parse a .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle)


def live_entries(catalog) -> list:
    """Entries that count: not the header, not fuzzy (obsolete ones are not iterated)."""
    return [message for message in catalog if message.id and not message.fuzzy]


@pytest.fixture
def people(make):
    """An English-speaking adherent and delegate of an IDF organisation, a French adherent."""
    organisation = make.organisation("AI Les Tilleuls", region="IDF")
    return {
        "adherent_en": make.user("adherent", organisation=organisation, locale="en"),
        "adherent_fr": make.user("adherent", organisation=organisation),
        "delegate_en": make.user("delegate", region="IDF", locale="en"),
    }


def ask(client, subject: str) -> str:
    """Ask a first-level question through the form; return the ticket's page URL."""
    response = client.post("/tickets/new", data={
        "subject": subject, "body": "Combien de temps peut durer une PMSMP ?", "topic": "pmsmp"})
    assert response.status_code == 302
    return response.headers["Location"]


def page_text(client, url: str) -> str:
    """The HTML of a page that must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_english_user_sees_english_ticket_pages(client, people, english_catalog):
    login(client, people["adherent_en"])
    response = client.post("/tickets/new", data={
        "subject": "PMSMP length", "body": "How long can a PMSMP last?", "topic": "pmsmp"})
    ticket_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has been recorded." in ticket_page and "est enregistrée" not in ticket_page
    assert "Conversation" in ticket_page and "Write to the legal team" in ticket_page
    assert '<html lang="en">' in ticket_page and "Échanges" not in ticket_page
    mine = page_text(client, "/tickets")
    assert "Requests from AI Les Tilleuls" in mine and ">New</span>" in mine


def test_english_delegate_sees_english_queue_with_plural(client, people, english_catalog):
    login(client, people["adherent_fr"])
    ask(client, "Première question")
    client.post("/logout")
    login(client, people["delegate_en"])
    queue = page_text(client, "/queue/delegation")
    assert "Delegation queue" in queue and "Filter" in queue and "Reference" in queue
    assert "1 request</p>" in queue
    client.post("/logout")
    login(client, people["adherent_fr"])
    ask(client, "Deuxième question")
    client.post("/logout")
    login(client, people["delegate_en"])
    assert "2 requests</p>" in page_text(client, "/queue/delegation")


def test_a_refused_attachment_is_explained_in_english(client, people, english_catalog):
    login(client, people["adherent_en"])
    response = client.post("/tickets/new", data={
        "subject": "Invoice", "body": "Here is the invoice.", "topic": "pmsmp",
        "files": [(io.BytesIO(make_pe()), "invoice.pdf")]}, content_type="multipart/form-data")
    page = html.unescape(page_text(client, response.headers["Location"]))
    assert "Attachment refused: “invoice.pdf”: the file's content does not match its .pdf " \
           "extension. (your text has been saved)" in page


def test_staff_see_the_unverified_sender_badge_in_english(client, make, english_catalog):
    from legaldesk.intake.services import ingest_email
    from tests.conftest import NOW
    from tests.intake.mails import raw_email

    jurist = make.user("jurist", specialty="droit_social", locale="en")
    result = ingest_email(raw_email(authenticated=False), now=NOW, source="http")
    login(client, jurist)
    page = html.unescape(page_text(client, f"/tickets/{result.reference}"))
    assert "Unverified sender" in page and "Expéditeur non vérifié" not in page
    assert "check who they are before answering" in page


def test_french_by_default(client, people, english_catalog):
    assert "Connexion au service juridique" in page_text(client, "/login")
    login(client, people["adherent_fr"])
    ticket_page = page_text(client, ask(client, "Question en français"))
    assert "Échanges" in ticket_page and '<html lang="fr">' in ticket_page
    assert "Conversation" not in ticket_page


def test_login_page_follows_lang_cookie(client, english_catalog):
    client.set_cookie("lang", "en")
    page = page_text(client, "/login")
    assert "Log in to the legal desk" in page and "Email address" in page
    assert "Mot de passe" not in page


def test_language_switch_is_stored_on_the_user(client, people, english_catalog):
    user = people["adherent_fr"]
    login(client, user)
    response = client.post("/lang/en", data={"next": "/tickets"})
    assert response.status_code == 302
    assert "My requests" in page_text(client, "/tickets")
    db.session.refresh(user)
    assert user.locale == "en"


def test_every_msgid_has_an_english_translation():
    untranslated = [message.id for message in live_entries(read_catalog(ENGLISH_PO))
                    if not (all(message.string) if message.pluralizable else message.string)]
    assert untranslated == []


def test_translations_keep_placeholders():
    catalog = read_catalog(ENGLISH_PO)
    mismatched = []
    for message in live_entries(catalog):
        sources = message.id if message.pluralizable else (message.id,)
        targets = message.string if message.pluralizable else (message.string,)
        expected = set(PLACEHOLDER.findall(" ".join(sources)))
        if any(set(PLACEHOLDER.findall(target)) != expected for target in targets):
            mismatched.append(message.id)
    assert mismatched == []
    assert [error for _message, errors in catalog.check() for error in errors] == []


def test_catalog_is_updated_from_the_template():
    template_ids = {message.id for message in read_catalog(TEMPLATE_POT) if message.id}
    english_ids = {message.id for message in live_entries(read_catalog(ENGLISH_PO))}
    assert template_ids - english_ids == set(), "run pybabel update (see the Makefile)"
