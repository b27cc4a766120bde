"""Evaluate the triage engine on the example questions: topic, level and urgency accuracy."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from legaldesk.tickets.triage import triage  # noqa: E402

DEFAULT_FILE = REPO_ROOT / ".." / "shared" / "examples" / "questions.yaml"


def load_examples(path: Path) -> list[dict]:
    """The `examples` list of a questions.yaml file."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["examples"]


def evaluate(examples: list[dict], now: datetime) -> dict:
    """Run triage on every example; return counts and the list of misses."""
    counts = {"n": 0, "topic": 0, "level": 0, "case": 0, "tp": 0, "fp": 0, "fn": 0}
    misses = []
    for example in examples:
        decision = triage(example.get("subject", ""), example["text"],
                          sender_kind=example.get("requester"), now=now)
        expected_urgent = example.get("urgency") == "urgent"
        counts["n"] += 1
        counts["topic"] += decision.topic == example["topic"]
        counts["level"] += decision.level == example["level"]
        counts["case"] += decision.urgent_case == example.get("urgent_case")
        counts["tp"] += decision.urgent and expected_urgent
        counts["fp"] += decision.urgent and not expected_urgent
        counts["fn"] += expected_urgent and not decision.urgent
        if _is_miss(decision, example):
            misses.append((example, decision))
    return {"counts": counts, "misses": misses}


def _is_miss(decision, example: dict) -> bool:
    return (decision.topic != example["topic"] or decision.level != example["level"]
            or decision.urgent_case != example.get("urgent_case"))


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.0%}" if whole else "n/a (0 cases)"


def report(result: dict) -> None:
    """Print the figures and every miss with the engine's reasons."""
    counts = result["counts"]
    total = counts["n"]
    print(f"examples            : {total}")
    print(f"topic accuracy      : {_ratio(counts['topic'], total)}")
    print(f"level accuracy      : {_ratio(counts['level'], total)}")
    print(f"urgency recall      : {_ratio(counts['tp'], counts['tp'] + counts['fn'])}")
    print(f"urgency precision   : {_ratio(counts['tp'], counts['tp'] + counts['fp'])}")
    print(f"urgent_case accuracy: {_ratio(counts['case'], total)}")
    for example, decision in result["misses"]:
        print(f"\nMISS {example['id']}: expected {example['topic']}/{example['level']}/"
              f"{example.get('urgent_case')}, got {decision.topic}/{decision.level}/"
              f"{decision.urgent_case} (confidence {decision.topic_confidence})")
        for reason in decision.reasons:
            print(f"    - {reason}")


def main(argv: list[str] | None = None) -> int:
    """Command line: --file questions.yaml, --now ISO date used for relative deadlines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--now", type=datetime.fromisoformat, default=datetime(2024, 3, 12, 10))
    args = parser.parse_args(argv)
    report(evaluate(load_examples(args.file), args.now))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
