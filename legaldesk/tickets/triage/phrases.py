"""Phrase matching on a Text, and the vocabularies compiled once into phrase indexes."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from legaldesk.tickets import vocabulary as vocab
from legaldesk.tickets.triage.normalisation import Text, phrase_keys
from legaldesk.tickets.triage.rules import TopicRule


@dataclass(frozen=True)
class Phrase:
    """A vocabulary phrase: its matching keys, text, kind, target (topic or case) and weight."""

    keys: tuple[str, ...]
    text: str
    kind: str
    target: str
    weight: float
    max_gap: int


@dataclass(frozen=True)
class Match:
    """Where a phrase was found: the first and last content-token indices of a Text."""

    phrase: Phrase
    first: int  # content-token indices
    last: int


def _phrase(text: str, kind: str, target: str = "", weight: float = 1.0,
            max_gap: int = 1) -> Phrase | None:
    keys = phrase_keys(text)
    return Phrase(keys, text, kind, target, float(weight), max_gap) if keys else None


class PhraseIndex:
    """Phrases indexed by their first key; matches allow a few inserted words."""

    def __init__(self, phrases: Iterable[Phrase | None]) -> None:
        self._by_first: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            if phrase is not None:
                self._by_first.setdefault(phrase.keys[0], []).append(phrase)

    def find(self, text: Text) -> list[Match]:
        """Every match of an indexed phrase in the text, in text order."""
        matches = []
        for position, key in enumerate(text.keys):
            for phrase in self._by_first.get(key, ()):
                last = _extend(phrase, text, position)
                if last >= 0:
                    matches.append(Match(phrase, position, last))
        return matches


def _extend(phrase: Phrase, text: Text, first: int) -> int:
    """Index of the phrase's last token when it matches from `first` in one sentence, else -1."""
    current = first
    sentence = text.sentences[first]
    for key in phrase.keys[1:]:
        limit = min(current + 2 + phrase.max_gap, len(text.keys))
        for position in range(current + 1, limit):
            if text.sentences[position] != sentence:
                return -1
            if text.keys[position] == key:
                current = position
                break
        else:
            return -1
    return current


def overlaps(a: Match, b: Match) -> bool:
    """Whether two matches share a content token."""
    return a.first <= b.last and b.first <= a.last


def snippet(text: Text, match: Match) -> str:
    """The original words of a match, for reasons and `matched`."""
    return span_text(text, text.full_index[match.first], text.full_index[match.last])


def span_text(text: Text, first_index: int, last_index: int) -> str:
    """Original text from token to token, with the elided particle just before ("s'est")."""
    first, last = text.tokens[first_index], text.tokens[last_index]
    previous = text.tokens[first_index - 1] if first_index else None
    if previous and previous.elided and previous.source == first.source:
        first = previous
    return " ".join(text.display[last.source][first.start:last.end].split())


def drop_contained(matches: list[Match]) -> list[Match]:
    """Longest match wins: a phrase found inside a longer matched phrase does not count."""
    return [inner for inner in matches if not any(
        len(outer.phrase.keys) > len(inner.phrase.keys)
        and outer.first <= inner.first and inner.last <= outer.last
        for outer in matches)]


# --- compiled vocabularies ------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledTopics:
    """Topic rules by code, with their keywords compiled into a phrase index."""

    rules: dict[str, TopicRule]
    index: PhraseIndex


@functools.lru_cache(maxsize=16)
def compile_topics(rules: tuple[TopicRule, ...]) -> CompiledTopics:
    """Compile a rules tuple once (cached: equal rules share the compiled index)."""
    return CompiledTopics({rule.code: rule for rule in rules},
                          PhraseIndex(_distinct(_topic_phrases(rules))))


def _topic_phrases(rules: tuple[TopicRule, ...]) -> Iterator[Phrase | None]:
    for rule in rules:
        for text, weight in rule.keywords.items():
            yield _phrase(text, "topic", rule.code, weight)


def _distinct(phrases: Iterable[Phrase | None]) -> list[Phrase]:
    """Spellings that fold to the same keys ("copie"/"copié") count once, at the highest weight."""
    best: dict[tuple, Phrase] = {}
    for phrase in phrases:
        if phrase is None:
            continue
        key = (phrase.kind, phrase.target, phrase.keys)
        if key not in best or phrase.weight > best[key].weight:
            best[key] = phrase
    return list(best.values())


def _urgent_phrases() -> Iterator[Phrase | None]:
    for case, spec in vocab.URGENT_CASES.items():
        for text, weight in spec["triggers"].items():
            yield _phrase(text, "urgent", case, weight)
        for text in spec["vetoes"]:
            yield _phrase(text, "veto", case, max_gap=2)
        for text in spec["confirms"]:
            yield _phrase(text, "confirm", case, max_gap=2)
    for item in vocab.FALSE_FRIENDS:
        yield _phrase(item["phrase"], "false_friend", item["blocks"], max_gap=2)


def _signal_phrases() -> Iterator[Phrase | None]:
    yield from (_phrase(text, "deadline") for text in vocab.DEADLINE_WORDS)
    yield from (_phrase(text, "near_date", max_gap=0) for text in vocab.NEAR_DATE_PHRASES)
    yield from (_phrase(text, "generic", max_gap=0) for text in vocab.GENERIC_CUES)
    yield from (_phrase(text, "review") for text in vocab.REVIEW_CUES)
    yield from (_phrase(text, "hypothesis", max_gap=0) for text in vocab.HYPOTHESIS_MARKERS)
    yield from (_phrase(text, "recency", max_gap=0) for text in vocab.RECENCY_MARKERS)
    yield from (_phrase(text, "expert", weight=w)
                for text, w in vocab.EXPERT_SIGNALS.items())
    yield from (_phrase(text, "first_level", weight=w)
                for text, w in vocab.FIRST_LEVEL_SIGNALS.items())


@functools.cache
def fixed_index() -> PhraseIndex:
    """Urgency, level and deadline vocabularies (compiled once per process)."""
    return PhraseIndex(_distinct([*_urgent_phrases(), *_signal_phrases()]))
