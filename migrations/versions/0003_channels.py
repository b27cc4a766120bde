"""channels: inbound messages (raw e-mail and WhatsApp, stored before they are filed)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(length=254), nullable=True),
        sa.Column("subject", sa.String(length=250), nullable=True),
        sa.Column("quoted_text", sa.Text(), nullable=True),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"],
                                name=op.f("fk_inbound_messages_message_id_messages")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_inbound_messages_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("external_id", name=op.f("uq_inbound_messages_external_id")),
    )
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.create_index("ix_inbound_messages_status_received",
                              ["status", "received_at"], unique=False)
        batch_op.create_index("ix_inbound_messages_channel_sender",
                              ["channel", "sender", "received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbound_messages_ticket_id"), ["ticket_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_inbound_messages_message_id"), ["message_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_messages_message_id"))
        batch_op.drop_index(batch_op.f("ix_inbound_messages_ticket_id"))
        batch_op.drop_index("ix_inbound_messages_channel_sender")
        batch_op.drop_index("ix_inbound_messages_status_received")
    op.drop_table("inbound_messages")
