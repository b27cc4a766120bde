"""Who may read and write knowledge-base notes: roles, audiences and the notes each one sees."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select

from legaldesk.auth.models import Role, User
from legaldesk.auth.services import require_role
from legaldesk.core.errors import Forbidden, NotFound
from legaldesk.core.extensions import db
from legaldesk.kb.models import Audience, Note, NoteSourceTicket, NoteStatus
from legaldesk.tickets.access import visible_tickets
from legaldesk.tickets.models import Ticket

WRITER_ROLES = (Role.JURIST, Role.MANAGER)  # write, review and publish (admins pass too)
DRAFTER_ROLES = (Role.DELEGATE, *WRITER_ROLES)  # may draft and submit for review
ALL_AUDIENCES = tuple(a.value for a in Audience)


def is_writer(actor: User | None) -> bool:
    """Jurists, managers and admins write, review and publish notes."""
    return is_active_user(actor) and actor.role in {*WRITER_ROLES, Role.ADMIN}


def is_drafter(actor: User | None) -> bool:
    """Writers and delegates may draft notes."""
    return is_active_user(actor) and actor.role in {*DRAFTER_ROLES, Role.ADMIN}


def audiences_for(actor: User | None) -> tuple[str, ...]:
    """Audiences the actor may read: staff all, members of member structures public+members."""
    if not is_active_user(actor):
        return (Audience.PUBLIC.value,)
    if actor.is_staff:
        return ALL_AUDIENCES
    if actor.organisation is not None and actor.organisation.is_member:
        return (Audience.PUBLIC.value, Audience.MEMBERS.value)
    return (Audience.PUBLIC.value,)


def restricted_clause() -> ColumnElement[bool]:
    """Unpublished notes made from (or linked to) a confidential ticket: need-to-know drafts."""
    confidential_source = exists().where(
        NoteSourceTicket.note_id == Note.id, NoteSourceTicket.ticket_id == Ticket.id,
        Ticket.confidential.is_(True))
    return and_(Note.status != NoteStatus.PUBLISHED, confidential_source)


def is_restricted(note: Note) -> bool:
    """The Python twin of `restricted_clause` for one loaded note (the search index's marker)."""
    return note.status != NoteStatus.PUBLISHED and any(
        link.ticket is not None and link.ticket.confidential for link in note.source_links)


def sees_restricted_drafts(actor: User | None) -> bool:
    """Managers read every restricted draft; others only the ones they wrote."""
    return is_active_user(actor) and actor.role == Role.MANAGER


def visible_notes(actor: User | None) -> Select:
    """A SELECT of the notes the actor may read (audience, status and need-to-know, in the query).

    A draft made from a confidential ticket stays with its author and the managers until it is
    published (reviewed and anonymised).
    """
    query = select(Note).where(Note.audience.in_(audiences_for(actor)))
    if not sees_restricted_drafts(actor):
        author = Note.author_id == actor.id if is_active_user(actor) else false()
        query = query.where(or_(~restricted_clause(), author))
    if is_writer(actor):
        return query
    published = Note.status == NoteStatus.PUBLISHED
    if is_active_user(actor) and actor.role == Role.DELEGATE:
        return query.where(or_(published, and_(Note.author_id == actor.id,
                                                Note.status != NoteStatus.ARCHIVED)))
    return query.where(published)


def get_note(actor: User | None, note_id: int) -> Note:
    """The note if the actor may read it, else NotFound (never reveal that it exists)."""
    note = db.session.scalar(visible_notes(actor).where(Note.id == note_id))
    if note is None:
        raise NotFound("Note introuvable.")
    return note


def can_edit(actor: User | None, note: Note) -> bool:
    """Writers edit any note that is not archived; delegates only their own drafts."""
    if note.status == NoteStatus.ARCHIVED:
        return False
    if is_writer(actor):
        return True
    return (is_active_user(actor) and actor.role == Role.DELEGATE
            and note.author_id == actor.id and note.status == NoteStatus.DRAFT)


def is_active_user(actor: User | None) -> bool:
    """A signed-in user whose account is active (not an anonymous visitor, not deactivated)."""
    return actor is not None and getattr(actor, "is_authenticated", False) and bool(actor.active)


def require_editor(actor: User | None, note: Note) -> None:
    """Forbidden unless the actor may edit the note (see `can_edit`)."""
    if not can_edit(actor, note):
        raise Forbidden("Vous ne pouvez pas modifier cette note.")


def require_writer(actor: User | None) -> None:
    """Forbidden unless the actor is a jurist, a manager or an admin."""
    require_role(actor, *WRITER_ROLES)


def require_ticket_visible(actor: User, ticket: Ticket) -> None:
    """NotFound unless the actor may see the ticket."""
    found = db.session.scalar(visible_tickets(actor).with_only_columns(Ticket.id)
                              .where(Ticket.id == ticket.id))
    if found is None:
        raise NotFound("Demande introuvable.")
