"""Campaign services: tag deadline-peak tickets by rule or by hand, answer them in one action."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from legaldesk.auth.models import Role, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.validation import check_http_url
from legaldesk.tickets.access import get_ticket, visible_tickets
from legaldesk.tickets.history import set_ticket_field
from legaldesk.tickets.models import OPEN_STATUSES, Campaign, Status, Ticket
from legaldesk.tickets.services import record_answer


def save_campaign(actor: User | None, code: str, *, label: str, keywords: Iterable[str] = (),
                  canned_answer: str = "", note_url: str | None = None,
                  deadline: datetime | None = None, active: bool = True) -> Campaign:
    """Create or update a campaign (jurists, managers, admins; None = CLI). Caller commits."""
    if actor is not None:
        require_role(actor, Role.JURIST, Role.MANAGER)
    code = (code or "").strip().lower()
    if not code or not all(c.isalnum() or c in "-_" for c in code):
        raise InvalidInput("Code de campagne invalide (lettres, chiffres, - et _).")
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        campaign = Campaign(code=code)
        db.session.add(campaign)
    campaign.label = label.strip() or code
    campaign.keywords = [k.strip() for k in keywords if k.strip()]
    campaign.canned_answer = canned_answer.strip()
    campaign.note_url = check_http_url(note_url, "Lien vers la fiche") if (
        note_url or "").strip() else None
    campaign.deadline = deadline
    campaign.active = active
    db.session.flush()
    return campaign


def get_campaign(code: str) -> Campaign:
    """A campaign by code, or NotFound."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        raise NotFound("Campagne introuvable.")
    return campaign


def tag_tickets(actor: User, references: Iterable[str], campaign_code: str | None, *,
                now: datetime) -> list[Ticket]:
    """Tag (or untag, with None) visible tickets with a campaign; one audit event per ticket."""
    require_role(actor, Role.DELEGATE, Role.JURIST, Role.MANAGER)
    code = get_campaign(campaign_code).code if campaign_code else None
    tickets = [get_ticket(actor, reference) for reference in references]
    for ticket in tickets:
        set_ticket_field(ticket, actor, "campaign", code, now=now)
    db.session.flush()
    return tickets


def campaign_tickets(actor: User, code: str, *, only_open: bool = True) -> list[Ticket]:
    """The visible tickets of a campaign, oldest first."""
    query = visible_tickets(actor).where(Ticket.campaign == code)
    if only_open:
        query = query.where(Ticket.status.in_([s.value for s in OPEN_STATUSES]))
    return list(db.session.scalars(query.order_by(Ticket.received_at)))


def answer_campaign(actor: User, code: str, references: Iterable[str], body: str, *,
                    now: datetime, status: str = Status.ANSWERED) -> list[Ticket]:
    """Answer many tickets with one text (and the campaign's note link), each on its own channel."""
    campaign = get_campaign(code)
    text = (body or campaign.canned_answer).strip()
    if not text:
        raise InvalidInput("Le texte de la réponse est vide.")
    if campaign.note_url and campaign.note_url not in text:
        text = f"{text}\n\nPour aller plus loin : {campaign.note_url}"
    tickets = [get_ticket(actor, reference) for reference in references]
    if not tickets:
        raise InvalidInput("Aucune demande sélectionnée.")
    for ticket in tickets:
        if ticket.campaign != campaign.code:
            raise InvalidInput(f"{ticket.reference} n'appartient pas à la campagne {code}.")
        record_answer(actor, ticket, text, now=now, status=status)
    return tickets
