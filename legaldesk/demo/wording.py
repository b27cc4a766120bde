"""What the demo's messages say: the requester's first message, channel ids, staff signatures."""

from __future__ import annotations

import random
from datetime import date

from legaldesk.auth.models import Role, User
from legaldesk.demo.people import DEMO_DOMAIN
from legaldesk.demo.plans import Plan
from legaldesk.tickets.models import Channel

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def fill_deadline(template: str, deadline: date) -> str:
    """The template with `{deadline}` written as a French day and month ("30 novembre")."""
    return template.replace("{deadline}", f"{deadline.day} {MONTHS_FR[deadline.month - 1]}")


def opening_body(plan: Plan, deadline: date) -> str:
    """The first message as the channel brings it: call log, webinar question, e-mail or form."""
    body = fill_deadline(plan.question["body"], deadline)
    if plan.channel == Channel.PHONE:
        return f"(Appel téléphonique) {body}"
    if plan.channel == Channel.WEBINAR:
        return f"(Question posée pendant le webinaire « {plan.webinar} ») {body}"
    if plan.channel == Channel.EMAIL:
        return f"Bonjour,\n\n{body}\n\nCordialement,\n{requester_signature(plan)}"
    return body


def requester_signature(plan: Plan) -> str:
    """The requester's name and organisation, as they sign an e-mail."""
    if plan.requester is not None:
        org = plan.requester.organisation
        return plan.requester.name + (f"\n{org.name}" if org else "")
    contact = plan.contact
    return contact.name + (f"\n{contact.organisation.name}" if contact.organisation else "")


def external_id(plan: Plan, number: int, rng: random.Random) -> str | None:
    """The channel's id of ticket `number` (e-mail Message-ID, WhatsApp SID); draws a token."""
    token = f"{rng.getrandbits(64):016x}"
    if plan.channel == Channel.EMAIL:
        return f"<demo.{number:05d}.{token}@{DEMO_DOMAIN}>"
    if plan.channel == Channel.WHATSAPP:
        return f"SMdemo{number:05d}{token}"
    return None


def whatsapp_sender(plan: Plan) -> str | None:
    """The WhatsApp address a member writes from, for WhatsApp tickets only."""
    if plan.channel == Channel.WHATSAPP and plan.requester is not None:
        return f"whatsapp:{plan.requester.phone}"
    return None


def signed(text: str, responder: User) -> str:
    """A staff message with greeting, closing and the responder's signature."""
    return f"Bonjour,\n\n{text}\n\nBien cordialement,\n{responder.name}\n" \
           f"{staff_title(responder)}"


def staff_title(user: User) -> str:
    """The signature line under a staff answer."""
    if user.role == Role.JURIST:
        field_name = "droit social" if user.specialty == "droit_social" else "droit des affaires"
        return f"Juriste en {field_name}, pôle ressources innovations et développement"
    if user.role == Role.DELEGATE:
        return f"Délégation régionale {user.region.name}"
    return "Responsable du pôle ressources innovations et développement"
