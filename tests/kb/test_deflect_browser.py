"""In headless Chromium: suggestions appear while a member types, opening one is recorded, and
staff insert a note's link into their answer (static/deflect.js, no inline script)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.kb import index_queue, note_import
from legaldesk.kb.models import SuggestionEvent
from tests import browser_support
from tests.browser_support import chromium_session
from tests.conftest import NOW, Factory
from tests.kb import support
from tests.kb.support import answered_ticket

live_server = browser_support.live_server  # a module attribute is how pytest finds the fixture
kb_people = support.kb_people

pytestmark = pytest.mark.browser


def log_in(page: Page, base_url: str, email: str) -> None:
    """Log in through the real form."""
    page.goto(base_url + "/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(Factory.password)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("button", name="Se déconnecter", exact=True)).to_be_visible()


def wait_for_events(condition, attempts: int = 50) -> list[tuple]:
    """(user_id, opened_at, submitted_at) of the suggestion events once `condition` holds on
    them (the browser's requests are asynchronous)."""
    for _ in range(attempts):
        rows = [tuple(row) for row in db.session.execute(select(
            SuggestionEvent.user_id, SuggestionEvent.opened_at, SuggestionEvent.submitted_at))]
        db.session.rollback()  # never hold the SQLite write lock while the server works
        if condition(rows):
            return rows
        time.sleep(0.1)
    raise AssertionError("the expected suggestion events were not recorded")


@pytest.fixture
def desk(kb_people):
    """Starter notes indexed, an answered ticket; e-mails and reference for the browser."""
    note_import.load_starter_notes(NOW)
    db.session.commit()
    index_queue.apply_index_queue(NOW)
    people = {"adherent": kb_people["adherent"].email, "jurist": kb_people["jurist"].email}
    ticket = answered_ticket(kb_people).reference
    db.session.commit()
    return {**people, "ticket": ticket}


def test_member_sees_suggestions_opens_one_then_asks(live_server, desk):
    with chromium_session(live_server) as browser:
        page = browser.page
        log_in(page, live_server.base_url, desk["adherent"])
        browser.goto("/tickets/new")
        panel = page.locator("#kb-suggestions")
        expect(panel).to_be_hidden()
        page.get_by_label("Objet", exact=True).fill("Durée d'une PMSMP")
        page.get_by_label("Votre question", exact=True).fill(
            "Combien de temps peut durer une immersion PMSMP chez un autre employeur ?")
        expect(panel).to_be_visible()
        link = panel.get_by_role("link").filter(has_text="PMSMP").first
        with page.context.expect_page() as opened:
            link.click()
        opened.value.close()
        events = wait_for_events(lambda rows: any(opened for _u, opened, _s in rows))
        assert all(user_id is not None for user_id, _o, _s in events)
        page.get_by_role("button", name="Envoyer ma question").click()
        expect(page.locator(".flashes")).to_contain_text("est enregistrée")
        wait_for_events(lambda rows: rows and all(submitted for _u, _o, submitted in rows))
        assert browser.problems.all() == []


def test_staff_insert_a_note_link_into_the_answer(live_server, desk):
    with chromium_session(live_server) as browser:
        page = browser.page
        log_in(page, live_server.base_url, desk["jurist"])
        browser.goto(f"/tickets/{desk['ticket']}")
        button = page.get_by_role("button", name="insérer le lien dans la réponse").first
        expect(button).to_be_visible()
        button.click()
        answer = page.locator("#answer-body")
        expect(answer).to_have_value(re.compile(r".+ : http://127\.0\.0\.1:\d+/kb/notes/\d+$"))
        assert browser.problems.all() == []
