"""Deflection: which notes an ask session was shown and opened, and the questions avoided."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from legaldesk.auth.models import User
from legaldesk.core.errors import Forbidden, InvalidInput
from legaldesk.core.extensions import db
from legaldesk.kb.models import SuggestionEvent
from legaldesk.kb.permissions import get_note, is_active_user
from legaldesk.tickets.models import Ticket

SESSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def valid_session_key(key: str | None) -> str:
    """The ask session's key if well formed, else InvalidInput."""
    if not key or not SESSION_KEY_RE.match(key):
        raise InvalidInput("Session de question invalide.")
    return key


def record_suggestions_shown(actor: User | None, session_key: str, note_ids: Iterable[int], *,
                             now: datetime) -> int:
    """Remember which notes an ask session was shown (once per note). Caller commits."""
    session_key = valid_session_key(session_key)
    user_id = actor.id if is_active_user(actor) else None
    wanted = list(dict.fromkeys(note_ids))
    if not wanted:
        return 0
    seen = set(db.session.scalars(select(SuggestionEvent.note_id).where(
        SuggestionEvent.session_key == session_key, SuggestionEvent.note_id.in_(wanted))))
    new = [n for n in wanted if n not in seen]
    for note_id in new:
        db.session.add(SuggestionEvent(session_key=session_key, user_id=user_id,
                                       note_id=note_id, shown_at=now))
    db.session.flush()
    return len(new)


def record_suggestion_open(actor: User, session_key: str, note_id: int, *,
                           now: datetime) -> SuggestionEvent:
    """A member opened a suggested note during an ask session. Caller commits."""
    session_key = valid_session_key(session_key)
    get_note(actor, note_id)
    event = db.session.scalar(select(SuggestionEvent).where(
        SuggestionEvent.session_key == session_key, SuggestionEvent.note_id == note_id))
    if event is None:
        event = SuggestionEvent(session_key=session_key, user_id=actor.id, note_id=note_id,
                                shown_at=now)
        db.session.add(event)
    elif event.user_id not in (None, actor.id):
        raise Forbidden("Session de question d'un autre utilisateur.")
    event.opened_at = event.opened_at or now
    db.session.flush()
    return event


def record_ask_submitted(actor: User, session_key: str | None, ticket: Ticket, *,
                         now: datetime) -> int:
    """The ask session ended with a question: mark its suggestion events. Caller commits.

    A missing or malformed key (the form without JavaScript) records nothing.
    """
    if not session_key or not SESSION_KEY_RE.match(session_key):
        return 0
    return db.session.execute(
        update(SuggestionEvent)
        .where(SuggestionEvent.session_key == session_key,
               SuggestionEvent.user_id == actor.id, SuggestionEvent.submitted_at.is_(None))
        .values(submitted_at=now, ticket_id=ticket.id)
        .execution_options(synchronize_session=False)).rowcount or 0


def deflection_stats(start: datetime, end: datetime, *, now: datetime | None = None,
                     window_minutes: int | None = None) -> dict[str, int]:
    """Ask sessions with suggestions shown in [start, end), how many opened one, and how many
    were answered by the knowledge base (opened, then no question within the window).

    Returns sessions_shown, sessions_opened, deflected, submitted_after_open, pending (window
    not over yet), notes_shown and notes_opened.
    """
    window = timedelta(minutes=window_minutes if window_minutes is not None
                       else current_app.config["KB_DEFLECTION_WINDOW_MINUTES"])
    as_of = now or end
    rows = db.session.execute(select(
        SuggestionEvent.session_key, SuggestionEvent.shown_at, SuggestionEvent.opened_at,
        SuggestionEvent.submitted_at).where(SuggestionEvent.shown_at >= start,
                                            SuggestionEvent.shown_at < end))
    sessions: dict[str, dict] = {}
    stats = Counter()
    for key, _shown, opened, submitted in rows:
        session = sessions.setdefault(key, {"opened": None, "submitted": None})
        stats["notes_shown"] += 1
        if opened is not None:
            stats["notes_opened"] += 1
            session["opened"] = min(filter(None, [session["opened"], opened]))
        if submitted is not None:
            session["submitted"] = submitted
    for session in sessions.values():
        _classify_session(session, window, as_of, stats)
    stats["sessions_shown"] = len(sessions)
    keys = ("sessions_shown", "sessions_opened", "deflected", "submitted_after_open", "pending",
            "notes_shown", "notes_opened")
    return {key: int(stats[key]) for key in keys}


def _classify_session(session: dict, window: timedelta, as_of: datetime, stats: Counter) -> None:
    opened = session["opened"]
    if opened is None:
        return
    stats["sessions_opened"] += 1
    if session["submitted"] is not None:
        stats["submitted_after_open"] += 1
    elif opened + window <= as_of:
        stats["deflected"] += 1
    else:
        stats["pending"] += 1
