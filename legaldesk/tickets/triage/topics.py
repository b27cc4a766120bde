"""Topic scoring: keyword weights, subject boost, similar questions and the urgent-case pull."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from legaldesk.tickets import vocabulary as vocab
from legaldesk.tickets.triage.normalisation import Text
from legaldesk.tickets.triage.phrases import (
    CompiledTopics,
    Match,
    drop_contained,
    overlaps,
    snippet,
)
from legaldesk.tickets.triage.rules import FALLBACK_TOPIC

MIN_TOPIC_SCORE = 1.5  # below this, nothing really matched: autre
MIN_TOPIC_CONFIDENCE = 0.2  # below this, the winner is a coin toss: autre
SUBJECT_BOOST = 1.5  # a keyword in the subject says more than one in the body
REPEAT_BONUS = 0.25  # each repetition adds a quarter of the weight (at most two)
SELF_DESCRIPTION_FACTOR = 0.5  # "nous sommes une ETT-ESS" describes the sender, not the topic
SIMILAR_WEIGHT = 1.5  # similar answered tickets / notes: a small second signal
SIMILAR_CAP = 2.0
URGENT_TOPIC_BONUS = 3.0  # an urgent case pulls the topic towards its own
MAX_TOPIC_REASONS = 6


@dataclass
class TopicResult:
    """The chosen topic and its confidence, with every topic's score, reasons and matches."""

    code: str
    confidence: float
    scores: dict[str, float]
    reasons: dict[str, list[tuple[float, str]]]
    matched: dict[str, list[str]]
    matches: list[Match]


def _is_self_description(text: Text, match: Match) -> bool:
    previous = [text.tokens[text.full_index[i]].lower for i in range(max(0, match.first - 3),
                                                                      match.first)]
    if not previous:
        return False
    return (previous[-1] in {"sommes", "etant", "suis"} or previous[-2:] == ["on", "est"]
            or previous[-2:] == ["tant", "que"])


def _keyword_scores(text: Text, matches: list[Match]) -> dict[tuple[str, str], list]:
    """(topic, phrase) → [score, snippet]: weight, subject boost, repetitions, self-description."""
    grouped: dict[tuple[str, str], list[Match]] = {}
    for match in matches:
        grouped.setdefault((match.phrase.target, match.phrase.text), []).append(match)
    scored = {}
    for key, group in grouped.items():
        weight = group[0].phrase.weight
        if any(m.first < text.subject_content for m in group):
            weight *= SUBJECT_BOOST
        if all(_is_self_description(text, m) for m in group):
            weight *= SELF_DESCRIPTION_FACTOR
        weight += REPEAT_BONUS * group[0].phrase.weight * min(len(group) - 1, 2)
        scored[key] = [weight, snippet(text, group[0])]
    return scored


def score_topics(text: Text, compiled: CompiledTopics, blocked: list[Match],
                 similar: Sequence[tuple[str, float]], urgent_case: str | None) -> TopicResult:
    """Score every topic on its keywords, similar questions and urgent case; pick the winner."""
    matches = _topic_matches(text, compiled, blocked)
    scores: dict[str, float] = {}
    reasons: dict[str, list[tuple[float, str]]] = {}
    matched: dict[str, list[str]] = {}
    for (code, phrase), (score, words) in _keyword_scores(text, matches).items():
        scores[code] = scores.get(code, 0.0) + score
        reasons.setdefault(code, []).append((score, f"« {words} » ({score:+.1f})"))
        matched.setdefault(f"topic:{code}", []).append(phrase)
    _add_similar(scores, reasons, compiled, similar)
    _add_urgent_bonus(scores, reasons, compiled, urgent_case)
    code, confidence = _pick_topic(scores, compiled)
    return TopicResult(code, confidence, scores, reasons, matched, matches)


def _topic_matches(text: Text, compiled: CompiledTopics, blocked: list[Match]) -> list:
    """Topic keyword matches, longest first, without those inside a false friend of their topic."""
    return [m for m in drop_contained(compiled.index.find(text))
            if not any(overlaps(m, b) and _case_topic(b.phrase.target) == m.phrase.target
                       for b in blocked)]


def _case_topic(case: str) -> str | None:
    spec = vocab.URGENT_CASES.get(case)
    return spec["topic"] if spec else None


def _add_similar(scores: dict, reasons: dict, compiled: CompiledTopics,
                 similar: Sequence[tuple[str, float]]) -> None:
    extra: dict[str, float] = {}
    for code, similarity in similar:
        if code in compiled.rules and code != FALLBACK_TOPIC:
            extra[code] = extra.get(code, 0.0) + SIMILAR_WEIGHT * max(0.0, min(1.0, similarity))
    for code, bonus in extra.items():
        bonus = min(bonus, SIMILAR_CAP)
        scores[code] = scores.get(code, 0.0) + bonus
        reasons.setdefault(code, []).append((bonus, f"questions similaires ({bonus:+.1f})"))


def _add_urgent_bonus(scores: dict, reasons: dict, compiled: CompiledTopics,
                      urgent_case: str | None) -> None:
    code = _case_topic(urgent_case) if urgent_case else None
    if code and code in compiled.rules:
        scores[code] = scores.get(code, 0.0) + URGENT_TOPIC_BONUS
        reasons.setdefault(code, []).append(
            (URGENT_TOPIC_BONUS, f"cas urgent {urgent_case} ({URGENT_TOPIC_BONUS:+.1f})"))


def _pick_topic(scores: dict[str, float], compiled: CompiledTopics) -> tuple[str, float]:
    order = {code: rank for rank, code in enumerate(compiled.rules)}
    ranked = sorted((s, -order.get(c, 0), c) for c, s in scores.items() if c != FALLBACK_TOPIC)
    if not ranked or ranked[-1][0] < MIN_TOPIC_SCORE:
        return FALLBACK_TOPIC, 0.0
    best = ranked[-1][0]
    second = max(ranked[-2][0], 0.0) if len(ranked) > 1 else 0.0
    confidence = round(best / (best + second) * best / (best + 2.0), 3)
    if confidence < MIN_TOPIC_CONFIDENCE:
        return FALLBACK_TOPIC, confidence
    return ranked[-1][2], confidence


def explain_topic(topic: TopicResult) -> list[str]:
    """French reasons for the topic: its strongest contributions, or why it is « autre »."""
    if topic.code == FALLBACK_TOPIC:
        runner_up = max(topic.scores.items(), key=lambda item: item[1], default=None)
        detail = f" (meilleur candidat {runner_up[0]} : {runner_up[1]:.1f})" if runner_up else ""
        return [f"thème autre : aucun thème assez sûr{detail}"]
    contributions = sorted(topic.reasons.get(topic.code, []), reverse=True)
    return [f"thème {topic.code} : {text}" for _, text in contributions[:MAX_TOPIC_REASONS]]
