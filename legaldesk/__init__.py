"""legaldesk: the legal desk of a federation of social-inclusion enterprises."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask

from legaldesk.core import config as default_config
from legaldesk.core import security
from legaldesk.core.log_privacy import install_exception_scrubber

# Every module that defines tables: imported by the factory so metadata (and Alembic) sees all.
MODEL_MODULES = (
    "legaldesk.jobs.lease", "legaldesk.audit.models", "legaldesk.auth.models",
    "legaldesk.intake.models", "legaldesk.kb.models", "legaldesk.notify.models",
    "legaldesk.sla.models", "legaldesk.tickets.models", "legaldesk.privacy.models",
)
# Every module with commands for the `legaldesk` CLI (each has `register(cli)`).
CLI_MODULES = (
    "legaldesk.auth.cli", "legaldesk.tickets.cli", "legaldesk.sla.cli", "legaldesk.intake.cli",
    "legaldesk.kb.cli", "legaldesk.jobs.cli", "legaldesk.demo.cli", "legaldesk.account.cli",
    "legaldesk.privacy.cli",
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: defaults < instance/config.py < LEGALDESK_* env < test_config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(default_config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(prefix="LEGALDESK")
    if test_config:
        app.config.update(test_config)
    _finish_config(app)
    install_exception_scrubber()
    security.check_deployment(app)
    _init_extensions(app)
    security.init_security_headers(app)
    _register_blueprints(app)
    _register_cli(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take scheme, host and client from X-Forwarded-*."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count,
                                x_port=count, x_prefix=count)


def _finish_config(app: Flask) -> None:
    """Fill settings derived from the instance folder."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = os.path.join(app.instance_path, "legaldesk.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if not app.config.get("ATTACHMENTS_DIR"):
        app.config["ATTACHMENTS_DIR"] = os.path.join(app.instance_path, "attachments")
    # Database errors must not print the statement's parameters (question text, e-mails).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True,
                                               **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if not app.config.get("KB_INDEX_DIR"):
        # The search index is a per-host cache of the database (opened lazily, per process).
        app.config["KB_INDEX_DIR"] = os.path.join(app.instance_path, "kb-index")
    if not app.config.get("TRIAGE_MODEL_PATH"):
        app.config["TRIAGE_MODEL_PATH"] = os.path.join(app.instance_path, "triage-model.joblib")


def _init_extensions(app: Flask) -> None:
    """Bind extensions, SQLite pragmas, login loading and locale selection."""
    for module in MODEL_MODULES:  # every model registered before use
        importlib.import_module(module)
    from legaldesk.core.database import configure_engine
    from legaldesk.core.extensions import babel, csrf, db, login_manager, migrate
    from legaldesk.core.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from legaldesk.auth.sessions import load_user

    login_manager.user_loader(load_user)
    login_manager.localize_callback = _lazy_gettext


def _lazy_gettext(text: str) -> str:
    from flask_babel import gettext

    return gettext(text)


def _register_blueprints(app: Flask) -> None:
    """Import and register each domain's blueprint (inside the factory, never at import time)."""
    from legaldesk.admin.views import bp as admin_bp
    from legaldesk.auth.views import bp as auth_bp
    from legaldesk.core import error_pages
    from legaldesk.intake.views import bp as intake_bp
    from legaldesk.tickets.views import bp as tickets_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(tickets_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(intake_bp)
    from legaldesk.sla.views import bp as sla_bp
    app.register_blueprint(sla_bp)
    from legaldesk.kb.views import bp as kb_bp
    app.register_blueprint(kb_bp)
    from legaldesk.audit.views import bp as audit_bp
    app.register_blueprint(audit_bp)
    from legaldesk.notify.views import bp as notify_bp
    app.register_blueprint(notify_bp)  # also the header's unread counter (context processor)
    _record_request_origin(app)
    from legaldesk.account.views import bp as account_bp
    app.register_blueprint(account_bp)
    from legaldesk.privacy.views import bp as privacy_bp
    app.register_blueprint(privacy_bp)
    error_pages.register(app)
    _register_template_helpers(app)


def _record_request_origin(app: Flask) -> None:
    """Audit entries written during a request name the client address (after ProxyFix)."""
    from flask import request

    from legaldesk.audit.services import set_origin

    app.before_request(lambda: set_origin(request.remote_addr))


def _register_template_helpers(app: Flask) -> None:
    """Labels and the local-time filter for templates."""
    from flask_babel import get_locale

    from legaldesk.core.labels import template_globals
    from legaldesk.core.timefmt import localtime

    app.jinja_env.globals.update(template_globals())
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "fr")
    app.jinja_env.filters["localtime"] = localtime


def _register_cli(app: Flask) -> None:
    """Attach the legaldesk CLI groups to the Flask CLI."""
    for module in CLI_MODULES:
        importlib.import_module(module).register(app.cli)
