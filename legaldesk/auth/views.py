"""Log-in (password, then the second factor when on), log-out, language, the on-call rota page."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from legaldesk.auth import oncall as rota
from legaldesk.auth.errors import translated_message
from legaldesk.auth.forms import CodeForm, LoginForm
from legaldesk.auth.models import User
from legaldesk.auth.services import authenticate, record_login
from legaldesk.auth.sessions import end_sessions
from legaldesk.auth.twofactor import must_enrol, two_factor_enabled, verify_second_factor
from legaldesk.core.errors import InvalidInput, LegalDeskError
from legaldesk.core.extensions import db
from legaldesk.core.web import commit_or_flash, now, roles_required

bp = Blueprint("auth", __name__)

PENDING_KEY = "login_pending"  # session: a log-in waiting for its second factor
DEVICE_COOKIE = "legaldesk_device"  # signed: this browser fully logged in to that account
# What an admin or manager who must enrol (REQUIRE_STAFF_2FA) may still reach.
ENROLMENT_ENDPOINTS = frozenset({
    "account.two_factor", "account.two_factor_confirm", "auth.logout", "auth.set_language",
    "static",
})


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show and check the log-in form; with 2FA on, ask for the code next."""
    form = LoginForm()
    if form.validate_on_submit():
        device_user_id, device_nonce = _known_device()
        try:
            user = authenticate(form.email.data, form.password.data, now=now(),
                                ip=request.remote_addr, device_user_id=device_user_id,
                                device_nonce=device_nonce)
        except LegalDeskError as exc:
            db.session.commit()  # keep the failure counts
            flash(translated_message(exc), "error")
            return render_template("auth/login.html", form=form), exc.status_code
        db.session.commit()
        target = _safe_next(request.args.get("next"))
        if two_factor_enabled(user):
            # Half logged in: only the code page knows this; every other page sees a visitor.
            session[PENDING_KEY] = {"user_id": user.id, "since": now().timestamp(),
                                    "next": target}
            return redirect(url_for("auth.login_code"))
        return _complete_login(user, target)
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """Log-in step two: the authenticator code (or a recovery code)."""
    pending = _pending_login()
    if pending is None:
        flash(_("Votre session a expiré : reconnectez-vous."), "info")
        return redirect(url_for("auth.login"))
    user, target = pending
    form = CodeForm()
    if form.validate_on_submit():
        try:
            verify_second_factor(user, form.code.data, ip=request.remote_addr, now=now())
        except LegalDeskError as exc:
            db.session.commit()  # keep the failure counts
            flash(translated_message(exc), "error")
            return render_template("auth/login_code.html", form=form), exc.status_code
        session.pop(PENDING_KEY, None)
        return _complete_login(user, target)
    return render_template("auth/login_code.html", form=form)


def _complete_login(user, target: str):
    """Fully log in, remember this browser as a known device of the account, go on."""
    record_login(user, now=now())
    db.session.commit()
    login_user(user)
    if must_enrol(user):
        flash(_("La double authentification est obligatoire pour votre rôle : activez-la "
                "pour continuer."), "info")
        target = url_for("account.two_factor")
    response = redirect(target)
    days = int(current_app.config["LOGIN_DEVICE_COOKIE_DAYS"])
    response.set_cookie(
        DEVICE_COOKIE, _device_signer().dumps({"u": user.id, "n": secrets.token_urlsafe(16)}),
        max_age=days * 24 * 3600, path=url_for("auth.login"), httponly=True, samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]))
    return response


def _pending_login():
    """The user and target of a half-done log-in still within its time, else None."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    limit = 60 * int(current_app.config["LOGIN_CODE_STEP_MINUTES"])
    if now().timestamp() - float(pending.get("since", 0)) > limit:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, int(pending.get("user_id", 0)))
    if user is None or not user.active:
        return None
    return user, _safe_next(pending.get("next"))


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="legaldesk.known-device")


def _known_device() -> tuple[int | None, str | None]:
    """(user id, nonce) of this browser's signed known-device cookie, or (None, None)."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None, None
    days = int(current_app.config["LOGIN_DEVICE_COOKIE_DAYS"])
    try:
        data = _device_signer().loads(value, max_age=days * 24 * 3600)
        return int(data["u"]), str(data["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None, None


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


@bp.before_app_request
def require_staff_two_factor():
    """With REQUIRE_STAFF_2FA, admins and managers without 2FA can only enrol (or log out)."""
    if request.endpoint in ENROLMENT_ENDPOINTS or not current_user.is_authenticated:
        return None
    if must_enrol(current_user):
        return redirect(url_for("account.two_factor"))
    return None


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
