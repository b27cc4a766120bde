"""Channel doors over HTTP (raw MIME, Twilio webhooks) and the admins' quarantine page."""

from __future__ import annotations

import hmac

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from twilio.request_validator import (
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from legaldesk.core.errors import LegalDeskError
from legaldesk.core.extensions import csrf, db
from legaldesk.core.web import now, roles_required
from legaldesk.intake import services

bp = Blueprint("intake", __name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
DELIVERY = {
    "pending": _l("envoi en attente"), "queued": _l("en cours d'envoi"),
    "accepted": _l("en cours d'envoi"), "sending": _l("en cours d'envoi"),
    "sent": _l("envoyé"), "delivered": _l("distribué"), "read": _l("lu"),
    "failed": _l("échec de l'envoi"), "undelivered": _l("non distribué"),
    "canceled": _l("annulé"),
}


@bp.record_once
def _exempt_webhooks(_state) -> None:
    """Machines post to the webhooks: they carry a secret or a signature, not a CSRF token."""
    for view in (inbound_email, twilio_whatsapp, twilio_status):
        csrf.exempt(view)


@bp.app_template_global()
def delivery_label(status: str | None) -> str:
    """French label of an outbound message's delivery state."""
    return str(DELIVERY.get(status or "", status or ""))


@bp.app_template_global()
def inbound_for(message) -> object | None:
    """The raw e-mail behind an inbound ticket message (its folded history), if any."""
    if message.kind != "inbound" or message.channel != "email":
        return None
    return services.inbound_for_message(message.id)


# --- e-mail door --------------------------------------------------------------------------


@bp.post("/webhooks/email/inbound")
def inbound_email():
    """Raw MIME from an inbound-mail provider, authenticated by the shared secret."""
    if not _secret_ok():
        return _forbidden()
    if (request.content_length or 0) > int(current_app.config["INBOUND_MAX_BYTES"]):
        return jsonify(error="message trop volumineux"), 413
    raw = _raw_mime()
    if not raw:
        return jsonify(error="corps vide : le message MIME brut est attendu"), 400
    result = services.ingest_email(raw, now=now(), source="http")
    return jsonify(result.as_dict()), 200


def _secret_ok() -> bool:
    secret = current_app.config.get("INBOUND_EMAIL_SECRET")
    given = request.headers.get("X-LegalDesk-Secret", "")
    authorization = request.headers.get("Authorization", "")
    if not given and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not secret or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), str(secret).encode("utf-8"))


def _raw_mime() -> bytes:
    upload = request.files.get("email") if request.files else None
    if upload is not None:
        return upload.read()
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.form.get("email", "").encode("utf-8")
    return request.get_data(cache=False)


def _forbidden() -> Response:
    return Response("forbidden\n", status=403, mimetype="text/plain")


# --- Twilio -------------------------------------------------------------------------------


@bp.post("/webhooks/twilio/whatsapp")
def twilio_whatsapp():
    """A WhatsApp message from Twilio (signature checked): file it, answer empty TwiML."""
    if not _twilio_signature_ok():
        return _forbidden()
    try:
        services.ingest_whatsapp(request.form, now=now())
    except LegalDeskError as exc:
        db.session.rollback()
        return Response(exc.message, status=exc.status_code, mimetype="text/plain")
    return Response(EMPTY_TWIML, mimetype="text/xml")


@bp.post("/webhooks/twilio/status")
def twilio_status():
    """A delivery status callback from Twilio (signature checked)."""
    if not _twilio_signature_ok():
        return _forbidden()
    try:
        services.record_delivery_status(request.form, now=now())
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        return Response(exc.message, status=exc.status_code, mimetype="text/plain")
    return Response(status=204)


def _twilio_signature_ok() -> bool:
    """Check X-Twilio-Signature against the URL Twilio called (the public one behind a proxy)."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    try:
        return RequestValidator(token).validate(_called_url(), request.form, signature,
                                                algorithm=algorithm)
    except (ValueError, TypeError):
        return False


def _called_url() -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return request.url  # ProxyFix has restored the scheme and host the client used
    query = request.query_string.decode("latin-1")
    return f"{str(base).rstrip('/')}{request.path}" + (f"?{query}" if query else "")


# --- quarantine (admins) ------------------------------------------------------------------


@bp.get("/admin/quarantine")
@roles_required("admin")
def quarantine():
    """Messages that could not be filed, with their error and a retry button."""
    return render_template("intake/quarantine.html",
                           items=services.list_quarantine(current_user))


@bp.post("/admin/quarantine/<int:inbound_id>/retry")
@roles_required("admin")
def retry(inbound_id: int):
    """Run a quarantined message through the pipeline again."""
    try:
        result = services.retry_quarantined(current_user, inbound_id, now=now())
    except LegalDeskError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("intake.quarantine"))
    if result.outcome == services.Outcome.QUARANTINED:
        flash(_("Toujours en quarantaine : %(error)s", error=result.error), "error")
    else:
        flash(_("Message traité (%(outcome)s) %(ref)s", outcome=result.outcome.value,
                ref=result.reference or ""), "success")
    return redirect(url_for("intake.quarantine"))


@bp.get("/admin/quarantine/<int:inbound_id>/raw")
@roles_required("admin")
def raw(inbound_id: int):
    """Download the raw source, never rendered in the browser."""
    inbound = services.get_inbound(current_user, inbound_id)
    extension = "eml" if inbound.channel == "email" else "json"
    return Response(inbound.raw, mimetype="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=inbound-{inbound.id}.{extension}",
        "X-Content-Type-Options": "nosniff"})
