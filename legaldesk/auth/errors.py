"""Log-in errors whose French text is also a message id, so views show them translated."""

from __future__ import annotations

from flask_babel import gettext

from legaldesk.core.errors import InvalidInput, NotFound, RateLimited


def N_(text: str) -> str:
    """Mark text for extraction (a Babel default keyword) without translating it yet."""
    return text


class _Translatable:
    """French `message` for logs and the CLI; `translated()` for the person in front of a page."""

    def _keep(self, msgid: str, params: dict) -> str:
        self.msgid, self.params = msgid, params
        return msgid % params if params else msgid

    def translated(self) -> str:
        """The message in the request's language."""
        return gettext(self.msgid, **self.params) if self.params else gettext(self.msgid)


class AuthInputError(_Translatable, InvalidInput):
    """Wrong credentials, wrong code, weak password (400)."""

    def __init__(self, msgid: str, **params):
        super().__init__(self._keep(msgid, params))


class InvalidLink(_Translatable, NotFound):
    """An e-mailed link that is unknown, spent, expired or meant for something else (404)."""

    def __init__(self, msgid: str, **params):
        super().__init__(self._keep(msgid, params))


class LoginThrottled(_Translatable, RateLimited):
    """Too many failures from this address or on this account: wait `minutes` (429)."""

    def __init__(self, minutes: int):
        self.minutes = minutes
        super().__init__(self._keep(
            N_("Trop de tentatives. Réessayez dans %(minutes)s minute(s)."), {"minutes": minutes}))


def translated_message(exc: Exception) -> str:
    """The error's text in the request's language when it has one, else its French message."""
    translate = getattr(exc, "translated", None)
    return translate() if translate is not None else getattr(exc, "message", str(exc))
