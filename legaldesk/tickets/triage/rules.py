"""Topic rules: the engine's configuration (code, label, default level, specialty, keywords)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from legaldesk.tickets import vocabulary as vocab

FIRST_LEVEL = "first_level"
EXPERT = "expert"
LEVELS = (FIRST_LEVEL, EXPERT)
FALLBACK_TOPIC = "autre"


class _FrozenKeywords(Mapping[str, float]):
    """An immutable, hashable phrase → weight mapping (lets a tuple of rules key a cache)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping[str, float]) -> None:
        self._data = {str(phrase): float(weight) for phrase, weight in items.items()}
        self._hash = hash(frozenset(self._data.items()))

    def __getitem__(self, key: str) -> float:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and self._data == dict(other.items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


@dataclass(frozen=True)
class TopicRule:
    """One topic as the engine sees it: code, label, default level, specialty and keywords."""

    code: str
    label: str
    default_level: str
    specialty: str | None
    keywords: Mapping[str, float]

    def __post_init__(self) -> None:
        if not isinstance(self.keywords, _FrozenKeywords):
            object.__setattr__(self, "keywords", _FrozenKeywords(self.keywords))


def topic_rules_from_dicts(items: Iterable[Mapping]) -> tuple[TopicRule, ...]:
    """Build rules from DEFAULT_TOPICS-like dicts or Topic rows as dicts (inactive ones skipped)."""
    rules = []
    for item in items:
        if not item.get("active", True):
            continue
        code = str(item.get("code") or "").strip()
        level = str(item.get("default_level") or EXPERT)
        if not code:
            raise ValueError("topic rule without code")
        if level not in LEVELS:
            raise ValueError(f"topic {code}: unknown default_level {level!r}")
        keywords = item.get("keywords") or {}
        if not isinstance(keywords, Mapping):
            raise ValueError(f"topic {code}: keywords must map phrases to weights")
        label = item.get("label_fr") or item.get("label") or code
        rules.append(TopicRule(code, str(label), level, item.get("specialty") or None, keywords))
    return tuple(rules)


@functools.cache
def default_topic_rules() -> tuple[TopicRule, ...]:
    """The seed topics of vocabulary.DEFAULT_TOPICS as rules."""
    return topic_rules_from_dicts(vocab.DEFAULT_TOPICS)


def as_rules(rules: Sequence[TopicRule] | Sequence[Mapping] | None) -> tuple[TopicRule, ...]:
    """The rules as a hashable tuple: the defaults for None, converted when given as dicts."""
    if rules is None:
        return default_topic_rules()
    rules = tuple(rules)
    if rules and isinstance(rules[0], Mapping):
        return topic_rules_from_dicts(rules)
    return rules

