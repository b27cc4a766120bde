"""Log-in, log-out and language choice."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from legaldesk.auth.forms import LoginForm
from legaldesk.auth.services import authenticate
from legaldesk.auth.sessions import end_sessions
from legaldesk.core.errors import LegalDeskError
from legaldesk.core.extensions import db
from legaldesk.core.web import now

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show and check the log-in form."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, now=now())
        except LegalDeskError as exc:
            db.session.commit()  # keep the failure count
            flash(exc.message, "error")
            return render_template("auth/login.html", form=form), exc.status_code
        db.session.commit()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("tickets.home")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST with CSRF): every session and remember-me cookie of the user ends."""
    end_sessions(current_user, current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("Vous êtes déconnecté(e)."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    """Choose the interface language (stored on the user, or in a cookie when anonymous)."""
    if code not in ("fr", "en"):
        code = "fr"
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    response = make_response(redirect(_safe_next(request.form.get("next"))))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
