"""The audit log table; rows are only ever added (an UPDATE is refused by a trigger)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, JSON, DateTime, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow


class AuditEntry(db.Model):
    """One audited act: a confidential read, an export, a break-glass read, an admin change."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_created_at", "created_at"),
        Index("ix_audit_log_action_created_at", "action", "created_at"),
        Index("ix_audit_log_target", "target_type", "target_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A snapshot of who acted, so the entry stays readable if the account is later erased.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str] = mapped_column(String(32))
    target_ref: Mapped[str] = mapped_column(String(64), default="")
    origin: Mapped[str] = mapped_column(String(64))  # client address, or "cli" / "system"
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


# The same statements run in migration 0010; here they follow db.create_all() (tests, new setups).
NO_UPDATE_SQLITE = DDL(
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
NO_UPDATE_FUNCTION_PG = DDL(
    "CREATE OR REPLACE FUNCTION audit_log_refuse_update() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql")
NO_UPDATE_TRIGGER_PG = DDL(
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_update()")
event.listen(AuditEntry.__table__, "after_create", NO_UPDATE_SQLITE.execute_if(dialect="sqlite"))
event.listen(AuditEntry.__table__, "after_create",
             NO_UPDATE_FUNCTION_PG.execute_if(dialect="postgresql"))
event.listen(AuditEntry.__table__, "after_create",
             NO_UPDATE_TRIGGER_PG.execute_if(dialect="postgresql"))
