"""Level: first-level or expert, from the topic's default and the expert / first-level signals."""

from __future__ import annotations

from legaldesk.tickets import vocabulary as vocab
from legaldesk.tickets.triage.normalisation import Text
from legaldesk.tickets.triage.phrases import Match, drop_contained, snippet
from legaldesk.tickets.triage.rules import EXPERT, FALLBACK_TOPIC, FIRST_LEVEL, TopicRule
from legaldesk.tickets.triage.topics import TopicResult

EXPERT_UPGRADE = 1.5  # expert signals needed to lift a first-level topic
FIRST_LEVEL_DOWNGRADE = 2.5  # first-level signals needed to lower an expert topic

_TITLES = frozenset({"M", "Mme", "Mlle", "Mr", "Mmes"})


def _named_person(text: Text) -> str | None:
    """« M. Martin », « Mme X »: facts about a named person call for an individual analysis."""
    tokens = text.tokens
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        if (token.raw in _TITLES and following.raw[:1].isupper()
                and following.raw not in {"Madame", "Monsieur"}):
            return f"{token.raw}. {following.raw}"
    return None


def _signal_total(text: Text, matches: list[Match]) -> tuple[float, list[str]]:
    seen: dict[str, Match] = {}
    for match in drop_contained(matches):
        seen.setdefault(match.phrase.text, match)
    total = sum(match.phrase.weight for match in seen.values())
    return total, [snippet(text, match) for match in seen.values()]


def _inside_topic_phrase(signals: list[Match], topic_matches: list[Match]) -> list[Match]:
    """Signals that are part of a longer topic phrase ("dessins et modèles") are not signals."""
    return [signal for signal in signals if not any(
        len(m.phrase.keys) > len(signal.phrase.keys) and m.first <= signal.first
        and signal.last <= m.last for m in topic_matches)]


def decide_level(text: Text, found: dict, topic: TopicResult, rule: TopicRule | None,
                 urgent_case: str | None) -> tuple[str, list[str], dict[str, list[str]]]:
    """Level, its French reasons and the signal words found (urgent cases go to an expert)."""
    found = {kind: _inside_topic_phrase(found.get(kind, []), topic.matches)
             for kind in ("expert", "first_level")}
    expert, expert_words = _signal_total(text, found.get("expert", []))
    person = _named_person(text)
    if person:
        expert += 1.5
        expert_words.append(person)
    first, first_words = _signal_total(text, found.get("first_level", []))
    matched = {key: words for key, words in (("expert", expert_words),
                                             ("first_level", first_words)) if words}
    if urgent_case in vocab.URGENT_CASES:
        return EXPERT, [f"niveau expert : cas urgent {urgent_case}"], matched
    if rule is None or rule.code == FALLBACK_TOPIC:
        return EXPERT, ["niveau expert : thème non reconnu, triage national"], matched
    return _level_from_signals(rule, expert, expert_words, first, first_words) + (matched,)


def _level_from_signals(rule: TopicRule, expert: float, expert_words: list[str], first: float,
                        first_words: list[str]) -> tuple[str, list[str]]:
    quoted_expert = ", ".join(f"« {w} »" for w in expert_words[:4])
    quoted_first = ", ".join(f"« {w} »" for w in first_words[:4])
    if rule.default_level == FIRST_LEVEL:
        if expert >= EXPERT_UPGRADE and expert >= first:
            return EXPERT, [f"niveau expert : signal {quoted_expert}"]
        reasons = [f"niveau premier niveau : défaut du thème {rule.code}"]
        if first_words:
            reasons.append(f"niveau premier niveau : signal {quoted_first}")
        return FIRST_LEVEL, reasons
    if expert == 0 and first >= FIRST_LEVEL_DOWNGRADE:
        return FIRST_LEVEL, [f"niveau premier niveau : demande générale {quoted_first}"]
    reasons = [f"niveau expert : défaut du thème {rule.code}"]
    if expert_words:
        reasons.append(f"niveau expert : signal {quoted_expert}")
    return EXPERT, reasons
