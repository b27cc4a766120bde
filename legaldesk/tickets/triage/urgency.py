"""Urgency: urgent-case triggers past negations, false friends, hypotheses and vetoes; deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from legaldesk.tickets import vocabulary as vocab
from legaldesk.tickets.triage.dates import near_dates
from legaldesk.tickets.triage.normalisation import Text
from legaldesk.tickets.triage.phrases import Match, drop_contained, overlaps, snippet, span_text

DEADLINE_CASE = "echeance_proche"

URGENT_THRESHOLD = 1.0
STRONG_TRIGGER = 2.0  # triggers this strong ignore context vetoes
NEGATION_WINDOW = 6  # tokens looked at before a trigger for "pas", "aucun"...
HYPOTHESIS_WINDOW = 4
DEADLINE_PROXIMITY = 15  # content tokens between a deadline word and its near date


@dataclass
class Urgency:
    """What urgency detection found: the case, whether to check it, French reasons and words."""

    blocked: list[Match]  # false-friend spans, also hiding topic keywords of the case
    case: str | None = None
    check: bool = False
    reasons: list[str] = field(default_factory=list)
    matched: dict[str, list[str]] = field(default_factory=dict)
    triggers: list[Match] = field(default_factory=list)  # kept triggers (for the language layer)


def _is_negated(text: Text, match: Match) -> bool:
    """A negation word shortly before the trigger, with nothing that cancels it in between."""
    start = text.full_index[match.first]
    sentence = text.tokens[start].sentence
    window = range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1)
    for position in window:
        token = text.tokens[position]
        if token.sentence != sentence or token.lower in vocab.NEGATION_BREAKERS:
            return False
        if _negates(text, position):
            previous = text.tokens[position - 1].lower if position else ""
            return previous not in vocab.NEGATION_BREAKERS
    return False


def _negates(text: Text, position: int) -> bool:
    word = text.tokens[position].lower
    if word in vocab.NEGATION_WORDS:
        return True
    following = text.tokens[position + 1].lower if position + 1 < len(text.tokens) else ""
    return word in {"personne", "rien"} and following == "ne"


def _is_hypothetical(text: Text, match: Match, markers: list[Match]) -> bool:
    sentence = text.sentences[match.first]
    return any(0 <= match.first - marker.last <= HYPOTHESIS_WINDOW
               and text.sentences[marker.last] == sentence for marker in markers)


def _filter_triggers(text: Text, found: dict[str, list[Match]], urgency: Urgency) -> list:
    """Drop triggers inside false friends, negated, hypothetical or vetoed by their context."""
    blocked = found.get("false_friend", [])
    recent = bool(found.get("recency"))
    kept = []
    for match in drop_contained(found.get("urgent", [])):
        case = match.phrase.target
        words = snippet(text, match)
        friend = next((b for b in blocked if b.phrase.target == case and overlaps(b, match)), None)
        if friend is not None:
            _note(urgency, "false_friend", "faux ami ignoré", snippet(text, friend))
        elif _is_negated(text, match):
            _note(urgency, "negated", "négation ignorée", _negation_snippet(text, match))
        elif (vocab.URGENT_CASES[case]["hypothesis_sensitive"] and not recent
              and _is_hypothetical(text, match, found.get("hypothesis", []))):
            urgency.check = True
            _note(urgency, "hypothesis", "question générale, non urgente", words)
        else:
            kept.append(match)
    return _apply_vetoes(text, kept, found, urgency)


def _negation_snippet(text: Text, match: Match) -> str:
    first = text.full_index[match.first]
    start = max(0, first - NEGATION_WINDOW)
    while start < first and not _negates(text, start):
        start += 1
    if text.tokens[start].source != text.tokens[first].source:
        start = first
    return span_text(text, start, text.full_index[match.last])


def _apply_vetoes(text: Text, kept: list[Match], found: dict, urgency: Urgency) -> list:
    vetoed: dict[str, Match] = {}
    for veto in found.get("veto", []):
        vetoed.setdefault(veto.phrase.target, veto)
    confirmed = {m.phrase.target for m in found.get("confirm", [])}
    result = []
    for match in kept:
        veto = vetoed.get(match.phrase.target)
        if veto and match.phrase.target not in confirmed and match.phrase.weight < STRONG_TRIGGER:
            urgency.check = True
            trigger = snippet(text, match)
            _note(urgency, "veto", f"contexte hors travail (« {snippet(text, veto)} »)",
                  trigger, suffix=" ignoré")
        else:
            result.append(match)
    return result


def _note(urgency: Urgency, key: str, label: str, words: str, suffix: str = "") -> None:
    """Record an ignored trigger: a French reason and the words under `matched[key]`."""
    reason = f"{label} : « {words} »{suffix}"
    if reason not in urgency.reasons:
        urgency.reasons.append(reason)
        urgency.matched.setdefault(key, []).append(words)


def _choose_case(text: Text, triggers: list[Match], urgency: Urgency) -> str | None:
    best_by_phrase: dict[tuple[str, str], Match] = {}
    for match in triggers:
        best_by_phrase.setdefault((match.phrase.target, match.phrase.text), match)
    scores: dict[str, float] = {}
    for (case, _), match in best_by_phrase.items():
        scores[case] = scores.get(case, 0.0) + match.phrase.weight
    detected = [case for case in vocab.URGENT_CASE_PRIORITY
                if scores.get(case, 0.0) >= URGENT_THRESHOLD]
    for (case, phrase), match in best_by_phrase.items():
        urgency.matched.setdefault(f"urgent:{case}", []).append(phrase)
        if case in detected:
            urgency.reasons.append(f"urgent ({case}) : « {snippet(text, match)} »")
    if not detected:
        return None
    return max(detected, key=lambda case: (scores[case], -detected.index(case)))


def detect_urgency(text: Text, found: dict[str, list[Match]], now: datetime,
                   window_days: int) -> Urgency:
    """The urgent case (a trigger's, else a near deadline's) with its reasons and cues."""
    urgency = Urgency(blocked=found.get("false_friend", []))
    triggers = _filter_triggers(text, found, urgency)
    urgency.triggers = triggers
    urgency.case = _choose_case(text, triggers, urgency)
    deadline = _detect_deadline(text, found, now, window_days, urgency)
    if urgency.case is None and deadline:
        urgency.case = DEADLINE_CASE
    elif urgency.case and deadline:
        urgency.reasons.append(f"échéance proche aussi signalée ({deadline})")
    _note_cues(text, found, urgency)
    urgency.check = urgency.check or urgency.case is not None
    return urgency


def _note_cues(text: Text, found: dict[str, list[Match]], urgency: Urgency) -> None:
    triggers = found.get("urgent", [])
    for kind, label in (("generic", "demande d'urgence à vérifier"),
                        ("review", "situation sensible à vérifier")):
        cues = [m for m in found.get(kind, []) if not any(overlaps(m, t) for t in triggers)]
        snippets = _distinct_snippets(text, cues)
        if snippets:
            urgency.check = True
            urgency.matched[kind] = snippets
            urgency.reasons.append(f"{label} : " + ", ".join(f"« {s} »" for s in snippets[:3]))


def _distinct_snippets(text: Text, matches: list[Match]) -> list[str]:
    seen: dict[str, None] = {}
    for match in matches:
        seen.setdefault(snippet(text, match).lower(), None)
    return list(seen)


def _detect_deadline(text: Text, found: dict, now: datetime, window_days: int,
                     urgency: Urgency) -> str | None:
    """A deadline word and a near date close together: « audience » … « jeudi »."""
    blocked = [b for b in found.get("false_friend", []) if b.phrase.target == DEADLINE_CASE]
    deadlines = [m for m in found.get("deadline", [])
                 if not any(overlaps(m, b) for b in blocked) and not _is_negated(text, m)]
    if not deadlines:
        return None
    near = near_dates(text, found, blocked, now.date(), window_days)
    for deadline in deadlines:
        for position, label in near:
            if abs(position - deadline.first) <= DEADLINE_PROXIMITY:
                words = f"« {snippet(text, deadline)} » + « {label} »"
                urgency.matched.setdefault("deadline", []).append(deadline.phrase.text)
                urgency.matched.setdefault("near_date", []).append(label)
                urgency.reasons.append(f"urgent ({DEADLINE_CASE}) : {words}")
                return words
    return None
