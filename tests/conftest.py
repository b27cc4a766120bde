"""Test fixtures: a fresh database per test on SQLite or PostgreSQL (LEGALDESK_TEST_DB)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from legaldesk import create_app
from legaldesk.core.extensions import db

PG_ADMIN_URL = os.environ.get(
    "LEGALDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
NOW = datetime(2026, 3, 10, 10, 0)  # a Tuesday, 11:00 in Paris
TRUSTED_MX = "mx.federation.example"  # authserv-id of the desk's own mail server in tests


def backend() -> str:
    """Which database this run uses: sqlite (default) or postgres."""
    return os.environ.get("LEGALDESK_TEST_DB", "sqlite")


def pg_url(database: str) -> str:
    """URL of a PostgreSQL test database on the local server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def recreate_pg_database(name: str) -> str:
    """Drop and create a PostgreSQL database; fail loudly when the server is unreachable."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return pg_url(name)


def database_url(tmp_dir: Path, name: str) -> str:
    """A fresh empty database URL for the current backend."""
    if backend() == "postgres":
        # One database per run and process: parallel runs on one server never share one.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        return recreate_pg_database(f"legaldesk_{name}_{worker}_{os.getpid()}")
    return f"sqlite:///{tmp_dir / (name + '.sqlite')}"


def app_config(tmp_dir: Path, url: str) -> dict:
    """Settings for a test app."""
    return {
        "TESTING": True,
        "DEPLOYMENT": "development",  # accepts the short test key (production refuses it)
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "ATTACHMENTS_DIR": str(tmp_dir / "attachments"),
        "KB_INDEX_DIR": str(tmp_dir / "kb-index"),
        # our "receiving server": tests/intake/mails.py writes its Authentication-Results
        "MAIL_TRUSTED_AUTHSERV_IDS": [TRUSTED_MX],
        "MAIL_DKIM_VERIFY": False,  # no DNS in tests: sender_auth tests fake the resolver
    }


@pytest.fixture(scope="session")
def _schema_app(tmp_path_factory):
    """One database per session with the schema created once; tests empty it after use."""
    tmp_dir = tmp_path_factory.mktemp("db")
    app = create_app(app_config(tmp_dir, database_url(tmp_dir, "test")))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_database(app.config["SQLALCHEMY_DATABASE_URI"])


def drop_database(url: str) -> None:
    """Drop a PostgreSQL test database once its run is over (SQLite files live in tmp)."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            name = url.rsplit("/", 1)[-1]
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture
def app(_schema_app, tmp_path):
    """The app with an app context pushed, reference data seeded, emptied after the test."""
    from legaldesk.tickets.seed import seed_reference_data

    _schema_app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    _schema_app.config["KB_INDEX_DIR"] = str(tmp_path / "kb-index")
    _schema_app.config["TRIAGE_MODEL_PATH"] = str(tmp_path / "triage-model.joblib")
    with _schema_app.app_context():
        seed_reference_data()
        db.session.commit()
        yield _schema_app
        db.session.rollback()
        db.session.remove()
        empty_tables()


def empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context (own g, own session), as in production.

    The test body holds an app context for its own queries; without this, requests would reuse
    it and a missing commit or a value cached in g would go unnoticed.
    """

    def open(self, *args, **kwargs):
        # End the test body's transaction: on SQLite it holds the write lock (BEGIN IMMEDIATE).
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    """A test client whose requests never share the test's app context."""
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories for regions' organisations and users with sane defaults."""
    return Factory()


class Factory:
    """Create organisations and users through the services."""

    password = "correct-horse-battery"

    def organisation(self, name="AI Les Tilleuls", kind="AI", region="IDF", territory=None, **kw):
        from legaldesk.auth.services import create_organisation, find_region

        org = create_organisation(None, name=name, kind=kind,
                                  region=find_region(region) if region else None,
                                  territory=territory, **kw)
        db.session.commit()
        return org

    def user(self, role="adherent", email=None, organisation=None, region=None, specialty=None,
             name=None, **kw):
        from legaldesk.auth.services import create_user, find_region

        count = getattr(self, "_count", 0) + 1
        self._count = count
        email = email or f"{role}{count}@example.org"
        user = create_user(None, email=email, name=name or f"{role.title()} {count}",
                           password=self.password, role=role, organisation=organisation,
                           region=find_region(region) if region else None,
                           specialty=specialty, **kw)
        db.session.commit()
        return user


def login(client, user, password: str = Factory.password):
    """Log a user in through the real form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


ENGLISH_PO_PATH = (Path(__file__).parent.parent / "legaldesk" / "translations" / "en"
                   / "LC_MESSAGES" / "messages.po")


@pytest.fixture
def english_catalog(app):
    """Compile the English .po when its .mo is missing or older (like `make translations`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from flask_babel import get_babel

    compiled = ENGLISH_PO_PATH.with_suffix(".mo")
    if not compiled.exists() or compiled.stat().st_mtime < ENGLISH_PO_PATH.stat().st_mtime:
        partial = compiled.with_suffix(f".mo.{os.getpid()}")
        with ENGLISH_PO_PATH.open("rb") as source, partial.open("wb") as handle:
            write_mo(handle, read_po(source), use_fuzzy=True)
        os.replace(partial, compiled)  # atomic: a parallel run never reads half a file
        domain = getattr(get_babel(app), "domain_instance", None)
        if domain is not None:
            domain.cache.clear()  # drop translations loaded before
    return compiled

