"""Log-in, log-out, language choice and the on-call rota page (thin callers)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from legaldesk.auth import oncall as rota
from legaldesk.auth.forms import LoginForm
from legaldesk.auth.models import User
from legaldesk.auth.services import authenticate
from legaldesk.core.errors import InvalidInput, LegalDeskError
from legaldesk.core.extensions import db
from legaldesk.core.web import commit_or_flash, now, roles_required

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
    """Log out (POST with CSRF)."""
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


@bp.route("/oncall", methods=["GET", "POST"])
@roles_required("manager")
def oncall():
    """Managers (and admins) choose the on-call jurist and backup of the coming weeks."""
    if request.method == "POST":
        form = request.form
        return commit_or_flash(
            lambda: rota.save_oncall_week(
                current_user, week=form.get("week", ""), jurist=_person(form.get("jurist")),
                backup=_person(form.get("backup")), now=now()),
            _("Astreinte enregistrée."), url_for("auth.oncall"))
    return render_template("auth/oncall.html", weeks=rota.list_rota(current_user, now=now()),
                           jurists=rota.oncall_candidates(), on_duty=rota.on_duty_jurist(now()))


def _person(value: str | None) -> User | None:
    if not value:
        return None
    user = db.session.get(User, int(value)) if value.isdigit() else None
    if user is None:
        raise InvalidInput("Personne inconnue.")
    return user
