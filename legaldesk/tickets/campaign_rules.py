"""Campaign keyword rules: which active campaign a new question belongs to (read-only)."""

from __future__ import annotations

from sqlalchemy import select

from legaldesk.core.extensions import db
from legaldesk.tickets.models import Campaign
from legaldesk.tickets.triage.normalisation import normalise


def match_campaign(text: str) -> str | None:
    """Code of the first active campaign one of whose keyword phrases occurs in the text."""
    campaigns = db.session.scalars(select(Campaign).where(Campaign.active.is_(True))
                                   .order_by(Campaign.id)).all()
    if not campaigns:
        return None
    folded = f" {normalise(text)} "
    for campaign in campaigns:
        if any(f" {normalise(phrase)} " in folded for phrase in campaign.keywords or []
               if phrase.strip()):
            return campaign.code
    return None
