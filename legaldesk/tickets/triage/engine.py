"""Triage engine: topic, level and urgency of a legal question (pure, explainable, fast)."""

# The text is folded (case, accents, elisions, punctuation), cut into light-stemmed tokens and
# matched against phrase lists compiled once: topic keywords (plain data, usually from the
# `topics` table, cached per rules tuple), urgency triggers, false friends, negations, level
# signals and near dates. Every decision carries French reasons. Nothing here touches the
# database, and the clock only when `now` is omitted.
#
# Modules, each importing only those above it: rules (topic rules), normalisation (tokens),
# phrases (matching, compiled vocabularies), topics, dates (near dates), urgency (triggers and
# deadlines), levels, forwarded (forwarded mail), language (the spaCy pipeline, lazy), cues
# (events told, modality, deadlines on the calendar), learned (the trained classifier), and
# this entry point. The rules decide first; the language layer then vetoes rule triggers whose
# sentence is past and closed, hypothetical, preventive, about a third party's insolvency or an
# accident outside work, and raises urgency for events told without a trigger word; a trained
# model (when given) may raise urgency last.

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from legaldesk.tickets import vocabulary as vocab
from legaldesk.tickets.triage.cues import Reading, read
from legaldesk.tickets.triage.forwarded import split_forwarded
from legaldesk.tickets.triage.levels import decide_level
from legaldesk.tickets.triage.normalisation import analyse, split_subject
from legaldesk.tickets.triage.phrases import Match, compile_topics, fixed_index
from legaldesk.tickets.triage.rules import TopicRule, as_rules
from legaldesk.tickets.triage.topics import explain_topic, score_topics
from legaldesk.tickets.triage.urgency import DEADLINE_CASE, Urgency, detect_urgency

SOCIAL = "droit_social"


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
    specialty_override: bool = False  # the specialty comes from the text (prud'hommes)
    cues: list[str] = field(default_factory=list)  # language cues that decided, in French

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
           now: datetime | None = None, deadline_window_days: int = 5,
           is_working_day: Callable[[date], bool] | None = None, language: bool = True,
           model=None) -> TriageDecision:
    """Suggest topic, level, urgency and specialty for a question, with French reasons.

    `language=False` is the rules-only path (the baseline); `model` is a trained classifier
    (learned.LearnedModel) that may raise urgency; `is_working_day` is the territory's calendar.
    """
    compiled = compile_topics(as_rules(rules))
    subject, text, forwarded = split_forwarded(subject or "", text or "")
    analysed = analyse(*split_subject(subject, text))
    found = _group(fixed_index().find(analysed))
    now = now or datetime.now()
    urgency = detect_urgency(analysed, found, now, deadline_window_days)
    reading = None
    if language:
        reading = read(*analysed.display, now, deadline_window_days,
                       is_working_day or _weekdays)
        _apply_reading(analysed, urgency, reading)
    if model is not None and urgency.case is None:
        _apply_model(model, subject, text, urgency)
    if forwarded:
        urgency.reasons.insert(0, "message transféré : triage sur la question transférée")
    topic = score_topics(analysed, compiled, urgency.blocked, similar_topics, urgency.case)
    rule = compiled.rules.get(topic.code)
    level, level_reasons, level_matched = decide_level(analysed, found, topic, rule,
                                                       urgency.case)
    reasons = explain_topic(topic) + level_reasons + urgency.reasons
    if sender_kind in vocab.NON_MEMBER_KINDS:
        reasons.append("demandeur non adhérent → triage national")
    specialty = _specialty(urgency.case, rule)
    override = bool(reading and reading.specialty and urgency.case not in _OWN_SPECIALTY)
    if override:
        specialty = reading.specialty
        reasons.append("prud'hommes → juriste en droit social")
    return TriageDecision(
        topic=topic.code, topic_confidence=topic.confidence, level=level,
        urgent=urgency.case is not None, urgent_case=urgency.case,
        specialty=specialty, check_urgency=urgency.check, reasons=reasons,
        matched={**topic.matched, **level_matched, **urgency.matched},
        specialty_override=override, cues=urgency.matched.get("language", []),
    )


_OWN_SPECIALTY = frozenset(case for case, spec in vocab.URGENT_CASES.items()
                           if spec["specialty"] != SOCIAL)


def _weekdays(day: date) -> bool:
    return day.weekday() < 5


def _trigger_offset(text, match) -> int:
    token = text.tokens[text.full_index[match.first]]
    if token.source == 0:
        return token.start
    return token.start + (len(text.display[0]) + 2 if text.display[0] else 0)


def _apply_reading(text, urgency: Urgency, reading: Reading) -> None:
    """Veto rule triggers whose every sentence says past, hypothetical, preventive...; raise
    urgency for events told without a trigger word."""
    case = urgency.case
    if case is not None and case != DEADLINE_CASE:
        triggers = [m for m in urgency.triggers if m.phrase.target == case]
        vetoes = [reading.vetoes(case, reading.sentence_at(_trigger_offset(text, m)))
                  for m in triggers]
        if triggers and all(vetoes):
            urgency.case = None
            urgency.check = True
            urgency.reasons.append(f"non urgent ({case}) : {vetoes[0][0]}")
            urgency.matched.setdefault("modality", []).append(vetoes[0][0])
    live = reading.urgent_cases()
    if urgency.case not in (None, DEADLINE_CASE):
        return
    events = {c: cues for c, cues in live.items() if c != DEADLINE_CASE}
    if events:
        order = list(vocab.URGENT_CASE_PRIORITY)
        chosen = max(events, key=lambda c: (sum(cue.weight for cue in events[c]),
                                            -order.index(c) if c in order else -99))
    elif DEADLINE_CASE in live and urgency.case is None:
        chosen = DEADLINE_CASE
    else:
        return
    if urgency.case == DEADLINE_CASE:
        urgency.reasons.append(f"échéance proche aussi signalée ({DEADLINE_CASE})")
    urgency.case = chosen
    urgency.check = True
    words = ", ".join(f"{cue.label} « {cue.words} »" for cue in live[chosen][:4])
    urgency.reasons.append(f"urgent ({chosen}) : lu dans le texte — {words}")
    urgency.matched.setdefault("language", []).extend(cue.label for cue in live[chosen][:4])


def _apply_model(model, subject: str, text: str, urgency: Urgency) -> None:
    """The trained classifier may raise urgency (never lower it) above its threshold."""
    verdict = model.urgent_probability(f"{subject}\n{text}")
    if verdict is None:
        return
    probability, case = verdict
    if probability >= model.threshold:
        urgency.case = case
        urgency.check = True
        urgency.reasons.append(f"urgent ({case}) : modèle appris (p={probability:.2f})")
        urgency.matched.setdefault("model", []).append(f"p={probability:.2f}")


def _specialty(urgent_case: str | None, rule: TopicRule | None) -> str | None:
    if urgent_case in vocab.URGENT_CASES:
        return vocab.URGENT_CASES[urgent_case]["specialty"]
    return rule.specialty if rule else None
