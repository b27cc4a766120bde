"""Audit services: record an audited act (the caller commits), list, filter and export the log.

The client address comes from a context variable that the web layer sets for each request
(`set_origin`), so services record "from where" without reading the request themselves;
outside a request the origin is "cli" (commands) or what the job sets ("system").
"""

from __future__ import annotations

import csv
import io
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select

from legaldesk.audit.models import AuditEntry
from legaldesk.core.errors import Forbidden
from legaldesk.core.extensions import db

_origin: ContextVar[str] = ContextVar("audit_origin", default="cli")
READER_ROLES = frozenset({"manager", "admin"})
CSV_HEADER = ("date_utc", "acteur", "role", "action", "objet", "reference", "origine", "motif")


def set_origin(origin: str | None) -> None:
    """Where the current acts come from (the client address of a request, "system" for jobs)."""
    _origin.set((origin or "inconnue")[:64])


def record_audit(actor, action: str, *, target_type: str, target_ref: str = "",
                 now: datetime, reason: str | None = None,
                 details: dict | None = None) -> AuditEntry:
    """Add one entry to the audit log in the caller's transaction (None actor = the system)."""
    entry = AuditEntry(
        created_at=now, actor_id=getattr(actor, "id", None),
        actor_label=_label(actor), actor_role=getattr(actor, "role", None) or None,
        action=action[:48], target_type=target_type[:32], target_ref=str(target_ref)[:64],
        origin=_origin.get(), reason=(reason or "").strip() or None, details=details or {})
    db.session.add(entry)
    db.session.flush()
    return entry


def _label(actor) -> str:
    if actor is None:
        return "système"
    return f"{actor.name} <{actor.email}>"[:200]


@dataclass(frozen=True)
class AuditFilters:
    """What a manager narrows the audit log to (all optional)."""

    first: date | None = None
    last: date | None = None
    action: str = ""
    actor: str = ""
    target: str = ""


def require_reader(actor) -> None:
    """Only managers and admins read the audit log."""
    if getattr(actor, "role", None) not in READER_ROLES:
        raise Forbidden("Le journal d'audit est réservé aux responsables.")


def audit_query(actor, filters: AuditFilters) -> Select:
    """The entries matching the filters, newest first (managers and admins)."""
    require_reader(actor)
    query = select(AuditEntry)
    if filters.first:
        query = query.where(AuditEntry.created_at >= datetime.combine(filters.first,
                                                                      datetime.min.time()))
    if filters.last:
        end = datetime.combine(filters.last + timedelta(days=1), datetime.min.time())
        query = query.where(AuditEntry.created_at < end)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor:
        query = query.where(AuditEntry.actor_label.ilike(f"%{_like(filters.actor)}%",
                                                         escape="\\"))
    if filters.target:
        pattern = f"%{_like(filters.target)}%"
        query = query.where(or_(AuditEntry.target_ref.ilike(pattern, escape="\\"),
                                AuditEntry.target_type.ilike(pattern, escape="\\")))
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def _like(text: str) -> str:
    return text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_audit(actor, filters: AuditFilters, *, limit: int = 100,
               offset: int = 0) -> list[AuditEntry]:
    """One page of the filtered audit log."""
    return list(db.session.scalars(audit_query(actor, filters).limit(limit).offset(offset)))


def audit_actions() -> list[str]:
    """The actions present in the log (for the filter's choices)."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(
        AuditEntry.action)))


def export_audit_csv(actor, filters: AuditFilters, *, now: datetime) -> str:
    """The filtered log as CSV; the export is itself recorded in the log. Caller commits."""
    rows = list(db.session.scalars(audit_query(actor, filters)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for entry in rows:
        writer.writerow([entry.created_at.isoformat(timespec="seconds"), entry.actor_label,
                         entry.actor_role or "", entry.action, entry.target_type,
                         entry.target_ref, entry.origin, entry.reason or ""])
    record_audit(actor, "export.audit_log", target_type="audit_log", now=now,
                 details={"rows": len(rows), **_filter_details(filters)})
    return out.getvalue()


def _filter_details(filters: AuditFilters) -> dict:
    return {key: str(value) for key, value in vars(filters).items() if value}
