"""In-app notifications: create them, count and list them, mark them read, e-mail them.

Tickets call this module (it sits below tickets) and choose the recipients. A notification
holds a kind and a ticket, never text from the ticket: e-mails say the reference, the kind
and a link. Services flush; the caller (view, job, command) commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from legaldesk.auth.models import User
from legaldesk.core.errors import InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.labels import NOTIFICATION_KIND
from legaldesk.notify.email import public_link
from legaldesk.notify.models import EmailPreference, Notification, NotificationKind
from legaldesk.notify.services import queue_notification
from legaldesk.tickets.models import Ticket

# --- creating -----------------------------------------------------------------------------


def notify_users(users: Iterable[User | None], kind: str, ticket: Ticket | None, *,
                 actor: User | None, now: datetime, send_email: bool = True) -> list[Notification]:
    """Tell each active user but the actor that `kind` happened on the ticket. Caller commits.

    An unread notice of the same kind on the same ticket is brought forward, not repeated (and
    not e-mailed again). Users who chose immediate e-mails get one Outbox row per new notice;
    send_email=False when the caller already e-mails the same people.
    """
    kind = NotificationKind(kind)
    people = {user.id: user for user in users
              if user is not None and user.active and (actor is None or user.id != actor.id)}
    if not people:
        return []
    ticket_id = ticket.id if ticket is not None else None
    same_ticket = (Notification.ticket_id == ticket_id if ticket_id is not None
                   else Notification.ticket_id.is_(None))
    pending = db.session.scalars(select(Notification).where(
        Notification.user_id.in_(list(people)), Notification.kind == kind, same_ticket,
        Notification.read_at.is_(None)))
    fresh = dict(people)
    for notice in pending:
        notice.created_at = now
        fresh.pop(notice.user_id, None)
    created = [Notification(user_id=user_id, ticket_id=ticket_id, kind=kind, created_at=now)
               for user_id in sorted(fresh)]
    db.session.add_all(created)
    db.session.flush()
    if send_email:
        for notice in created:
            if fresh[notice.user_id].notification_email == EmailPreference.IMMEDIATE:
                _email_now(notice, fresh[notice.user_id], ticket, now)
    return created


def kind_text(kind: str) -> str:
    """The French label of a notification kind, for e-mails (whatever the request's locale)."""
    with force_locale("fr"):
        return str(NOTIFICATION_KIND.get(kind, kind))


def _email_now(notice: Notification, user: User, ticket: Ticket | None, now: datetime) -> None:
    label = kind_text(notice.kind)
    reference = ticket.reference if ticket is not None else None
    lines = [f"{label} : demande {reference}." if reference else f"{label}."]
    link = public_link(current_app.config, ticket)
    if link:
        lines.append(f"Ouvrir la demande : {link}")
    queue_notification(
        channel="email", recipient=user.email, purpose="notification", now=now,
        subject=f"[{reference}] {label}" if reference else f"legaldesk : {label}",
        body="\n".join(lines + _footer()), ticket_id=ticket.id if ticket is not None else None,
        dedupe_key=f"notification:{notice.id}")
    notice.emailed_at = now


def _footer() -> list[str]:
    base = current_app.config.get("PUBLIC_BASE_URL")
    page = f" : {str(base).rstrip('/')}/notifications" if base else " (menu Notifications)"
    return ["", f"Vos notifications et votre choix d'e-mails{page}"]


# --- the daily digest ---------------------------------------------------------------------


def send_notification_digests(now: datetime) -> int:
    """Job: one e-mail per digest user listing their unread notices not yet e-mailed.

    Idempotent: the notices listed are marked e-mailed, so a second run finds none.
    Returns how many e-mails were queued; the job runner commits.
    """
    rows = db.session.execute(
        select(Notification, User).join(User, Notification.user_id == User.id)
        .where(User.notification_email == EmailPreference.DIGEST, User.active.is_(True),
               Notification.read_at.is_(None), Notification.emailed_at.is_(None))
        .options(selectinload(Notification.ticket))
        .order_by(User.id, Notification.created_at, Notification.id)).all()
    queued = 0
    for user, group in groupby(rows, key=lambda row: row[1]):
        notices = [notice for notice, _user in group]
        row = queue_notification(
            channel="email", recipient=user.email, purpose="notification_digest", now=now,
            subject=f"legaldesk : {len(notices)} notification(s) non lue(s)",
            body="\n".join([_digest_line(notice) for notice in notices] + _footer()),
            dedupe_key=f"notification-digest:{user.id}:{now.isoformat()}")
        for notice in notices:
            notice.emailed_at = now
        queued += row is not None
    db.session.flush()
    return queued


def _digest_line(notice: Notification) -> str:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    when = notice.created_at.replace(tzinfo=UTC).astimezone(zone).strftime("%d/%m/%Y %H:%M")
    ticket = notice.ticket
    line = f"- {ticket.reference if ticket else '—'} — {kind_text(notice.kind)} — {when}"
    link = public_link(current_app.config, ticket)
    return f"{line}\n  {link}" if link else line


# --- reading and marking ------------------------------------------------------------------


def unread_count(user: User) -> int:
    """How many unread notifications the user has (one COUNT on an index)."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def unread_ticket_ids(user: User, ticket_ids: Iterable[int]) -> set[int]:
    """Which of these tickets have an unread notification for the user (one query)."""
    ids = list(set(ticket_ids))
    if not ids:
        return set()
    return set(db.session.scalars(select(Notification.ticket_id).distinct().where(
        Notification.user_id == user.id, Notification.read_at.is_(None),
        Notification.ticket_id.in_(ids))))


def list_notifications(user: User, *, limit: int, offset: int = 0
                       ) -> tuple[list[Notification], int]:
    """The user's notifications, newest first, with their tickets loaded, and the total."""
    mine = Notification.user_id == user.id
    total = db.session.scalar(select(func.count(Notification.id)).where(mine)) or 0
    rows = db.session.scalars(
        select(Notification).where(mine).options(selectinload(Notification.ticket))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit).offset(offset))
    return list(rows), total


def mark_read(actor: User, notification_id: int, *, now: datetime) -> Notification:
    """Mark one of the actor's notifications read (another's is NotFound). Caller commits."""
    notice = db.session.get(Notification, notification_id)
    if notice is None or notice.user_id != actor.id:
        raise NotFound("Notification introuvable.")
    if notice.read_at is None:
        notice.read_at = now
    db.session.flush()
    return notice


def mark_all_read(actor: User, *, now: datetime) -> int:
    """Mark all the actor's notifications read; returns how many were unread. Caller commits."""
    return _mark(actor, Notification.user_id == actor.id, now)


def mark_ticket_read(actor: User, ticket_id: int, *, now: datetime) -> int:
    """Mark the actor's notifications about one ticket read (they opened it). Caller commits."""
    return _mark(actor, Notification.ticket_id == ticket_id, now)


def _mark(actor: User, condition, now: datetime) -> int:
    changed = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, condition, Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.flush()
    return changed


def set_email_preference(actor: User, preference: str) -> None:
    """The actor chooses immediate e-mails, a daily digest or none. Caller commits."""
    try:
        actor.notification_email = EmailPreference(preference).value
    except ValueError as exc:
        raise InvalidInput("Choix d'e-mail inconnu.") from exc
    db.session.flush()
