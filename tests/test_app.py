"""App factory: config layers, production guard, CLI wiring, SQLite pragmas."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from legaldesk import create_app
from legaldesk.core.extensions import db


def test_environment_overrides_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGALDESK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("LEGALDESK_LOGIN_MAX_FAILURES", "7")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")
    assert app.config["LOGIN_MAX_FAILURES"] == 7


def test_test_config_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGALDESK_LOGIN_MAX_FAILURES", "7")
    app = create_app({"LOGIN_MAX_FAILURES": 3,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite'}"})
    assert app.config["LOGIN_MAX_FAILURES"] == 3


def test_production_refuses_dev_secret(tmp_path):
    with pytest.raises(RuntimeError):
        create_app({"DEPLOYMENT": "production",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    create_app({"DEPLOYMENT": "production", "SECRET_KEY": "a-real-secret",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})


def test_sqlite_runs_in_wal_with_busy_timeout(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.sqlite'}",
                      "SQLITE_BUSY_TIMEOUT_MS": 4321})
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 4321
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_console_script_lists_commands():
    result = subprocess.run([sys.executable, "-m", "legaldesk", "--help"], capture_output=True,
                            text=True, check=True)
    for command in ("seed", "demo", "users", "orgs", "regions", "topics", "db", "run"):
        assert command in result.stdout
