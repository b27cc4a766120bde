"""Migrations: one head, and `upgrade` on an empty database gives exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine

from legaldesk import create_app
from legaldesk.core.extensions import db
from tests.conftest import app_config, database_url, drop_database


def test_single_head(tmp_path):
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'heads.sqlite'}"))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def test_upgrade_matches_models(tmp_path):
    url = database_url(tmp_path, "migrations")
    app = create_app(app_config(tmp_path, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    finally:
        engine.dispose()
        drop_database(url)
    assert diff == [], diff
