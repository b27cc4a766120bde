"""App factory: config layers, production guard, CLI wiring, SQLite pragmas."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from legaldesk import create_app
from legaldesk.core.extensions import db


def test_environment_overrides_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGALDESK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("LEGALDESK_LOGIN_MAX_FAILURES", "7")
    app = create_app({"TESTING": True, "DEPLOYMENT": "development"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")
    assert app.config["LOGIN_MAX_FAILURES"] == 7


def test_test_config_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGALDESK_LOGIN_MAX_FAILURES", "7")
    app = create_app({"LOGIN_MAX_FAILURES": 3, "DEPLOYMENT": "development",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite'}"})
    assert app.config["LOGIN_MAX_FAILURES"] == 3


STRONG_KEY = "k" * 32  # long enough for production (a real key is random)


def test_production_is_the_default_and_refuses_the_built_in_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    with pytest.raises(RuntimeError, match="LEGALDESK_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": url})  # DEPLOYMENT not set: production
    with pytest.raises(RuntimeError, match="LEGALDESK_SECRET_KEY"):
        create_app({"DEPLOYMENT": "production", "SQLALCHEMY_DATABASE_URI": url})
    app = create_app({"SECRET_KEY": STRONG_KEY, "SQLALCHEMY_DATABASE_URI": url})
    assert app.config["DEPLOYMENT"] == "production" and not app.debug


def test_production_refuses_a_short_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        create_app({"SECRET_KEY": "k" * 31, "SQLALCHEMY_DATABASE_URI": url})
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        create_app({"SECRET_KEY": b"k" * 31, "SQLALCHEMY_DATABASE_URI": url})
    create_app({"SECRET_KEY": b"k" * 32, "SQLALCHEMY_DATABASE_URI": url})


def test_production_refuses_debug_mode(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    with pytest.raises(RuntimeError, match="Debug mode"):
        create_app({"SECRET_KEY": STRONG_KEY, "DEBUG": True, "SQLALCHEMY_DATABASE_URI": url})
    monkeypatch.setenv("FLASK_DEBUG", "1")  # what `flask --debug` sets
    with pytest.raises(RuntimeError, match="Debug mode"):
        create_app({"SECRET_KEY": STRONG_KEY, "SQLALCHEMY_DATABASE_URI": url})
    assert create_app({"DEPLOYMENT": "development", "SQLALCHEMY_DATABASE_URI": url}).debug


def test_unknown_deployment_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="LEGALDESK_DEPLOYMENT"):
        create_app({"DEPLOYMENT": "dev", "SECRET_KEY": STRONG_KEY,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})


def test_development_accepts_the_built_in_key_only_when_asked(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGALDESK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'd.sqlite'}")
    monkeypatch.setenv("LEGALDESK_DEPLOYMENT", "development")  # what `make run` sets
    app = create_app()
    assert app.config["SECRET_KEY"] == "dev-only-not-secret"


def test_wsgi_entry_point_refuses_to_start_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEGALDESK_", "FLASK_"))}
    env["LEGALDESK_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'w.sqlite'}"
    result = subprocess.run([sys.executable, "-c", "import wsgi"], capture_output=True, text=True,
                            env=env, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode != 0
    assert "RuntimeError: LEGALDESK_SECRET_KEY must be set" in result.stderr


def test_sqlite_runs_in_wal_with_busy_timeout(tmp_path):
    app = create_app({"DEPLOYMENT": "development",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.sqlite'}",
                      "SQLITE_BUSY_TIMEOUT_MS": 4321})
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 4321
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_console_script_lists_commands():
    env = dict(os.environ, LEGALDESK_DEPLOYMENT="development")
    result = subprocess.run([sys.executable, "-m", "legaldesk", "--help"], capture_output=True,
                            text=True, check=True, env=env)
    for command in ("seed", "demo", "users", "orgs", "regions", "topics", "db", "run"):
        assert command in result.stdout
