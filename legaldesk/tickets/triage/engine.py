"""Triage engine: topic, level and urgency of a legal question (pure, explainable, fast)."""

# The text is folded (case, accents, elisions, punctuation), cut into light-stemmed tokens and
# matched against phrase lists compiled once: topic keywords (plain data, usually from the
# `topics` table, cached per rules tuple), urgency triggers, false friends, negations, level
# signals and near dates. Every decision carries French reasons. Nothing here touches the
# database, and the clock only when `now` is omitted.
#
# Modules, each importing only those above it: rules (topic rules), normalisation (tokens),
# phrases (matching, compiled vocabularies), topics, dates (near dates), urgency (triggers and
# deadlines), levels, and this entry point.

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from legaldesk.tickets import vocabulary as vocab
from legaldesk.tickets.triage.levels import decide_level
from legaldesk.tickets.triage.normalisation import analyse, split_subject
from legaldesk.tickets.triage.phrases import Match, compile_topics, fixed_index
from legaldesk.tickets.triage.rules import TopicRule, as_rules
from legaldesk.tickets.triage.topics import explain_topic, score_topics
from legaldesk.tickets.triage.urgency import detect_urgency


@dataclass
class TriageDecision:
    """What triage suggests for a question, with the reasons a jurist can check."""

    topic: str  # a topic code of the rules, or "autre"
    topic_confidence: float  # 0..1: margin over the runner-up times strength of the evidence
    level: str  # first_level | expert
    urgent: bool
    urgent_case: str | None  # one of the five report cases, "echeance_proche" or None
    specialty: str | None  # droit_social | droit_des_affaires | None
    check_urgency: bool  # a human should look at the urgency (cues, sensitive words...)
    reasons: list[str]  # in French, for the jurist
    # words found, by kind: "topic:<code>", "urgent:<case>", "expert", "first_level",
    # "deadline", "near_date", "generic", "review", "negated", "false_friend", "hypothesis", "veto"
    matched: dict[str, list[str]]

    def to_dict(self) -> dict:
        """Plain JSON-serialisable dict (stored on the ticket, shown in the UI)."""
        return asdict(self)


def _group(matches: list[Match]) -> dict[str, list[Match]]:
    grouped: dict[str, list[Match]] = {}
    for match in matches:
        grouped.setdefault(match.phrase.kind, []).append(match)
    return grouped


def triage(subject: str, text: str, rules: Sequence[TopicRule] | None = None, *,
           sender_kind: str | None = None, similar_topics: Sequence[tuple[str, float]] = (),
           now: datetime | None = None, deadline_window_days: int = 5) -> TriageDecision:
    """Suggest topic, level, urgency and specialty for a question, with French reasons."""
    compiled = compile_topics(as_rules(rules))
    analysed = analyse(*split_subject(subject or "", text or ""))
    found = _group(fixed_index().find(analysed))
    urgency = detect_urgency(analysed, found, now or datetime.now(), deadline_window_days)
    topic = score_topics(analysed, compiled, urgency.blocked, similar_topics, urgency.case)
    rule = compiled.rules.get(topic.code)
    level, level_reasons, level_matched = decide_level(analysed, found, topic, rule,
                                                       urgency.case)
    reasons = explain_topic(topic) + level_reasons + urgency.reasons
    if sender_kind in vocab.NON_MEMBER_KINDS:
        reasons.append("demandeur non adhérent → triage national")
    return TriageDecision(
        topic=topic.code, topic_confidence=topic.confidence, level=level,
        urgent=urgency.case is not None, urgent_case=urgency.case,
        specialty=_specialty(urgency.case, rule), check_urgency=urgency.check, reasons=reasons,
        matched={**topic.matched, **level_matched, **urgency.matched},
    )


def _specialty(urgent_case: str | None, rule: TopicRule | None) -> str | None:
    if urgent_case in vocab.URGENT_CASES:
        return vocab.URGENT_CASES[urgent_case]["specialty"]
    return rule.specialty if rule else None
