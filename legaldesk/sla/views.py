"""SLA pages: manager dashboard, CSV exports, annual key figures, policies (thin callers)."""

from __future__ import annotations

from datetime import UTC, date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from legaldesk.audit.services import record_audit
from legaldesk.core.extensions import db
from legaldesk.core.web import commit_or_flash, now, roles_required
from legaldesk.sla import charts, reports
from legaldesk.sla import services as sla

bp = Blueprint("sla", __name__, url_prefix="/sla")

BREAKDOWN_TITLES = {
    "month": "Par mois", "channel": "Par canal", "region": "Par délégation",
    "topic": "Par thème", "level": "Par niveau", "requester_type": "Par type de demandeur",
    "priority": "Par priorité", "assignee": "Par personne attribuée",
}


@bp.app_template_global("sla_clock")
def sla_clock(ticket, at=None):
    """Template helper: the ticket's SLA state (tone + text) now."""
    return sla.describe_clock(ticket, at or now())


def _period() -> reports.Period:
    today = now().replace(tzinfo=UTC).astimezone(reports.REPORT_ZONE).date()
    first = request.args.get("from") or date(today.year, 1, 1).isoformat()
    last = request.args.get("to") or today.isoformat()
    return reports.parse_period(first, last)


@bp.route("/")
@roles_required("manager", "jurist")
def dashboard():
    """The manager dashboard over a chosen period (jurists read it too)."""
    period = _period()
    report = reports.build_report(current_user, period, now=now())
    return render_template(
        "sla/dashboard.html", report=report, period=period, titles=BREAKDOWN_TITLES,
        charts={"month": charts.monthly_chart(report), "backlog": charts.backlog_chart(report),
                "channel": charts.breakdown_chart(report, "channel", "Délais moyens par canal"),
                "level": charts.breakdown_chart(report, "level", "Délais moyens par niveau")},
        args={"from": period.first.isoformat(), "to": period.last.isoformat()},
        can_export_tickets=current_user.role in ("manager", "admin"),
    )


@bp.route("/export/<name>.csv")
@roles_required("manager", "jurist")
def export(name: str):
    """One table of the dashboard (or the ticket list, managers only) as CSV."""
    period = _period()
    audited = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    if name == "tickets":
        rows = reports.ticket_rows(current_user, period)
        record_audit(current_user, "export.tickets_csv", target_type="report", target_ref=name,
                     now=now(), details={**audited, "rows": len(rows)})
        db.session.commit()
        return _csv(reports.to_csv(reports.TICKET_HEADER, rows), f"demandes-{period.first}")
    report = reports.build_report(current_user, period, now=now())
    if name == "backlog":
        text = reports.to_csv(("age", "tickets"), report.backlog)
    elif name == "breaches":
        text = reports.to_csv(("clock", "tickets"), list(report.breaches.items()))
    else:
        text = reports.to_csv(reports.TABLE_HEADER, reports.table_rows(report, name))
    record_audit(current_user, "export.sla_csv", target_type="report", target_ref=name,
                 now=now(), details=audited)
    db.session.commit()
    return _csv(text, f"sla-{name}-{period.first}-{period.last}")


def _csv(text: str, stem: str) -> Response:
    return Response(text, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})


@bp.route("/annual")
@bp.route("/annual/<int:year>")
@roles_required("manager", "jurist")
def annual(year: int | None = None):
    """The « chiffres clés » page of a year, in French, ready for the annual report."""
    year = year or request.args.get("year", type=int) or now().year - 1
    if not 2000 <= year <= now().year:
        abort(404)
    figures = reports.annual_figures(current_user, year, now=now())
    record_audit(current_user, "export.annual_report", target_type="report",
                 target_ref=str(year), now=now())
    db.session.commit()
    return render_template("sla/annual.html", figures=figures, year=year)


@bp.route("/policies", methods=["GET", "POST"])
@roles_required("admin")
def policies():
    """Admins edit the clock and the hours allowed per priority × level."""
    if request.method == "POST":
        form = request.form
        return commit_or_flash(
            lambda: sla.save_policy(current_user, priority=form.get("priority", ""),
                                    level=form.get("level", ""),
                                    first_response_hours=form.get("first_response_hours"),
                                    resolution_hours=form.get("resolution_hours"), now=now(),
                                    clock=form.get("clock") or None),
            _("Délais enregistrés ; les échéances des demandes ouvertes sont recalculées."),
            url_for("sla.policies"))
    db.session.rollback()
    return render_template("sla/policies.html", policies=sla.list_policies(),
                           day_hours=sla.business_day_seconds() / 3600)


@bp.app_template_filter("days")
def days_filter(value, digits: int = 1) -> str:
    """A number of days in French notation ('—' when unknown)."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


@bp.app_template_filter("share")
def share_filter(value) -> str:
    """A share as a French percentage ('—' when unknown)."""
    if value is None:
        return "—"
    return f"{value * 100:.0f} %"
