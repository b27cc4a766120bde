"""Account self-service pages: forgotten password, reset and invitation links, two-factor."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from legaldesk.auth.errors import InvalidLink, translated_message
from legaldesk.auth.forms import CodeForm, DisableTwoFactorForm, ForgotForm, NewPasswordForm
from legaldesk.auth.models import TokenPurpose
from legaldesk.auth.tokens import find_token, link_base_url, request_password_reset, use_token
from legaldesk.auth.twofactor import (
    begin_enrolment,
    confirm_enrolment,
    disable_two_factor,
    provisioning_uri,
    qr_code_svg,
    regenerate_recovery_codes,
    remaining_recovery_codes,
    two_factor_enabled,
)
from legaldesk.core.errors import LegalDeskError
from legaldesk.core.extensions import db
from legaldesk.core.web import now
from legaldesk.notify.services import queue_link_mail

bp = Blueprint("account", __name__)


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    """Ask for a reset link by e-mail; the same answer whether the account exists or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        try:
            mail = request_password_reset(
                form.email.data, ip=request.remote_addr, now=now(),
                base_url=link_base_url(current_app.config, request.url_root))
            queue_link_mail(mail, now=now())
        except LegalDeskError as exc:
            db.session.commit()  # keep the request counts
            flash(translated_message(exc), "error")
            return render_template("auth/forgot.html", form=form), exc.status_code
        db.session.commit()
        flash(_("Si un compte actif correspond à cette adresse, un e-mail contenant un lien pour "
                "choisir un nouveau mot de passe vient de lui être envoyé."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through an e-mailed reset link (single use)."""
    return _password_through_link(token, TokenPurpose.RESET)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Choose a first password through an e-mailed invitation (single use)."""
    return _password_through_link(token, TokenPurpose.INVITE)


def _password_through_link(token: str, purpose: TokenPurpose):
    try:
        find_token(token, purpose, now=now())
    except InvalidLink as exc:
        return render_template("auth/link_invalid.html", message=exc.translated()), 404
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            use_token(token, purpose, form.password.data, now=now())
        except LegalDeskError as exc:
            db.session.rollback()
            flash(translated_message(exc), "error")
            status = exc.status_code
        else:
            db.session.commit()
            flash(_("Votre mot de passe est enregistré : vous pouvez vous connecter."), "success")
            return redirect(url_for("auth.login"))
    response = make_response(render_template("auth/new_password.html", form=form,
                                             purpose=purpose.value), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/two-factor", methods=["GET"])
@login_required
def two_factor():
    """Two-factor authentication: enrol (secret, otpauth URI, QR code) or manage it."""
    if two_factor_enabled(current_user):
        return render_template("auth/two_factor.html", enabled=True,
                               disable_form=DisableTwoFactorForm(), codes_form=CodeForm(),
                               remaining=remaining_recovery_codes(current_user))
    row = begin_enrolment(current_user, now=now())  # idempotent: the pending secret is reused
    db.session.commit()
    uri = provisioning_uri(current_user, row)
    response = make_response(render_template(
        "auth/two_factor.html", enabled=False, form=CodeForm(), secret=row.secret, uri=uri,
        qr_svg=qr_code_svg(uri)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/two-factor", methods=["POST"])
@login_required
def two_factor_confirm():
    """Confirm enrolment with a first code; show the recovery codes once."""
    form = CodeForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.two_factor"))
    try:
        codes = confirm_enrolment(current_user, form.code.data, ip=request.remote_addr,
                                  now=now())
    except LegalDeskError as exc:
        db.session.commit()  # keep the failure counts
        flash(translated_message(exc), "error")
        return redirect(url_for("account.two_factor"))
    db.session.commit()
    flash(_("Double authentification activée."), "success")
    return _recovery_codes_page(codes)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def two_factor_recovery_codes():
    """Replace the recovery codes (after a current code); show the new ones once."""
    form = CodeForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.two_factor"))
    try:
        codes = regenerate_recovery_codes(current_user, form.code.data, ip=request.remote_addr,
                                          now=now())
    except LegalDeskError as exc:
        db.session.commit()
        flash(translated_message(exc), "error")
        return redirect(url_for("account.two_factor"))
    db.session.commit()
    return _recovery_codes_page(codes)


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    """Turn two-factor authentication off (password and code required)."""
    form = DisableTwoFactorForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.two_factor"))
    try:
        disable_two_factor(current_user, form.password.data, form.code.data,
                           ip=request.remote_addr, now=now())
    except LegalDeskError as exc:
        db.session.commit()
        flash(translated_message(exc), "error")
        return redirect(url_for("account.two_factor"))
    db.session.commit()
    flash(_("Double authentification désactivée."), "info")
    return redirect(url_for("account.two_factor"))


def _recovery_codes_page(codes: list[str]):
    response = make_response(render_template("auth/recovery_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"
    return response
