"""sla: ticket clock columns, SLA policies and events, history imports, scheduler lease

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TICKET_COLUMNS = (
    ("first_response_due_at", sa.DateTime()),
    ("resolution_due_at", sa.DateTime()),
    ("next_due_at", sa.DateTime()),
    ("first_response_target_seconds", sa.Integer()),
    ("resolution_target_seconds", sa.Integer()),
    ("paused_since", sa.DateTime()),
    ("first_response_business_seconds", sa.Integer()),
    ("first_response_calendar_seconds", sa.Integer()),
    ("resolution_business_seconds", sa.Integer()),
    ("resolution_calendar_seconds", sa.Integer()),
)


def upgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, type_ in TICKET_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        for name in ("paused_business_seconds", "paused_calendar_seconds"):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_tickets_queue_next_due", ["queue", "next_due_at"], unique=False)
        batch_op.create_index("ix_tickets_next_due", ["next_due_at"], unique=False)

    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("first_response_seconds", sa.Integer(), nullable=False),
        sa.Column("resolution_seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_sla_policies_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint("priority", "level", name=op.f("uq_sla_policies_priority_level")),
    )
    op.create_table(
        "sla_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_sla_events_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_events")),
        sa.UniqueConstraint("ticket_id", "clock", "kind",
                            name=op.f("uq_sla_events_ticket_id_clock_kind")),
    )
    with op.batch_alter_table("sla_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_events_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "imported_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_key", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_imported_tickets_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_tickets")),
        sa.UniqueConstraint("import_key", name=op.f("uq_imported_tickets_import_key")),
    )
    with op.batch_alter_table("imported_tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imported_tickets_ticket_id"), ["ticket_id"],
                              unique=False)

    op.create_table(
        "scheduler_leases",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.Column("renewed_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_leases")),
    )


def downgrade():
    op.drop_table("scheduler_leases")
    with op.batch_alter_table("imported_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imported_tickets_ticket_id"))
    op.drop_table("imported_tickets")
    with op.batch_alter_table("sla_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_events_ticket_id"))
    op.drop_table("sla_events")
    op.drop_table("sla_policies")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_next_due")
        batch_op.drop_index("ix_tickets_queue_next_due")
        for name in ("paused_calendar_seconds", "paused_business_seconds"):
            batch_op.drop_column(name)
        for name, _type in reversed(TICKET_COLUMNS):
            batch_op.drop_column(name)
