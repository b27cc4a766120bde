"""The audit log page for managers and admins: filter, page through, export as CSV."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from legaldesk.audit import services as audit
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db
from legaldesk.core.web import now, roles_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100


def _filters() -> audit.AuditFilters:
    args = request.args
    return audit.AuditFilters(
        first=_date(args.get("from")), last=_date(args.get("to")),
        action=args.get("action", "").strip(), actor=args.get("actor", "").strip()[:100],
        target=args.get("target", "").strip()[:64])


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput("Date invalide (AAAA-MM-JJ).") from exc


@bp.route("/")
@roles_required("manager")
def index():
    """The filtered log, newest first, one page at a time."""
    page = max(request.args.get("page", 1, type=int), 1)
    filters = _filters()
    entries = audit.list_audit(current_user, filters, limit=PAGE_SIZE + 1,
                               offset=(page - 1) * PAGE_SIZE)
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit/index.html", entries=entries[:PAGE_SIZE], page=page,
                           has_next=len(entries) > PAGE_SIZE, args=args,
                           actions=audit.audit_actions())


@bp.route("/export.csv")
@roles_required("manager")
def export():
    """The filtered log as CSV (the export is audited too)."""
    text = audit.export_audit_csv(current_user, _filters(), now=now())
    db.session.commit()
    return Response(text, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="journal-audit.csv"'})
