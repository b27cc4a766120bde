"""Twilio WhatsApp sender: the text inside the 24-hour window, the approved template outside."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta

import phonenumbers
import requests
from flask import render_template
from jinja2 import TemplateNotFound
from sqlalchemy import func, select
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from legaldesk.core.extensions import db
from legaldesk.core.labels import urgent_case_french
from legaldesk.core.timefmt import localtime
from legaldesk.notify.email import public_link
from legaldesk.notify.models import Outbox
from legaldesk.notify.sending import (
    ChannelUnavailable,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from legaldesk.notify.services import ONCALL_PURPOSE
from legaldesk.tickets.models import Ticket

MAX_WHATSAPP_CHARS = 1600  # Twilio refuses longer bodies
# French numbers first, then the overseas departments whose local numbers also start with 0
PHONE_REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "PM", "NC", "PF")


def normalise_phone(value: str | None) -> str | None:
    """An E.164 number (+33612345678) from 'whatsapp:+33…', '06 12 34 56 78', '0692…'; else None."""
    text = (value or "").strip()
    if text.lower().startswith("whatsapp:"):
        text = text[len("whatsapp:"):]
    compact = re.sub(r"[\s.\-/]|\(0\)|[()]", "", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"\+[1-9]\d{7,14}", compact):
        return compact  # already international (Twilio always sends this form)
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def whatsapp_address(number: str) -> str:
    """Twilio's address form of an E.164 number."""
    return f"whatsapp:{number}"


def last_inbound_at(number: str) -> datetime | None:
    """When this number last wrote to us on WhatsApp (it opens WhatsApp's session window)."""
    from legaldesk.intake.models import InboundMessage, InboundStatus

    return db.session.scalar(
        select(func.max(InboundMessage.received_at)).where(
            InboundMessage.channel == "whatsapp", InboundMessage.sender == number,
            InboundMessage.status == InboundStatus.PROCESSED)
    )


def in_session(number: str, now: datetime, config: Mapping) -> bool:
    """True while free-form messages may be sent to the number (its last message < 24 h ago)."""
    last = last_inbound_at(number)
    return last is not None and now - last < timedelta(hours=int(config["WHATSAPP_SESSION_HOURS"]))


def render_text(row: Outbox, ticket: Ticket | None, config: Mapping) -> str:
    """The French WhatsApp text of a row, cut with a link when longer than WhatsApp allows."""
    link = public_link(config, ticket)
    context = {"row": row, "ticket": ticket, "body": row.body, "link": link}
    try:
        text = render_template(f"notify/whatsapp_{row.purpose}.txt", **context)
    except TemplateNotFound:
        text = render_template("notify/whatsapp.txt", **context)
    text = text.strip()
    if len(text) <= MAX_WHATSAPP_CHARS:
        return text
    tail = f"\n… suite en ligne : {link}" if link else "\n… (message tronqué)"
    return text[: MAX_WHATSAPP_CHARS - len(tail)].rstrip() + tail


def template_for(row: Outbox, ticket: Ticket | None, config: Mapping) -> tuple[str, dict]:
    """The setting naming the approved template of a row's purpose, and its variables.

    The on-call alert has its own template (reference, urgent case, time received, link);
    every other message announces an answer (reference, link).  Never any free text.
    """
    reference, link = (ticket.reference if ticket else ""), public_link(config, ticket) or ""
    if row.purpose == ONCALL_PURPOSE:
        return "TWILIO_ONCALL_TEMPLATE_CONTENT_SID", {
            "1": reference, "2": urgent_case_french(ticket.urgent_case if ticket else None),
            "3": localtime(ticket.received_at, ticket) if ticket else "", "4": link}
    return "TWILIO_TEMPLATE_CONTENT_SID", {"1": reference, "2": link}


class WhatsAppSender:
    """Send Outbox rows through the twilio Client (pointed at TWILIO_BASE_URL when set)."""

    def __init__(self, config: Mapping, client: Client | None = None):
        self.config = config
        self._client = client
        self._owns_client = client is None
        self._http: TwilioHttpClient | None = None

    def send(self, row: Outbox, now: datetime) -> SendResult:
        """Send the text or, outside the 24-hour window, the template announcing an answer."""
        number = normalise_phone(row.recipient)
        if number is None:
            raise PermanentFailure(f"numéro WhatsApp invalide : {row.recipient!r}")
        ticket = db.session.get(Ticket, row.ticket_id) if row.ticket_id else None
        params = self._content(row, ticket, number, now)
        params.update(from_=self.config["TWILIO_WHATSAPP_FROM"], to=whatsapp_address(number))
        callback = self._status_callback()
        if callback:
            params["status_callback"] = callback
        try:
            message = self._twilio().messages.create(**params)
        except TwilioRestException as exc:
            raise _classify(exc) from exc
        except requests.ConnectionError as exc:
            raise ChannelUnavailable(f"API Twilio injoignable : {exc}") from exc
        except requests.RequestException as exc:
            raise TemporaryFailure(f"API Twilio : {exc}") from exc
        return SendResult(provider_id=message.sid, delivery_status=message.status or "queued")

    def _content(self, row: Outbox, ticket: Ticket | None, number: str, now: datetime) -> dict:
        if in_session(number, now, self.config):
            return {"body": render_text(row, ticket, self.config)}
        setting, variables = template_for(row, ticket, self.config)
        template = self.config.get(setting)
        if not template:
            raise PermanentFailure("hors de la fenêtre WhatsApp de 24 h et aucun modèle approuvé "
                                   f"({setting}) n'est configuré")
        return {"content_sid": template, "content_variables": json.dumps(variables)}

    def _status_callback(self) -> str | None:
        base = self.config.get("PUBLIC_BASE_URL")
        return f"{str(base).rstrip('/')}/webhooks/twilio/status" if base else None

    def _twilio(self) -> Client:
        if self._client is not None:
            return self._client
        config = self.config
        if not (config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN")
                and config.get("TWILIO_WHATSAPP_FROM")):
            raise ChannelUnavailable("WhatsApp non configuré (TWILIO_ACCOUNT_SID, "
                                     "TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM)")
        self._http = TwilioHttpClient(timeout=float(config["TWILIO_TIMEOUT_SECONDS"]))
        client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                        http_client=self._http)
        if config.get("TWILIO_BASE_URL"):
            client.api.base_url = str(config["TWILIO_BASE_URL"]).rstrip("/")
        self._client = client
        return client

    def close(self) -> None:
        """Close the HTTP session of the client we built."""
        if self._http is not None and self._http.session is not None:
            self._http.session.close()
        self._http = None
        if self._owns_client:
            self._client = None


def _classify(exc: TwilioRestException) -> Exception:
    detail = f"Twilio {exc.status} (code {exc.code}) : {exc.msg}"
    if exc.status in (401, 403):
        return ChannelUnavailable(detail)
    if exc.status == 429 or exc.status >= 500:
        return TemporaryFailure(detail)
    return PermanentFailure(detail)
