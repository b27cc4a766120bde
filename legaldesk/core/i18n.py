"""Locale selection: the user's locale, else the browser's, else French (always off requests)."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user


def select_locale() -> str:
    """French first; English for users who chose it or browsers that prefer it when anonymous."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # jobs, CLI and the intake pipeline write to members in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
