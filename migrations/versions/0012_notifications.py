"""notifications: in-app notices (replies, reopenings, escalations, assignments, mentions) and the
users' choice of e-mail for them

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=18), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_notifications_ticket_id_tickets"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_user_read", "notifications", ["user_id", "read_at"])
    op.create_index("ix_notifications_user_ticket", "notifications", ["user_id", "ticket_id"])
    op.add_column("users", sa.Column("notification_email", sa.String(length=16),
                                     nullable=False, server_default="immediate"))


def downgrade():
    # Not batch mode: on SQLite it would re-create (drop) the users table, which the
    # foreign keys of other tables (and the audit log's append-only trigger) forbid.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE users DROP COLUMN notification_email")  # SQLite >= 3.35
    else:
        op.drop_column("users", "notification_email")
    op.drop_table("notifications")
