"""Import past requests (the federation's spreadsheets) as closed tickets with measured clocks.

One CSV row per ticket; the columns are documented in the README ("History import").  Each
row is imported in its own savepoint: a bad row is reported with its line number and reason,
good rows go in, and a row already imported (same import key) is skipped, so re-importing a
file is harmless.
The caller commits.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from legaldesk.auth.models import Organisation, Region, RequesterType, Role, User
from legaldesk.auth.reference import name_key
from legaldesk.auth.services import find_region, require_role
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db
from legaldesk.core.models import to_naive_utc
from legaldesk.sla import services as clocks
from legaldesk.sla.models import ImportedTicket
from legaldesk.tickets.models import (
    Channel,
    Level,
    Priority,
    Queue,
    Status,
    Ticket,
    TicketEvent,
    Topic,
)
from legaldesk.tickets.services import next_reference

REQUIRED_COLUMNS = ("received_at", "first_response_at", "resolved_at", "channel", "topic",
                    "level", "priority", "organisation", "region", "subject")
OPTIONAL_COLUMNS = ("import_id", "requester_type")
CHANNEL_WORDS = {
    "web": Channel.WEB, "portail": Channel.WEB, "plateforme": Channel.WEB,
    "plateformeenligne": Channel.WEB, "formulaire": Channel.WEB,
    "email": Channel.EMAIL, "mail": Channel.EMAIL, "courriel": Channel.EMAIL,
    "phone": Channel.PHONE, "telephone": Channel.PHONE, "tel": Channel.PHONE,
    "appel": Channel.PHONE, "whatsapp": Channel.WHATSAPP, "webinar": Channel.WEBINAR,
    "webinaire": Channel.WEBINAR, "import": Channel.IMPORT,
}
LEVEL_WORDS = {"firstlevel": Level.FIRST_LEVEL, "premierniveau": Level.FIRST_LEVEL,
               "niveau1": Level.FIRST_LEVEL, "expert": Level.EXPERT, "expertise": Level.EXPERT}
PRIORITY_WORDS = {"normal": Priority.NORMAL, "normale": Priority.NORMAL, "": Priority.NORMAL,
                  "urgent": Priority.URGENT, "urgente": Priority.URGENT, "urgence": Priority.URGENT}
LOCAL_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")


@dataclass
class ImportResult:
    """What an import did: rows imported, rows already there, and each bad row's reason."""

    imported: int = 0
    duplicates: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_history(actor: User | None, text: str, *, source: str, now: datetime) -> ImportResult:
    """Import a CSV (comma or semicolon separated) of past tickets. Caller commits."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), dialect=_dialect(text))
    header = [name_key_column(name) for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InvalidInput(f"Colonnes manquantes : {', '.join(missing)}")
    reader.fieldnames = header
    result = ImportResult()
    for row in reader:
        line = reader.line_num
        try:
            with db.session.begin_nested():
                imported = _import_row(row, source=source, line=line, now=now)
        except InvalidInput as exc:
            result.errors.append((line, exc.message))
            continue
        if imported:
            result.imported += 1
        else:
            result.duplicates += 1
    return result


def name_key_column(name: str | None) -> str:
    """A header cell as a column name: trimmed, lower case."""
    return (name or "").strip().lower()


def _dialect(text: str):
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    return "excel" if first_line.count(",") >= first_line.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _import_row(row: dict, *, source: str, line: int, now: datetime) -> bool:
    """Create the ticket of one row; False if that row was imported before."""
    values = {key: (value or "").strip() for key, value in row.items() if key}
    subject = " ".join(values.get("subject", "").split())
    if not subject:
        raise InvalidInput("objet (subject) vide")
    organisation = _organisation(values["organisation"])
    region = _region(values["region"], organisation)
    zone = ZoneInfo(organisation.effective_timezone if organisation else region.timezone)
    received = _instant(values["received_at"], zone, "received_at", required=True)
    first = _instant(values["first_response_at"], zone, "first_response_at")
    resolved = _instant(values["resolved_at"], zone, "resolved_at")
    _check_order(received, first, resolved, now)
    key = _import_key(values, received)
    if db.session.scalar(select(ImportedTicket.id).where(ImportedTicket.import_key == key)):
        return False
    ticket = _new_ticket(values, subject, organisation, region, received, now)
    _apply_history(ticket, first, resolved, now)
    db.session.add(TicketEvent(ticket=ticket, action="imported", new_value=source[:255],
                               reason=f"{source}, ligne {line}", created_at=now))
    db.session.add(ImportedTicket(import_key=key, ticket=ticket, source=source[:255], line=line,
                                  imported_at=now))
    db.session.flush()
    return True


def _organisation(name: str) -> Organisation | None:
    if not name:
        return None
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        raise InvalidInput(f"structure inconnue : {name}")
    return organisation


def _region(value: str, organisation: Organisation | None) -> Region:
    if value:
        region = find_region(value)
        if region is None:
            raise InvalidInput(f"délégation inconnue : {value}")
        return region
    if organisation is not None and organisation.region is not None:
        return organisation.region
    raise InvalidInput("délégation (region) ou structure rattachée à une délégation requise")


def _instant(text: str, zone: ZoneInfo, column: str, required: bool = False) -> datetime | None:
    """ISO 8601 with offset (kept), or local time of the territory (dd/mm/yyyy accepted)."""
    if not text:
        if required:
            raise InvalidInput(f"{column} vide")
        return None
    parsed = _parse(text)
    if parsed is None:
        raise InvalidInput(f"{column} illisible : {text!r} (attendu ISO 8601 ou JJ/MM/AAAA HH:MM)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return to_naive_utc(parsed)


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in LOCAL_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _check_order(received: datetime, first: datetime | None, resolved: datetime | None,
                 now: datetime) -> None:
    if received > now:
        raise InvalidInput("received_at est dans le futur")
    if first is not None and first < received:
        raise InvalidInput("first_response_at précède received_at")
    if resolved is not None and resolved < received:
        raise InvalidInput("resolved_at précède received_at")
    if first is not None and resolved is not None and resolved < first:
        raise InvalidInput("resolved_at précède first_response_at")
    if max(filter(None, (received, first, resolved))) > now:
        raise InvalidInput("date dans le futur")


def _import_key(values: dict, received: datetime) -> str:
    """The row's identity: its import_id if given, else what the row is about."""
    if values.get("import_id"):
        identity = f"id|{values['import_id']}"
    else:
        identity = "|".join((received.isoformat(), name_key(values["organisation"]),
                             " ".join(values["subject"].split()).casefold(),
                             name_key(values["channel"])))
    return hashlib.sha256(identity.encode()).hexdigest()


def _new_ticket(values: dict, subject: str, organisation: Organisation | None, region: Region,
                received: datetime, now: datetime) -> Ticket:
    topic = _topic(values["topic"])
    level = _word(values["level"], LEVEL_WORDS, "level") if values["level"] else (
        topic.default_level if topic else Level.EXPERT)
    ticket = Ticket(
        reference=next_reference(received.year), subject=subject[:250], status=Status.NEW,
        channel=_word(values["channel"], CHANNEL_WORDS, "channel"), topic=topic, level=level,
        priority=_word(values["priority"], PRIORITY_WORDS, "priority"),
        organisation=organisation, region=region,
        queue=Queue.DELEGATION if level == Level.FIRST_LEVEL and not region.is_national
        else Queue.NATIONAL,
        requester_type=_requester_type(values.get("requester_type", ""), organisation),
        received_at=received, created_at=now, updated_at=now,
        triage={"imported": True},
    )
    db.session.add(ticket)
    return ticket


def _topic(value: str) -> Topic | None:
    if not value:
        return None
    key = name_key(value)
    for topic in db.session.scalars(select(Topic)):
        if key in (name_key(topic.code), name_key(topic.label_fr)):
            return topic
    raise InvalidInput(f"thème inconnu : {value}")


def _word(value: str, words: dict, column: str):
    try:
        return words[name_key(value)]
    except KeyError:
        raise InvalidInput(f"{column} inconnu : {value}") from None


def _requester_type(value: str, organisation: Organisation | None) -> str:
    if value:
        try:
            return RequesterType(value.strip().lower())
        except ValueError:
            raise InvalidInput(f"requester_type inconnu : {value}") from None
    return organisation.requester_type if organisation else RequesterType.AUTRE


def _apply_history(ticket: Ticket, first: datetime | None, resolved: datetime | None,
                   now: datetime) -> None:
    """Status and SLA clocks as if the ticket had lived through the desk (no pauses known)."""
    clocks.start_clocks(ticket, now)
    if first is not None:
        ticket.first_response_at = first
        clocks.stop_first_response_clock(ticket, first)
    if resolved is not None:
        ticket.resolved_at = ticket.closed_at = resolved
        ticket.status = Status.CLOSED
        clocks.update_clocks_for_status(ticket, Status.IN_PROGRESS, Status.CLOSED, resolved)
    else:
        ticket.status = Status.IN_PROGRESS if first is not None else Status.NEW
    clocks.recompute_due_times(ticket, now)
