"""Triage evaluation: urgency recall/precision, topic, level, urgent-case accuracy on a YAML set."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

DEFAULT_RECEIVED_AT = datetime(2026, 1, 5, 10, 0)  # a Monday, when a question has no received_at


@dataclass(frozen=True)
class Example:
    """One labelled question: text, expected topic, level, urgency, urgent case, receipt time."""

    id: str
    subject: str
    text: str
    topic: str | None
    level: str | None
    urgent: bool
    urgent_case: str | None
    received_at: datetime


@dataclass
class Scores:
    """Counts and the figures computed from them."""

    total: int = 0
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    topic_right: int = 0
    topic_total: int = 0
    level_right: int = 0
    level_total: int = 0
    case_right: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Urgent questions found / urgent questions."""
        positives = self.true_positive + self.false_negative
        return self.true_positive / positives if positives else 1.0

    @property
    def precision(self) -> float:
        """Urgent questions found / questions flagged urgent."""
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    def as_dict(self) -> dict[str, float | int]:
        """The figures, rounded, for printing or JSON."""
        return {
            "questions": self.total,
            "urgency_recall": round(self.recall, 3),
            "urgency_precision": round(self.precision, 3),
            "topic_accuracy": round(self.topic_right / self.topic_total, 3) if self.topic_total
            else 1.0,
            "level_accuracy": round(self.level_right / self.level_total, 3) if self.level_total
            else 1.0,
            "urgent_case_accuracy": round(self.case_right / self.total, 3) if self.total else 1.0,
        }


def _parse_time(value) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if value:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    return DEFAULT_RECEIVED_AT


def examples_from(data: Mapping | list) -> list[Example]:
    """Examples from a parsed YAML document ({examples: [...]} or a bare list)."""
    items = data.get("examples", []) if isinstance(data, Mapping) else data
    result = []
    for number, item in enumerate(items or []):
        urgency = str(item.get("urgency") or "normal")
        result.append(Example(
            id=str(item.get("id") or number), subject=str(item.get("subject") or ""),
            text=str(item.get("text") or ""), topic=item.get("topic"), level=item.get("level"),
            urgent=urgency == "urgent", urgent_case=item.get("urgent_case") or None,
            received_at=_parse_time(item.get("received_at"))))
    return result


def load_examples(path: str | Path) -> list[Example]:
    """Examples from a YAML file in the format of the shared questions.yaml."""
    with open(path, encoding="utf-8") as handle:
        return examples_from(yaml.safe_load(handle) or {})


def evaluate(examples: Iterable[Example], decide: Callable[[Example], object]) -> Scores:
    """Run `decide` (example → TriageDecision-like) over the examples and count."""
    scores = Scores()
    for example in examples:
        decision = decide(example)
        scores.total += 1
        if decision.urgent and example.urgent:
            scores.true_positive += 1
        elif decision.urgent:
            scores.false_positive += 1
            scores.errors.append(f"{example.id} : fausse alerte ({decision.urgent_case})")
        elif example.urgent:
            scores.false_negative += 1
            scores.errors.append(f"{example.id} : urgence manquée ({example.urgent_case})")
        if example.topic:
            scores.topic_total += 1
            scores.topic_right += decision.topic == example.topic
        if example.level:
            scores.level_total += 1
            scores.level_right += decision.level == example.level
        scores.case_right += (decision.urgent_case or None) == example.urgent_case
    return scores
