"""sender authentication: unverified-sender flags on tickets and messages, the check on inbound

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    """Add tickets.sender_unverified, messages.sender_unverified, inbound_messages.sender_auth."""
    for table in ("tickets", "messages"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("sender_unverified", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sender_auth", sa.String(length=255), nullable=True))


def downgrade():
    """Drop the three columns."""
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_column("sender_auth")
    for table in ("messages", "tickets"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("sender_unverified")
