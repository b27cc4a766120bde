"""kb: notes, revisions, attachments, source tickets, index queue, suggestion events

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    """Create the knowledge-base tables."""
    op.create_table('kb_index_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('op', sa.String(length=16), nullable=False),
    sa.Column('enqueued_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_index_queue'))
    )
    op.create_index(op.f('ix_kb_index_queue_note_id'), 'kb_index_queue', ['note_id'], unique=False)

    op.create_table('kb_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('body_format', sa.String(length=16), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('valid_as_of', sa.Date(), nullable=True),
    sa.Column('review_by', sa.Date(), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('external_ref', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_kb_notes_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_notes')),
    sa.UniqueConstraint('external_ref', name=op.f('uq_kb_notes_external_ref'))
    )
    op.create_index('ix_kb_notes_review_by', 'kb_notes', ['review_by'], unique=False)
    op.create_index('ix_kb_notes_status_audience', 'kb_notes', ['status', 'audience'], unique=False)

    op.create_table('kb_note_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=128), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['note_id'], ['kb_notes.id'], name=op.f('fk_kb_note_attachments_note_id_kb_notes')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_kb_note_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_note_attachments'))
    )
    op.create_index(op.f('ix_kb_note_attachments_note_id'), 'kb_note_attachments', ['note_id'], unique=False)

    op.create_table('kb_note_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('change_summary', sa.String(length=500), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_kb_note_revisions_actor_id_users')),
    sa.ForeignKeyConstraint(['note_id'], ['kb_notes.id'], name=op.f('fk_kb_note_revisions_note_id_kb_notes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_note_revisions')),
    sa.UniqueConstraint('note_id', 'number', name=op.f('uq_kb_note_revisions_note_id_number'))
    )
    op.create_index(op.f('ix_kb_note_revisions_note_id'), 'kb_note_revisions', ['note_id'], unique=False)

    op.create_table('kb_note_source_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_kb_note_source_tickets_added_by_id_users')),
    sa.ForeignKeyConstraint(['note_id'], ['kb_notes.id'], name=op.f('fk_kb_note_source_tickets_note_id_kb_notes')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_kb_note_source_tickets_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_note_source_tickets')),
    sa.UniqueConstraint('note_id', 'ticket_id', name=op.f('uq_kb_note_source_tickets_note_id_ticket_id'))
    )
    op.create_index(op.f('ix_kb_note_source_tickets_note_id'), 'kb_note_source_tickets', ['note_id'], unique=False)
    op.create_index(op.f('ix_kb_note_source_tickets_ticket_id'), 'kb_note_source_tickets', ['ticket_id'], unique=False)

    op.create_table('kb_suggestion_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('shown_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['note_id'], ['kb_notes.id'], name=op.f('fk_kb_suggestion_events_note_id_kb_notes')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_kb_suggestion_events_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kb_suggestion_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_suggestion_events')),
    sa.UniqueConstraint('session_key', 'note_id', name=op.f('uq_kb_suggestion_events_session_key_note_id'))
    )
    op.create_index(op.f('ix_kb_suggestion_events_note_id'), 'kb_suggestion_events', ['note_id'], unique=False)
    op.create_index(op.f('ix_kb_suggestion_events_session_key'), 'kb_suggestion_events', ['session_key'], unique=False)
    op.create_index('ix_kb_suggestion_events_shown_at', 'kb_suggestion_events', ['shown_at'], unique=False)


def downgrade():
    """Drop the knowledge-base tables."""
    # Dropping a table drops its indexes; children before parents.
    for table in ("kb_suggestion_events", "kb_note_source_tickets", "kb_note_revisions",
                  "kb_note_attachments", "kb_notes", "kb_index_queue"):
        op.drop_table(table)
