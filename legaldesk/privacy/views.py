"""Managers' privacy pages: the retention periods per kind of data."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from legaldesk.core.errors import InvalidInput, LegalDeskError
from legaldesk.core.extensions import db
from legaldesk.core.web import now, roles_required
from legaldesk.privacy import register, retention, rights

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@bp.route("/retention", methods=["GET", "POST"])
@roles_required("manager")
def retention_settings():
    """The retention periods (days) per kind of data, with what the job would remove now."""
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            days = {kind.code: int(request.form.get(kind.code, "")) for kind in retention.KINDS}
        except ValueError:
            flash(_("Indiquez un nombre de jours pour chaque type de données."), "error")
            return redirect(url_for("privacy.retention_settings"))
        try:
            changed = retention.save_retention_settings(current_user, days, now=now())
            db.session.commit()
        except InvalidInput as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("privacy.retention_settings"))
        flash(_("Durées de conservation enregistrées (%(n)d modifiée(s)).", n=len(changed)),
              "success")
        return redirect(url_for("privacy.retention_settings"))
    return render_template("privacy/retention.html", form=form, kinds=retention.KINDS,
                           days=retention.retention_days(), due=retention.count_due(now()),
                           minimum=retention.MIN_DAYS, maximum=retention.MAX_DAYS)


@bp.route("/people", methods=["GET", "POST"])
@roles_required("manager")
def people():
    """Find a person by e-mail or phone (POST: the identifier never goes in a URL)."""
    form = FlaskForm()
    person = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            person = rights.find_person(current_user, email=request.form.get("email", ""),
                                        phone=request.form.get("phone", ""))
        except LegalDeskError as exc:
            flash(exc.message, "error")
    return render_template("privacy/people.html", form=form, person=person,
                           email=request.form.get("email", ""),
                           phone=request.form.get("phone", ""))


@bp.route("/people/export", methods=["POST"])
@roles_required("manager")
def export_person():
    """Everything held about the person, as a ZIP (JSON + files); audited."""
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("privacy.people"))
    try:
        person = rights.find_person(current_user, email=request.form.get("email", ""),
                                    phone=request.form.get("phone", ""))
        data = rights.export_person(current_user, person, now=now())
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("privacy.people"))
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": "attachment; filename=donnees-personne.zip",
        "Cache-Control": "no-store"})


@bp.route("/people/erase", methods=["POST"])
@roles_required("manager")
def erase_person():
    """Erase the person (tickets stay as anonymous statistics); audited."""
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("privacy.people"))
    if request.form.get("confirm") != "y":
        flash(_("Cochez la confirmation : l'effacement est définitif."), "error")
        return redirect(url_for("privacy.people"))
    try:
        person = rights.find_person(current_user, email=request.form.get("email", ""),
                                    phone=request.form.get("phone", ""))
        counts = rights.erase_person(current_user, person, now=now(),
                                     reason=request.form.get("reason", ""))
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("privacy.people"))
    flash(_("Données effacées : %(tickets)d demande(s) anonymisée(s).",
            tickets=counts["tickets"]), "success")
    return redirect(url_for("privacy.people"))


@bp.route("/register")
@roles_required("manager")
def processing_register():
    """The register of processing activities, generated from the retention settings."""
    return render_template("privacy/register.html",
                           activities=register.processing_activities(),
                           generated_at=now())
