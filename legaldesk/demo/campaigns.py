"""The demo's exceptions to routine: the end-of-Pass-IAE campaign and the urgent report cases."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from legaldesk.demo.questions import QUESTIONS
from legaldesk.tickets.campaigns import save_campaign

CAMPAIGN_TAG = "fin-pass-iae"
REPORT_URGENT_CASES = frozenset({
    "accident_du_travail", "agression_sexuelle", "discours_xenophobe",
    "redressement_judiciaire", "liquidation_judiciaire",
})
# The report cases that go to the business-law jurist; the others go to the social-law jurist.
BUSINESS_AFFAIRS_CASES = frozenset({"redressement_judiciaire", "liquidation_judiciaire"})


def campaign_deadline(now: datetime) -> date:
    """The 30 November that falls in the demo year (with room around it), else 4 months ago."""
    for year in (now.year, now.year - 1):
        deadline = date(year, 11, 30)
        if now.date() - timedelta(days=330) <= deadline <= now.date() - timedelta(days=20):
            return deadline
    return (now - timedelta(days=120)).date()


def save_demo_campaign(deadline: date) -> None:
    """The end-of-Pass-IAE peak as a campaign; over by `now`, so no longer tagging new tickets."""
    canned = next(q["answer"] for q in QUESTIONS if q["key"] == "fin_pass_auto")
    save_campaign(
        None, CAMPAIGN_TAG, label=f"Fin des Pass IAE automatiques en AI ({deadline:%d/%m/%Y})",
        keywords=["fin des pass iae", "fin du pass iae", "renouvellement des pass iae"],
        canned_answer=canned, deadline=datetime.combine(deadline, time(23, 0)), active=False,
    )
