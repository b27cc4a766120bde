"""Forms of the notifications page (CSRF-protected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from legaldesk.core.labels import EMAIL_PREFERENCE


class MarkReadForm(FlaskForm):
    """Mark one or all notifications read (nothing but the CSRF token)."""


class EmailPreferenceForm(FlaskForm):
    """How the user hears of notifications by e-mail."""

    email = RadioField(_l("Recevoir les notifications par e-mail"),
                       choices=list(EMAIL_PREFERENCE.items()))
