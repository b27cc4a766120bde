"""Retention: the periods per kind of data and the scheduled job that applies them.

What goes, and what stays so that the SLA reports of past years give the same figures: the
tickets themselves (dates, status, level, topic, region, channel, satisfaction) are kept as
statistics; their text (subject, message bodies), attachments, raw inbound sources, outbox
copies, contact details and old audit entries go. Each kind is handled in batches; running the
job twice at the same `now` changes nothing more (rows already emptied are not matched again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select, update

from legaldesk.audit.models import AuditEntry
from legaldesk.audit.services import record_audit
from legaldesk.auth.models import Contact, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db
from legaldesk.intake.models import InboundMessage, InboundStatus
from legaldesk.kb.models import NoteAttachment
from legaldesk.notify.models import Outbox, OutboxStatus
from legaldesk.privacy.models import RetentionSetting
from legaldesk.tickets.attachments import attachment_path
from legaldesk.tickets.models import Attachment, Message, Status, Ticket

ERASED = "[effacé : durée de conservation échue]"
BATCH = 500  # rows per kind per statement batch
MIN_DAYS, MAX_DAYS = 30, 36500


@dataclass(frozen=True)
class RetentionKind:
    """One kind of data: its default period and when its clock starts."""

    code: str
    label: str
    default_days: int
    starts: str  # the event after which the period runs
    why: str  # the reasoning behind the default (shown as help)


KINDS = (
    RetentionKind("raw_inbound", "Messages entrants bruts (e-mail, WhatsApp)", 90,
                  "après classement du message",
                  "Le message est recopié dans la demande ; la source brute ne sert qu'à "
                  "vérifier un classement ou rejouer une erreur : trois mois suffisent."),
    RetentionKind("closed_ticket_content", "Texte et pièces jointes des demandes clôturées",
                  1826, "après la clôture de la demande",
                  "Cinq ans : la prescription de droit commun (art. 2224 du Code civil) et "
                  "celle des actions en responsabilité ; les dates et statuts de la demande "
                  "restent, anonymes, pour les statistiques."),
    RetentionKind("contacts", "Coordonnées des contacts sans demande ouverte", 1095,
                  "après leur dernière demande",
                  "Trois ans sans contact, comme le recommande la CNIL pour un prospect ou "
                  "un correspondant inactif."),
    RetentionKind("audit_log", "Journal d'audit", 1826, "après l'inscription",
                  "Cinq ans, pour couvrir la prescription des actions liées aux accès ; le "
                  "journal n'est effacé que par cette durée."),
    RetentionKind("outbox", "Copies des notifications envoyées", 365, "après l'envoi",
                  "Un an : le temps de répondre à une contestation de réception."),
)
KIND_BY_CODE = {kind.code: kind for kind in KINDS}


def retention_days() -> dict[str, int]:
    """The period in force per kind (the managers' setting, else the default)."""
    saved = {row.kind: row.days for row in db.session.scalars(select(RetentionSetting))}
    return {kind.code: saved.get(kind.code, kind.default_days) for kind in KINDS}


def save_retention_settings(actor: User, days: dict[str, int], *, now: datetime) -> list[str]:
    """Managers set the periods; each change is audited. Caller commits. Returns the codes
    that changed."""
    require_role(actor, "manager")
    current = retention_days()
    changed = []
    for code, value in days.items():
        if code not in KIND_BY_CODE:
            raise InvalidInput(f"Type de données inconnu : {code}.")
        if not MIN_DAYS <= int(value) <= MAX_DAYS:
            raise InvalidInput(f"Durée hors limites ({MIN_DAYS} à {MAX_DAYS} jours).")
        if int(value) == current[code]:
            continue
        row = db.session.get(RetentionSetting, code) or RetentionSetting(kind=code)
        row.days, row.updated_at, row.updated_by_id = int(value), now, actor.id
        db.session.add(row)
        record_audit(actor, "admin.settings_saved", target_type="retention", target_ref=code,
                     now=now, details={"days": int(value), "before": current[code]})
        changed.append(code)
    db.session.flush()
    return changed


# --- what is due --------------------------------------------------------------------------


def _cutoffs(now: datetime) -> dict[str, datetime]:
    return {code: now - timedelta(days=days) for code, days in retention_days().items()}


def _due_inbound(cutoff: datetime):
    return select(InboundMessage.id).where(
        InboundMessage.processed_at.is_not(None), InboundMessage.processed_at < cutoff,
        InboundMessage.status.not_in([InboundStatus.RECEIVED, InboundStatus.QUARANTINED]))


def _due_tickets(cutoff: datetime):
    """Closed tickets past the period whose text or files are still there."""
    has_text = exists().where(Message.ticket_id == Ticket.id, Message.body != ERASED)
    has_files = exists().where(Attachment.ticket_id == Ticket.id)
    return select(Ticket.id).where(
        Ticket.status == Status.CLOSED, Ticket.closed_at.is_not(None), Ticket.closed_at < cutoff,
        or_(Ticket.subject != ERASED, has_text, has_files))


def _due_contacts(cutoff: datetime):
    recent = exists().where(Ticket.requester_contact_id == Contact.id,
                            or_(Ticket.status != Status.CLOSED, Ticket.received_at >= cutoff))
    return select(Contact.id).where(
        Contact.created_at < cutoff, ~recent,
        or_(Contact.name.is_not(None), Contact.email.is_not(None), Contact.phone.is_not(None)))


def _due_audit(cutoff: datetime):
    return select(AuditEntry.id).where(AuditEntry.created_at < cutoff)


def _due_outbox(cutoff: datetime):
    return select(Outbox.id).where(
        Outbox.status.in_([OutboxStatus.SENT, OutboxStatus.DEAD]),
        func.coalesce(Outbox.sent_at, Outbox.created_at) < cutoff)


DUE = {"raw_inbound": _due_inbound, "closed_ticket_content": _due_tickets,
       "contacts": _due_contacts, "audit_log": _due_audit, "outbox": _due_outbox}


def count_due(now: datetime) -> dict[str, int]:
    """How many rows of each kind the job would delete or anonymise at `now` (dry run)."""
    cutoffs = _cutoffs(now)
    return {code: db.session.scalar(select(func.count()).select_from(
        DUE[code](cutoffs[code]).subquery())) for code in DUE}


# --- the job ------------------------------------------------------------------------------


def apply_retention(now: datetime, *, batch: int = BATCH) -> dict[str, int]:
    """Delete or anonymise what is due, in batches of `batch` rows. Caller commits."""
    cutoffs = _cutoffs(now)
    done = {code: 0 for code in DUE}
    while ids := _ids(_due_inbound(cutoffs["raw_inbound"]), batch):
        db.session.execute(delete(InboundMessage).where(InboundMessage.id.in_(ids)))
        done["raw_inbound"] += len(ids)
    while ids := _ids(_due_tickets(cutoffs["closed_ticket_content"]), batch):
        erase_ticket_content(ids)
        done["closed_ticket_content"] += len(ids)
    while ids := _ids(_due_contacts(cutoffs["contacts"]), batch):
        db.session.execute(update(Contact).where(Contact.id.in_(ids))
                           .values(name=None, email=None, phone=None))
        done["contacts"] += len(ids)
    while ids := _ids(_due_outbox(cutoffs["outbox"]), batch):
        db.session.execute(delete(Outbox).where(Outbox.id.in_(ids)))
        done["outbox"] += len(ids)
    while ids := _ids(_due_audit(cutoffs["audit_log"]), batch):
        db.session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids)))
        done["audit_log"] += len(ids)
    if any(done.values()):
        record_audit(None, "privacy.retention_applied", target_type="retention", now=now,
                     details=done)
    db.session.flush()
    return done


def run_retention(now: datetime) -> int:
    """The scheduled job: apply the periods; how many rows went."""
    return sum(apply_retention(now).values())


def _ids(query, batch: int) -> list[int]:
    return list(db.session.scalars(query.limit(batch)))


def erase_ticket_content(ticket_ids: list[int]) -> None:
    """Empty subject and message bodies, delete attachments (and files no one else uses)."""
    digests = set(db.session.scalars(select(Attachment.sha256).where(
        Attachment.ticket_id.in_(ticket_ids))))
    db.session.execute(delete(Attachment).where(Attachment.ticket_id.in_(ticket_ids)))
    db.session.execute(update(Message).where(Message.ticket_id.in_(ticket_ids),
                                             Message.body != ERASED).values(body=ERASED))
    db.session.execute(update(Ticket).where(Ticket.id.in_(ticket_ids)).values(subject=ERASED))
    db.session.flush()
    for digest in digests:
        ticket_rows = db.session.scalar(select(func.count(Attachment.id))
                                        .where(Attachment.sha256 == digest))
        note_rows = db.session.scalar(select(func.count(NoteAttachment.id))
                                      .where(NoteAttachment.sha256 == digest))
        if not ticket_rows and not note_rows:
            _unlink_after_commit(digest)


def _unlink_after_commit(digest: str) -> None:
    """Remove a stored file once the transaction that deleted its last row commits."""
    from sqlalchemy import event

    def unlink(_session) -> None:
        path = attachment_path(digest)
        path.unlink(missing_ok=True)
    event.listen(db.session(), "after_commit", unlink, once=True)
