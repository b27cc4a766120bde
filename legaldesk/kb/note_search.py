"""Finding notes for people: search, suggestions while typing, similar notes and tickets."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from legaldesk.auth.models import User
from legaldesk.core.errors import Forbidden
from legaldesk.core.extensions import db
from legaldesk.kb.index_queue import knowledge_index
from legaldesk.kb.models import Note, NoteStatus
from legaldesk.kb.permissions import (
    ALL_AUDIENCES,
    audiences_for,
    is_active_user,
    is_writer,
    require_ticket_visible,
    sees_restricted_drafts,
    visible_notes,
)
from legaldesk.kb.search_types import RESTRICTED, Hit, SearchResult
from legaldesk.kb.ticket_drafts import ANSWERED_STATUSES
from legaldesk.tickets.access import visible_tickets
from legaldesk.tickets.models import Message, MessageKind, Ticket


def search_notes(actor: User | None, query: str, *, topics: Sequence[str] = (),
                 kinds: Sequence[str] = (), page: int = 1, pagelen: int = 10,
                 include_unpublished: bool = False) -> SearchResult:
    """Search the notes the actor may read (audience and status filtered inside the query).

    `include_unpublished` is honoured for writers only; need-to-know drafts (from confidential
    tickets) are indexed apart and searched by managers only (their authors find them in their
    drafts). Hits are checked against the database as well, so a change still waiting in the
    queue never shows a note it should hide.
    """
    unpublished = include_unpublished and is_writer(actor)
    audiences = audiences_for(actor)
    if unpublished and sees_restricted_drafts(actor):
        audiences = (*audiences, RESTRICTED)
    result = knowledge_index().search(
        query, audiences=audiences, include_unpublished=unpublished,
        topics=tuple(topics), kinds=tuple(kinds), page=page, pagelen=pagelen)
    result.hits = _still_visible(actor, result.hits, include_unpublished)
    return result


def suggest_notes(actor: User | None, text: str, *, limit: int = 5) -> list[Hit]:
    """Published notes for a question being typed: a search for short texts, key terms of
    long ones."""
    text = " ".join((text or "").split())[:5000]
    if len(text) < 3:
        return []
    index = knowledge_index()
    if len(text.split()) <= 12:
        hits = index.search(text, audiences=audiences_for(actor), pagelen=limit).hits
    else:
        hits = index.suggest_for_text(text, limit=limit, audiences=audiences_for(actor))
    return _still_visible(actor, hits, False)


def similar_notes(actor: User | None, note: Note, *, limit: int = 5) -> list[Hit]:
    """Published notes like this one that the actor may read."""
    hits = knowledge_index().similar(str(note.id), limit=limit, audiences=audiences_for(actor))
    return _still_visible(actor, hits, False)


def _still_visible(actor: User | None, hits: list[Hit], include_unpublished: bool) -> list[Hit]:
    ids = [int(h.id) for h in hits if h.id.isdigit()]
    if not ids:
        return []
    query = visible_notes(actor).with_only_columns(Note.id).where(Note.id.in_(ids))
    if not (include_unpublished and is_writer(actor)):
        query = query.where(Note.status == NoteStatus.PUBLISHED)
    allowed = set(db.session.scalars(query))
    return [h for h in hits if h.id.isdigit() and int(h.id) in allowed]


@dataclass
class RelatedItems:
    """What staff see beside a ticket: notes and past answered tickets like it."""

    notes: list[Hit]
    tickets: list[tuple[Ticket, float]]


def related_for_ticket(actor: User, ticket: Ticket, *, limit: int = 5) -> RelatedItems:
    """Similar published notes and past answered tickets, for staff working on a ticket."""
    if not is_active_user(actor) or not actor.is_staff:
        raise Forbidden("Réservé à l'équipe.")
    require_ticket_visible(actor, ticket)
    first = next((m.body for m in ticket.messages if m.kind == MessageKind.INBOUND), "")
    text = f"{ticket.subject}\n{ticket.subject}\n{first}"
    hits = knowledge_index().suggest_for_text(text, limit=limit, audiences=ALL_AUDIENCES)
    return RelatedItems(_still_visible(actor, hits, False),
                        similar_answered_tickets(actor, ticket, limit=limit))


def similar_answered_tickets(actor: User, ticket: Ticket, *,
                             limit: int = 5) -> list[tuple[Ticket, float]]:
    """Answered tickets the actor may see, ranked by shared distinctive words (tf-idf overlap
    over the subject and first message; the same topic's tickets are taken first)."""
    candidates = _answered_candidates(actor, ticket)
    if not candidates:
        return []
    analysis = knowledge_index().analysis
    target = _term_set(analysis, ticket.subject, _first_inbound(ticket))
    documents = {t_id: _term_set(analysis, subject, body) for t_id, subject, body in candidates}
    df = Counter(term for terms in documents.values() for term in terms)
    n = len(documents) + 1
    scores = []
    for ticket_id, terms in documents.items():
        shared = target & terms
        if shared:
            weight = sum(math.log(1 + n / (1 + df[t])) for t in shared)
            scores.append((weight / math.sqrt(len(terms) + 1), ticket_id))
    best = sorted(scores, reverse=True)[:limit]
    tickets = {t.id: t for t in db.session.scalars(
        select(Ticket).where(Ticket.id.in_([t_id for _s, t_id in best])))}
    return [(tickets[t_id], round(score, 3)) for score, t_id in best if t_id in tickets]


def _answered_candidates(actor: User, ticket: Ticket) -> list[tuple[int, str, str]]:
    limit = current_app.config["KB_SIMILAR_TICKET_CANDIDATES"]
    first_message = (select(Message.ticket_id, func.min(Message.id).label("message_id"))
                     .where(Message.kind == MessageKind.INBOUND).group_by(Message.ticket_id)
                     .subquery())
    base = (visible_tickets(actor)
            .join(first_message, first_message.c.ticket_id == Ticket.id)
            .join(Message, Message.id == first_message.c.message_id)
            .where(Ticket.status.in_([s.value for s in ANSWERED_STATUSES]),
                   Ticket.id != ticket.id)
            .with_only_columns(Ticket.id, Ticket.subject, func.substr(Message.body, 1, 2000))
            .order_by(Ticket.received_at.desc()))
    same_topic = base.where(Ticket.topic_id == ticket.topic_id) if ticket.topic_id else None
    rows = list(db.session.execute(same_topic.limit(limit))) if same_topic is not None else []
    if len(rows) < limit:
        seen = {row[0] for row in rows}
        rows += [r for r in db.session.execute(base.limit(limit)) if r[0] not in seen]
    return [(row[0], row[1], row[2] or "") for row in rows[:limit]]


def _first_inbound(ticket: Ticket) -> str:
    return next((m.body for m in ticket.messages if m.kind == MessageKind.INBOUND), "")[:2000]


def _term_set(analysis, subject: str, body: str) -> set[str]:
    return {terms[0] for terms in analysis.terms(f"{subject} {subject} {body}")
            if terms and len(terms[0]) > 2}
