"""The staff's notifications page (list, mark read, e-mail choice) and the header's counter."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from legaldesk.core.extensions import db
from legaldesk.core.labels import NOTIFICATION_KIND
from legaldesk.core.web import commit_or_flash, now, roles_required
from legaldesk.notify import inapp
from legaldesk.notify.forms import EmailPreferenceForm
from legaldesk.tickets.access import visible_ticket_ids

bp = Blueprint("notify", __name__, url_prefix="/notifications")
STAFF = ("delegate", "jurist", "manager")  # and admins (roles_required lets them pass)


@bp.app_context_processor
def unread_counter() -> dict:
    """`unread_notifications` for the header: staff only, one COUNT per request at most."""
    if not (current_user and current_user.is_authenticated and current_user.is_staff):
        return {"unread_notifications": None}
    if "unread_notifications" not in g:
        g.unread_notifications = inapp.unread_count(current_user)
    return {"unread_notifications": g.unread_notifications}


@bp.route("")
@roles_required(*STAFF)
def index():
    """My notifications, newest first; the subject only for tickets I may still open."""
    page = max(request.args.get("page", 1, type=int), 1)
    size = int(current_app.config["NOTIFICATIONS_PAGE_SIZE"])
    notices, total = inapp.list_notifications(current_user, limit=size,
                                              offset=(page - 1) * size)
    openable = visible_ticket_ids(current_user, [n.ticket_id for n in notices if n.ticket_id])
    return render_template(
        "notify/notifications.html", notices=notices, total=total, page=page, size=size,
        openable=openable, kinds=NOTIFICATION_KIND,
        form=EmailPreferenceForm(email=current_user.notification_email),
        digest_hour=int(current_app.config["NOTIFICATION_DIGEST_HOUR"]))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@roles_required(*STAFF)
def mark_read(notification_id: int):
    """Mark one of my notifications read (another's: 404)."""
    inapp.mark_read(current_user, notification_id, now=now())
    db.session.commit()
    flash(_("Notification marquée comme lue."), "success")
    return redirect(url_for("notify.index"))


@bp.route("/read-all", methods=["POST"])
@roles_required(*STAFF)
def mark_all_read():
    """Mark all my notifications read."""
    return commit_or_flash(lambda: inapp.mark_all_read(current_user, now=now()),
                           _("Toutes vos notifications sont marquées comme lues."),
                           url_for("notify.index"))


@bp.route("/preferences", methods=["POST"])
@roles_required(*STAFF)
def preferences():
    """Choose immediate e-mails, a daily digest or none."""
    form = EmailPreferenceForm()
    if not form.validate_on_submit():
        flash(_("Choisissez une des options proposées."), "error")
        return redirect(url_for("notify.index"))
    return commit_or_flash(lambda: inapp.set_email_preference(current_user, form.email.data),
                           _("Votre choix d'e-mails est enregistré."), url_for("notify.index"))
