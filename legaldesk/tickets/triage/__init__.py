"""Triage engine package: the public entry is `triage`, returning a `TriageDecision`."""

from legaldesk.tickets.triage.engine import TriageDecision, triage

__all__ = ["TriageDecision", "triage"]
