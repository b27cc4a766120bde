"""urgent lane: clock kind of SLA policies and tickets, the on-call rota

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The SLA report covering index (0006) gains the ticket's clock kind, which the breach and
# within-target counts now read (see Ticket.__table_args__).
SLA_REPORT_COLUMNS = [
    "received_at", "channel", "level", "priority", "requester_type", "region_id", "topic_id",
    "assignee_id", "first_response_calendar_seconds", "first_response_business_seconds",
    "resolution_calendar_seconds", "resolution_business_seconds", "first_response_target_seconds",
    "resolution_target_seconds", "status", "paused_since", "first_response_at",
    "first_response_due_at", "resolution_due_at",
]


def upgrade():
    """Existing policies and tickets keep business time; add the rota table."""
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock", sa.String(length=16), nullable=False,
                                      server_default="business"))
    op.drop_index("ix_tickets_sla_report", table_name="tickets")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_clock", sa.String(length=16), nullable=False,
                                      server_default="business"))
    op.create_index("ix_tickets_sla_report", "tickets", [*SLA_REPORT_COLUMNS, "sla_clock"])
    op.create_table(
        "oncall_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("jurist_id", sa.Integer(), nullable=False),
        sa.Column("backup_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["jurist_id"], ["users.id"],
                                name=op.f("fk_oncall_weeks_jurist_id_users")),
        sa.ForeignKeyConstraint(["backup_id"], ["users.id"],
                                name=op.f("fk_oncall_weeks_backup_id_users")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_oncall_weeks_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_weeks")),
        sa.UniqueConstraint("week_start", name=op.f("uq_oncall_weeks_week_start")),
    )


def downgrade():
    """Drop the rota and the clock kinds (the report index goes back to 0006's)."""
    op.drop_table("oncall_weeks")
    op.drop_index("ix_tickets_sla_report", table_name="tickets")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("sla_clock")
    op.create_index("ix_tickets_sla_report", "tickets", SLA_REPORT_COLUMNS)
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.drop_column("clock")

