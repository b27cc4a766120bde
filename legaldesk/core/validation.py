"""Shared input checks: every web address the app stores is an http or https link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from legaldesk.core.errors import InvalidInput

MAX_URL_LENGTH = 500
WEB_SCHEMES = ("http", "https")


def is_http_url(value: str | None) -> bool:
    """Whether the value is an absolute http(s) address with a host (no javascript:, data:...)."""
    value = (value or "").strip()
    if not value or len(value) > MAX_URL_LENGTH:
        return False
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host)


def check_http_url(value: str | None, label: str = "Lien") -> str:
    """The stripped address, or InvalidInput naming the field when it is not an http(s) link."""
    if not is_http_url(value):
        shown = (value or "").strip()[:80]
        raise InvalidInput(f"{label} : adresse web invalide ({shown}) : "
                           f"seuls les liens http:// et https:// sont acceptés.")
    return (value or "").strip()


class HttpUrl:
    """WTForms validator: an empty field passes (add DataRequired), else an http(s) link."""

    def __call__(self, form, field) -> None:
        """Refuse anything but an http(s) address."""
        if (field.data or "").strip() and not is_http_url(field.data):
            raise ValidationError(_l("Adresse web invalide : seuls les liens http:// et "
                                     "https:// sont acceptés."))
