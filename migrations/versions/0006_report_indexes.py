"""report indexes: open tickets by status and age, and a covering index for SLA period reports

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Everything the report copies for a period and the breach counts read (see Ticket.__table_args__).
SLA_REPORT_COLUMNS = [
    "received_at", "channel", "level", "priority", "requester_type", "region_id", "topic_id",
    "assignee_id", "first_response_calendar_seconds", "first_response_business_seconds",
    "resolution_calendar_seconds", "resolution_business_seconds", "first_response_target_seconds",
    "resolution_target_seconds", "status", "paused_since", "first_response_at",
    "first_response_due_at", "resolution_due_at",
]


def upgrade():
    """Create the backlog index and the SLA report covering index."""
    op.create_index("ix_tickets_status_received", "tickets", ["status", "received_at"])
    op.create_index("ix_tickets_sla_report", "tickets", SLA_REPORT_COLUMNS)


def downgrade():
    """Drop both indexes."""
    op.drop_index("ix_tickets_sla_report", table_name="tickets")
    op.drop_index("ix_tickets_status_received", table_name="tickets")
