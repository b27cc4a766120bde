"""SLA reports on hand-computable data: means, medians, p90, shares, breakdowns, JSON keys."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from pytest import approx

from legaldesk.core.errors import Forbidden, InvalidInput
from legaldesk.core.extensions import db
from legaldesk.sla import reports
from legaldesk.tickets import services
from tests.sla.conftest import BDAY, HOUR, add_ticket, ask, paris

DAY = 86400
NOW = paris("2026-03-10 11:00")
PERIOD = reports.Period(date(2026, 1, 1), date(2026, 2, 28))
BLOCK_KEYS = {"count", "mean_calendar_days", "median_calendar_days", "p90_calendar_days",
              "mean_business_days", "median_business_days", "p90_business_days",
              "within_target_share"}


def closed(received, channel, resolution_days, resolution_calendar_days, first_hours=None):
    """A closed ticket with stored durations (first response in business = calendar hours)."""
    first = None if first_hours is None else first_hours * HOUR
    return add_ticket(received, channel=channel,
                      resolved_at=received + timedelta(days=resolution_calendar_days),
                      resolution_business_seconds=round(resolution_days * BDAY),
                      resolution_calendar_seconds=round(resolution_calendar_days * DAY),
                      first_response_business_seconds=first,
                      first_response_calendar_seconds=first)


@pytest.fixture
def data(app):
    """Five answered tickets, one overdue open one, one last year, one open long ago."""
    closed(paris("2026-01-05 10:00"), "web", 1, 1, 2)
    closed(paris("2026-01-12 10:00"), "web", 2, 2, 4)
    closed(paris("2026-01-19 10:00"), "web", 3, 3, 9)
    closed(paris("2026-01-26 10:00"), "email", 4, 4, 18)
    closed(paris("2026-02-01 00:30"), "email", 11, 15)  # 31 January 23:30 UTC: February in Paris
    add_ticket(paris("2026-02-20 10:00"), channel="phone", status="in_progress",
               first_response_due_at=paris("2026-02-24 10:00"),
               resolution_due_at=paris("2026-03-06 10:00"),
               next_due_at=paris("2026-02-24 10:00"))
    closed(paris("2025-12-15 10:00"), "web", 5, 5, 3)
    add_ticket(paris("2025-11-01 10:00"), status="new")
    db.session.commit()


def test_overall_figures(data):
    report = reports.build_report(None, PERIOD, now=NOW)
    assert report.overall.tickets == 6
    res = report.overall.resolution
    assert res.count == 5
    assert res.mean_business_days == approx(4.2)
    assert res.median_business_days == approx(3)
    assert res.p90_business_days == approx(8.2)  # rank 4.6: 4 + 0.6 × (11 - 4)
    assert res.mean_calendar_days == approx(5)
    assert res.median_calendar_days == approx(3)
    assert res.p90_calendar_days == approx(10.6)
    assert res.within_target_share == approx(0.8)
    first = report.overall.first_response
    assert first.count == 4
    assert first.mean_business_days == approx(33 / 4 / 9)
    assert first.median_business_days == approx(6.5 / 9)
    assert first.p90_business_days == approx(15.3 / 9)  # rank 3.7: 9 + 0.7 × 9 hours
    assert first.mean_calendar_days == approx(33 / 4 / 24)
    assert first.within_target_share == approx(1.0)


def test_breakdowns_by_channel_and_month(data):
    report = reports.build_report(None, PERIOD, now=NOW)
    channels = {row.key: row for row in report.by["channel"]}
    assert {key: row.tickets for key, row in channels.items()} == {
        "email": 2, "phone": 1, "web": 3}
    web, email = channels["web"].resolution, channels["email"].resolution
    assert (web.mean_business_days, web.median_business_days) == (approx(2), approx(2))
    assert web.p90_business_days == approx(2.8)
    assert email.median_business_days == approx(7.5)
    assert email.p90_business_days == approx(10.3)
    assert email.p90_calendar_days == approx(13.9)
    assert email.within_target_share == approx(0.5)
    assert channels["phone"].resolution.count == 0
    assert channels["phone"].resolution.mean_business_days is None
    months = [(row.key, row.tickets) for row in report.by["month"]]
    assert months == [("2026-01", 4), ("2026-02", 2)]


def test_previous_period_backlog_and_breaches(data):
    report = reports.build_report(None, PERIOD, now=NOW)
    assert PERIOD.previous() == reports.Period(date(2025, 11, 3), date(2025, 12, 31))
    assert report.previous.tickets == 1
    assert report.previous.resolution.mean_calendar_days == approx(5)
    assert dict(report.backlog) == {"0–2 j": 0, "2–5 j": 0, "5–10 j": 0, "10–30 j": 1,
                                    "plus de 30 j": 1}
    assert report.breaches == {"first_response": 1, "resolution": 2,
                               "urgent_first_response": 0, "urgent_resolution": 0}


def test_json_has_exactly_the_documented_keys(data):
    document = reports.build_report(None, PERIOD, now=NOW).as_json()
    assert {"tickets", "first_response", "resolution", "by"} <= set(document)
    assert set(document["first_response"]) == BLOCK_KEYS
    assert set(document["resolution"]) == BLOCK_KEYS
    assert {"channel", "region", "topic", "level", "priority", "month"} <= set(document["by"])
    for rows in document["by"].values():
        for row in rows:
            assert set(row) == {"key", "tickets", "first_response", "resolution"}
            assert set(row["first_response"]) == BLOCK_KEYS == set(row["resolution"])
    assert document["tickets"] == 6
    json.dumps(document)  # serialisable as is


def test_cli_report_json_and_csv(data, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sla", "report", "--from", "2026-01-01", "--to", "2026-02-28",
                                 "--now", "2026-03-10T10:00:00"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["resolution"]["median_business_days"] == 3
    assert [row["key"] for row in document["by"]["month"]] == ["2026-01", "2026-02"]
    csv_result = runner.invoke(args=["sla", "report", "--from", "2026-01-01", "--to",
                                     "2026-02-28", "--format", "csv"])
    lines = csv_result.output.splitlines()
    assert lines[0].startswith("breakdown,key,tickets,first_response_count,")
    assert lines[1].startswith("all,all,6,4,")
    assert any(line.startswith("channel,web,3,") for line in lines)


def test_report_through_the_services(desk):
    ticket = ask(desk["adherent"], paris("2026-01-06 10:00"))
    services.record_answer(ticket.assignee or desk["jurist"], ticket, "Réponse",
                           now=paris("2026-01-07 12:00"))
    db.session.commit()
    report = reports.build_report(desk["manager"], PERIOD, now=NOW)
    # Tue 10:00 → Wed 12:00: 8 + 3 = 11 business hours; 26 calendar hours.
    assert report.overall.first_response.mean_business_days == approx(11 / 9)
    assert report.overall.resolution.mean_calendar_days == approx(26 / 24)
    assert report.overall.resolution.within_target_share == 1.0


def test_access_is_enforced_in_the_report_layer(desk, make):
    with pytest.raises(Forbidden):
        reports.build_report(desk["adherent"], PERIOD, now=NOW)
    with pytest.raises(Forbidden):
        reports.build_report(make.user("delegate", region="IDF"), PERIOD, now=NOW)
    with pytest.raises(Forbidden):
        reports.ticket_rows(desk["jurist"], PERIOD)
    assert reports.build_report(desk["jurist"], PERIOD, now=NOW).overall.tickets == 0


def test_bad_periods_are_refused():
    with pytest.raises(InvalidInput):
        reports.parse_period("2026-02-01", "2026-01-01")
    with pytest.raises(InvalidInput):
        reports.parse_period("01/02/2026", "2026-03-01")


def test_annual_figures(data, desk):
    closed(paris("2025-06-02 10:00"), "phone", 2, 2, 4).priority = "urgent"
    db.session.commit()
    figures = reports.annual_figures(desk["manager"], 2025, now=NOW)
    assert figures.report.overall.tickets == 3  # June, November and December 2025
    assert figures.urgent_handled == 1
    assert figures.urgent_by_case == [(None, 1)]
    assert {row.key: row.tickets for row in figures.report.by["channel"]} == {"phone": 1,
                                                                              "web": 2}
