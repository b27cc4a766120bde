"""Map LegalDeskError and HTTP errors to French error pages, once for the whole app."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from legaldesk.core.errors import LegalDeskError


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(LegalDeskError)
    def _legaldesk_error(exc: LegalDeskError):
        return _page(exc.status_code, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return _page(400, _("Le formulaire a expiré ou n'est pas valide : rechargez la page."))

    for code, text in ((403, _l("Accès refusé.")), (404, _l("Page introuvable.")),
                       (413, _l("Envoi trop volumineux.")),
                       (429, _l("Trop de requêtes, réessayez."))):
        app.register_error_handler(code, _http_handler(code, text))


def _http_handler(code: int, text):
    def handler(_exc):
        return _page(code, str(text))
    return handler


def _page(code: int, message: str):
    return render_template("error.html", code=code, message=message), code
