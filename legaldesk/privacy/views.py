"""Managers' privacy pages: the retention periods per kind of data."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db
from legaldesk.core.web import now, roles_required
from legaldesk.privacy import retention

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
