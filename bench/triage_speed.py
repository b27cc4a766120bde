"""Time the triage engine on the example questions: naive scan, the rules-only path (the old
engine, the baseline) and the full path (rules + spaCy language layer + learned model)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.triage_eval import DEFAULT_FILE, load_examples  # noqa: E402
from legaldesk.tickets.triage import learned, normalisation, triage  # noqa: E402
from legaldesk.tickets.triage.evaluation import load_examples as load_labelled  # noqa: E402
from legaldesk.tickets.triage.language import nlp  # noqa: E402
from legaldesk.tickets.triage.phrases import compile_topics, fixed_index  # noqa: E402
from legaldesk.tickets.triage.rules import default_topic_rules, topic_rules_from_dicts  # noqa: E402
from legaldesk.tickets.vocabulary import DEFAULT_TOPICS, URGENT_CASES  # noqa: E402

NOW = datetime(2024, 3, 12, 10)


def naive_scan(text: str, phrases: list[str]) -> list[str]:
    """Baseline: lower-case substring test of every vocabulary phrase."""
    lowered = text.lower()
    return [phrase for phrase in phrases if phrase.lower() in lowered]


def vocabulary_phrases() -> list[str]:
    """Every topic keyword and urgent trigger, as written in vocabulary.py."""
    phrases = [phrase for topic in DEFAULT_TOPICS for phrase in topic["keywords"]]
    phrases += [phrase for case in URGENT_CASES.values() for phrase in case["triggers"]]
    return phrases


def time_calls(function, texts: list[str], calls: int) -> list[float]:
    """Per-call durations in milliseconds, cycling over the texts."""
    durations = []
    for index in range(calls):
        text = texts[index % len(texts)]
        start = time.perf_counter()
        function(text)
        durations.append((time.perf_counter() - start) * 1000)
    return durations


def cold_call_ms(text: str) -> float:
    """First call with every cache emptied: compiling the vocabularies included."""
    compile_topics.cache_clear()
    fixed_index.cache_clear()
    normalisation.phrase_keys.cache_clear()
    normalisation._stem.cache_clear()
    normalisation._word_parts.cache_clear()
    default_topic_rules.cache_clear()
    start = time.perf_counter()
    triage("", text, now=NOW, language=False)
    return (time.perf_counter() - start) * 1000


def summary(label: str, durations: list[float]) -> str:
    """Mean, median, p95 and max of a list of milliseconds."""
    ordered = sorted(durations)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return (f"{label:<34} mean {statistics.fmean(durations):6.3f}  median "
            f"{statistics.median(ordered):6.3f}  p95 {p95:6.3f}  max {ordered[-1]:6.3f} ms")


def main(argv: list[str] | None = None) -> int:
    """Command line: --file questions.yaml, --calls N."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--language-calls", type=int, default=500,
                        help="calls of the spaCy paths (slower)")
    parser.add_argument("--dev", type=Path, default=REPO_ROOT / "bench" / "data" /
                        "triage_dev.yaml", help="more texts (the dev set)")
    args = parser.parse_args(argv)
    texts = [example["text"] for example in load_examples(args.file)]
    if args.dev.exists():
        texts += [example.text for example in load_labelled(args.dev)]
    phrases = vocabulary_phrases()
    print(f"{len(texts)} texts, mean {statistics.fmean(map(len, texts)):.0f} characters, "
          f"{len(phrases)} vocabulary phrases, {args.calls} calls each")
    print(f"cold first call (compiles everything) {cold_call_ms(texts[0]):8.3f} ms")
    rules_as_data = [dict(topic) for topic in DEFAULT_TOPICS]
    runs = {
        "naive substring scan (baseline)": lambda text: naive_scan(text, phrases),
        "rules only (old engine, baseline)": lambda text: triage("", text, now=NOW,
                                                                  language=False),
        "rules only, rules converted each call": lambda text: triage(
            "", text, topic_rules_from_dicts(rules_as_data), now=NOW, language=False),
    }
    for label, function in runs.items():
        print(summary(label, time_calls(function, texts, args.calls)))
    start = time.perf_counter()
    nlp()
    print(f"spaCy model load (once per process)  {(time.perf_counter() - start) * 1000:8.1f} ms")
    model = learned.fit([learned.Labelled(e.text, e.urgent_case or learned.NORMAL)
                         for e in load_labelled(learned.SHIPPED)], now=NOW)
    language_runs = {
        "rules + language (spaCy)": lambda text: triage("", text, now=NOW),
        "rules + language + learned model": lambda text: triage("", text, now=NOW,
                                                                 model=model),
    }
    for label, function in language_runs.items():
        print(summary(label, time_calls(function, texts, args.language_calls)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
