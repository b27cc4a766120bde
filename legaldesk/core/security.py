"""Fail-closed deployment checks and the HTTP security headers of every response."""

from __future__ import annotations

from flask import Flask, Response, request

from legaldesk.core.config import DEV_SECRET_KEY

DEPLOYMENTS = ("production", "development")
MIN_SECRET_KEY_BYTES = 32

# No inline script and no inline style anywhere: templates load static files only, and the SLA
# charts (pygal SVG with its own <style>) are shown as images, which cannot run script.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def check_deployment(app: Flask) -> None:
    """Refuse to start production with a guessable SECRET_KEY or with debug mode on.

    Production is the default: only an explicit LEGALDESK_DEPLOYMENT=development (`make run`,
    the tests) accepts the built-in key, a short key or debug mode.
    """
    deployment = app.config.get("DEPLOYMENT")
    if deployment not in DEPLOYMENTS:
        raise RuntimeError(
            f"LEGALDESK_DEPLOYMENT must be 'production' or 'development', not {deployment!r}")
    if deployment == "development":
        return
    key = app.config.get("SECRET_KEY") or b""
    key_bytes = key if isinstance(key, bytes) else str(key).encode()
    if key == DEV_SECRET_KEY or len(key_bytes) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(
            f"LEGALDESK_SECRET_KEY must be set to a random secret of at least "
            f"{MIN_SECRET_KEY_BYTES} bytes (e.g. `python -c 'import secrets; "
            f"print(secrets.token_urlsafe(48))'`); on a development machine set "
            f"LEGALDESK_DEPLOYMENT=development")
    if app.debug:
        raise RuntimeError("Debug mode is refused when LEGALDESK_DEPLOYMENT=production: unset "
                           "FLASK_DEBUG / LEGALDESK_DEBUG (debug is for development only)")


def init_security_headers(app: Flask) -> None:
    """Security headers on every response (flask-talisman), no-store on every dynamic page.

    HTTPS redirect and HSTS are for production only (the dev server and tests speak plain
    http); behind a TLS-terminating proxy set PROXY_COUNT so the forwarded scheme is trusted,
    or FORCE_HTTPS=false when the proxy already redirects.
    """
    from flask_talisman import Talisman

    production = app.config["DEPLOYMENT"] == "production"
    hsts_seconds = int(app.config.get("HSTS_SECONDS") or 0)
    # One Talisman per app: it keeps its options on the instance, and tests build many apps.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=production and bool(app.config.get("FORCE_HTTPS")),
        strict_transport_security=production and hsts_seconds > 0,
        strict_transport_security_max_age=hsts_seconds,
        # Other hosts of the federation's domain are not ours to force onto https.
        strict_transport_security_include_subdomains=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        # Cookie flags stay with our settings (Talisman would force Secure on every request).
        session_cookie_secure=False,
        session_cookie_http_only=bool(app.config.get("SESSION_COOKIE_HTTPONLY")),
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE"),
    )
    app.after_request(_no_store)


def _no_store(response: Response) -> Response:
    """Pages carry personal data: no browser or proxy may keep a copy (static files may)."""
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response
