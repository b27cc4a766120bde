"""End to end in headless Chromium: a question goes adherent → delegate → jurist → answer,
and the adherent's reply shows in the jurist's notifications.

An accident reported beforehand heads the jurist's queue with its urgent badge."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from legaldesk.auth.models import User
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from legaldesk.tickets.models import Ticket
from legaldesk.tickets.services import open_ticket
from tests import browser_support
from tests.browser_support import BrowserPage, LiveServer, chromium_session
from tests.conftest import Factory

live_server = browser_support.live_server  # a module attribute is how pytest finds the fixture

QUESTION_SUBJECT = "Durée d'une PMSMP pour un salarié en insertion"
QUESTION_BODY = "Combien de temps peut durer une PMSMP pour un salarié en CDDI ?"
ESCALATION_REASON = "Situation individuelle : avis d'un juriste nécessaire"
ANSWER = "Une PMSMP dure au plus un mois, renouvelable une fois pour le même objectif."
FOLLOW_UP = "Merci. Et pour un salarié déjà en PMSMP le mois dernier ?"


@pytest.fixture
def accounts(make) -> dict[str, str]:
    """E-mails of an IDF adherent, the IDF delegate and a jurist, committed for the browser."""
    organisation = make.organisation("AI Les Tilleuls", region="IDF")
    emails = {
        "adherent": make.user("adherent", organisation=organisation).email,
        "delegate": make.user("delegate", region="IDF").email,
        "jurist": make.user("jurist", specialty="droit_social").email,
    }
    db.session.commit()  # end the read transaction: on SQLite it holds the write lock
    return emails


@pytest.fixture
def accident(accounts) -> str:
    """The reference of an accident at work reported just before (urgent, to the jurist)."""
    adherent = db.session.scalar(select(User).where(User.email == accounts["adherent"]))
    reference = open_ticket(adherent, subject="Accident sur le chantier", now=utcnow(),
                            body="Un salarié s'est blessé. Qui déclare l'accident du travail ?",
                            ).reference
    db.session.commit()  # and no read after it: on SQLite that would hold the write lock
    return reference


def log_in_with_keyboard(page: Page, email: str) -> None:
    """Fill the log-in form and submit it from the keyboard only, checking the tab order."""
    email_field = page.get_by_label("Adresse e-mail", exact=True)
    email_field.fill(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe", exact=True)).to_be_focused()
    page.keyboard.type(Factory.password)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Se connecter", exact=True)).to_be_focused()
    page.keyboard.press("Enter")


def log_in(browser: BrowserPage, email: str) -> None:
    """Open the log-in page, check it is French, and log in."""
    browser.goto("/login")
    expect(page_heading(browser.page)).to_have_text("Connexion au service juridique")
    log_in_with_keyboard(browser.page, email)
    expect(browser.page.get_by_role("button", name="Se déconnecter", exact=True)).to_be_visible()


def log_out(page: Page) -> None:
    """Use the header's log-out button and check the French confirmation."""
    page.get_by_role("button", name="Se déconnecter", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Vous êtes déconnecté(e).")


def page_heading(page: Page):
    """The page's first-level heading."""
    return page.get_by_role("heading", level=1)


def flash(page: Page):
    """The flash messages area."""
    return page.locator(".flashes")


def ask_question(browser: BrowserPage) -> str:
    """The adherent asks on /tickets/new and reads the new reference."""
    page = browser.page
    page.get_by_role("link", name="Poser une question", exact=True).first.click()
    expect(page_heading(page)).to_have_text("Poser une question à l'équipe juridique")
    page.get_by_label("Objet", exact=True).fill(QUESTION_SUBJECT)
    page.get_by_label("Votre question", exact=True).fill(QUESTION_BODY)
    page.get_by_label("Thème (facultatif)", exact=True).select_option("pmsmp")
    page.get_by_role("button", name="Envoyer ma question", exact=True).click()
    reference = page.locator("h1 .ref").inner_text()
    assert re.fullmatch(r"LD-\d{4}-\d{5}", reference), reference
    expect(flash(page)).to_contain_text(f"Votre demande {reference} est enregistrée.")
    expect(page.locator(".thread")).to_contain_text(QUESTION_BODY)
    return reference


def open_from_queue(page: Page, queue_title: str, reference: str) -> None:
    """From a staff member's home queue, open the ticket by its reference."""
    expect(page_heading(page)).to_contain_text(queue_title)
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.locator("h1 .ref")).to_have_text(reference)


def escalate(page: Page, reference: str) -> None:
    """The delegate sends the ticket to the jurists with a reason."""
    page.get_by_label("Motif de l'escalade", exact=True).fill(ESCALATION_REASON)
    page.get_by_role("button", name="Transmettre aux juristes", exact=True).click()
    expect(flash(page)).to_contain_text("Demande transmise aux juristes.")
    page.get_by_role("link", name="File de la délégation", exact=True).click()
    expect(page.get_by_role("link", name=reference, exact=True)).to_have_count(0)


def answer_assigned(page: Page) -> None:
    """The escalation landed on the jurist (no claim needed): she answers the requester."""
    expect(page.locator(".facts")).to_contain_text("Attribuée")
    expect(page.get_by_role("button", name="Prendre en charge", exact=True)).to_have_count(0)
    # By id: the field macro's <label for="body"> does not follow the id="answer-body" override.
    page.locator("#answer-body").fill(ANSWER)
    page.get_by_role("button", name="Envoyer la réponse", exact=True).click()
    expect(flash(page)).to_contain_text("Réponse envoyée au demandeur.")
    expect(page.locator(".history")).to_contain_text(ESCALATION_REASON)


def read_dashboard_and_knowledge_base(page: Page) -> None:
    """The jurist reads the SLA dashboard (charts are SVG images) and the knowledge base."""
    page.get_by_role("link", name="Délais", exact=True).click()
    expect(page_heading(page)).to_have_text("Délais de réponse du service juridique")
    charts = page.locator("img.chart")
    expect(charts).to_have_count(4)
    for index in range(4):  # each image decoded and drawn under the page's CSP
        assert charts.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_role("link", name="Base de connaissances", exact=True).click()
    expect(page_heading(page)).to_have_text("Base de connaissances")


def read_answer(page: Page, reference: str) -> None:
    """The adherent finds the answered ticket in its list and reads the answer."""
    expect(page_heading(page)).to_have_text("Les demandes de AI Les Tilleuls")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Répondue")
    row.get_by_role("link", name=reference, exact=True).click()
    answer = page.locator(".msg-outbound")
    expect(answer).to_contain_text("Réponse")
    expect(answer).to_contain_text(ANSWER)
    expect(page.get_by_role("heading", name="Historique", exact=True)).to_have_count(0)


def reply(page: Page) -> None:
    """The adherent writes again on the answered ticket."""
    page.locator("#reply-body").fill(FOLLOW_UP)
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(flash(page)).to_contain_text("Message envoyé.")


def read_notification(page: Page) -> None:
    """The jurist's header counts the reply; the notifications page marks it read."""
    page.get_by_role("link", name="Notifications (1 non lue)", exact=True).click()
    expect(page_heading(page)).to_have_text("Mes notifications")
    expect(page.locator("table.notifications")).to_contain_text("Nouveau message du demandeur")
    page.get_by_role("button", name=re.compile("^Marquer comme lue")).click()
    expect(page.get_by_role("link", name="Notifications (0 non lues)", exact=True)).to_be_visible()


@pytest.mark.browser
def test_question_escalated_answered_and_read(live_server: LiveServer, accounts, accident,
                                              tmp_path):
    """The "done means" scenario through the real French pages, with no server or JS error,
    every page under a Content-Security-Policy and no CSP violation."""
    with chromium_session(live_server) as browser:
        first = browser.goto("/login")
        csp = first.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        log_in(browser, accounts["adherent"])
        reference = ask_question(browser)
        log_out(browser.page)

        log_in(browser, accounts["delegate"])
        open_from_queue(browser.page, "File de la délégation", reference)
        escalate(browser.page, reference)
        log_out(browser.page)

        log_in(browser, accounts["jurist"])
        first_row = browser.page.locator("table.queue tbody tr").first  # the urgent lane
        expect(first_row).to_contain_text(accident)
        expect(first_row.locator(".badge-urgent")).to_have_text("URGENT · accident du travail")
        open_from_queue(browser.page, "File nationale", reference)
        answer_assigned(browser.page)
        read_dashboard_and_knowledge_base(browser.page)
        log_out(browser.page)

        log_in(browser, accounts["adherent"])
        read_answer(browser.page, reference)
        browser.page.screenshot(path=tmp_path / "answered-ticket.png", full_page=True)
        reply(browser.page)
        log_out(browser.page)

        log_in(browser, accounts["jurist"])
        read_notification(browser.page)
        problems = browser.problems.all()
        csp_problems = browser.problems.csp_violations + browser.problems.pages_without_csp
        pages_seen = browser.problems.pages_seen

    db.session.expire_all()
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert (ticket.status, ticket.queue, ticket.assignee.email) == (
        "reopened", "national", accounts["jurist"])
    db.session.rollback()
    assert pages_seen > 15 and not csp_problems, "\n".join(csp_problems)
    assert not problems, "\n".join(problems)
