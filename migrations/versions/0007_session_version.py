"""session version: bumping it ends every session and remember-me cookie of a user

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    """Add users.session_version (existing users start at 0; their old sessions end once)."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade():
    """Drop users.session_version."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
